"""The exported HTML file in headless Chromium with the network blocked: Leaflet draws the map."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.conftest import chromium_options
from tests.unit.test_export_html import SCRIPT_NAME, Exporter, with_program_name

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ATLAS_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = Path(os.environ.get("ATLAS_EXPORT_SCREENSHOT", "/tmp/export-world.png"))


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium that cannot reach any host: names do not resolve and the proxy is a closed port."""
    options = chromium_options("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")
    driver = webdriver.Chrome(options=options)
    # The page itself at 1920x1080, whatever the window's own bars take.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    yield driver
    driver.quit()


def open_export(driver: webdriver.Chrome, page: str, path: Path) -> None:
    path.write_text(page, encoding="utf-8")
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get_log("browser")
    driver.get(path.as_uri())
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.querySelectorAll('path.leaflet-interactive').length") > 100
    )


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def count(driver: webdriver.Chrome, selector: str) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, selector))


@pytest.fixture(scope="module")
def bundled() -> Exporter:
    from geodata import load_atlas

    return Exporter(load_atlas())


def sites_in(exporter: Exporter, query: str) -> int:
    """Markers the view should show: one per program site and program type."""
    view = exporter.view(query)
    wanted = set(view.state.types) or None
    return sum(len([t for t in types if wanted is None or t in wanted]) for types in view.programs["types"])


def test_export001_world_renders_offline(browser, bundled: Exporter, tmp_path: Path) -> None:
    path = tmp_path / "atlas world.html"
    open_export(browser, bundled.page(""), path)
    assert count(browser, ".leaflet-container") == 1
    countries = count(browser, ".leaflet-overlay-pane path.leaflet-interactive")
    assert countries > 200  # every country shape, plus the routes
    assert count(browser, ".atlas-site") == sites_in(bundled, "") == 25
    # Open: sites named only by country, USA's return program (one type) and the $50M initiative
    # in seven countries (two types each).
    assert count(browser, ".atlas-site-open") == 15
    assert count(browser, ".atlas-arrow") == 4  # KHM->THA, DOM->ARG, IDN->MYS twice
    assert count(browser, "path.atlas-route") == 5  # four arcs and Ghana's ring
    assert count(browser, ".atlas-legend li") >= 10
    assert "Sources:" in browser.find_element(By.CSS_SELECTOR, ".atlas-sources").text
    # Nothing but the file itself and inline data was requested; nothing went wrong.
    urls = requested_urls(browser)
    assert urls and all(u == path.as_uri() or u.startswith("data:") for u in urls), urls
    assert [log for log in browser.get_log("browser") if log["level"] == "SEVERE"] == []
    browser.save_screenshot(str(SCREENSHOT))


def test_export002_region_fits_its_countries(browser, bundled: Exporter, tmp_path: Path) -> None:
    open_export(browser, bundled.page("?region=rcm"), tmp_path / "rcm.html")
    assert count(browser, ".atlas-site") == sites_in(bundled, "?region=rcm") == 5
    # The view opens on the region: Mexico City's site is on screen, Ghana's are not drawn at all.
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('.atlas-site')).filter(function (el) {"
        "  var r = el.getBoundingClientRect();"
        "  return r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight; }).length"
    )
    assert visible == 5
    assert all(u.startswith(("file:", "data:")) for u in requested_urls(browser))
    assert [log for log in browser.get_log("browser") if log["level"] == "SEVERE"] == []


def test_export003_popup_shows_escaped_data_as_text(browser, tmp_path: Path) -> None:
    from geodata import load_atlas

    exporter = Exporter(load_atlas(with_program_name(tmp_path, "rcm-capacity-building", SCRIPT_NAME)))
    open_export(browser, exporter.page("?region=rcm"), tmp_path / "escaped.html")
    marker = browser.find_element(By.CSS_SELECTOR, ".atlas-site-capacity-building")
    browser.execute_script("arguments[0].click()", marker)
    # Visible text, once the popup has faded in.
    text = WebDriverWait(browser, 5).until(
        lambda d: "".join(e.text for e in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"))
    )
    # The name reads as typed: neither run nor shown as entities.
    assert SCRIPT_NAME in text
    assert "&lt;" not in text
    assert count(browser, ".leaflet-popup-content script") == 0
    assert "Capacity building" in text
    assert [log for log in browser.get_log("browser") if log["level"] == "SEVERE"] == []
