"""Map layers: one module each, one contract, one registry.

A layer declares the table columns it needs, its label for the layer toggle, and a pure
``traces(view, ctx)`` that turns the tables in view into plotly trace dicts (plain dicts: the
figure is built on every filter change and skipping plotly's validation keeps that fast).
The registry's order is the drawing order, bottom to top; the layer toggle, the legend and the
exports iterate it, so a new layer is one new module listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from dashboard.state import ViewState
from dashboard.view import View, columns_of
from geodata import Atlas


@dataclass(frozen=True)
class LayerContext:
    """What layers may read besides the view: the whole atlas and display settings."""

    atlas: Atlas
    suppression_threshold: int = 11

    # Text that depends only on the data, made once per process rather than on every filter change.
    @cached_property
    def names(self) -> dict[str, str]:
        """HTML-escaped country names by ISO3."""
        from dashboard.formatting import esc

        return {iso3: esc(name) for iso3, name in self.atlas.countries["name"].items()}

    @cached_property
    def raw_names(self) -> dict[str, str]:
        """Country names by ISO3, as in the data (not escaped)."""
        return {str(iso3): str(name) for iso3, name in self.atlas.countries["name"].items()}

    @cached_property
    def label_points(self) -> dict[str, tuple[float, float]]:
        """(lon, lat) of each country the map can draw at."""
        c = self.atlas.countries.dropna(subset=["label_lon", "label_lat"])
        return {iso3: (float(x), float(y)) for iso3, x, y in zip(c.index, c["label_lon"], c["label_lat"], strict=True)}

    @cached_property
    def _citations(self) -> dict[str, str]:
        return {}

    def cite(self, cell: str) -> str:
        """HTML-escaped short citation of a ``;``-separated source cell."""
        from dashboard.formatting import cite, esc

        if cell not in self._citations:
            self._citations[cell] = esc(cite(self.atlas.sources, cell))
        return self._citations[cell]

    @cached_property
    def median_readings(self) -> dict[tuple[str, str, int], str]:
        """``1,234 (15 countries)``, the median of the country's M49 sub-region, for each (country,
        indicator, year); ordinal indicators give the median category of the ranked countries."""
        from dashboard.formatting import esc, number
        from geodata.vocabulary import TIP_TIERS

        countries = self.atlas.countries
        catalogue = self.atlas.catalogue
        ind = self.atlas.indicators.merge(
            countries[["un_subregion"]], left_on="iso3", right_index=True, how="inner"
        ).dropna(subset=["un_subregion"])
        out: dict[tuple[str, str, int], str] = {}
        for (indicator, year, _), rows in ind.groupby(["indicator", "year", "un_subregion"]):
            meta = catalogue.loc[indicator]
            if meta["kind"] == "ordinal":
                order = [c for c in meta["categories"] if c != "not-ranked"]
                ranks = sorted(order.index(c) for c in rows["category"] if c in order)
                if not ranks:
                    continue
                median = TIP_TIERS.get(order[ranks[len(ranks) // 2]], order[ranks[len(ranks) // 2]])
                count = len(ranks)
            else:
                values = rows.loc[~rows["suppressed"], "value"].dropna()  # a suppressed value never shows
                if values.empty:
                    continue
                median, count = number(values.median()), len(values)
            text = esc(f"{median} ({count} {'country' if count == 1 else 'countries'})")
            for iso3 in rows["iso3"]:
                out[(iso3, str(indicator), int(year))] = text
        return out

    @cached_property
    def subregions(self) -> dict[str, str]:
        """HTML-escaped M49 sub-region of each country that has one, by ISO3."""
        from dashboard.formatting import esc

        return {str(iso3): esc(region) for iso3, region in self.atlas.countries["un_subregion"].dropna().items()}

    @cached_property
    def region_medians(self) -> dict[tuple[str, str, int], str]:
        """``Median of Western Africa: 1,234 (15 countries)`` for each (country, indicator, year)."""
        return {key: f"Median of {self.subregions[key[0]]}: {reading}" for key, reading in self.median_readings.items()}

    @cached_property
    def route_hover(self) -> dict[int, str]:
        from dashboard.layers.routes import hover_text

        return {row: hover_text(route, self) for row, route in self.atlas.routes.iterrows()}

    @cached_property
    def route_arcs(self) -> dict[int, list[tuple[float, float]]]:
        """The great-circle points of each route with two drawable ends, by row."""
        from dashboard.layers.routes import great_circle, on_map

        points = self.label_points
        return {
            r["row"]: great_circle(*points[r["origin_iso3"]], *points[r["destination_iso3"]])
            for r in columns_of(self.atlas.routes).records()
            if on_map(r, points) and r["origin_iso3"] != r["destination_iso3"]
        }

    @cached_property
    def program_hover_fields(self) -> dict[int, list[str]]:
        from dashboard.layers.programs import hover_fields

        return {row: hover_fields(site, self) for row, site in self.atlas.programs.iterrows()}

    @cached_property
    def program_hover(self) -> dict[int, str]:
        from dashboard.layers.programs import hover_layout

        return {row: hover_layout(fields) for row, fields in self.program_hover_fields.items()}


Trace = dict[str, object]

# Up to this many rows, the program and route layers draw every row of the atlas, a row out of view
# keeping its place with no coordinates: a filter change then sends coordinates only. Above it
# they draw the rows in view alone, as sending every row's coordinates would cost more.
EVERY_ROW_LIMIT = 2000


def rows_to_draw(table: pd.DataFrame, in_view: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records a layer draws: every row of ``table`` (up to :data:`EVERY_ROW_LIMIT`), or those in view."""
    return columns_of(table).records() if len(table) <= EVERY_ROW_LIMIT else in_view


def factored_hover(
    fields: list[list[str]], ids: list[str] | None, layout: Callable[[list[str]], str]
) -> tuple[list[list[str]], str]:
    """One hover template and per-point ``customdata`` for points whose hover text is ``layout(fields)``.

    A field with the same value at every point goes into the template once; the others become
    ``%{customdata[i]}``. Each point's ``customdata`` ends with its id (what a click selects),
    when ``ids`` are given.
    It keeps a trace small: the sites of one program share all but their place and figures.
    """
    parts: list[str] = []
    kept: list[tuple[str, ...]] = []
    for column in zip(*fields, strict=True):
        if len(set(column)) == 1 and "%{" not in column[0]:  # "%{" would read as a placeholder
            parts.append(column[0])
        else:
            parts.append(f"%{{customdata[{len(kept)}]}}")
            kept.append(column)
    cells = list(zip(*kept, strict=True)) if kept else [() for _ in fields]
    if ids is None:
        return [list(row) for row in cells], layout(parts)
    return [[*row, point] for row, point in zip(cells, ids, strict=True)], layout(parts)


@dataclass(frozen=True)
class Layer:
    """One layer of the map.

    ``reads`` names the :class:`~dashboard.state.ViewState` fields its traces depend on (through
    the view's tables or directly): two states that agree on them get the same traces. The
    figure patch redraws a layer only when one of them changes, and the app caches a layer's
    traces under them (``tests/unit/test_layers.py`` checks that each declaration is complete).
    """

    key: str
    label: str
    needs: Mapping[str, tuple[str, ...]]
    traces: Callable[[View, LayerContext], list[Trace]]
    reads: tuple[str, ...]
    toggleable: bool = True  # listed in the layer switches; otherwise always drawn
    # The fields its part of the key depends on (the key is drawn from every row, unfiltered).
    key_reads: tuple[str, ...] = ()


def _registry() -> dict[str, Layer]:
    from dashboard.layers import choropleth, outside, programs, roles, routes, selection

    layers = (choropleth.LAYER, outside.LAYER, roles.LAYER, routes.LAYER, programs.LAYER, selection.LAYER)
    return {layer.key: layer for layer in layers}


def is_on(layer: Layer, view: View | ViewState) -> bool:
    state = view.state if isinstance(view, View) else view
    return layer.key in state.layers or not layer.toggleable


def reading(layer: Layer, state: ViewState, fields: tuple[str, ...] | None = None) -> str:
    """What ``layer`` draws for ``state``, as a key: equal keys, equal traces.

    ``fields`` instead of the layer's ``reads`` (its ``key_reads``, for its part of the key).
    """
    if not is_on(layer, state):
        return f"{layer.key}:off"
    # Each field written by its parameter's codec (dashboard.state.PARAMETERS), as the URL writes it.
    return f"{layer.key}:" + state.key(layer.reads if fields is None else fields)


REGISTRY: dict[str, Layer] = _registry()


def traces_by_layer(view: View, ctx: LayerContext, only: set[str] | None = None) -> dict[str, list[Trace]]:
    """The traces of each layer switched on in ``view.state`` (or of ``only`` those), in drawing order."""
    return {
        key: layer.traces(view, ctx) if is_on(layer, view) else []
        for key, layer in REGISTRY.items()
        if only is None or key in only
    }
