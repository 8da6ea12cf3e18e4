"""The naive baseline: a whole GeoJSON choropleth figure rebuilt for every filter change.

This is how a map callback is commonly written: the country boundaries are read once at start
(as the app reads its data), and each request filters the rows, builds
``go.Figure(go.Choropleth(geojson=..., featureidkey="id", ...))`` with the same overlay traces
as the app, and serialises it with ``fig.to_json()``, as Dash would send a figure.
"""

from __future__ import annotations

import math
import time
from typing import Any

import plotly.graph_objects as go

from dashboard.data import AtlasData
from dashboard.layers import REGISTRY, traces_by_layer
from dashboard.state import from_query
from dashboard.view import build_view
from geodata.boundaries import read_boundaries
from geodata.loader import BOUNDARIES_FILE


class GeoJSONBaseline:
    """Full-GeoJSON figures for the states the app rendered.

    Parameters
    ----------
    data : dashboard.data.AtlasData
        The atlas the app loaded (its tables, region groups and layer context).
    """

    def __init__(self, data: AtlasData) -> None:
        self.data = data
        atlas = data.atlas
        shapes = read_boundaries(atlas.directory / BOUNDARIES_FILE, atlas.countries["iso_numeric"])
        self.geojson: dict[str, Any] = shapes.__geo_interface__  # feature ids are the ISO3 index
        self.features = len(self.geojson["features"])
        self.overlays = set(REGISTRY) - {"choropleth"}

    def figure_json(self, query: str) -> str:
        """The figure for a normalised query, as JSON: the filter, the figure and its serialisation."""
        data = self.data
        state, _ = from_query(query, data.choices)
        view = build_view(data.atlas, state, data.groups)  # no cache: the baseline has none
        meta = data.atlas.catalogue.loc[state.indicator]
        rows = view.indicator
        z: list[float]
        if meta["kind"] == "ordinal":
            order = list(meta["categories"])
            rows = rows[rows["category"].isin(order)]
            z = [float(order.index(c)) for c in rows["category"]]
        else:
            rows = rows[rows["value"].notna()]
            z = [math.log10(v) if v > 0 else 0.0 for v in rows["value"].astype(float)]
        fig = go.Figure(
            go.Choropleth(
                geojson=self.geojson,
                featureidkey="id",
                locations=list(rows["iso3"]),
                z=z,
                text=list(rows["name"]),
                colorscale="Viridis",
                marker_line_width=0.5,
                colorbar_title=str(meta["label"]),
            )
        )
        for traces in traces_by_layer(view, data.facts, only=self.overlays).values():
            fig.add_traces(traces)
        fig.update_geos(fitbounds="locations", visible=False)
        fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False)
        return fig.to_json()

    def render(self, query: str) -> tuple[float, str]:
        """Server seconds and the JSON for one filter state."""
        started = time.perf_counter()
        body = self.figure_json(query)
        return time.perf_counter() - started, body
