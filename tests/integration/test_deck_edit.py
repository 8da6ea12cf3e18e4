"""Editing the deck in a real browser: save, rename, reorder, delete, undo, reload, replace.

These tests start the app on port 8091 (not dash.testing's 8050), so that they can run beside
the other browser tests.
"""

from __future__ import annotations

import json

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.test_map import wait_for_map
from tests.integration.test_present import click, press

PORT = 8091


def control(dash_duo, kind: str, index: int):
    """The deck list's ``kind`` button (deck-up, deck-rename, ...) of view ``index`` (0 for the first)."""
    ident = json.dumps({"index": index, "type": kind}, separators=(",", ":"))
    find = "return document.getElementById(arguments[0])"
    # The list is drawn again after each change: wait until it holds the button (not a moment before).
    return WebDriverWait(dash_duo.driver, 10).until(lambda driver: driver.execute_script(find, ident))


def titles(dash_duo) -> list[str]:
    # Read in one script: the list is drawn again after each change, so elements go stale.
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#deck-list .atlas-deck-open')].map(e => e.textContent)"
    )


def wait_for_titles(dash_duo, expected: list[str], timeout: float = 10) -> None:
    try:
        WebDriverWait(dash_duo.driver, timeout).until(lambda _: titles(dash_duo) == expected)
    except Exception as error:
        raise AssertionError(f"deck list {titles(dash_duo)}, expected {expected}") from error


def save_view(dash_duo, query: str, title: str, expected: list[str]) -> None:
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?{query}")
    wait_for_map(dash_duo)
    box = dash_duo.find_element("#deck-title")
    box.send_keys(title)
    click(dash_duo.driver, dash_duo.find_element("#deck-save"))
    wait_for_titles(dash_duo, expected)


def active_id(dash_duo) -> str:
    return dash_duo.driver.execute_script("return document.activeElement && document.activeElement.id") or ""


def test_deck001_edit_undo_reload_and_replace_with_a_confirmation(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    dash_duo.wait_for_contains_text("#deck-list", "No saved views yet", timeout=10)

    # Save three views, each from its own link (the deck is kept in the browser between pages).
    save_view(dash_duo, "region=rcm", "Alpha", ["Alpha"])
    save_view(dash_duo, "region=bali-process", "Bravo", ["Alpha", "Bravo"])
    save_view(dash_duo, "region=western-africa", "Charlie", ["Alpha", "Bravo", "Charlie"])

    # Rename the first: the title becomes a text box; Enter keeps the new title.
    click(dash_duo.driver, control(dash_duo, "deck-rename", 0))
    box = dash_duo.wait_for_element("#deck-list input", timeout=5)
    assert box.accessible_name == "New title for view 1"
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("RCM members", Keys.ENTER)
    wait_for_titles(dash_duo, ["RCM members", "Bravo", "Charlie"])
    dash_duo.wait_for_contains_text("#deck-message", "Renamed view 1", timeout=5)

    # Move the third up, delete it from its new place, then undo the delete.
    click(dash_duo.driver, control(dash_duo, "deck-up", 2))
    wait_for_titles(dash_duo, ["RCM members", "Charlie", "Bravo"])
    click(dash_duo.driver, control(dash_duo, "deck-delete", 1))
    wait_for_titles(dash_duo, ["RCM members", "Bravo"])
    dash_duo.wait_for_contains_text("#deck-message", "Deleted \u201cCharlie\u201d", timeout=5)
    click(dash_duo.driver, dash_duo.find_element("#deck-undo"))
    wait_for_titles(dash_duo, ["RCM members", "Charlie", "Bravo"])

    # Every control of the list is named for a screen reader.
    unnamed = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#atlas-root .atlas-deck-panel button')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).length"
    )
    assert unnamed == 0
    assert control(dash_duo, "deck-delete", 1).get_attribute("aria-label") == "Delete view 2, Charlie"

    # The deck survives a reload, in its order.
    dash_duo.driver.refresh()
    wait_for_map(dash_duo)
    wait_for_titles(dash_duo, ["RCM members", "Charlie", "Bravo"])

    # The example deck asks before it replaces saved views; Cancel keeps them.
    confirm = dash_duo.find_element("#deck-confirm")
    assert not confirm.is_displayed()
    click(dash_duo.driver, dash_duo.find_element("#deck-example"))
    dash_duo.wait_for_text_to_equal(
        "#deck-confirm-text", "Replace your 3 views with the 10 views of the example deck?", timeout=10
    )
    assert confirm.is_displayed()
    WebDriverWait(dash_duo.driver, 5).until(lambda _: active_id(dash_duo) == "deck-cancel")
    click(dash_duo.driver, dash_duo.find_element("#deck-cancel"))
    dash_duo.wait_for_contains_text("#deck-message", "Kept your 3 views.", timeout=10)
    assert not confirm.is_displayed()
    wait_for_titles(dash_duo, ["RCM members", "Charlie", "Bravo"])

    # Step once, so that a stale position would show: the replaced deck must start again at view 1.
    click(dash_duo.driver, dash_duo.find_element("#deck-next"))
    click(dash_duo.driver, dash_duo.find_element("#deck-next"))
    dash_duo.wait_for_text_to_equal("#view-title", "Charlie", timeout=10)

    click(dash_duo.driver, dash_duo.find_element("#deck-example"))
    dash_duo.wait_for_element("#deck-confirm:not([hidden])", timeout=10)
    click(dash_duo.driver, dash_duo.find_element("#deck-replace"))
    dash_duo.wait_for_contains_text("#deck-message", "Loaded 10 views from the example deck.", timeout=10)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: len(titles(dash_duo)) == 10)
    example_first = titles(dash_duo)[0]
    assert example_first == "Programs and routes in the 2007 fact sheet"

    # In presenter mode, the first Right shows view 1 of the new deck, and Left stays there.
    press(dash_duo.driver, "p")
    dash_duo.wait_for_text_to_equal("#present", "Leave (P)", timeout=5)
    press(dash_duo.driver, Keys.ARROW_RIGHT)
    dash_duo.wait_for_contains_text("#view-title", "fact sheet", timeout=10)
    assert dash_duo.find_element("#view-title").text == example_first
    first = control(dash_duo, "deck-open", 0)
    WebDriverWait(dash_duo.driver, 5).until(lambda _: first.get_attribute("aria-current") == "true")
    assert dash_duo.driver.execute_script("return window.location.search") == ""
    press(dash_duo.driver, "p")

    # Undo also takes back a replacement.
    click(dash_duo.driver, dash_duo.find_element("#deck-undo"))
    wait_for_titles(dash_duo, ["RCM members", "Charlie", "Bravo"])
    assert dash_duo.get_logs() == []


def test_deck002_reorder_from_the_keyboard_keeps_the_focus(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    wait_for_map(dash_duo)
    click(dash_duo.driver, dash_duo.find_element("#deck-example"))
    dash_duo.wait_for_contains_text("#deck-message", "Loaded 10 views", timeout=10)
    names = titles(dash_duo)

    # Enter on "move down" moves the view, and the focus follows it to its new place.
    down = control(dash_duo, "deck-down", 0)
    dash_duo.driver.execute_script("arguments[0].focus()", down)
    press(dash_duo.driver, Keys.ENTER)
    wait_for_titles(dash_duo, [names[1], names[0], *names[2:]])
    want = json.dumps({"index": 1, "type": "deck-down"}, separators=(",", ":"))
    WebDriverWait(dash_duo.driver, 5).until(lambda _: active_id(dash_duo) == want)

    # Alt+Up on a focused item moves it back up.
    dash_duo.driver.execute_script("arguments[0].focus()", control(dash_duo, "deck-open", 1))
    ActionChains(dash_duo.driver).key_down(Keys.ALT).send_keys(Keys.ARROW_UP).key_up(Keys.ALT).perform()
    wait_for_titles(dash_duo, names)

    # A deleted view is one Undo away, and the focus is on Undo.
    dash_duo.driver.execute_script("arguments[0].focus()", control(dash_duo, "deck-delete", 3))
    press(dash_duo.driver, Keys.ENTER)
    wait_for_titles(dash_duo, names[:3] + names[4:])
    WebDriverWait(dash_duo.driver, 5).until(lambda _: active_id(dash_duo) == "deck-undo")
    press(dash_duo.driver, Keys.ENTER)
    wait_for_titles(dash_duo, names)
    assert dash_duo.get_logs() == []
