"""A Spanish RCM view, as the server writes it: the page's layout, its map (what the PNG and SVG
exports draw), the HTML map export and a country brief hold none of the atlas's English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.english import data_strings, english_in, english_words, without_data

VIEW = "region=rcm&layers=choropleth~roles~routes~programs"
TAGS = re.compile(r"<[^>]+>|%\{[^}]*\}")
# Keys whose strings are identifiers a reader never sees (a dropdown's value, a column's field, a
# trace's group), not words.
IDENTIFIERS = frozenset(
    "id value htmlFor field colId className style href key search type mode legendgroup uid uirevision "
    "locations geojson featureidkey ids meta".split()
)


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.fixture(scope="module")
def data(atlas_app):
    from dashboard.data import loaded

    with atlas_app.server.test_request_context("/"):
        return data_strings(loaded().atlas)


def no_english(texts: list[str], code: str, data: list[str]) -> None:
    """None of ``texts`` is a catalog string left in English, nor reads as English once the data
    (which stays as its source wrote it) is taken out: an unmarked string is caught too."""
    own = without_data(texts, data)
    assert english_in(own, code) == []
    assert english_words(own) == []


def pieces(text: str) -> list[str]:
    """The readable runs of a plotly text: between its tags (``<br>``, ``<b>``) and placeholders."""
    return [piece for piece in TAGS.split(text) if piece.strip()]


def layout_texts(node: Any, lang: str, out: list[str], code: str) -> None:
    """Every text of a Dash layout in the page's language ``code`` (a ``lang``-marked subtree of
    data is left out), with the words a tooltip or a screen reader gives."""
    if isinstance(node, list):
        for item in node:
            layout_texts(item, lang, out, code)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        lang = props.get("lang", lang)
        if props.get("id") == "map":
            return  # the figure is checked on its own
        for name in ("title", "placeholder", "aria-label", "label"):
            if isinstance(props.get(name), str) and lang == code:
                out.append(props[name])
        for key, value in props.items():
            if key in IDENTIFIERS:
                continue
            if isinstance(value, dict | list):
                layout_texts(value, lang, out, code)
            elif isinstance(value, str) and value is props.get("children") and lang == code:
                out.append(value)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in IDENTIFIERS:
                layout_texts(value, lang, out, code)
    elif isinstance(node, str) and lang == code:
        out.append(node)


def figure_texts(node: Any, out: list[str]) -> None:
    """Every string of a figure that a reader sees: titles, names, hover texts, annotations."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in IDENTIFIERS:
                continue
            figure_texts(value, out)
    elif isinstance(node, list):
        for item in node:
            figure_texts(item, out)
    elif isinstance(node, str):
        out.extend(pieces(node))


def page_texts(html: str, code: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == code
    for foreign in soup.select("[lang]"):
        if foreign.get("lang") != code:
            foreign.decompose()
    for script in soup(["script", "style"]):
        script.decompose()
    texts = [text for text in soup.stripped_strings]
    texts += [tag[attr] for attr in ("title", "aria-label", "alt") for tag in soup.select(f"[{attr}]")]
    return texts


@pytest.mark.parametrize("code", ["es", "fr", "id"])
def test_langpage001_layout_and_map_have_no_english(client, data, code):
    response = client.get("/_dash-layout", headers={"Referer": f"http://localhost/?{VIEW}&lang={code}"})
    layout = json.loads(response.get_data())
    texts: list[str] = []
    layout_texts(layout, code, texts, code)
    no_english(texts, code, data)
    figure = next(iter(_find(layout, "map")))["props"]["figure"]
    shown: list[str] = []
    figure_texts(figure, shown)
    no_english(shown, code, data)


@pytest.mark.parametrize("code", ["es", "fr", "id"])
def test_langpage002_html_map_and_brief_have_no_english(client, data, code):
    export = client.get(f"/export/map.html?{VIEW}&lang={code}")
    assert export.status_code == 200
    no_english(page_texts(export.get_data(as_text=True), code), code, data)
    brief = client.get(f"/brief/GTM.html?{VIEW}&lang={code}")
    assert brief.status_code == 200
    no_english(page_texts(brief.get_data(as_text=True), code), code, data)


def _find(node: Any, ident: str):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ident:
            yield node
        for value in node.values():
            yield from _find(value, ident)
    elif isinstance(node, list):
        for item in node:
            yield from _find(item, ident)
