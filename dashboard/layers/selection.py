"""The highlighted program site or route: a ring around the site, or the route's arc drawn bold.

Not a layer one switches: it follows the selection in the table or a click on the map.
"""

from __future__ import annotations

from dashboard.i18n import N_, _
from dashboard.layers import Facts, Layer, Trace
from dashboard.layers.routes import great_circle
from dashboard.view import View

HIGHLIGHT = "#111111"


def traces(view: View, facts: Facts) -> list[Trace]:
    kind, __, key = view.state.select.partition(":")
    if kind == "program":
        site = next((s for s in view.program_records if s["program_id"] == key), None)
        if site is None:
            return []
        return [
            {
                "type": "scattergeo",
                "mode": "markers",
                "lon": [round(float(site["map_lon"]), 3)],
                "lat": [round(float(site["map_lat"]), 3)],
                "name": _("Selected"),
                "showlegend": False,
                "hoverinfo": "skip",
                "marker": {"symbol": "circle-open", "size": 46, "color": HIGHLIGHT, "line": {"width": 4}},
            }
        ]
    if kind == "route":
        route = next((r for r in view.route_records if r["route_id"] == key), None)
        if route is None:
            return []
        ends = [facts.label_points.get(route["origin_iso3"]), facts.label_points.get(route["destination_iso3"])]
        if None in ends:
            return []
        (x1, y1), (x2, y2) = ends  # type: ignore[misc]
        points = [(x1, y1)] if (x1, y1) == (x2, y2) else great_circle(x1, y1, x2, y2)
        return [
            {
                "type": "scattergeo",
                "mode": "lines+markers" if len(points) > 1 else "markers",
                "lon": [round(x, 2) for x, __ in points],
                "lat": [round(y, 2) for __, y in points],
                "name": _("Selected"),
                "showlegend": False,
                "hoverinfo": "skip",
                "line": {"color": HIGHLIGHT, "width": 8},
                "opacity": 0.45,
                "marker": {
                    "symbol": "circle-open",
                    "size": 40 if len(points) == 1 else 0,
                    "color": HIGHLIGHT,
                    "line": {"width": 4},
                },
            }
        ]
    return []


LAYER = Layer(
    key="selection",
    label=N_("Selection"),
    needs={"programs": ("program_id", "map_lon", "map_lat"), "routes": ("route_id", "origin_iso3", "destination_iso3")},
    traces=traces,
    reads=("regions", "types", "forms", "year", "select", "datasets", "flowfrom", "flowto", "flowcountry", "flowdir"),
    toggleable=False,
)
