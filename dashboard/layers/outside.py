"""A pale veil over the countries outside the chosen regions, so that the region stands out
while the world around it stays readable. Drawn only when regions are chosen."""

from __future__ import annotations

from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, area_swatch
from dashboard.i18n import N_, _
from dashboard.layers import Facts, Layer, Trace
from dashboard.palette import OUTSIDE_COLOUR
from dashboard.view import View

VEIL = "rgba(255,255,255,0.72)"


def traces(view: View, facts: Facts) -> list[Trace]:
    if view.countries is None:
        return []
    outside = [iso3 for iso3 in facts.label_points if iso3 not in view.countries]
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
            "name": _(LAYER.label),
            "marker": {"line": {"color": "#ffffff", "width": 0.5}},
        }
    ]


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """In the HTML export, the countries outside the regions keep the plain land colour and say so."""
    if view.countries is None:
        return
    for iso3 in canvas.countries:
        if iso3 not in view.countries:
            canvas.shade(iso3, OUTSIDE_COLOUR, f"{canvas.tip(iso3)}<br>{_(LAYER.label)}")
    canvas.key.append(KeyGroup("", (KeyEntry(_(LAYER.label), area_swatch(OUTSIDE_COLOUR)),)))


LAYER = Layer(
    key="outside",
    label=N_("Outside the chosen regions"),
    needs={"countries": ("label_lon",)},
    traces=traces,
    reads=("regions",),
    toggleable=False,
    folium=draw_folium,
)
