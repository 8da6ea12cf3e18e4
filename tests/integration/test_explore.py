"""Exploring in a real browser: profiles, the table in step with the map, time, keyboard, axe-core."""

from __future__ import annotations

import json
import time
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.integration.test_map import wait_for_map

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# The first path of the choropleth drawn for a country (its datum carries the ISO3 code).
FIND_COUNTRY = """
const wanted = arguments[0];
for (const path of document.querySelectorAll('#map path.choroplethlocation')) {
  if (path.__data__ && path.__data__.loc === wanted) return path;
}
return null;
"""
# The marker drawn for a program site or route (its trace's customdata names it).
FIND_MARKER = """
const wanted = arguments[0];
for (const group of document.querySelectorAll('#map g.trace.scattergeo')) {
  const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
  if (!trace || !trace.customdata) continue;
  for (const point of group.querySelectorAll('path.point')) {
    const d = point.__data__;
    const data = d && trace.customdata[d.i];  // an id, or a row of hover fields ending with one
    if (data && (Array.isArray(data) ? data[data.length - 1] : data) === wanted) return point;
  }
}
return null;
"""


def click_like_a_user(driver, element) -> None:
    """A real mouse click at the element's centre, on whatever layer is on top (plotly's drag
    layer receives clicks on the map and finds the country or marker under the pointer)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    # plotly picks what is under the pointer on mouse move (throttled): let it settle before the click.
    ActionChains(driver).move_to_element(element).pause(0.4).click().perform()


TRACE_NAMES = "return document.querySelector('#map .js-plotly-plot').data.map(t => t.name);"


def test_explore001_clicking_a_country_opens_its_profile(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    ghana = dash_duo.driver.execute_script(FIND_COUNTRY, "GHA")
    assert ghana is not None
    click_like_a_user(dash_duo.driver, ghana)
    dash_duo.wait_for_text_to_equal("#profile-title", "Ghana", timeout=10)
    profile = dash_duo.find_element("#profile").text
    assert "Lake Volta child fishing project" in profile
    assert "People assisted: 1,500" in profile
    assert "Internal, within Ghana: forced labour" in profile
    assert "TIP Report tier placement: Tier 2 (2007)" in profile
    assert "country=GHA" in dash_duo.driver.current_url
    # Esc returns to the overview.
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    dash_duo.wait_for_no_elements("#profile-title", timeout=10)
    assert "country=" not in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_explore002_profile_from_the_searchable_list_and_its_url(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?country=IDN")
    wait_for_map(dash_duo)
    dash_duo.wait_for_text_to_equal("#profile-title", "Indonesia", timeout=10)
    profile = dash_duo.find_element("#profile").text
    assert "Protection, return and reintegration of trafficking victims in Indonesia" in profile
    assert "President's $50 million initiative" in profile
    assert "Origin, to Malaysia: sexual exploitation" in profile
    assert "Bali Process members (as of 2023)" in profile
    dash_duo.find_element("#profile-close").click()
    dash_duo.wait_for_no_elements("#profile-title", timeout=10)
    assert dash_duo.get_logs() == []


def test_explore003_table_and_map_stay_in_step(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    # A row chosen in the table is highlighted on the map ...
    cell = dash_duo.wait_for_element("#programs-grid .ag-row[row-id='program:gha-lake-volta'] .ag-cell", timeout=10)
    click_like_a_user(dash_duo.driver, cell)
    dash_duo.wait_for_contains_text("#summary", "Map of the world", timeout=5)
    deadline = time.time() + 10
    while "Selected" not in dash_duo.driver.execute_script(TRACE_NAMES) and time.time() < deadline:
        time.sleep(0.2)
    assert "Selected" in dash_duo.driver.execute_script(TRACE_NAMES)
    assert "select=program%3Agha-lake-volta" in dash_duo.driver.current_url or (
        "select=program:gha-lake-volta" in dash_duo.driver.current_url
    )
    # ... and a site clicked on the map is selected in the table.
    marker = dash_duo.driver.execute_script(FIND_MARKER, "program:dialogue-igc")
    assert marker is not None
    click_like_a_user(dash_duo.driver, marker)
    dash_duo.wait_for_element("#programs-grid .ag-row-selected[row-id='program:dialogue-igc']", timeout=10)
    previous = "#programs-grid .ag-row-selected[row-id='program:gha-lake-volta']"
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, previous)
    assert dash_duo.get_logs() == []


def test_explore004_table_search_narrows_rows(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    rows = "#programs-grid .ag-center-cols-container .ag-row"
    dash_duo.wait_for_element(rows, timeout=10)
    deadline = time.time() + 10
    while len(dash_duo.driver.find_elements(By.CSS_SELECTOR, rows)) < 13 and time.time() < deadline:
        time.sleep(0.2)
    before = len(dash_duo.driver.find_elements(By.CSS_SELECTOR, rows))
    dash_duo.find_element("#table-search").send_keys("Geneva")
    deadline = time.time() + 10
    while len(dash_duo.driver.find_elements(By.CSS_SELECTOR, rows)) != 1 and time.time() < deadline:
        time.sleep(0.2)
    assert before == 13
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, rows)) == 1
    assert dash_duo.get_logs() == []


def test_explore005_play_advances_the_year(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?indicator=life-expectancy&year=1952")
    wait_for_map(dash_duo)
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_contains_text("#summary", "in 1957", timeout=10)
    dash_duo.wait_for_contains_text("#summary", "in 1962", timeout=10)
    dash_duo.find_element("#play").click()  # pause
    assert "year=19" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def focus_path(driver, presses: int) -> list[str]:
    """Where the focus goes, TAB by TAB: the id of the control (or its region) focused."""
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.focus();")
    seen = []
    for _ in range(presses):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        seen.append(
            driver.execute_script("""
            const el = document.activeElement;
            const owner = el.closest('[id]');
            const style = getComputedStyle(el);
            const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                         || style.boxShadow !== 'none';
            return (owner ? owner.id : el.tagName) + (ring ? '' : ' (no visible focus)');
        """)
        )
    return seen


def test_explore006_keyboard_reaches_filters_profiles_and_table(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    seen = focus_path(dash_duo.driver, 60)
    reached = " | ".join(seen)
    assert any(s.startswith("region") for s in seen), reached
    assert any(s.startswith("country") for s in seen), reached
    assert any(s.startswith("programs-grid") for s in seen), reached
    assert not [s for s in seen if s.startswith(("region", "country", "type", "programs-grid")) and "no visible" in s]
    assert dash_duo.get_logs() == []


def run_axe(driver) -> list[dict]:
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)));
    """)
    return [v for v in json.loads(result) if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    )


def test_explore007_axe_finds_no_serious_violations(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    dash_duo.driver.set_script_timeout(60)
    violations = run_axe(dash_duo.driver)
    assert violations == [], describe(violations)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?country=IDN")
    wait_for_map(dash_duo)
    dash_duo.wait_for_text_to_equal("#profile-title", "Indonesia", timeout=10)
    violations = run_axe(dash_duo.driver)
    assert violations == [], describe(violations)
