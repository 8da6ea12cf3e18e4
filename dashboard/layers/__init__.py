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

from dashboard.view import View
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
    def route_hover(self) -> dict[int, str]:
        from dashboard.layers.routes import hover_text

        return {row: hover_text(route, self) for row, route in self.atlas.routes.iterrows()}

    @cached_property
    def program_hover(self) -> dict[int, str]:
        from dashboard.layers.programs import hover_text

        return {row: hover_text(site, self) for row, site in self.atlas.programs.iterrows()}


Trace = dict[str, object]


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    needs: Mapping[str, tuple[str, ...]]
    traces: Callable[[View, LayerContext], list[Trace]]


def _registry() -> dict[str, Layer]:
    from dashboard.layers import choropleth, programs, roles, routes

    return {layer.key: layer for layer in (choropleth.LAYER, roles.LAYER, routes.LAYER, programs.LAYER)}


REGISTRY: dict[str, Layer] = _registry()


def traces_by_layer(view: View, ctx: LayerContext, only: set[str] | None = None) -> dict[str, list[Trace]]:
    """The traces of each layer switched on in ``view.state`` (or of ``only`` those), in drawing order."""
    return {
        key: layer.traces(view, ctx) if key in view.state.layers else []
        for key, layer in REGISTRY.items()
        if only is None or key in only
    }
