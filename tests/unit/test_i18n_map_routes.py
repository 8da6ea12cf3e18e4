"""The map's routes, flows, countries on routes, veil and selection, in Spanish, French and
Indonesian: trace names, key titles, hover texts, the sentence's clauses, the table and the
HTML export's popups and key hold none of the atlas's English (data, which stays as its source
wrote it, taken out first); geodata's privacy notes are shown translated."""

from __future__ import annotations

import re

import folium
import pytest

from dashboard import flows as fl
from dashboard import i18n
from dashboard.exports.canvas import Canvas
from dashboard.exports.elements import PageData
from dashboard.i18n import _
from dashboard.layers import facts_of, outside, roles, routes, selection
from dashboard.state import ViewState
from dashboard.view import build_view, region_groups
from geodata import load_atlas
from geodata.privacy import revealing_notes
from geodata.problems import say
from tests.english import data_strings, english_in, english_words, without_data

THRESHOLD = 11
LANGUAGES = ("es", "fr", "id")
TAGS = re.compile(r"<[^>]+>|%\{[^}]*\}")


@pytest.fixture(scope="module")
def bundled():
    return load_atlas()


def pieces(text: str) -> list[str]:
    """The readable runs of a plotly or popup text: between its tags and placeholders."""
    return [piece for piece in TAGS.split(text) if piece.strip()]


def trace_texts(traces: list[dict]) -> list[str]:
    """What a reader sees of ``traces``: names, key titles and hover texts."""
    out: list[str] = []
    for trace in traces:
        if trace.get("name"):
            out.append(str(trace["name"]))
        title = trace.get("legendgrouptitle")
        if isinstance(title, dict) and title.get("text"):
            out.append(title["text"])
        hovers = trace.get("hovertemplate")
        for hover in hovers if isinstance(hovers, list) else [hovers] if hovers else []:
            out += pieces(hover)
    return out


def view_of(atlas, **changes):
    state = ViewState(
        **{"indicator": "tip-tier", "year": 2007, "layers": ("roles", "routes"), "lang": i18n.lang(), **changes}
    )
    return build_view(atlas, state, region_groups(atlas.countries))


def no_english(texts: list[str], code: str, atlas) -> None:
    """None of ``texts``, once the data is cut out of them, is the atlas's English or reads as English."""
    assert texts
    shown = without_data(texts, data_strings(atlas))
    assert english_in(shown, code) == []
    assert english_words(shown) == []


def map_texts(atlas, code: str, **changes) -> list[str]:
    """Every text the five layers write for a view of ``atlas``, in ``code``."""
    with i18n.language(code):
        facts = facts_of(atlas, THRESHOLD)
        view = view_of(atlas, **changes)
        texts = trace_texts(routes.traces(view, facts) + roles.traces(view, facts) + outside.traces(view, facts))
        texts += trace_texts(selection.traces(view, facts))
        texts += [text for text in [routes.describe(view, facts)] if text]
        texts += [_(column["headerName"]) for column in routes.COLUMNS]
        texts += [_(routes.LAYER.table.title), _(routes.LAYER.label), _(roles.LAYER.label)]
        texts += [_(outside.LAYER.label), _(selection.LAYER.label)]
        for row, victims in zip(routes.table_rows(atlas, facts), atlas.routes["victims"], strict=True):
            texts += [row["form"], row["on_map"], row["count"], row["years"]]
            texts += [] if isinstance(victims, str) else [row["victims"]]  # "unknown"; else data
        canvas = Canvas(folium.Map(tiles=None), PageData(), facts.names, tuple(atlas.countries.index))
        for layer in (outside, roles, routes):
            layer.draw_folium(view, facts, canvas)
        for text in canvas.data.texts:
            texts += pieces(text)
        for group in canvas.key:
            texts += [t for t in [group.title, *pieces(group.note), *(e.label for e in group.entries)] if t]
        texts += canvas.overlays
    return texts


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18nmap001_bundled_routes_and_roles_have_no_english(bundled, code):
    texts = map_texts(bundled, code, regions=("rcm",), select="route:" + str(bundled.routes["route_id"].iloc[0]))
    no_english(texts, code, bundled)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    "changes",
    [
        {"year": 2002, "flows": "1"},
        {"year": 2007},
        {"year": 2002, "flowcountry": "KHM", "flowdir": "in"},
        {"year": 2002, "flowcountry": "KHM", "flowdir": "both", "flows": "1"},
        {"year": 2002, "flowscale": "subregion"},
    ],
)
def test_i18nmap002_counted_flows_have_no_english(mixed_atlas, code, changes):
    no_english(map_texts(mixed_atlas, code, **changes), code, mixed_atlas)


def test_i18nmap003_words_are_translated(bundled, mixed_atlas):
    es = map_texts(bundled, "es")
    assert "Rutas, por forma de explotación (número desconocido)" in es
    assert "Países en las rutas" in es
    assert any(text.startswith("Forma: Trabajo forzoso") for text in es)
    fr = map_texts(mixed_atlas, "fr", year=2002, flows="1")
    assert "Flux comptés\u00a0: personnes, une année" in fr
    assert "11–99 personnes" in fr
    (sentence,) = [t for t in fr if "flux comptés entre pays" in t]
    assert "; 2 flux comptés entre pays, personnes comptées en 2002 (" in sentence
    assert "(les 1 plus importants tracés" not in sentence and "(1 tracé, le plus important\u00a0;" in sentence
    indonesian = map_texts(mixed_atlas, "id", year=2007)
    assert "kurang dari 5 (disembunyikan)" in indonesian


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18nmap004_withheld_counts_read_in_the_language(code):
    flows = [fl.Flow("AAA", "BBB", 1234, 3, 5, ()), fl.Flow("CCC", "DDD", 0, 1, 5, ()), fl.Flow("E", "F", 20, 0, 0, ())]
    ranked = fl.Ranked((), tuple(flows))
    with i18n.language(code):
        texts = [f.count_text() for f in flows] + [ranked.other_text()]
        texts += [fl.Flow("A", "B", 0, 2, 5, ()).count_text(), fl.Flow("A", "B", 7, 1, 5, ()).count_text()]
        texts += [c.label(THRESHOLD) for c in fl.FLOW_CLASSES]
        assert english_in(texts, code) == []
        assert english_words(texts) == []
        grouped = i18n.integer(1234)
    assert grouped in texts[0] and grouped != "1,234"
    with i18n.language("en"):  # English as it was
        assert flows[0].count_text() == "1,234, and 3 counts of fewer than 5 each"
        assert ranked.other_text() == "3 other flows not drawn: 1,254 people, and 4 counts of fewer than 5 (withheld)"


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18nmap005_privacy_notes_keep_their_template_apart(code):
    import pandas as pd

    table = pd.DataFrame({"count": [5, None], "count_note": ["five victims returned", "3 trafficked women"]})
    notes = revealing_notes(table, ["count"], ["count_note"], THRESHOLD)
    assert [str(n.message).split(",")[0] for n in notes] == ["states 'five'", "states '3' people"]
    with i18n.language(code):
        shown = [say(n.message, _, i18n.integer) for n in notes]
    assert english_in(shown, code) == []
    assert all("'five'" in shown[0] and str(THRESHOLD) in s for s in shown)
    assert shown[0] != str(notes[0].message)
