"""The atlas in Spanish, French and Indonesian, in a real browser: no English of the atlas's own
left on the main screen or in presenter mode, the picker keeps the view, longer words fit."""

from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from tests.english import data_strings, english_in, english_words, without_data
from tests.integration.test_map import wait_for_map
from tests.integration.test_presenter_fit import set_inner_size

PORT = 8085  # its own port: the other browser tests keep 8050

# Every text the page shows, with the language it is marked as (the nearest ``lang`` attribute):
# text nodes and the words a screen reader or a tooltip gives (aria-label, title, placeholder).
SHOWN_TEXT = """
const out = [];
const seen = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
const langOf = (el) => { const m = el.closest("[lang]"); return m ? m.getAttribute("lang") : ""; };
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(el.tagName) || !seen(el)) continue;
  const text = node.textContent.trim();
  if (text) out.push([text, langOf(el), el.tagName]);
}
for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder]")) {
  if (!seen(el)) continue;
  for (const name of ["aria-label", "title", "placeholder"]) {
    const text = (el.getAttribute(name) || "").trim();
    if (text) out.push([text, langOf(el), el.tagName + "@" + name]);
  }
}
return out;
"""


def shown_data(app) -> list[str]:
    """The data's own texts (a program's name, a source's title): they stay as the source wrote
    them, so they are cut out of what the page shows before looking for English."""
    from dashboard.data import loaded

    with app.server.test_request_context("/"):
        return data_strings(loaded().atlas)


def english_left(driver, code: str, data: list[str]) -> list[tuple[str, str, str]]:
    """(text, where, English string) for each text in the page's language that is atlas English,
    or that reads as English though no catalog knows it (a string nobody marked)."""
    # Text of another language (data marked as English, a language's own name) is left out, and
    # the data a table cell or a sentence quotes is cut out of the rest.
    shown = [(text, where) for text, lang, where in driver.execute_script(SHOWN_TEXT) if lang == code]
    texts = without_data([text for text, _where in shown], data)
    places = [where for _text, where in shown]
    left = []
    for text, where in zip(texts, places, strict=True):
        marked = english_in([text], code)
        if marked:
            left.append((text.strip()[:80], where, marked[0][1]))
        elif english_words([text]):
            left.append((text.strip()[:80], where, "(unmarked)"))
    return left


def wait_until(condition, timeout: float = 10) -> None:
    import time

    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def open_in(dash_duo, query: str, code: str) -> None:
    dash_duo.driver.get(f"{dash_duo.server.url}/{query}")
    wait_for_map(dash_duo)
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == code


def test_lang001_spanish_rcm_view_has_no_english_left(dash_duo, atlas_app):
    data = shown_data(atlas_app)
    dash_duo.start_server(atlas_app, port=PORT)
    set_inner_size(dash_duo.driver, 1920, 1080)
    open_in(dash_duo, "?region=rcm&lang=es", "es")
    assert english_left(dash_duo.driver, "es", data) == []
    # The tables' data cells (a program's name) are marked English for screen readers; the
    # atlas's words beside them (the program's types) are not.
    marked = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#programs-grid .ag-cell')].map("
        "c => [c.getAttribute('col-id'), c.textContent, (c.querySelector('[lang]') || c).getAttribute('lang')])"
    )
    assert ["program", "RCM capacity-building workshops and IOM manual of best practices", "en"] in marked
    assert {lang for column, _text, lang in marked if column == "types"} == {None}
    # A filter change is answered in the page's language too (Dash's requests name the page).
    before = dash_duo.find_element("#summary").text
    dash_duo.find_element("#type input[type='checkbox']").click()
    wait_until(lambda: dash_duo.find_element("#summary").text != before)
    assert english_left(dash_duo.driver, "es", data) == []
    dash_duo.find_element("#present").click()
    dash_duo.wait_for_element(".atlas.presenting", timeout=5)
    assert english_left(dash_duo.driver, "es", data) == []
    assert dash_duo.get_logs() == []


def test_lang002_picker_keeps_the_view_in_another_language(dash_duo, atlas_app):
    data = shown_data(atlas_app)
    dash_duo.start_server(atlas_app, port=PORT)
    open_in(dash_duo, "?region=bali-process", "en")
    dash_duo.select_dcc_dropdown("#lang", "Bahasa Indonesia")
    dash_duo.wait_for_element("html[lang='id']", timeout=10)
    wait_for_map(dash_duo)
    search = dash_duo.driver.execute_script("return window.location.search")
    assert "region=bali-process" in search and "lang=id" in search
    assert english_left(dash_duo.driver, "id", data) == []


def test_lang003_browser_language_chosen_when_the_url_says_none(dash_duo, atlas_app):
    data = shown_data(atlas_app)
    dash_duo.start_server(atlas_app, port=PORT)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "fr-SN,fr;q=0.9"}})
    open_in(dash_duo, "", "fr")
    assert english_left(driver, "fr", data) == []


def test_lang004_french_fits_a_laptop_screen(dash_duo, atlas_app):
    """French runs 20-30% longer: at 1280x800 no control's words are cut off."""
    dash_duo.start_server(atlas_app, port=PORT)
    set_inner_size(dash_duo.driver, 1280, 800)
    open_in(dash_duo, "?region=rcm&lang=fr", "fr")
    clipped = dash_duo.driver.execute_script(
        """
        const controls = ".atlas-aside label, .atlas-aside legend, .atlas-aside summary, .atlas-aside button, "
          + ".atlas-header button, .atlas-key li";
        return [...document.querySelectorAll(controls)]
          .filter((el) => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.textContent.trim().slice(0, 60));
        """
    )
    assert clipped == []
    dash_duo.driver.save_screenshot("/tmp/atlas-fr-1280x800.png")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#map .choroplethlayer path")


# The image the PNG and SVG buttons make, caught before plotly.js draws it: its title, key and
# source line are what a Spanish slide shows.
CATCH_IMAGE = """
window.atlasImage = null;
window.Plotly.downloadImage = (spec, options) => {
  window.atlasImage = spec;
  return Promise.resolve(options.filename);
};
"""


def image_texts(spec: dict) -> list[str]:
    """The texts a slide made from ``spec`` shows: its title, annotations, the key's entries and headings."""
    layout = spec["layout"]
    texts = [layout["title"]["text"]] + [note["text"] for note in layout.get("annotations", [])]
    for trace in spec["data"]:
        if trace.get("showlegend", True) and trace.get("name"):
            texts.append(trace["name"])
        texts.append(((trace.get("legendgrouptitle") or {}).get("text")) or "")
        texts.append(((trace.get("colorbar") or {}).get("title") or {}).get("text") or "")
    return [piece for text in texts for piece in re.split(r"<[^>]+>", text) if piece.strip()]


def test_lang005_spanish_png_export_has_no_english(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, port=PORT)
    open_in(dash_duo, "?region=rcm&layers=choropleth~roles~routes~programs&lang=es", "es")
    dash_duo.driver.execute_script(CATCH_IMAGE)
    dash_duo.driver.execute_script("arguments[0].click()", dash_duo.find_element("#export-png"))
    wait_until(lambda: dash_duo.driver.execute_script("return window.atlasImage") is not None)
    spec = dash_duo.driver.execute_script("return window.atlasImage")
    texts = image_texts(spec)
    assert len(texts) > 3 and english_in(texts, "es") == []
    assert dash_duo.get_logs() == []
