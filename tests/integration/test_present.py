"""Presenting and sharing in a real browser: presenter mode, the deck, image exports."""

from __future__ import annotations

import os
import struct
import time

from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.integration.test_map import wait_for_map
from tests.integration.test_presenter_fit import set_inner_size

# 8050 as dash.testing's default; ATLAS_TEST_PORT serves them elsewhere (beside other test runs).
PORT = int(os.environ.get("ATLAS_TEST_PORT", "8050"))


def click(driver, element) -> None:
    """A real click on ``element``, scrolled into view. The map is drawn before the lazy components
    (the tables, dcc.Upload) arrive, and they move the page: where it moved under the pointer, scroll
    and click again."""
    for attempt in range(20):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == 19:
                raise
            time.sleep(0.2)


def font_px(driver, selector: str) -> float:
    return float(
        driver.execute_script(f"return parseFloat(getComputedStyle(document.querySelector('{selector}')).fontSize)")
    )


def press(driver, key: str) -> None:
    ActionChains(driver).send_keys(key).perform()


def test_present001_presenter_mode_hides_controls_and_enlarges_type(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    # Presenter type is sized to the screen: hold it at a projector's (headless full screen is 800x600).
    set_inner_size(dash_duo.driver, 1920, 1080)
    wait_for_map(dash_duo)
    aside = dash_duo.find_element(".atlas-aside")
    assert aside.is_displayed()
    title_before = font_px(dash_duo.driver, "#view-title")
    key_before = font_px(dash_duo.driver, ".atlas-key li")
    press(dash_duo.driver, "p")
    dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
    assert not aside.is_displayed()
    assert not dash_duo.find_element(".atlas-tables").is_displayed()
    assert dash_duo.find_element("#legend").is_displayed()
    assert dash_duo.find_element("#source-line").is_displayed()
    assert "Sources: " in dash_duo.find_element("#source-line").text
    assert font_px(dash_duo.driver, "#view-title") >= 1.8 * title_before
    assert font_px(dash_duo.driver, ".atlas-key li") >= 1.3 * key_before
    press(dash_duo.driver, "p")
    dash_duo.wait_for_text_to_equal("#present", "Present (P)", timeout=5)
    assert aside.is_displayed()
    assert dash_duo.get_logs() == []


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def wait_for_download(folder: str, suffix: str, timeout: float = 20) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [f for f in os.listdir(folder) if f.endswith(suffix)]
        if done:
            return os.path.join(folder, done[0])
        time.sleep(0.3)
    raise AssertionError(f"no {suffix} file in {folder}: {os.listdir(folder)}")


def test_present002_map_image_exports_at_presentation_size(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?region=rcm")
    wait_for_map(dash_duo)
    click(dash_duo.driver, dash_duo.find_element("#export-png"))
    dash_duo.wait_for_contains_text("#export-done", "Saved", timeout=20)
    png = wait_for_download(dash_duo.download_path, ".png")
    width, height = png_size(png)
    assert (width, height) == (1920, 1080)
    click(dash_duo.driver, dash_duo.find_element("#export-svg"))
    svg = wait_for_download(dash_duo.download_path, ".svg")
    text = open(svg, encoding="utf-8").read()
    # The image carries the view's title, the key and the source line.
    assert "RCM members" in text and "Tier 2 Watch List" in text and "Sources:" in text
    assert dash_duo.get_logs() == []


def test_present003_right_arrow_steps_through_the_deck(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    click(dash_duo.driver, dash_duo.find_element("#deck-example"))
    dash_duo.wait_for_contains_text("#deck-message", "Loaded 10 views", timeout=10)
    press(dash_duo.driver, "p")
    dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
    press(dash_duo.driver, Keys.ARROW_RIGHT)  # view 1: the overview
    dash_duo.wait_for_contains_text("#view-title", "fact sheet", timeout=10)
    press(dash_duo.driver, Keys.ARROW_RIGHT)  # view 2: Lake Volta
    dash_duo.wait_for_contains_text("#view-title", "Lake Volta", timeout=10)
    dash_duo.wait_for_text_to_equal("#profile-title", "Ghana", timeout=10)
    assert "country=GHA" in dash_duo.driver.current_url
    # The map shows that view: Western Africa, with the Lake Volta site selected.
    names = dash_duo.driver.execute_script(
        "return document.querySelector('#map .js-plotly-plot').data.map(t => t.name);"
    )
    assert "Selected" in names
    press(dash_duo.driver, Keys.PAGE_DOWN)  # clickers send Page Down: view 3
    dash_duo.wait_for_contains_text("#view-title", "Indonesia", timeout=10)
    press(dash_duo.driver, Keys.PAGE_UP)
    dash_duo.wait_for_contains_text("#view-title", "Lake Volta", timeout=10)
    assert dash_duo.get_logs() == []


def test_present004_a_malformed_deck_is_refused_and_the_deck_kept(dash_duo, atlas_app, tmp_path):
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    click(dash_duo.driver, dash_duo.find_element("#deck-example"))
    dash_duo.wait_for_contains_text("#deck-message", "Loaded 10 views", timeout=10)
    bad = tmp_path / "broken.json"
    bad.write_text('{"version": 1, "views": [{"title": "RCM", "state": {"regoin": "rcm"}}]}', encoding="utf-8")
    upload = dash_duo.wait_for_element("#deck-upload input[type=file]", timeout=20)  # a lazy component
    upload.send_keys(str(bad))
    dash_duo.wait_for_contains_text("#deck-message", 'unknown parameter "regoin"', timeout=10)
    assert "Your deck is unchanged." in dash_duo.find_element("#deck-message").text
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#deck-list li")) == 10
    assert dash_duo.get_logs() == []
