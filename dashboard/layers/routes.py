"""Trafficking routes: great-circle arcs from origin to destination.

One trace per form of exploitation (colour and dash both encode it) and width class (by count,
where a count is known). An arrow head three quarters along each arc shows the direction; it
also carries the hover text, so the arc's other points stay light. Internal trafficking (origin
= destination) is a ring at the country's label point. Routes without two named countries (the
fact sheet's "Asian men on fishing vessels") cannot be drawn and are listed beside the map.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Mapping
from typing import Any

import folium
import pandas as pd
from pyproj import Geod

from dashboard import formatting as fmt
from dashboard.derived import derived
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, line_swatch, popup_html, ring_swatch
from dashboard.exports.elements import SvgMarker
from dashboard.layers import Facts, Layer, Table, Trace, rows_to_draw
from dashboard.palette import FORM_STYLES, dash_array
from dashboard.view import View, columns_of
from geodata import Atlas
from geodata.vocabulary import EXPLOITATION_FORMS

GROUP = "routes"
ARC_POINTS = 18  # points per arc, ends included
ARROW_AT = 0.75  # where along the arc the arrow head sits
EXPORT_ARC_POINTS = 48  # per arc in the HTML export: Mercator bends great circles, so more points
EXPORT_RING_RADIUS = 16  # pixels, internal trafficking in the HTML export
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


def hover_text(route: pd.Series | Mapping[str, Any], atlas: Atlas, facts: Facts) -> str:
    """A route's hover label, used as its point's ``hovertemplate`` and as its popup in the HTML
    export: every piece of data text in it goes through :func:`~dashboard.formatting.esc`, which
    also keeps ``%{`` from reading as a placeholder. A count the publisher withheld reads
    ``fewer than 5`` (its bound)."""
    names = atlas.countries["name"]

    count = fmt.route_count(route, facts.threshold)
    lines = [
        f"<b>{fmt.esc(fmt.place(names, route['origin_iso3'], route['origin_label']))} → "
        f"{fmt.esc(fmt.place(names, route['destination_iso3'], route['destination_label']))}</b>",
        f"Form: {fmt.esc(EXPLOITATION_FORMS[route['form']].label)}"
        + (f" ({fmt.esc(route['detail'])})" if isinstance(route["detail"], str) else ""),
        f"Who: {fmt.esc(route['victims']) or fmt.UNKNOWN}",
        f"Year: {fmt.esc(fmt.years(route['year_start'], route['year_end'], route['reported_year']))}",
        f"Count: {fmt.esc(count)}",
        f"Source: {facts.cite(route['source'])}",
    ]
    return "<br>".join(lines) + "<extra></extra>"


def hover_texts(atlas: Atlas, facts: Facts) -> dict[int, str]:
    """Every route's hover text, by row (made once per atlas)."""
    return derived(
        atlas,
        ("routes.hover", facts.threshold),
        lambda: {row: hover_text(route, atlas, facts) for row, route in atlas.routes.iterrows()},
    )


def arc_points(atlas: Atlas, facts: Facts) -> dict[int, list[tuple[float, float]]]:
    """The great-circle points of each route with two drawable ends, by row (made once per atlas)."""
    points = facts.label_points

    def make() -> dict[int, list[tuple[float, float]]]:
        return {
            r["row"]: great_circle(*points[r["origin_iso3"]], *points[r["destination_iso3"]])
            for r in columns_of(atlas.routes).records()
            if on_map(r, points) and r["origin_iso3"] != r["destination_iso3"]
        }

    return derived(atlas, "routes.arcs", make)


def prepare(atlas: Atlas, facts: Facts) -> None:
    hover_texts(atlas, facts)
    arc_points(atlas, facts)


def traces(view: View, facts: Facts) -> list[Trace]:
    """One trace per form and width class (and one of rings per form), over every drawable route
    of the atlas (up to :data:`~dashboard.layers.EVERY_ROW_LIMIT`); a route out of view keeps its
    place with no coordinates (see ``programs``)."""
    points_of = facts.label_points
    hovers_of = hover_texts(view.atlas, facts)
    arcs_of = arc_points(view.atlas, facts)
    in_view = {route["row"] for route in view.route_records}
    routes = [r for r in rows_to_draw(view.atlas.routes, view.route_records) if on_map(r, points_of)]
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
                for i, (x, y) in enumerate(arcs_of[route["row"]]):
                    lon.append(round(x, 2) if shown else None)
                    lat.append(round(y, 2) if shown else None)
                    sizes.append(16 if i == arrow_index else 0)
                    hovers.append(hovers_of[route["row"]] if i == arrow_index else "")
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
                    "hovertemplate": [hovers_of[r["row"]] for r in rings],
                    "customdata": [f"route:{r['route_id']}" for r in rings],
                }
            )
    if out:
        out[0]["legendgrouptitle"] = {"text": "Routes, by form of exploitation"}
    return out


# --- The table and the sentence -----------------------------------------------------------------

COLUMNS = (
    {"field": "origin", "headerName": "From", "flex": 1, "minWidth": 120},
    {"field": "destination", "headerName": "To", "flex": 1, "minWidth": 120},
    {"field": "form", "headerName": "Form of exploitation", "flex": 1, "minWidth": 150},
    {"field": "detail", "headerName": "Detail", "flex": 2, "minWidth": 180},
    {"field": "victims", "headerName": "Who", "flex": 2, "minWidth": 160},
    {"field": "years", "headerName": "Year", "flex": 1, "minWidth": 110},
    {"field": "count", "headerName": "Count", "flex": 1, "minWidth": 110},
    {"field": "on_map", "headerName": "On the map", "flex": 1, "minWidth": 90},
    {"field": "source", "headerName": "Source", "flex": 2, "minWidth": 160},
)


def table_rows(atlas: Atlas, facts: Facts) -> list[dict[str, Any]]:
    """Every route as a row of plain text (Dash escapes it), in the atlas's order."""

    def make() -> list[dict[str, Any]]:
        names = atlas.countries["name"]
        return [
            {
                "id": f"route:{route['route_id']}",
                "origin": fmt.place(names, route["origin_iso3"], route["origin_label"]),
                "destination": fmt.place(names, route["destination_iso3"], route["destination_label"]),
                "form": EXPLOITATION_FORMS[route["form"]].label,
                "detail": route["detail"] if isinstance(route["detail"], str) else "",
                "victims": route["victims"] if isinstance(route["victims"], str) else fmt.UNKNOWN,
                "years": fmt.years(route["year_start"], route["year_end"], route["reported_year"]),
                "count": fmt.route_count(route, facts.threshold),
                "on_map": "yes" if on_map(route, facts.label_points) else "no (no country named)",
                "source": fmt.cite(atlas.sources, route["source"]),
            }
            for route in columns_of(atlas.routes).records()
        ]

    return derived(atlas, ("routes.table", facts.threshold), make)


def ids_in_view(view: View) -> list[str]:
    return [f"route:{route['route_id']}" for route in view.route_records]


def cites(view: View) -> list[str]:
    return [str(route["source"]) for route in view.route_records]


def describe(view: View, facts: Facts) -> str:
    drawn = sum(on_map(route, facts.label_points) for route in view.route_records)
    return (
        f"{fmt.counted(len(view.route_records), 'route')} ({drawn} drawn) between "
        f"{fmt.counted(len(view.role_records), 'country', 'countries')}"
    )


# --- The HTML export ---------------------------------------------------------------------------


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """Great-circle routes with an arrow head; internal trafficking as a ring."""
    group = canvas.group(LAYER.label)
    points = facts.label_points
    hovers = hover_texts(view.atlas, facts)
    records = view.route_records
    drawable = [r for r in records if on_map(r, points)]
    arrow_index = round((EXPORT_ARC_POINTS - 1) * ARROW_AT)
    forms_drawn: list[str] = []
    rings = False
    for route in drawable:
        colour, dash = FORM_STYLES[route["form"]]
        width = width_for(route["count"])
        popup = _popup(route, hovers[route["row"]], facts.threshold)
        tip = popup.split("<br>", 1)[0]
        data_id = fmt.esc(f"route:{route['route_id']}")
        classes = f"atlas-route atlas-route--{_slug(route['route_id'])}"
        if route["form"] not in forms_drawn:
            forms_drawn.append(route["form"])
        if route["origin_iso3"] == route["destination_iso3"]:
            rings = True
            lon, lat = points[route["origin_iso3"]]
            ring = folium.CircleMarker(
                location=[lat, lon],
                radius=EXPORT_RING_RADIUS,
                color=colour,
                weight=3.5,
                fill=True,
                fill_opacity=0,
                dash_array=dash_array(dash, 3.5) or None,
                class_name=classes + " atlas-route-internal",
            )
            canvas.bind(ring, popup, tip).add_to(group)
            continue
        arc = _unwrap(
            great_circle(*points[route["origin_iso3"]], *points[route["destination_iso3"]], EXPORT_ARC_POINTS)
        )
        line = folium.PolyLine(
            locations=[(lat, lon) for lon, lat in arc],
            color=colour,
            weight=width,
            opacity=0.9,
            dash_array=dash_array(dash, width) or None,
            class_name=classes,
        )
        canvas.bind(line, popup, tip).add_to(group)
        angle = _screen_angle(arc[arrow_index - 1], arc[arrow_index + 1])
        size = int(10 + 2 * width)
        arrow = SvgMarker(
            location=(arc[arrow_index][1], arc[arrow_index][0]),
            svg=(
                f'<svg data-id="{data_id}" width="{size}" height="{size}" viewBox="0 0 20 20" '
                f'style="transform: rotate({angle:.1f}deg)" aria-hidden="true">'
                f'<polygon points="2,3 19,10 2,17 6,10" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/></svg>'
            ),
            size=(size, size),
            class_name="atlas-arrow",
            data=canvas.data,
            keyboard=False,
        )
        canvas.bind(arrow, popup, tip).add_to(group)

    entries = [
        KeyEntry(EXPLOITATION_FORMS[form].label, line_swatch(*FORM_STYLES[form]))
        for form in FORM_STYLES
        if form in forms_drawn
    ]
    if rings:
        entries.append(KeyEntry("Ring: internal trafficking", ring_swatch()))
    left_out = len(records) - len(drawable)
    note = (
        f"<p>{left_out} route{'s' if left_out != 1 else ''} without two named countries not drawn.</p>"
        if left_out
        else ""
    )
    if entries or note:
        canvas.key.append(KeyGroup("Routes, by form of exploitation", tuple(entries), note=note))


def _popup(route: Mapping[str, Any], hover: str, threshold: int) -> str:
    """The route's hover text as popup HTML; a count the publisher withheld reads "fewer than N", never a number."""
    popup = popup_html(hover)
    flag = route.get("suppressed")
    if not fmt.is_missing(flag) and bool(flag):
        bound = fmt.suppressed(route.get("suppressed_below"), threshold)
        popup = re.sub(r"(^|<br>)Count: [^<]*", lambda m: f"{m.group(1)}Count: {bound}", popup)
    return popup


def _unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous, so that an arc across the antimeridian is not drawn the long way round."""
    out = [points[0]]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        out.append((round(lon, 3), round(lat, 3)))
    return [(round(out[0][0], 3), round(out[0][1], 3)), *out[1:]]


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _screen_angle(before: tuple[float, float], after: tuple[float, float]) -> float:
    """Clockwise degrees from east of the arc's direction on a north-up Web Mercator map."""
    dx = after[0] - before[0]
    dy = _mercator_y(after[1]) - _mercator_y(before[1])
    return -math.degrees(math.atan2(dy, dx))


def _slug(value: object) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", str(value).lower()).strip("-")


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
    prepare=prepare,
    cites=cites,
    describe=describe,
    table=Table("Routes", COLUMNS, table_rows, ids_in_view),
    folium=draw_folium,
)
