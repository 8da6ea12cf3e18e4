"""Presenter mode and image exports: browser-side callbacks (no server round trip, work offline).

assets/atlas.js writes a few words of its own (the present button's label, the export's
message). The callbacks here call its functions and put those words in the page's language
(``<html lang>``), from a table of each language's words made from the catalogs at start-up:
the browser needs no request to say them.
"""

from __future__ import annotations

import json

from dash import Input, Output, State, clientside_callback

from dashboard import i18n
from dashboard.i18n import N_

# What the browser-side functions write (assets/atlas.js), marked for the catalogs.
PRESENT = N_("Present (P)")
LEAVE = N_("Leave (P)")
SAVED = N_("Saved {file}.")
IMAGE_FAILED = N_("Could not draw the image: {error}")
PLAY = N_("▶ Play")
PAUSE = N_("⏸ Pause")
DECK_FILE = N_("Load a deck file (.json)")  # the file input's name (atlas.js sets it; see the lead's notes)
BROWSER_WORDS = (PRESENT, LEAVE, SAVED, IMAGE_FAILED, PLAY, PAUSE, DECK_FILE)


def browser_words() -> str:
    """Each language's words for :data:`BROWSER_WORDS`, as a JavaScript object literal (JSON):
    ``{"es": {"Present (P)": "Presentar (P)", ...}, ...}``; English maps to nothing."""
    table: dict[str, dict[str, str]] = {}
    for code in i18n.LANGUAGES:
        if code == i18n.DEFAULT:
            continue
        with i18n.language(code):
            table[code] = {english: i18n.gettext(english) for english in BROWSER_WORDS}
    # "</" could close a <script> the callback is written into.
    return json.dumps(table, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


# The page's words: the function of assets/atlas.js gives English, a template's value is put back
# in ("Could not draw the image: " + error).
WORDS_JS = """
const words = (%s)[document.documentElement.lang] || {};
const say = (text) => {
  if (typeof text !== "string") return text;
  if (words[text]) return words[text];
  const saved = /^Saved (.*)\\.$/.exec(text);
  if (saved && words["Saved {file}."]) return words["Saved {file}."].replace("{file}", saved[1]);
  const failed = /^Could not draw the image: ([\\s\\S]*)$/.exec(text);
  if (failed && words["Could not draw the image: {error}"]) {
    return words["Could not draw the image: {error}"].replace("{error}", failed[1]);
  }
  return text;
};
"""


def wrapped(body: str) -> str:
    """A clientside callback's function: ``body`` (which calls a function of assets/atlas.js with
    ``...args``) with ``say(text)`` at hand, which puts atlas.js's English in the page's language."""
    return "function (...args) {\n" + WORDS_JS % browser_words() + body + "\n}"


clientside_callback(
    wrapped(
        """
const out = window.dash_clientside.atlas.present(...args);
return [out[0], out[1], say(out[2])];"""
    ),
    Output("presenting", "data"),
    Output("atlas-root", "className"),
    Output("present", "children"),
    Input("present", "n_clicks"),
    State("presenting", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    wrapped(
        """
return Promise.resolve(window.dash_clientside.atlas.exportImage(...args)).then(say);"""
    ),
    Output("export-done", "children"),
    Input("export-png", "n_clicks"),
    Input("export-svg", "n_clicks"),
    State("map", "figure"),
    State("view-title", "children"),
    State("source-line", "children"),
    prevent_initial_call=True,
)
