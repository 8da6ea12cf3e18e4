"""The map's key, the indicator choropleth, the program sites and the country profile in Spanish,
French and Indonesian: none of the atlas's own English is left (the data, as its source wrote it,
and the words of the formatting helpers excepted), and the English stays as it was."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import folium
import pytest

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.exports.canvas import Canvas
from dashboard.exports.elements import PageData
from dashboard.figure import make_figure
from dashboard.formatting import region_name
from dashboard.layers import Trace, check_needs, choropleth, facts_of, profile, programs
from dashboard.legend import create_legend_section, legend_groups
from dashboard.state import ViewState
from dashboard.view import View, build_view, columns_of, region_groups
from geodata import BUNDLED_DIR, Atlas, load_atlas
from geodata.per_capita import unit as rate_unit
from geodata.problems import say
from tests.english import data_strings, english_in, english_words, without_data

LANGUAGES = ("es", "fr", "id")
LAYERS = ("choropleth", "roles", "routes", "programs")
TAGS = re.compile(r"<[^>]+>|%\{[^}]*\}")


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_atlas(BUNDLED_DIR)


@pytest.fixture(scope="module")
def foreign(atlas: Atlas) -> list[str]:
    """What stays English in every language and is not this part's to translate: the data, and
    what the formatting helpers write into a site's hover text (years, figures, "unknown")."""
    made = {fmt.UNKNOWN}
    for site in columns_of(atlas.programs).records():
        made.add(fmt.years(site["year_start"], site["year_end"], site["reported_year"]))
        made.update(fmt.people_figures(site, 11))
    return sorted({*data_strings(atlas), *made}, key=len, reverse=True)


def view_of(atlas: Atlas, **changes: Any) -> View:
    state = ViewState(
        **{"indicator": "tip-tier", "year": 2007, "layers": LAYERS, "regions": ("rcm",), "country": "GTM", **changes}
    )
    return build_view(atlas, state, region_groups(atlas.countries))


def pieces(text: str) -> list[str]:
    """The readable runs of a plotly text: between its tags (``<br>``, ``<b>``) and placeholders."""
    return [piece for piece in TAGS.split(text) if piece.strip()]


def rendered(trace: Trace) -> list[str]:
    """Each drawn point's hover text, its template filled from ``customdata``, ``text``, ``hovertext``."""
    template = trace.get("hovertemplate")
    if not isinstance(template, str):
        return []
    points = len(trace.get("locations") or trace.get("lon") or trace.get("customdata") or [None])  # type: ignore[arg-type]
    rows: Any = trace.get("customdata") or [[]] * points
    texts: Any = trace.get("text") or [""] * points
    hovertexts: Any = trace.get("hovertext") or [""] * points
    out = []
    for row, text, hovertext in zip(rows, texts, hovertexts, strict=True):
        cells: list[Any] = row or [""] * 9

        def cell(match: re.Match[str], cells: list[Any] = cells) -> str:
            return str(cells[int(match.group(1))])

        filled = re.sub(r"%\{customdata\[(\d+)\]\}", cell, template)
        out.append(filled.replace("%{text}", str(text)).replace("%{hovertext}", str(hovertext)))
    return out


def trace_texts(traces: list[Trace]) -> list[str]:
    """Every text a reader sees in ``traces``: names, group titles, colour bars, hover texts."""
    out: list[str] = []
    for trace in traces:
        out.append(str(trace.get("name", "")))
        title: Any = trace.get("legendgrouptitle") or {}
        out.append(str(title.get("text", "")))
        colorbar: Any = trace.get("colorbar") or {}
        out += pieces(str((colorbar.get("title") or {}).get("text", "")))
        for hover in rendered(trace):
            out += pieces(hover)
    return [text for text in out if text.strip()]


def key_texts(traces: list[Trace]) -> list[str]:
    """The key's headings and entries, as the page shows them (dashboard.legend)."""
    out: list[str] = []
    for group in legend_groups(traces):
        out.append(group.title)
        out += [entry.label for entry in group.entries]
    return out


def folium_texts(view: View, atlas: Atlas) -> list[str]:
    """What the HTML export's layers write: their key, tooltips, popups and layer control names."""
    facts = facts_of(atlas, 11)
    canvas = Canvas(folium.Map(), PageData(), facts.names, tuple(facts.label_points))
    for layer in (choropleth.LAYER, profile.LAYER, programs.LAYER):
        assert layer.folium is not None
        layer.folium(view, facts, canvas)
    out = [*canvas.overlays]
    for group in canvas.key:
        out += [group.title, *(entry.label for entry in group.entries), *pieces(group.bar)]
    for tip in [*canvas.tips.values(), *canvas.data.texts]:
        out += pieces(tip)
    return out


def layer_texts(atlas: Atlas) -> list[str]:
    """Every text of this part in the current language, over views that show each of its words."""
    facts = facts_of(atlas, 11)
    out: list[str] = []
    views = [
        view_of(atlas),
        view_of(atlas, indicator="population", year=2007),
        view_of(atlas, indicator="gdp-per-capita", year=2005, country="", regions=()),  # "latest before", log scale
        view_of(atlas, country="MEX", year=2007),
    ]
    for view in views:
        traces = [*choropleth.traces(view, facts), *profile.traces(view, facts), *programs.traces(view, facts)]
        out += trace_texts(traces)
        out += key_texts(traces)
        out += folium_texts(view, atlas)
        for layer in (choropleth.LAYER, profile.LAYER, programs.LAYER):
            assert layer.describe is not None
            out.append(layer.describe(view, facts))
    table = programs.LAYER.table
    assert table is not None
    out.append(i18n.gettext(table.title))  # as dashboard.table shows them
    out += [i18n.gettext(column["headerName"]) for column in table.columns]
    for row in table.rows(atlas, facts):
        out += [row["types"], row["precision"], row["country"]]
    out += [i18n.gettext(layer.label) for layer in (choropleth.LAYER, profile.LAYER, programs.LAYER)]
    for _key, meta in atlas.catalogue.iterrows():
        out += [fmt.indicator_label(meta["label"]), fmt.indicator_unit(meta["unit"])]
    out.append(fmt.indicator_unit(rate_unit(11)))
    out.append(fmt.indicator_label("Detected trafficking victims per 100,000 people"))
    row = {"iso3": "GTM", "year": 2007, "suppressed": True, "suppressed_below": 5, "source": "tip-2007"}
    meta = atlas.catalogue.loc["population"]
    out += pieces(choropleth._tip("<b>GTM</b>", row, meta, 2007, facts, {}))  # a suppressed count's tooltip
    out += pieces(choropleth._tip("<b>GTM</b>", None, meta, 2007, facts, {}))  # no data
    return [text for text in out if text.strip()]


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18n_map_key001_no_english_left(atlas, foreign, code):
    with i18n.language(code):
        texts = layer_texts(atlas)
    # The data taken out first: a program's name ("$50 million initiative") may read as a message.
    mine = without_data(texts, foreign)
    assert english_in(mine, code) == []
    assert english_words(mine) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("es", ["Nivel 1", "Sin datos", "Sitios de programas, por tipo", "Mediana de la subregión Centroamérica:"]),
        ("fr", ["Catégorie 1", "Aucune donnée", "Sites des programmes, par type", "Année\u00a0: 2007"]),
        ("id", ["Peringkat 1", "Tidak ada data", "Lokasi program, menurut jenis", "Median subkawasan Amerika Tengah:"]),
    ],
)
def test_i18n_map_key002_translated_words_shown(atlas, code, words):
    with i18n.language(code):
        texts = layer_texts(atlas)
    joined = "\n".join(texts)
    for word in words:
        assert word in joined


def test_i18n_map_key003_key_and_hover_in_spanish(atlas):
    with i18n.language("es"):
        facts = facts_of(atlas, 11)
        view = view_of(atlas)
        traces = [*choropleth.traces(view, facts), *profile.traces(view, facts), *programs.traces(view, facts)]
        section = str(create_legend_section(legend_groups(traces)))
        hover = choropleth.traces(view, facts)[0]["hovertemplate"]
        described = programs.describe(view, facts)
    assert "Nivel en el Informe TIP, 2007" in section
    assert "Perfil de país" in section and "Guatemala (perfil)" in section
    assert "Prevención" in section
    assert "Año: " in str(hover) and "Fuente: " in str(hover)
    assert re.fullmatch(r"\d+ programas? en \d+ sitios? de \d+ países?", described), described


def test_i18n_map_key004_english_as_before(atlas):
    facts = facts_of(atlas, 11)
    view = view_of(atlas)
    traces = choropleth.traces(view, facts)
    assert traces[0]["hovertext"][list(facts.label_points).index("GTM")] == "Median of Central America: "
    assert "<br>Year: 2007<br>" in str(traces[0]["hovertemplate"])
    names = [str(t["name"]) for t in programs.traces(view, facts)]
    assert "Open: country only, no site named" in names and "Prevention (country only)" in names
    assert programs.hover_layout(["P", "A", "T", "S", "Y", "", "C"]) == (
        "<b>P</b><br>Partner: A<br>Types: T<br>Site: S<br>Years: Y<br>Source: C<extra></extra>"
    )
    assert [t["name"] for t in profile.traces(view, facts)][-1] == "Guatemala (profile)"
    assert fmt.indicator_unit(rate_unit(11)) == rate_unit(11)
    assert "separators" not in make_figure(view, facts)[0]["layout"]  # type: ignore[operator]


def test_i18n_map_key005_numbers_regions_and_problems_by_language(atlas):
    facts = facts_of(atlas, 11)
    with i18n.language("fr"):
        layout: Any = make_figure(view_of(atlas), facts_of(atlas, 11))[0]["layout"]
        assert layout["separators"] == ",\u202f"
        assert region_name("South-eastern Asia") == "Asie du Sud-Est"
        assert "100\u202f000" in fmt.indicator_unit(rate_unit(11))
    with i18n.language("es"):
        assert region_name("Central America") == "Centroamérica"
        assert region_name("Nowhere in particular") == "Nowhere in particular"
        broken = check_needs(dataclasses.replace(atlas, programs=atlas.programs.drop(columns=["site"])))
        assert [say(p.message, i18n.gettext, i18n.integer) for p in broken] == [
            "la capa 'programs' necesita esta columna"
        ]
    assert facts.subregions["GTM"] == "Central America"
