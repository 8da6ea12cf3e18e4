"""The map figure: a light layout and the registry's traces.

The layout is sent once, with the first page. A filter change sends a ``dash.Patch`` that
replaces only the traces of the layers the change touches (a program-type change redraws the
program sites and nothing else) and, when the regions change, the view window. The figure's
traces are kept in registry order; ``slots`` (layer -> number of traces) says where each
layer's traces sit. Country shapes never travel in the figure: plotly.js reads them once from
``assets/topojson/``.
"""

from __future__ import annotations

from dash import Patch

from dashboard.layers import REGISTRY, LayerContext, Trace, traces_by_layer
from dashboard.layers.palette import OUTSIDE_COLOUR
from dashboard.state import ViewState
from dashboard.view import View

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif"
TOPOJSON_URL = "/assets/topojson/"
WORLD_LAT_RANGE = [-57, 84]  # leave Antarctica out of the world view

Slots = dict[str, int]


def geo_window(view: View) -> dict[str, object]:
    """The world, or (with regions chosen) fit to what the view draws."""
    if view.countries is None:
        return {
            "fitbounds": False,
            "projection": {"type": "natural earth", "scale": 1},
            "center": {"lon": 10, "lat": 12},
            "lataxis": {"range": WORLD_LAT_RANGE},
        }
    return {"fitbounds": "locations", "projection": {"type": "natural earth"}}


def make_figure(view: View, ctx: LayerContext) -> tuple[dict[str, object], Slots]:
    """The whole figure for the first page load, and its slots."""
    geo = {
        "resolution": 50,
        "showframe": False,
        "showcoastlines": False,
        "showcountries": True,
        "countrycolor": "#ffffff",
        "countrywidth": 0.5,
        "showland": True,
        "landcolor": OUTSIDE_COLOUR,
        "showocean": True,
        "oceancolor": "#f3f7fa",
        "showlakes": False,
        "bgcolor": "rgba(0,0,0,0)",
    }
    geo.update(geo_window(view))
    by_layer = traces_by_layer(view, ctx)
    figure: dict[str, object] = {
        "data": [trace for traces in by_layer.values() for trace in traces],
        "layout": {
            "geo": geo,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": "#ffffff",
            "font": {"family": FONT, "size": 15, "color": "#1a1a1a"},
            "hoverlabel": {"font": {"size": 15, "family": FONT}, "align": "left"},
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 0,
                "yanchor": "top",
                "font": {"size": 14},
                "grouptitlefont": {"size": 15},
                "groupclick": "toggleitem",
                "tracegroupgap": 4,
                "itemwidth": 30,
            },
            "uirevision": "|".join(view.state.regions) or "world",
            "dragmode": "pan",
        },
    }
    return figure, {key: len(traces) for key, traces in by_layer.items()}


def layers_touched(old: ViewState, new: ViewState) -> set[str]:
    """The layers whose traces differ between two states."""
    if old.regions != new.regions:
        return set(REGISTRY)
    touched = set(old.layers).symmetric_difference(new.layers)
    if (old.indicator, old.year) != (new.indicator, new.year):
        touched.add("choropleth")
    if old.forms != new.forms:
        touched |= {"routes", "roles"}
    if old.types != new.types:
        touched.add("programs")
    return touched


def figure_patch(old: ViewState, view: View, ctx: LayerContext, slots: Slots) -> tuple[Patch, Slots]:
    """The patch from the figure of ``old`` to that of ``view``, and the new slots."""
    patch = Patch()
    touched = layers_touched(old, view.state)
    fresh = traces_by_layer(view, ctx, only=touched)
    new_slots = dict(slots)
    keys = list(REGISTRY)
    # Last layer first, so that the positions of the layers before it stay put.
    for key in reversed(keys):
        if key not in fresh:
            continue
        start = sum(slots.get(k, 0) for k in keys[: keys.index(key)])
        for _ in range(slots.get(key, 0)):
            del patch["data"][start]
        traces: list[Trace] = fresh[key]
        for trace in reversed(traces):
            patch["data"].insert(start, trace)
        new_slots[key] = len(traces)
    if old.regions != view.state.regions:
        for name, value in geo_window(view).items():
            patch["layout"]["geo"][name] = value
        patch["layout"]["uirevision"] = "|".join(view.state.regions) or "world"
    return patch, new_slots
