"""The map screen in a real browser: layers drawn, filters narrowing them, URLs, offline."""

from __future__ import annotations

import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.data import view_for
from dashboard.table import in_view
from tests.integration.conftest import callbacks_requested, outside_hosts, requested_urls


def stat(dash_duo, name: str) -> str:
    return dash_duo.find_element(f"#stat-{name}").text


def wait_stat(dash_duo, name: str, expected: str) -> None:
    dash_duo.wait_for_text_to_equal(f"#stat-{name}", expected, timeout=10)


def count_drawn(dash_duo, selector: str) -> int:
    return len(dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#map {selector}"))


def wait_for_map(dash_duo) -> None:
    # Country paths appear once plotly.js has read the TopoJSON from /assets/topojson/.
    dash_duo.wait_for_element("#map .choroplethlayer path", timeout=20)


def choose_region(dash_duo, label: str) -> None:
    dash_duo.find_element("#region").click()
    search = dash_duo.wait_for_element(".dash-dropdown-search", timeout=5)
    search.send_keys(label)
    # The list re-renders while it filters: find the option afresh until a click lands.
    find = (
        "return [...document.querySelectorAll('[role=option]')]"
        ".find(o => o.textContent.trim().startsWith(arguments[0])) || null;"
    )
    for _ in range(20):
        option = WebDriverWait(dash_duo.driver, 5).until(lambda driver: driver.execute_script(find, label))
        try:
            option.click()
            break
        except StaleElementReferenceException:
            continue
    search.send_keys(Keys.ESCAPE)


def test_map001_draws_all_countries(dash_duo, atlas_app):
    from dashboard.data import loaded

    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    # The first view comes whole with the page: no round trip renders the map on load.
    assert not [out for out in callbacks_requested(dash_duo.driver) if "map.figure" in out]
    drawable = loaded().atlas.countries["label_lon"].notna().sum()
    # Every country with a shape is drawn once in the choropleth (tiers, not ranked, no data).
    paths = dash_duo.driver.execute_script(
        "return document.querySelectorAll('#map .choroplethlayer path.choroplethlocation').length"
    )
    assert paths >= drawable
    assert stat(dash_duo, "programs") == "7"
    assert stat(dash_duo, "routes") == "6"
    assert "7 programs at 13 sites in 12 countries" in dash_duo.find_element("#summary").text
    assert dash_duo.get_logs() == []


def test_map002_rcm_members_narrow_programs_and_routes(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    choose_region(dash_duo, "RCM members")
    # RCM: USA (return program), Costa Rica (RCM workshops), Mexico ($50M initiative); DOM -> ARG.
    wait_stat(dash_duo, "programs", "3")
    wait_stat(dash_duo, "routes", "1")
    summary = dash_duo.find_element("#summary").text
    assert "RCM members" in summary
    assert "3 programs at 3 sites in 3 countries" in summary
    assert "region=rcm" in dash_duo.driver.current_url
    dash_duo.wait_for_element('#download-programs[href$="/download/programs.csv?region=rcm"]', timeout=5)
    # The tables hold every row and show those in view: the three sites and the one route.
    WebDriverWait(dash_duo.driver, 5).until(lambda driver: grid_rows(driver, "programs-grid") == 3)
    WebDriverWait(dash_duo.driver, 5).until(lambda driver: grid_rows(driver, "routes-grid") == 1)
    # The map draws the same sites as the table lists (the rest keep their place, undrawn).
    with atlas_app.server.app_context():
        expected = sorted(i for i in in_view(view_for("?region=rcm")) if i.startswith("program:"))
    assert len(expected) == 3
    WebDriverWait(dash_duo.driver, 5).until(lambda driver: driver.execute_script(DRAWN_SITES) == expected)
    assert dash_duo.get_logs() == []


# The ids of the program sites the map draws (points with coordinates), sorted.
DRAWN_SITES = """
const ids = new Set();
for (const t of document.querySelector('#map .js-plotly-plot').data) {
  if (t.type !== 'scattergeo' || t.legendgroup !== 'programs' || !t.customdata) continue;
  t.lon.forEach((x, i) => {
    const c = t.customdata[i];
    if (x !== null && x !== undefined) ids.add(Array.isArray(c) ? c[c.length - 1] : c);
  });
}
return [...ids].sort();
"""


def grid_rows(driver, grid_id: str) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, f"#{grid_id} .ag-center-cols-container .ag-row"))


def test_map003_program_type_narrows_sites(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    before = count_drawn(dash_duo, "g.trace.scattergeo path.point")
    dash_duo.find_element("#type input[value='regional-dialogue']").click()
    # Regional dialogue: the RCM workshops (San José), the Bali Process and the IGC.
    wait_stat(dash_duo, "programs", "3")
    time.sleep(0.5)
    after = count_drawn(dash_duo, "g.trace.scattergeo path.point")
    assert after < before
    assert "type=regional-dialogue" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_map004_url_opens_its_view(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?region=bali-process&type=protection")
    wait_for_map(dash_duo)
    # Protection in Bali Process countries: the Indonesia program, and the $50M initiative in
    # Cambodia, India and Indonesia.
    wait_stat(dash_duo, "programs", "2")
    assert "2 programs at 4 sites in 3 countries" in dash_duo.find_element("#summary").text
    assert dash_duo.find_element("#type input[value='protection']").is_selected()
    assert "Bali Process members" in dash_duo.find_element("#region").text
    assert dash_duo.find_element("#notice").text == ""
    assert dash_duo.get_logs() == []


def test_map005_bad_url_falls_back_with_notice(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?region=atlantis&year=19x7&indicator=<script>")
    wait_for_map(dash_duo)
    notice = dash_duo.find_element("#notice").text
    assert "Unknown region 'atlantis' ignored." in notice
    assert "Unknown indicator '<script>'" in notice
    assert stat(dash_duo, "programs") == "7"
    assert dash_duo.get_logs() == []


def test_map006_no_request_leaves_the_app(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    requested_urls(dash_duo.driver)  # drop what came before the page
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?region=rcm")
    wait_for_map(dash_duo)
    dash_duo.find_element("#type input[value='protection']").click()
    wait_stat(dash_duo, "programs", "1")  # the $50M initiative in Mexico
    urls = requested_urls(dash_duo.driver)
    assert any(u.endswith("/assets/topojson/world_50m.json") for u in urls)
    assert any("/_dash-update-component" in u for u in urls)
    assert outside_hosts(urls) == []
    assert dash_duo.get_logs() == []


# Each arrow head drawn on the map, with the way its route runs on the screen there (from the
# point before it on its trace): [arrow's angle, route's angle] in degrees.
ARROW_HEADS = """
const out = [];
const at = (p) => (p.getAttribute('transform') || '').match(/translate\\(([-\\d.e]+),\\s*([-\\d.e]+)\\)/);
document.querySelectorAll('#map g.trace.scattergeo').forEach((points) => {
  const all = [...points.querySelectorAll(':scope > path.point')];
  all.forEach((p, i) => {
    const v = (p.getAttribute('d') || '').match(/^M0,0L([-\\d.e]+),([-\\d.e]+)L([-\\d.e]+),([-\\d.e]+)Z$/);
    const here = at(p), before = i > 0 ? at(all[i - 1]) : null;
    if (!v || !here || !before || (+v[1] === 0 && +v[2] === 0)) return;
    const tip = Math.atan2(-(+v[2] + +v[4]) / 2, -(+v[1] + +v[3]) / 2);
    const run = Math.atan2(here[2] - before[2], here[1] - before[1]);
    out.push([tip * 180 / Math.PI, run * 180 / Math.PI]);
  });
});
return out;
"""


def test_map007_arrow_heads_point_along_their_routes(dash_duo, atlas_app):
    """plotly.js 4.1.1 turns the arrow heads of the first geo trace only (the rest point east); the
    vendored bundle is patched (scripts/rebuild_derived.py fix_marker_angles)."""
    dash_duo.start_server(atlas_app)
    wait_for_map(dash_duo)
    heads = dash_duo.driver.execute_script(ARROW_HEADS)
    assert len(heads) >= 4
    off = [(round(tip), round(run)) for tip, run in heads if abs((tip - run + 180) % 360 - 180) > 15]
    assert off == []
