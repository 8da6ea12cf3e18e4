"""Trafficking routes: great-circle arcs from origin to destination.

Two kinds of route, drawn apart:

- *routes the sources name* (the fact sheet's): one trace per form of exploitation (colour and
  dash both encode it) and width; most have no count ("count unknown").
- *counted flows* (GLOTIP's and CTDC's routes, each counted in one year): summed by place pair
  (countries, or UN sub-regions: ``flowscale=``), classed by count (:data:`dashboard.flows.FLOW_CLASSES`,
  one trace and key entry per class), and only the ``flows=`` strongest drawn; the others are
  summed as "other flows" in the sentence above the map, and every route is in the table.
  ``flowcountry=``/``flowdir=`` keep the routes into or out of one country (both kinds), and
  ``flowfrom=``/``flowto=`` those out of one region or dialogue, into another, or both.

An arrow head three quarters along each arc shows the direction; it also carries the hover text,
so the arc's other points stay light. Internal trafficking (origin = destination, or a flow
within one sub-region) is a ring at the place's point. Routes without two named countries (the
fact sheet's "Asian men on fishing vessels") cannot be drawn and are listed beside the map.

Every word the layer writes is in the language of the request (:mod:`dashboard.i18n`); the
forms of exploitation are :mod:`geodata.vocabulary`'s, translated here; data (a route's detail,
who, a note on its count, a citation) stays as its source wrote it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Mapping
from typing import Any

import folium
import pandas as pd
from pyproj import Geod

from dashboard import flows as fl
from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.derived import derived
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, line_swatch, popup_html, ring_swatch
from dashboard.exports.elements import SvgMarker
from dashboard.i18n import N_, _, ngettext
from dashboard.layers import DATA_TEXT, Facts, Layer, Table, Trace, rows_to_draw
from dashboard.palette import FLOW_COLOUR, FORM_STYLES, dash_array
from dashboard.state import FIELDS, ViewState
from dashboard.view import View, columns_of, groups_of
from geodata import Atlas
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS

GROUP = "routes"
ARC_POINTS = 18  # points per arc, ends included
ARROW_AT = 0.75  # where along the arc the arrow head sits
EXPORT_ARC_POINTS = 48  # per arc in the HTML export: Mercator bends great circles, so more points
EXPORT_RING_RADIUS = 16  # pixels, internal trafficking in the HTML export
_GEOD = Geod(ellps="WGS84")
_SPHERE = Geod(ellps="sphere")  # the earth plotly.js draws lines on (d3-geo's great circles)

FLOW_GROUP = "flows"
KEY_TITLE = N_("Routes, by form of exploitation")


def width_for(route: Mapping[str, Any], threshold: int) -> float:
    """A route's line width: its count's class (:data:`dashboard.flows.FLOW_CLASSES`), the thin
    width of a withheld count (never a width of its own), or today's width when it has no count."""
    part = fl.part_of(route, threshold)
    return fl.UNKNOWN_WIDTH if part is None else fl.width_of(part.exact, part.small, threshold)


def routes_in_view(view: View) -> list[dict[str, Any]]:
    """The route records in view (the counted flows of every year of ``flowyears=``). The view's
    rows follow the flow filters already (``flowcountry=``/``flowdir=``, ``flowfrom=``/``flowto=``:
    :func:`dashboard.view.route_positions`), so the table, the downloads and the roles do too."""
    return fl.route_records(view)  # type: ignore[return-value]


def region_said(atlas: Atlas, slug: str) -> str:
    """A region's or dialogue's name as a sentence says it, in the current language (not escaped)."""
    group = groups_of(atlas).get(slug)
    if group is None:
        return slug
    if group.kind == "dialogue" and slug in DIALOGUES:
        return fmt.label(DIALOGUES[slug][0])
    return fmt.region_name(group.label)


def between_said(atlas: Atlas, state: ViewState) -> str:
    """``flows from Bali Process to Western Europe``, ``flows out of …``, ``flows into …``, or ""."""
    if state.flowfrom and state.flowto:
        return _("flows from {origin} to {destination}").format(
            origin=region_said(atlas, state.flowfrom), destination=region_said(atlas, state.flowto)
        )
    if state.flowfrom:
        return _("flows out of {region}").format(region=region_said(atlas, state.flowfrom))
    if state.flowto:
        return _("flows into {region}").format(region=region_said(atlas, state.flowto))
    return ""


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
    names = facts.raw_names

    count = fmt.route_count(route, facts.threshold)
    form = fmt.esc(form_label(route["form"]))
    if isinstance(route["detail"], str):
        form_line = _("Form: {form} ({detail})").format(form=form, detail=fmt.esc(route["detail"]))
    else:
        form_line = _("Form: {form}").format(form=form)
    lines = [
        f"<b>{fmt.esc(fmt.place(names, route['origin_iso3'], route['origin_label']))} → "
        f"{fmt.esc(fmt.place(names, route['destination_iso3'], route['destination_label']))}</b>",
        form_line,
        _("Who: {who}").format(who=fmt.esc(route["victims"]) or fmt.esc(_(fmt.UNKNOWN))),
        _("Year: {year}").format(
            year=fmt.esc(fmt.years(route["year_start"], route["year_end"], route["reported_year"]))
        ),
        _("Count: {count}").format(count=fmt.esc(count)),
        _("Source: {source}").format(source=facts.cite(route["source"])),
    ]
    return "<br>".join(lines) + "<extra></extra>"


def form_label(form: str) -> str:
    """A form of exploitation's label (:data:`geodata.vocabulary.EXPLOITATION_FORMS`) in the current language."""
    return _(EXPLOITATION_FORMS[form].label)


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
    """The traces of the counted flows (:func:`flow_traces`), then those of the routes the sources
    name (:func:`named_traces`): drawn last, the few named routes stay on top of many flows."""
    records = routes_in_view(view)
    return flow_traces(view, facts, records) + named_traces(view, facts, records)


def named_traces(view: View, facts: Facts, records: list[dict[str, Any]]) -> list[Trace]:
    """One trace per form and width (and one of rings per form), over every drawable named route
    of the atlas (up to :data:`~dashboard.layers.EVERY_ROW_LIMIT`); a route out of view keeps its
    place with no coordinates (see ``programs``)."""
    points_of = facts.label_points
    hovers_of = hover_texts(view.atlas, facts)
    arcs_of = arc_points(view.atlas, facts)
    in_view = {route["row"] for route in records}
    routes = [r for r in rows_to_draw(view.atlas.routes, records) if on_map(r, points_of) and not fl.is_counted_flow(r)]
    arrow_index = round((ARC_POINTS - 1) * ARROW_AT)
    out: list[Trace] = []
    for form, (colour, dash) in FORM_STYLES.items():
        of_form = [r for r in routes if r["form"] == form]
        label = form_label(form)
        arcs = [r for r in of_form if r["origin_iso3"] != r["destination_iso3"]]
        widths = {r["row"]: width_for(r, facts.threshold) for r in arcs}
        for width in sorted(set(widths.values())):
            lon: list[float | None] = []
            lat: list[float | None] = []
            sizes: list[int] = []
            hovers: list[str] = []
            ids: list[str] = []
            for route in (r for r in arcs if widths[r["row"]] == width):
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
                    "lon": [None if x is None else round(x, 2) for x, __ in centres],
                    "lat": [None if y is None else round(y, 2) for __, y in centres],
                    "name": _("{form}, internal").format(form=label),
                    "legendgroup": GROUP,
                    "marker": {"symbol": "circle-open", "size": 30, "color": colour, "line": {"width": 3.5}},
                    "hovertemplate": [hovers_of[r["row"]] for r in rings],
                    "customdata": [f"route:{r['route_id']}" for r in rings],
                }
            )
    if out:
        uncounted = all(fl.part_of(r, facts.threshold) is None for r in routes)
        title = _("Routes, by form of exploitation (count unknown)") if uncounted else _(KEY_TITLE)
        out[0]["legendgrouptitle"] = {"text": title}
    return out


# --- Counted flows ------------------------------------------------------------------------------


def subregion_points(atlas: Atlas, facts: Facts) -> dict[str, tuple[float, float]]:
    """Each UN sub-region's point: the mean of its countries' label points (made once per atlas)."""
    return derived(atlas, "flows.subregions", lambda: fl.centroids(facts.label_points, facts.subregions))


def places(view: View, facts: Facts) -> tuple[Mapping[str, tuple[float, float]], Mapping[str, str]]:
    """Where the flows of the view's scale start and end: each place's point and its (escaped)
    name, and the place of each country (a sub-region, or the country itself)."""
    if view.state.flowscale == "subregion":
        return subregion_points(view.atlas, facts), facts.subregions
    return facts.label_points, {iso3: iso3 for iso3 in facts.label_points}


def ranked_flows(view: View, facts: Facts, records: list[dict[str, Any]] | None = None) -> fl.Ranked:
    """The counted flows in view, summed at the view's scale, the ``flows=`` strongest to draw."""
    points, place_of = places(view, facts)
    counted = [r for r in (routes_in_view(view) if records is None else records) if fl.is_counted_flow(r)]
    flows = fl.aggregate(counted, facts.threshold, lambda iso3: p if (p := place_of.get(iso3)) in points else None)
    return fl.rank(flows, view.state.flows)


FLOW_ARROW_INDEX = 1  # a flow's line is its start, its arrow head's point and its end


def flow_arc(atlas: Atlas, start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    """A flow's line: ``start``, the point :data:`ARROW_AT` along the great circle to ``end``, and
    ``end`` (kept per atlas: the pairs recur).

    plotly.js (d3-geo) draws the line between two points as the great circle of a sphere, so
    these three points draw the same arc as many would: the middle one, on that circle, is where
    the arrow head sits, turned along the arc (``angleref="previous"``). Six numbers a flow,
    where 18 points along the arc took 36 (most of a filter change's response, with the per-point
    sizes, hovers and ids that went with them).
    """
    arcs: dict[tuple[tuple[float, float], tuple[float, float]], list[tuple[float, float]]] = derived(
        atlas, "flows.arcs", dict
    )
    if (start, end) not in arcs:
        azimuth, __, distance = _SPHERE.inv(*start, *end)
        lon, lat, __ = _SPHERE.fwd(*start, azimuth, ARROW_AT * distance)
        arcs[(start, end)] = [start, (round(lon, 2), round(lat, 2)), end]
    return arcs[(start, end)]


def flow_name(place: str, facts: Facts, scale: str) -> str:
    """A flow's end as the hover names it (escaped): a sub-region (``facts.subregions``' name), or a country."""
    return place if scale == "subregion" else facts.names.get(place, fmt.esc(place))


def flow_hover(flow: fl.Flow, rank: int, total: int, view: View, facts: Facts) -> str:
    """A flow's hover label: its places, people counted (withheld counts never as numbers), forms,
    year, sources and rank. Data text escaped (:func:`~dashboard.formatting.esc`)."""
    scale = view.state.flowscale
    origin, destination = (flow_name(p, facts, scale) for p in (flow.origin, flow.destination))
    where = _("within {place}").format(place=origin) if flow.internal else f"{origin} → {destination}"
    years = fl.year_runs({int(r["year_start"]) for r in flow.routes})
    forms = sorted({form_label(r["form"]) for r in flow.routes})
    sources = sorted({facts.cite(str(r["source"])) for r in flow.routes})
    n = len(flow.routes)
    summed = ngettext(
        "{count} route summed; flow {rank} of {total} in view",
        "{count} routes summed; flow {rank} of {total} in view",
        n,
    )
    if fl.is_range(view.state):
        # Summed over the range: the hover says the range, and the years of it that had a count.
        counted = _("People counted in {range}, summed: {count} (counts for {years})").format(
            range=fl.years_said(view.state), count=fmt.esc(flow.count_text()), years=years
        )
    else:
        counted = _("People counted in {years}: {count}").format(years=years, count=fmt.esc(flow.count_text()))
    lines = [
        f"<b>{where}</b>",
        counted,
        _("Form: {form}").format(form=fmt.esc(", ".join(forms))),
        summed.format(count=i18n.integer(n), rank=i18n.integer(rank), total=i18n.integer(total)),
        _("Source: {source}").format(source="; ".join(sources)),
    ]
    return "<br>".join(lines) + "<extra></extra>"


def flow_key(flow: fl.Flow, threshold: int) -> int:
    """A flow's trace: its class's index, or -1 where its counts are all withheld."""
    index = fl.class_of(flow.exact, threshold)
    return -1 if index is None else index


def key_width(key: int) -> float:
    """The line width of a flow class (:func:`flow_key`; -1: withheld counts)."""
    return fl.SUPPRESSED_WIDTH if key < 0 else fl.FLOW_CLASSES[key].width


def class_label(key: int, bound: int, threshold: int) -> str:
    """A flow class's name in the key; the withheld counts' says their largest bound."""
    if key < 0:
        return _("fewer than {bound} (suppressed)").format(bound=i18n.integer(bound or threshold))
    return fl.FLOW_CLASSES[key].label(threshold)


def ring_label(state: ViewState) -> str:
    """The key's name of the rings: flows within one country, or within one sub-region."""
    return _("Ring: within one sub-region") if state.flowscale == "subregion" else _("Ring: within one country")


def flow_traces(view: View, facts: Facts, records: list[dict[str, Any]]) -> list[Trace]:
    """The counted flows: one trace (and key entry) per class among the flows in view, drawn or
    not, largest first, holding the arcs of the flows drawn; the withheld counts in a thin dotted
    line; flows within one place as rings sized by class."""
    ranked = ranked_flows(view, facts, records)
    if not ranked.flows:
        return []
    points, __ = places(view, facts)
    threshold = facts.threshold
    total = len(ranked.flows)
    keys = [flow_key(f, threshold) for f in ranked.flows]
    bounds: dict[int, int] = {}  # the largest "fewer than" bound of each class (its key label says it)
    for flow, key in zip(ranked.flows, keys, strict=True):
        bounds[key] = max(bounds.get(key, 0), flow.bound)
    out: list[Trace] = []
    for key in sorted({k for f, k in zip(ranked.flows, keys, strict=True) if not f.internal}, reverse=True):
        lon: list[float | None] = []
        lat: list[float | None] = []
        sizes: list[float] = []
        hovers: list[str] = []
        ids: list[str] = []
        suppressed = key < 0
        width = key_width(key)
        for rank, (flow, flow_class) in enumerate(zip(ranked.drawn, keys, strict=False), start=1):
            if flow.internal or flow_class != key:
                continue
            arc = flow_arc(view.atlas, points[flow.origin], points[flow.destination])
            for i, (x, y) in enumerate(arc):
                lon.append(x)
                lat.append(y)
                head = i == FLOW_ARROW_INDEX
                sizes.append(round(12 + 1.5 * width) if head else 0)
                hovers.append(flow_hover(flow, rank, total, view, facts) if head else "")
                ids.append(f"route:{flow.routes[0]['route_id']}" if head else "")
            lon.append(None)
            lat.append(None)
            sizes.append(0)
            hovers.append("")
            ids.append("")
        out.append(
            {
                "type": "scattergeo",
                "mode": "lines+markers",
                "uid": f"flows-{'withheld' if suppressed else key}",
                "lon": lon,
                "lat": lat,
                "name": class_label(key, bounds[key], threshold),
                "legendgroup": FLOW_GROUP,
                "line": {"color": FLOW_COLOUR, "width": width, "dash": "dot" if suppressed else "solid"},
                "opacity": 0.85,
                "marker": {
                    "symbol": "arrow",
                    "size": sizes,
                    "color": FLOW_COLOUR,
                    "angleref": "previous",
                    "line": {"color": "#ffffff", "width": 1},
                },
                "meta": {"key_width": width},  # the key draws the class's own width
                "hovertemplate": hovers,
                "customdata": ids,
            }
        )
    internal = [(rank, f) for rank, f in enumerate(ranked.drawn, start=1) if f.internal]
    if any(f.internal for f in ranked.flows):
        widths = [fl.width_of(f.exact, f.small, threshold) for __, f in internal]
        out.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "uid": "flows-internal",
                "lon": [points[f.origin][0] for __, f in internal],
                "lat": [points[f.origin][1] for __, f in internal],
                "name": ring_label(view.state),
                "legendgroup": FLOW_GROUP,
                "marker": {
                    "symbol": "circle-open",
                    "size": [round(22 + 2 * w) for w in widths],
                    "color": FLOW_COLOUR,
                    "line": {"width": widths, "color": FLOW_COLOUR},
                },
                "hovertemplate": [flow_hover(f, rank, total, view, facts) for rank, f in internal],
                "customdata": [f"route:{f.routes[0]['route_id']}" for __, f in internal],
            }
        )
    out[0]["legendgrouptitle"] = {"text": key_title(view.state)}
    return out


def key_title(state: ViewState) -> str:
    """The title of the flows' part of the key: one year, or the range summed."""
    if fl.is_range(state):
        return _("Counted flows: people, summed over {years}").format(years=fl.years_said(state))
    return _("Counted flows: people, one year")


# --- The table and the sentence -----------------------------------------------------------------

# Headers in English, marked: the table shows them translated (``Table.column_defs``).
COLUMNS = (
    {"field": "origin", "headerName": N_("From"), "flex": 1, "minWidth": 120},
    {"field": "destination", "headerName": N_("To"), "flex": 1, "minWidth": 120},
    {"field": "form", "headerName": N_("Form of exploitation"), "flex": 1, "minWidth": 150},
    {"field": "detail", "cellRenderer": DATA_TEXT, "headerName": N_("Detail"), "flex": 2, "minWidth": 180},
    {"field": "victims", "cellRenderer": DATA_TEXT, "headerName": N_("Who"), "flex": 2, "minWidth": 160},
    {"field": "years", "headerName": N_("Year"), "flex": 1, "minWidth": 110},
    {"field": "count", "headerName": N_("Count"), "flex": 1, "minWidth": 110},
    {"field": "on_map", "headerName": N_("On the map"), "flex": 1, "minWidth": 90},
    {"field": "source", "cellRenderer": DATA_TEXT, "headerName": N_("Source"), "flex": 2, "minWidth": 160},
)


def table_rows(atlas: Atlas, facts: Facts) -> list[dict[str, Any]]:
    """Every route as a row of plain text (Dash escapes it), in the atlas's order; the atlas's
    words in the language of the request (made once per atlas and language), data as it is."""

    def make() -> list[dict[str, Any]]:
        names = facts.raw_names
        in_flow, yes, no = _("in its flow, if among the strongest"), _("yes"), _("no (no country named)")
        return [
            {
                "id": f"route:{route['route_id']}",
                "origin": fmt.place(names, route["origin_iso3"], route["origin_label"]),
                "destination": fmt.place(names, route["destination_iso3"], route["destination_label"]),
                "form": form_label(route["form"]),
                "detail": route["detail"] if isinstance(route["detail"], str) else "",
                "victims": route["victims"] if isinstance(route["victims"], str) else _(fmt.UNKNOWN),
                "years": fmt.years(route["year_start"], route["year_end"], route["reported_year"]),
                "count": fmt.route_count(route, facts.threshold),
                "on_map": (in_flow if fl.is_counted_flow(route) else yes) if on_map(route, facts.label_points) else no,
                "source": fmt.cite(atlas.sources, route["source"]),
            }
            for route in columns_of(atlas.routes).records()
        ]

    return derived(atlas, ("routes.table", facts.threshold), make)


def ids_in_view(view: View) -> list[str]:
    """Every route in view, those summed into "other flows" included: the table lists them all."""
    return [f"route:{route['route_id']}" for route in routes_in_view(view)]


def cites(view: View) -> list[str]:
    return [str(route["source"]) for route in routes_in_view(view)]


def describe(view: View, facts: Facts) -> str:
    """The routes' clause: how many, how many drawn; for counted flows, the year they are summed
    over, how many are drawn and the "other flows" figure (withheld counts apart, never summed)."""
    records = routes_in_view(view)
    named = [r for r in records if not fl.is_counted_flow(r)]
    state = view.state
    clauses = []
    if named or len(named) == len(records):
        drawn = sum(on_map(route, facts.label_points) for route in named)
        n, m = len(named), len(view.role_records)
        countries = ngettext("{count} country", "{count} countries", m).format(count=i18n.integer(m))
        text = ngettext(
            "{count} route ({drawn} drawn) between {countries}", "{count} routes ({drawn} drawn) between {countries}", n
        )
        clauses.append(text.format(count=i18n.integer(n), drawn=i18n.integer(drawn), countries=countries))
    ranked = ranked_flows(view, facts, records)
    if ranked.flows:
        n = len(ranked.flows)
        if fl.is_range(state) and state.flowscale == "subregion":
            text = ngettext(
                "{count} counted flow between UN sub-regions, people counted in {years} and summed",
                "{count} counted flows between UN sub-regions, people counted in {years} and summed",
                n,
            )
        elif fl.is_range(state):
            text = ngettext(
                "{count} counted flow between countries, people counted in {years} and summed",
                "{count} counted flows between countries, people counted in {years} and summed",
                n,
            )
        elif state.flowscale == "subregion":
            text = ngettext(
                "{count} counted flow between UN sub-regions, people counted in {year}",
                "{count} counted flows between UN sub-regions, people counted in {year}",
                n,
            )
        else:
            text = ngettext(
                "{count} counted flow between countries, people counted in {year}",
                "{count} counted flows between countries, people counted in {year}",
                n,
            )
        text = text.format(count=i18n.integer(n), year=fl.years_said(state), years=fl.years_said(state))
        if state.flowcountry:
            way = {"in": N_("into {country}"), "out": N_("out of {country}")}.get(
                state.flowdir, N_("into or out of {country}")
            )
            text += " " + _(way).format(country=facts.raw_names.get(state.flowcountry, state.flowcountry))
        if ranked.other:
            strongest = ngettext(
                "(the strongest {count} drawn; {other})", "(the strongest {count} drawn; {other})", len(ranked.drawn)
            )
            text += " " + strongest.format(count=i18n.integer(len(ranked.drawn)), other=ranked.other_text())
        clauses.append(text)
    elif state.flowyears:
        # A range asked for by name says so even where it holds no flow (a link to years without data).
        clauses.append(_("no counted flows in {years}").format(years=fl.years_said(state)))
    # The regions' filter says itself, even where it keeps nothing (why the map is empty).
    regions = between_said(view.atlas, state)
    if regions:
        clauses.append(regions)
    return "; ".join(clauses)


# --- The HTML export ---------------------------------------------------------------------------


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """The routes the sources name as great-circle lines with an arrow head, internal trafficking
    as a ring; then the counted flows as the map draws them (:func:`draw_folium_flows`)."""
    group = canvas.group(_(LAYER.label))
    points = facts.label_points
    hovers = hover_texts(view.atlas, facts)
    in_view = routes_in_view(view)
    records = [r for r in in_view if not fl.is_counted_flow(r)]
    drawable = [r for r in records if on_map(r, points)]
    forms_drawn: list[str] = []
    rings = False
    for route in drawable:
        colour, dash = FORM_STYLES[route["form"]]
        width = width_for(route, facts.threshold)
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
        canvas.bind(_arrow(arc, colour, int(10 + 2 * width), data_id, canvas), popup, tip).add_to(group)

    entries = [
        KeyEntry(form_label(form), line_swatch(*FORM_STYLES[form])) for form in FORM_STYLES if form in forms_drawn
    ]
    if rings:
        entries.append(KeyEntry(_("Ring: internal trafficking"), ring_swatch()))
    left_out = len(records) - len(drawable)
    not_drawn = ngettext(
        "{count} route without two named countries not drawn.",
        "{count} routes without two named countries not drawn.",
        left_out,
    )
    note = f"<p>{not_drawn.format(count=i18n.integer(left_out))}</p>" if left_out else ""
    if entries or note:
        canvas.key.append(KeyGroup(_(KEY_TITLE), tuple(entries), note=note))
    draw_folium_flows(view, facts, canvas, group, in_view)


def _arrow(arc: list[tuple[float, float]], colour: str, size: int, data_id: str, canvas: Canvas) -> SvgMarker:
    """The arrow head three quarters along ``arc`` (lon, lat points), turned the arc's way on screen."""
    at = round((len(arc) - 1) * ARROW_AT)
    angle = _screen_angle(arc[at - 1], arc[at + 1])
    return SvgMarker(
        location=(arc[at][1], arc[at][0]),
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


def width_swatch(width: float, dotted: bool) -> str:
    """A key swatch of a flow's line at its own width (dotted: withheld counts)."""
    dashes = ' stroke-dasharray="2 3"' if dotted else ""
    return (
        '<svg width="36" height="20" viewBox="0 0 36 20" aria-hidden="true">'
        f'<line x1="2" y1="10" x2="34" y2="10" stroke="{FLOW_COLOUR}" stroke-width="{width:g}"{dashes}/></svg>'
    )


def flow_ring_swatch() -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="7" fill="none" stroke="{FLOW_COLOUR}" stroke-width="2.5"/></svg>'
    )


def draw_folium_flows(
    view: View, facts: Facts, canvas: Canvas, group: folium.FeatureGroup, records: list[dict[str, Any]]
) -> None:
    """The counted flows as the map draws them (:func:`flow_traces`): summed at the view's scale
    (``flowscale=``) and over its years, the ``flows=`` strongest drawn with their class's width
    (withheld counts thin and dotted, flows within one place as rings), the others said in the
    key's note as "other flows"; the key lists the classes of every flow in view."""
    ranked = ranked_flows(view, facts, records)
    if not ranked.flows:
        return
    points, __ = places(view, facts)
    threshold = facts.threshold
    total = len(ranked.flows)
    bounds: dict[int, int] = {}
    for flow in ranked.flows:
        key = flow_key(flow, threshold)
        bounds[key] = max(bounds.get(key, 0), flow.bound)
    for rank, flow in enumerate(ranked.drawn, start=1):
        key = flow_key(flow, threshold)
        suppressed = key < 0
        width = key_width(key)
        popup = popup_html(flow_hover(flow, rank, total, view, facts))
        tip = popup.split("<br>", 1)[0]
        data_id = fmt.esc(f"route:{flow.routes[0]['route_id']}")
        classes = f"atlas-flow atlas-flow--{'withheld' if suppressed else f'class-{key}'}"
        dashes = dash_array("dot", width) if suppressed else None
        if flow.internal:
            lon, lat = points[flow.origin]
            ring = folium.CircleMarker(
                location=[lat, lon],
                radius=round(11 + width),  # the map's ring: 22 + 2 × width pixels across
                color=FLOW_COLOUR,
                weight=width,
                fill=True,
                fill_opacity=0,
                dash_array=dashes or None,
                class_name=classes + " atlas-flow-internal",
            )
            canvas.bind(ring, popup, tip).add_to(group)
            continue
        arc = _unwrap(great_circle(*points[flow.origin], *points[flow.destination], EXPORT_ARC_POINTS))
        line = folium.PolyLine(
            locations=[(lat, lon) for lon, lat in arc],
            color=FLOW_COLOUR,
            weight=width,
            opacity=0.85,
            dash_array=dashes or None,
            class_name=classes,
        )
        canvas.bind(line, popup, tip).add_to(group)
        canvas.bind(_arrow(arc, FLOW_COLOUR, round(12 + 1.5 * width), data_id, canvas), popup, tip).add_to(group)
    entries = [
        KeyEntry(class_label(key, bounds[key], threshold), width_swatch(key_width(key), key < 0))
        for key in sorted(bounds, reverse=True)
    ]
    if any(f.internal for f in ranked.flows):
        entries.append(KeyEntry(ring_label(view.state), flow_ring_swatch()))
    note = f"<p>{fmt.esc(ranked.other_text())}</p>" if ranked.other else ""
    canvas.key.append(KeyGroup(key_title(view.state), tuple(entries), note=note))


def _popup(route: Mapping[str, Any], hover: str, threshold: int) -> str:
    """The route's hover text as popup HTML; a count the publisher withheld reads "fewer than N", never a number."""
    popup = popup_html(hover)
    flag = route.get("suppressed")
    if not fmt.is_missing(flag) and bool(flag):
        line = _("Count: {count}")
        before = re.escape(line.split("{count}")[0])
        said = line.format(count=fmt.esc(fmt.suppressed(route.get("suppressed_below"), threshold)))
        popup = re.sub(rf"(^|<br>){before}[^<]*", lambda m: m.group(1) + said, popup)
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


# --- The control of the years (placed by dashboard.layout) -----------------------------------------

FLOW_YEARS_LABEL = N_("Years of the counted flows")
BY_FIELD_FLOWYEARS = FIELDS["flowyears"]


def flow_years_input(atlas: Atlas, state: ViewState) -> Any:
    """The text box of ``flowyears=``: a year or a range (``2015-2019``), summed; empty, the map's year.

    A text box, not a range slider: it can be emptied, which puts the flows back on the map's
    year (a slider always holds a range). Its value is read as the URL reads it
    (:class:`dashboard.state.YearRange`), so a range it cannot read comes back as a notice.
    """
    from dash import dcc

    return dcc.Input(
        id="flowyears",
        type="text",
        value=BY_FIELD_FLOWYEARS.codec.to_control(state.flowyears, ()),
        placeholder=_("the map's year"),
        debounce=True,
        autoComplete="off",
        className="form-control",
    )


def flow_years_help(atlas: Atlas) -> str:
    """The note under the text box: what it takes, and the years the data has counted flows in."""
    note = _("A year or a range of years, such as {example}: the flows counted in those years are summed.")
    years = fl.counted_years(atlas)
    if not years:
        return note.format(example="2015-2019")
    held = _("Counted flows in the data: {first} to {last}.").format(first=years[0], last=years[-1])
    return note.format(example=f"{years[0]}-{years[-1]}") + " " + held


LAYER = Layer(
    key="routes",
    label=N_("Trafficking routes"),
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
    reads=(
        "regions",
        "forms",
        "year",
        "datasets",
        "flows",
        "flowscale",
        "flowcountry",
        "flowdir",
        "flowfrom",
        "flowto",
        "flowyears",
    ),
    key_reads=("flowscale", "flowyears"),
    prepare=prepare,
    cites=cites,
    describe=describe,
    table=Table(N_("Routes"), COLUMNS, table_rows, ids_in_view),
    folium=draw_folium,
)
