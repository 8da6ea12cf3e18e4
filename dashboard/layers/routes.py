"""Trafficking routes: great-circle arcs from origin to destination.

One trace per form of exploitation (colour and dash both encode it) and width class (by count,
where a count is known). An arrow head three quarters along each arc shows the direction; it
also carries the hover text, so the arc's other points stay light. Internal trafficking (origin
= destination) is a ring at the country's label point. Routes without two named countries (the
fact sheet's "Asian men on fishing vessels") cannot be drawn and are listed beside the map.
"""

from __future__ import annotations

from collections.abc import Container, Mapping

import pandas as pd
from pyproj import Geod

from dashboard import formatting as fmt
from dashboard.layers import Layer, LayerContext, Trace, rows_to_draw
from dashboard.layers.palette import FORM_STYLES
from dashboard.view import View
from geodata.vocabulary import EXPLOITATION_FORMS

GROUP = "routes"
ARC_POINTS = 18  # points per arc, ends included
ARROW_AT = 0.75  # where along the arc the arrow head sits
_GEOD = Geod(ellps="WGS84")

# (upper bound of the count, line width); unknown counts get the first width.
WIDTH_CLASSES: tuple[tuple[float, float], ...] = (
    (0, 2.5),
    (100, 3.0),
    (1_000, 4.5),
    (10_000, 6.0),
    (float("inf"), 8.0),
)


def width_for(count: object) -> float:
    if fmt.is_missing(count):
        return WIDTH_CLASSES[0][1]
    return next(width for bound, width in WIDTH_CLASSES if float(count) <= bound)  # type: ignore[arg-type]


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, n: int = ARC_POINTS) -> list[tuple[float, float]]:
    """``n`` points along the shortest path on the ellipsoid, ends included."""
    inner = _GEOD.npts(lon1, lat1, lon2, lat2, n - 2)
    return [(lon1, lat1), *inner, (lon2, lat2)]


def on_map(route: Mapping[str, object], points: Container[object]) -> bool:
    """Whether a route can be drawn: both its ends are countries with a label point."""
    return route["origin_iso3"] in points and route["destination_iso3"] in points


def drawable(routes: pd.DataFrame, countries: pd.DataFrame) -> pd.Series:
    """Which routes have two countries with label points."""
    points = set(countries.index[countries["label_lon"].notna()])
    pairs = routes[["origin_iso3", "destination_iso3"]].to_dict("records")
    return pd.Series([on_map(pair, points) for pair in pairs], index=routes.index, dtype=bool)


def hover_text(route: pd.Series, ctx: LayerContext) -> str:
    """A route's hover label, used as its point's ``hovertemplate``: every piece of data text in it
    goes through :func:`~dashboard.formatting.esc`, which also keeps ``%{`` from reading as a
    placeholder. A count the publisher withheld reads ``fewer than 5`` (its bound)."""
    names = ctx.atlas.countries["name"]

    count = fmt.route_count(route, ctx.suppression_threshold)
    lines = [
        f"<b>{fmt.esc(fmt.place(names, route['origin_iso3'], route['origin_label']))} → "
        f"{fmt.esc(fmt.place(names, route['destination_iso3'], route['destination_label']))}</b>",
        f"Form: {fmt.esc(EXPLOITATION_FORMS[route['form']].label)}"
        + (f" ({fmt.esc(route['detail'])})" if isinstance(route["detail"], str) else ""),
        f"Who: {fmt.esc(route['victims']) or fmt.UNKNOWN}",
        f"Year: {fmt.esc(fmt.years(route['year_start'], route['year_end'], route['reported_year']))}",
        f"Count: {fmt.esc(count)}",
        f"Source: {ctx.cite(route['source'])}",
    ]
    return "<br>".join(lines) + "<extra></extra>"


def traces(view: View, ctx: LayerContext) -> list[Trace]:
    """One trace per form and width class (and one of rings per form), over every drawable route
    of the atlas (up to :data:`~dashboard.layers.EVERY_ROW_LIMIT`); a route out of view keeps its
    place with no coordinates (see ``programs``)."""
    points_of = ctx.label_points
    in_view = {route["row"] for route in view.route_records}
    routes = [r for r in rows_to_draw(ctx.atlas.routes, view.route_records) if on_map(r, points_of)]
    arrow_index = round((ARC_POINTS - 1) * ARROW_AT)
    out: list[Trace] = []
    for form, (colour, dash) in FORM_STYLES.items():
        of_form = [r for r in routes if r["form"] == form]
        label = EXPLOITATION_FORMS[form].label
        arcs = [r for r in of_form if r["origin_iso3"] != r["destination_iso3"]]
        for width in sorted({width_for(r["count"]) for r in arcs}):
            lon: list[float | None] = []
            lat: list[float | None] = []
            sizes: list[int] = []
            hovers: list[str] = []
            ids: list[str] = []
            for route in (r for r in arcs if width_for(r["count"]) == width):
                shown = route["row"] in in_view
                for i, (x, y) in enumerate(ctx.route_arcs[route["row"]]):
                    lon.append(round(x, 2) if shown else None)
                    lat.append(round(y, 2) if shown else None)
                    sizes.append(16 if i == arrow_index else 0)
                    hovers.append(ctx.route_hover[route["row"]] if i == arrow_index else "")
                    ids.append(f"route:{route['route_id']}" if i == arrow_index else "")
                lon.append(None)
                lat.append(None)
                sizes.append(0)
                hovers.append("")
                ids.append("")
            out.append(
                {
                    "type": "scattergeo",
                    "mode": "lines+markers",
                    "lon": lon,
                    "lat": lat,
                    "name": label,
                    "legendgroup": GROUP,
                    "showlegend": not any(t.get("name") == label for t in out),
                    "line": {"color": colour, "width": width, "dash": dash},
                    "marker": {
                        "symbol": "arrow",
                        "size": sizes,
                        "color": colour,
                        "angleref": "previous",
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    "hovertemplate": hovers,
                    "customdata": ids,  # what a click on the arrow head selects
                }
            )
        rings = [r for r in of_form if r["origin_iso3"] == r["destination_iso3"]]
        if rings:
            centres = [points_of[r["origin_iso3"]] if r["row"] in in_view else (None, None) for r in rings]
            out.append(
                {
                    "type": "scattergeo",
                    "mode": "markers",
                    "lon": [None if x is None else round(x, 2) for x, _ in centres],
                    "lat": [None if y is None else round(y, 2) for _, y in centres],
                    "name": f"{label}, internal",
                    "legendgroup": GROUP,
                    "marker": {"symbol": "circle-open", "size": 30, "color": colour, "line": {"width": 3.5}},
                    "hovertemplate": [ctx.route_hover[r["row"]] for r in rings],
                    "customdata": [f"route:{r['route_id']}" for r in rings],
                }
            )
    if out:
        out[0]["legendgrouptitle"] = {"text": "Routes, by form of exploitation"}
    return out


LAYER = Layer(
    key="routes",
    label="Trafficking routes",
    needs={
        "routes": (
            "origin_iso3",
            "origin_label",
            "destination_iso3",
            "destination_label",
            "form",
            "detail",
            "victims",
            "year_start",
            "year_end",
            "reported_year",
            "count",
            "count_note",
            "suppressed",
            "suppressed_below",
            "source",
        ),
        "countries": ("name", "label_lon", "label_lat"),
    },
    traces=traces,
    reads=("regions", "forms", "year", "datasets"),
)
