"""Presenter mode fills the projector's screen: title, key and source line whole, the map in the rest.

These tests serve the app on port 8093 (the other browser tests use 8050).
"""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from tests.integration.test_map import wait_for_map

PORT = 8093
SCREENS = [(1920, 1080), (1280, 800), (1024, 768)]

# The rectangles (left, top, right, bottom) of what presenter mode shows, and the key's overflow.
MEASURE = """
const rect = (selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const r = element.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom];
};
const key = document.getElementById("legend");
return {
  viewport: [innerWidth, innerHeight],
  title: rect("#view-title"),
  key: rect("#legend"),
  source: rect("#source-line"),
  map: rect("#map"),
  plot: rect("#map .main-svg"),
  keyClipped: key.scrollHeight > key.clientHeight + 1 || key.scrollWidth > key.clientWidth + 1,
  titleFont: parseFloat(getComputedStyle(document.getElementById("view-title")).fontSize),
  keyFont: parseFloat(getComputedStyle(document.querySelector("#legend li")).fontSize),
};
"""


def set_inner_size(driver, width: int, height: int) -> None:
    """The page's viewport at exactly ``width`` x ``height`` (the window's chrome taken off)."""
    driver.set_window_size(width, height)
    inner_width, inner_height = driver.execute_script("return [innerWidth, innerHeight]")
    driver.set_window_size(2 * width - inner_width, 2 * height - inner_height)
    # Presenter mode asks for full screen, which a headless window makes its 800x600 screen: the
    # viewport (and the screen) are held at the projector's size through the DevTools protocol.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": height,
            "screenWidth": width,
            "screenHeight": height,
            "deviceScaleFactor": 1,
            "mobile": False,
        },
    )
    assert driver.execute_script("return [innerWidth, innerHeight]") == [width, height]


def settled(driver, timeout: float = 10) -> dict:
    """The measurements once the key is fitted and plotly has redrawn to the map's box."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        now = driver.execute_script(MEASURE)
        same_box = now["plot"] is not None and all(abs(a - b) < 2 for a, b in zip(now["plot"], now["map"], strict=True))
        if same_box and now == last:
            return now
        last = now
        time.sleep(0.4)
    raise AssertionError(f"the layout did not settle: {last}")


def inside(rect: list[float], viewport: list[int]) -> bool:
    left, top, right, bottom = rect
    return left >= 0 and top >= 0 and right <= viewport[0] + 0.5 and bottom <= viewport[1] + 0.5


def free_rectangle(m: dict) -> tuple[float, float, float, float]:
    """The room the title, the key and the source line leave: under the title, above the source
    line, and left of the key when it stands beside the map (above it when it is under)."""
    width, _ = m["viewport"]
    top, bottom, right = m["title"][3], m["source"][1], float(width)
    key_left, key_top = m["key"][0], m["key"][1]
    if key_top >= m["map"][3] - 1:  # the key under the map
        bottom = min(bottom, key_top)
    else:
        right = key_left
    return 0.0, top, right, bottom


def area(rect: tuple[float, float, float, float] | list[float]) -> float:
    left, top, right, bottom = rect
    return max(0.0, right - left) * max(0.0, bottom - top)


def check_fits(driver, width: int, height: int) -> dict:
    m = settled(driver)
    assert m["viewport"] == [width, height]
    for part in ("title", "key", "source"):
        assert inside(m[part], m["viewport"]), f"{part} {m[part]} outside {m['viewport']}"
    assert not m["keyClipped"], "the key's content overflows its box"
    free = free_rectangle(m)
    plot = m["plot"]
    used = (max(plot[0], free[0]), max(plot[1], free[1]), min(plot[2], free[2]), min(plot[3], free[3]))
    assert area(used) >= 0.85 * area(free), f"map {plot} uses {area(used) / area(free):.0%} of {free}"
    return m


def present(dash_duo, width: int, height: int) -> dict:
    """Enter presenter mode at a screen size, check the fit, leave it again."""
    set_inner_size(dash_duo.driver, width, height)
    ActionChains(dash_duo.driver).send_keys("p").perform()
    dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
    measured = check_fits(dash_duo.driver, width, height)
    ActionChains(dash_duo.driver).send_keys("p").perform()
    dash_duo.wait_for_text_to_equal("#present", "Present (P)", timeout=5)
    return measured


def test_pres001_presenter_mode_fills_each_screen(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    for width, height in SCREENS:
        measured = present(dash_duo, width, height)
        if (width, height) == (1920, 1080):
            # Type for a 3 m screen seen from 15 m: cap heights of about 27 px (title) and 20 px (key).
            assert measured["titleFont"] >= 36
            assert measured["keyFont"] >= 26
    assert dash_duo.get_logs() == []


def test_pres002_an_open_profile_keeps_the_key(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?country=IDN")
    wait_for_map(dash_duo)
    dash_duo.wait_for_text_to_equal("#profile-title", "Indonesia", timeout=10)
    for width, height in SCREENS:
        set_inner_size(dash_duo.driver, width, height)
        ActionChains(dash_duo.driver).send_keys("p").perform()
        dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
        check_fits(dash_duo.driver, width, height)
        assert dash_duo.find_element("#legend").is_displayed()
        assert dash_duo.find_element("#profile-title").text == "Indonesia"
        ActionChains(dash_duo.driver).send_keys("p").perform()
        dash_duo.wait_for_text_to_equal("#present", "Present (P)", timeout=5)
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_pres003_normal_mode_map_uses_the_width(dash_duo, atlas_app, size):
    """No band of blank page under the map: the key follows it directly, and map, key and source
    line are on the first screen."""
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    set_inner_size(dash_duo.driver, *size)
    m = settled(dash_duo.driver)
    assert m["key"][1] - m["map"][3] < 20
    assert m["source"][3] <= size[1]
    main = dash_duo.driver.execute_script("return document.querySelector('.atlas-main').clientWidth")
    assert m["map"][2] - m["map"][0] >= 0.9 * main
    assert dash_duo.get_logs() == []


# What the room sees of the map: every route line's width and dash lengths, every program
# marker's width (px, as drawn), and the cap height of the title, the key and the source line.
ROOM = """
const lines = [], dashes = [], markers = [];
document.querySelectorAll("#map g.trace.scattergeo").forEach((g) => {
  const trace = g.__data__ && g.__data__[0] && g.__data__[0].trace;
  if (!trace) return;
  g.querySelectorAll("path.js-line").forEach((p) => {
    if (!p.getAttribute("d")) return;
    const style = getComputedStyle(p);
    lines.push(parseFloat(style.strokeWidth));
    if (style.strokeDasharray !== "none") style.strokeDasharray.split(",").forEach((d) => dashes.push(parseFloat(d)));
  });
  if (trace.legendgroup === "programs") g.querySelectorAll("path.point").forEach((p) => {
    const width = p.getBoundingClientRect().width;
    if (width) markers.push(width);
  });
});
const context = document.createElement("canvas").getContext("2d");
const cap = (selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return context.measureText("H").actualBoundingBoxAscent;
};
return {lines: lines, dashes: dashes, markers: markers,
        caps: {title: cap("#view-title"), key: cap("#legend li"), source: cap("#source-line")}};
"""
# A 3 m-wide screen seen from 15 m: a minute of arc is 4.36 mm, 2.79 px of a 1920 px image.
ARCMIN_AT_1920 = 15_000 * 0.000290888 / (3_000 / 1920)


def test_pres003_lines_markers_and_type_sized_for_the_room(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?region=bali-process")
    wait_for_map(dash_duo)
    set_inner_size(dash_duo.driver, 1920, 1080)
    normal = dash_duo.driver.execute_script(ROOM)
    ActionChains(dash_duo.driver).send_keys("p").perform()
    dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
    check_fits(dash_duo.driver, 1920, 1080)
    room = dash_duo.driver.execute_script(ROOM)
    minutes = {part: round(value / ARCMIN_AT_1920, 1) for part, value in room["caps"].items()}
    print("normal", normal, "presenting", room, "cap heights in minutes of arc", minutes)
    # The fact sheet's routes (no count): 2.5 px on a laptop, at least 1.5' (4.2 px) for the room,
    # and every dash or gap at least 1.5' so that the form's pattern reads.
    assert min(normal["lines"]) == 2.5
    assert room["lines"] and min(room["lines"]) >= 1.5 * ARCMIN_AT_1920 - 0.01
    assert room["dashes"] and min(room["dashes"]) >= 1.5 * ARCMIN_AT_1920 - 0.01
    # Program markers at least 18 px (6.4'), beyond the 5' of a letter the back row can just read.
    assert room["markers"] and min(room["markers"]) >= 17.5
    # Type: title and key well above 5'; the source line (read closer up) at least 5'.
    assert room["caps"]["title"] >= 9 * ARCMIN_AT_1920
    assert room["caps"]["key"] >= 6.5 * ARCMIN_AT_1920
    assert room["caps"]["source"] >= 5 * ARCMIN_AT_1920
    assert dash_duo.get_logs() == []
