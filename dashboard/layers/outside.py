"""A pale veil over the countries outside the chosen regions, so that the region stands out
while the world around it stays readable. Drawn only when regions are chosen."""

from __future__ import annotations

from dashboard.layers import Layer, LayerContext, Trace
from dashboard.view import View

VEIL = "rgba(255,255,255,0.72)"


def traces(view: View, ctx: LayerContext) -> list[Trace]:
    if view.countries is None:
        return []
    outside = [iso3 for iso3 in ctx.label_points if iso3 not in view.countries]
    return [
        {
            "type": "choropleth",
            "locationmode": "ISO-3",
            "locations": outside,
            "z": [0] * len(outside),
            "colorscale": [[0, VEIL], [1, VEIL]],
            "showscale": False,
            "showlegend": False,
            "hoverinfo": "skip",
            "name": "Outside the chosen regions",
            "marker": {"line": {"color": "#ffffff", "width": 0.5}},
        }
    ]


LAYER = Layer(
    key="outside",
    label="Outside the chosen regions",
    needs={"countries": ("label_lon",)},
    traces=traces,
    reads=("regions",),
    toggleable=False,
)
