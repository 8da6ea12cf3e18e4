"""A layer is one module: a throw-away layer, defined here and registered, shows everywhere a layer
shows (the layer switches, the map, the key, the sentence above the map, the sources, the tables
and the HTML export) without a change to any other file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask
import pytest

import dashboard.data
from dashboard import formatting as fmt
from dashboard.config import load_config
from dashboard.data import AtlasData, init_data, layer_traces, query_of, view_for
from dashboard.downloads import register_downloads
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, symbol_svg
from dashboard.exports.elements import SvgMarker
from dashboard.figure import make_figure
from dashboard.layers import REGISTRY, Facts, Layer, Table, Trace, check_needs, register, source_ids_in_view
from dashboard.layout import create_key, panels_for
from dashboard.table import create_tables, in_view
from dashboard.view import View, slice_records
from geodata import Atlas, DataError
from tests.unit.conftest import write_more

# --- the throw-away layer: countries on the TIP Watch List or in Tier 3, marked at their label point --

KEY = "watch"
TITLE = "Watch List or Tier 3 (throw-away)"
WATCHED = ("tier-2-watch-list", "tier-3")


def watched(view: View, facts: Facts) -> list[dict[str, Any]]:
    """Rows of the TIP tier for the view's year that are watched, in countries in view the map can draw."""
    return [
        r
        for r in slice_records(view.atlas.indicators, "tip-tier", view.state.year)
        if r["category"] in WATCHED
        and r["iso3"] in facts.label_points
        and (view.countries is None or r["iso3"] in view.countries)
    ]


def traces(view: View, facts: Facts) -> list[Trace]:
    rows = watched(view, facts)
    return [
        {
            "type": "scattergeo",
            "mode": "markers",
            "lon": [facts.label_points[r["iso3"]][0] for r in rows],
            "lat": [facts.label_points[r["iso3"]][1] for r in rows],
            "name": "Watched country",
            "legendgroup": KEY,
            "legendgrouptitle": {"text": TITLE},
            "marker": {"symbol": "star", "size": 20, "color": "#CC79A7"},
            "customdata": [f"country:{r['iso3']}" for r in rows],
            "hovertemplate": [f"<b>{facts.names[r['iso3']]}</b><extra></extra>" for r in rows],
        }
    ]


def cites(view: View) -> list[str]:
    # Drawn at the countries' label points: the countries table's source (Natural Earth).
    countries = view.atlas.countries
    return [str(countries.loc[iso3, "source"]) for iso3 in countries.index if iso3 in ("KHM", "MYS")]


def describe(view: View, facts: Facts) -> str:
    return fmt.counted(len(watched(view, facts)), "watched country", "watched countries")


def rows(atlas: Atlas, facts: Facts) -> list[dict[str, Any]]:
    return [
        {"id": f"{KEY}:{iso3}", "country": facts.raw_names[iso3]}
        for iso3 in facts.label_points
        if iso3 in ("KHM", "MYS")
    ]


def ids_in_view(view: View) -> list[str]:
    return [f"{KEY}:{r['iso3']}" for r in watched(view, dashboard.data.loaded().facts)]


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    group = canvas.group("Watched countries")
    for r in watched(view, facts):
        lon, lat = facts.label_points[r["iso3"]]
        marker = SvgMarker(
            location=(lat, lon),
            svg=symbol_svg("star", "#CC79A7", 20, True, f"{KEY}:{r['iso3']}"),
            size=(20, 20),
            class_name="atlas-watch",
            data=canvas.data,
        )
        canvas.bind(marker, f"<b>{facts.names[r['iso3']]}</b>", facts.names[r["iso3"]]).add_to(group)
    canvas.key.append(KeyGroup(TITLE, (KeyEntry("Watched country", symbol_svg("star", "#CC79A7", 16, True)),)))


LAYER = Layer(
    key=KEY,
    label="Watched countries",
    needs={"indicators": ("iso3", "indicator", "year", "category"), "countries": ("label_lon", "label_lat", "source")},
    traces=traces,
    reads=("regions", "year"),
    cites=cites,
    describe=describe,
    table=Table("Watched countries", ({"field": "country", "headerName": "Country"},), rows, ids_in_view),
    folium=draw_folium,
)

# --- the test ----------------------------------------------------------------------------------


@pytest.fixture
def app_with_layer(tmp_path: Path) -> Iterator[tuple[flask.Flask, AtlasData]]:
    """The app's server and data, loaded with the throw-away layer registered (and put back after)."""
    registry, before = dict(REGISTRY), dashboard.data._loaded
    register(LAYER)
    server = flask.Flask(__name__)
    directory = write_more(tmp_path / "more").path
    data = init_data(server, load_config(data_dir=directory, cache_type="SimpleCache", suppression_threshold=11))
    register_downloads(server)
    try:
        yield server, data
    finally:
        REGISTRY.clear()
        REGISTRY.update(registry)
        dashboard.data._loaded = before


def test_a_new_layer_is_one_module(app_with_layer: tuple[flask.Flask, AtlasData]) -> None:
    server, data = app_with_layer
    assert KEY in data.choices.layers  # in the layer switches, and on by default
    with server.test_request_context("/"):
        state, _ = dashboard.data.state_from("")
        assert KEY in state.layers
        view = view_for(query_of(state))

        # On the map: its markers at Cambodia's and Malaysia's label points.
        figure, slots = make_figure(view, data.facts, lambda key: layer_traces(key, view))
        assert slots[KEY] == 1
        drawn = [t for t in figure["data"] if t.get("legendgroup") == KEY]  # type: ignore[union-attr]
        assert sorted(zip(drawn[0]["lon"], drawn[0]["lat"], strict=True)) == sorted(
            [data.facts.label_points["KHM"], data.facts.label_points["MYS"]]
        )
        # In the key, the sentence above the map, and the sources (Natural Earth, which nothing else cites).
        assert TITLE in str(create_key(state))
        panels = panels_for(view)
        assert "2 watched countries" in panels["summary"]
        assert "natural-earth" in source_ids_in_view(view)
        assert "Natural Earth" in str(panels["sources"])
        # In the tables: its own grid, with its rows, those in view named.
        tables = str(create_tables(view, data.facts))
        assert "watch-grid" in tables and "Watched countries" in tables and "Malaysia" in tables
        assert {"watch:KHM", "watch:MYS"} <= set(in_view(view))

        # Off, it is nowhere.
        off, _ = dashboard.data.state_from("?layers=choropleth")
        off_view = view_for(query_of(off))
        assert "natural-earth" not in source_ids_in_view(off_view)
        assert "watched" not in panels_for(off_view)["summary"]

    # In the HTML export: its markers, its key and its source.
    page = server.test_client().get("/export/map.html").get_data(as_text=True)
    assert 'data-id=\\"watch:KHM\\"' in page and 'data-id=\\"watch:MYS\\"' in page
    key = re.search(r'<div class="atlas-legend".*?</div>', page, re.S)
    assert key and TITLE in key.group(0)
    assert "Natural Earth" in page.split('class="atlas-sources"', 1)[1]


def test_a_layer_that_needs_a_missing_column_stops_the_start(tmp_path: Path) -> None:
    registry = dict(REGISTRY)
    register(Layer(key="broken", label="Broken", needs={"routes": ("no_such_column",)}, traces=traces, reads=()))
    try:
        from geodata import load_atlas

        atlas = load_atlas(write_more(tmp_path / "more").path)
        problems = check_needs(atlas)
        assert [str(p) for p in problems] == ["routes.csv:0: no_such_column: the 'broken' layer needs this column"]
        with pytest.raises(DataError, match="no_such_column"):
            init_data(flask.Flask(__name__), load_config(data_dir=write_more(tmp_path / "again").path))
    finally:
        REGISTRY.clear()
        REGISTRY.update(registry)
