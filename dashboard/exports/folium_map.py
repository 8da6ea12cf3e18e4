"""The current view as one standalone, interactive HTML file, made with folium.

The file opens offline: Leaflet is inlined (:mod:`dashboard.exports.offline`), there is no
tile server, and the country shapes are the base layer. It shows what the app's map shows for
the same view: the indicator choropleth (TIP tiers in the app's colours; continuous indicators
on a colour-blind-safe sequential scale), great-circle routes coloured and dashed by form with
an arrow head, internal trafficking as a ring, program sites as shapes coloured by type (open
where the source names only the country), a key and the sources. Every text from the data is
HTML-escaped: popups reuse the layers' escaped hover texts (``ctx.route_hover``,
``ctx.program_hover``), the rest goes through :func:`dashboard.formatting.esc`.

No text from the data is ever template source: folium and branca compile each element's
rendered output as a Jinja2 template, so popups, tooltips, icons and shapes travel in one
JSON value (:class:`~dashboard.exports.elements.PageData`) and the title, key and sources as
:class:`~dashboard.exports.elements.HtmlBlock` values; see :mod:`dashboard.exports.elements`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import branca.colormap
import folium
import geopandas as gpd
import pandas as pd
import plotly.colors
from branca.element import Figure
from shapely.geometry import mapping

from dashboard import formatting as fmt
from dashboard.exports.elements import BoundText, CountryShapes, HtmlBlock, PageData, SvgMarker
from dashboard.exports.offline import render_offline
from dashboard.figure import geo_window
from dashboard.layers import REGISTRY, LayerContext, is_on
from dashboard.layers.palette import (
    BORDER_COLOUR,
    FORM_STYLES,
    NO_DATA_COLOUR,
    OUTSIDE_COLOUR,
    PROGRAM_STYLES,
    TIER_COLOURS,
)
from dashboard.layers.programs import marker_size, ring_offset
from dashboard.layers.routes import ARROW_AT, great_circle, width_for
from dashboard.view import View, sources_in_view
from geodata.vocabulary import EXPLOITATION_FORMS, PROGRAM_TYPES, TIP_TIERS

OCEAN_COLOUR = "#f3f7fa"
SUPPRESSED_COLOUR = "#cccccc"
WORLD_BOUNDS = [[-57.0, -180.0], [80.0, 180.0]]  # (lat, lon); Antarctica and the far north left out
ARC_POINTS = 48  # per arc: Mercator bends great circles, so more points than the app's projection needs
RING_RADIUS = 16  # pixels, internal trafficking
LOG_INDICATORS = ("population", "gdp-per-capita")  # drawn on a log scale, as in the app
# Colour-blind-safe sequential scales, light (low) to dark (high), by the catalogue's scale name.
SEQUENTIAL = {
    "blues": plotly.colors.sequential.Blues,
    "viridis": plotly.colors.sequential.Viridis,
    "cividis": plotly.colors.sequential.Cividis,
}
DEFAULT_SEQUENTIAL = "viridis"
DASHES = {  # plotly dash name -> SVG dash pattern, in line widths
    "solid": "",
    "dash": "3,2",
    "dot": "0.8,2",
    "dashdot": "3,2,0.8,2",
    "longdash": "5,2",
    "longdashdot": "5,2,0.8,2",
}
SHAPES = {  # marker symbol -> SVG shape in a 20x20 box
    "circle": '<circle cx="10" cy="10" r="7.5"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "diamond": '<polygon points="10,1.5 18.5,10 10,18.5 1.5,10"/>',
    "triangle-up": '<polygon points="10,2 18.5,17 1.5,17"/>',
    "star": '<polygon points="10,1 12.6,7.1 19.1,7.4 14,11.6 15.7,18.1 10,14.4 4.3,18.1 6,11.6 0.9,7.4 7.4,7.1"/>',
}

PAGE_CSS = (
    f".leaflet-container {{ background: {OCEAN_COLOUR}; font: inherit; font-size: 14px; }}"
    + """
html, body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.atlas-title { position: fixed; top: 10px; left: 56px; right: 250px; z-index: 1000; pointer-events: none;
  font-size: 18px; font-weight: 600; color: #1a1a1a; text-shadow: 0 0 3px #fff, 0 0 6px #fff; }
.atlas-legend { position: fixed; left: 10px; bottom: 34px; z-index: 1000; max-height: calc(100vh - 120px);
  overflow: auto; max-width: 300px; background: rgba(255,255,255,0.94); border: 1px solid #bbb;
  border-radius: 4px; padding: 6px 10px; font-size: 13px; color: #1a1a1a; }
.atlas-legend h2 { font-size: 14px; margin: 0 0 4px; }
.atlas-legend h3 { font-size: 13px; margin: 6px 0 2px; }
.atlas-legend ul { list-style: none; margin: 0; padding: 0; }
.atlas-legend li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.atlas-legend li svg { flex: none; }
.atlas-legend p { margin: 2px 0; font-size: 12px; color: #444; }
.atlas-gradient { width: 240px; height: 12px; border: 1px solid #8c8c8c; }
.atlas-gradient-ticks { display: flex; justify-content: space-between; width: 242px; font-size: 12px;
  white-space: nowrap; }
.atlas-sources { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; padding: 4px 10px;
  background: rgba(255,255,255,0.94); border-top: 1px solid #bbb; font-size: 12px; color: #333;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.atlas-sources:hover { white-space: normal; }
.atlas-site, .atlas-arrow { background: none; border: none; }
.atlas-site svg, .atlas-arrow svg { display: block; overflow: visible; }
.leaflet-popup-content { font-size: 13px; line-height: 1.4; }
"""
)


Row = dict[str, Any]  # one country's row of the view's indicator table
Colouring = Callable[[Row | None], str]  # row (None: no value) -> fill colour


@dataclass(frozen=True)
class KeyEntry:
    label: str  # plain text; escaped when written
    svg: str


@dataclass(frozen=True)
class KeyGroup:
    title: str  # plain text
    entries: tuple[KeyEntry, ...]
    bar: str = ""  # HTML of a colour bar, before the entries
    note: str = ""  # HTML after the entries


def export_view_html(view: View, ctx: LayerContext, boundaries: gpd.GeoDataFrame, title: str) -> str:
    """The view as one HTML page with an interactive Leaflet map that needs no network.

    Parameters
    ----------
    view : View
        What to show: the indicator, routes and program sites in view, and which layers are on.
    ctx : LayerContext
        The atlas and its escaped hover texts.
    boundaries : geopandas.GeoDataFrame
        Country shapes indexed by ISO3, in WGS84 (:func:`dashboard.exports.export_boundaries`).
    title : str
        Plain text; shown above the map and as the page title.

    Returns
    -------
    str
        The whole HTML document.
    """
    on = {key for key, layer in REGISTRY.items() if is_on(layer, view)}
    m = folium.Map(
        location=[20, 0],
        zoom_start=2,
        tiles=None,
        attribution_control=False,
        prefer_canvas=False,  # SVG paths: each country, route and ring is an element
        min_zoom=1,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    root = m.get_root()
    assert isinstance(root, Figure)
    root.title = fmt.esc(title)  # branca writes the title into <title> as it is
    root.header.add_child(HtmlBlock(f"<style>{PAGE_CSS}</style>"), name="atlas_css")
    data = PageData()  # every text and shape from the data, written into the page as one JSON value
    root.header.add_child(data, name="atlas_data")

    key: list[KeyGroup] = []
    countries, country_key = _country_layer(view, ctx, boundaries, "choropleth" in on, data)
    countries.add_to(m)
    key += country_key
    if "routes" in on:
        routes, route_key = _route_layer(view, ctx, data)
        routes.add_to(m)
        key += route_key
    if "programs" in on:
        sites, site_key = _program_layer(view, ctx, data)
        sites.add_to(m)
        key += site_key
    if "routes" in on or "programs" in on:
        folium.LayerControl(collapsed=False, position="topright").add_to(m)

    m.fit_bounds(_bounds(view, ctx))
    html = root.html
    # HtmlBlock, not folium.Element: the latter compiles its text as a Jinja2 template (elements.py).
    html.add_child(HtmlBlock(f'<div class="atlas-title">{fmt.esc(title)}</div>'), name="atlas_title")
    html.add_child(HtmlBlock(_legend_html(key)), name="atlas_legend")
    html.add_child(HtmlBlock(_sources_html(view, ctx, tuple(sorted(on)))), name="atlas_sources")
    return render_offline(m)


# --- Countries ---------------------------------------------------------------------------------


def _country_layer(
    view: View, ctx: LayerContext, boundaries: gpd.GeoDataFrame, choropleth: bool, data: PageData
) -> tuple[CountryShapes, list[KeyGroup]]:
    """The base layer: every country's shape, coloured by the indicator where it is in view."""
    meta = ctx.atlas.catalogue.loc[view.state.indicator]
    label = str(meta["label"])
    year = view.state.year
    rows = {r["iso3"]: r for r in view.indicator.to_dict("records")}
    fills: dict[str, str] = {}
    tips: dict[str, str] = {}
    in_view = [iso3 for iso3 in boundaries.index if view.countries is None or iso3 in view.countries]
    colour_of: Colouring | None = None
    key: list[KeyGroup] = []
    if choropleth:
        colour_of, key = _colouring(view, ctx, rows, in_view)

    shown = set(in_view)
    for iso3 in boundaries.index:
        name = ctx.names.get(iso3, fmt.esc(iso3))
        if iso3 not in shown:
            fills[iso3] = OUTSIDE_COLOUR
            tips[iso3] = f"<b>{name}</b><br>Outside the chosen regions"
            continue
        if colour_of is None:
            fills[iso3] = OUTSIDE_COLOUR
            tips[iso3] = f"<b>{name}</b>"
            continue
        row = rows.get(iso3)
        fills[iso3] = colour_of(row)
        tips[iso3] = _country_tip(name, row, meta, label, year, ctx)

    data.shapes["features"] = [
        {
            "type": "Feature",
            "id": iso3,
            "properties": {"fill": fills[iso3], "tip": tips[iso3]},
            "geometry": mapping(geometry),
        }
        for iso3, geometry in boundaries.geometry.items()
    ]
    layer = CountryShapes(
        data,
        style={"fillOpacity": 1, "color": BORDER_COLOUR, "weight": 0.5},
        highlight={"color": "#1a1a1a", "weight": 2},
    )
    if view.countries is not None:
        key.append(KeyGroup("", (KeyEntry("Outside the chosen regions", _area_swatch(OUTSIDE_COLOUR)),)))
    return layer, key


def _country_tip(name: str, row: Row | None, meta: pd.Series, label: str, year: int, ctx: LayerContext) -> str:
    if row is None:
        return f"<b>{name}</b><br>{fmt.esc(label)}: no data for {year}"
    if meta["kind"] == "ordinal":
        reading = fmt.esc(TIP_TIERS.get(row["category"], row["category"]))
    elif row["suppressed"]:  # never its value, even if the cell holds one
        reading = f"suppressed (fewer than {_bound(row, ctx.suppression_threshold)})"
    else:
        reading = fmt.esc(fmt.number(row["value"])) + (f" {fmt.esc(meta['unit'])}" if meta["unit"] else "")
    when = str(year) if int(row["year"]) == year else f"{int(row['year'])} (latest before {year})"
    median = ctx.region_medians.get((row["iso3"], str(meta["indicator"]), year), "")
    lines = [f"<b>{name}</b>", f"{fmt.esc(label)}: {reading}", f"Year: {when}"]
    if median:
        lines.append(median)
    lines.append(f"Source: {ctx.cite(row['source'])}")
    return "<br>".join(lines)


def _colouring(
    view: View, ctx: LayerContext, rows: dict[str, Row], in_view: list[str]
) -> tuple[Colouring, list[KeyGroup]]:
    """A function from a country's indicator row (or None) to its fill, and the key for it."""
    meta = ctx.atlas.catalogue.loc[view.state.indicator]
    title = f"{meta['label']}, {view.state.year}"
    present = {iso3 for iso3 in in_view if iso3 in rows}
    no_data = KeyEntry("No data", _area_swatch(NO_DATA_COLOUR))

    if meta["kind"] == "ordinal":

        def tier(row: Row | None) -> str:
            return NO_DATA_COLOUR if row is None else TIER_COLOURS.get(row["category"], "#999999")

        shown = {rows[iso3]["category"] for iso3 in present}
        entries = [
            KeyEntry(TIP_TIERS.get(c, c), _area_swatch(TIER_COLOURS.get(c, "#999999")))
            for c in meta["categories"]
            if c in shown
        ]
        return tier, [KeyGroup(title, (*entries, no_data))]

    log = str(meta["indicator"]) in LOG_INDICATORS or str(meta.get("scale", "linear")) == "log"
    values = {
        iso3: float(rows[iso3]["value"])
        for iso3 in present
        if not fmt.is_missing(rows[iso3]["value"])
        and not rows[iso3]["suppressed"]  # a suppressed value never colours a country
        and (not log or float(rows[iso3]["value"]) > 0)
    }

    def z(value: float) -> float:
        return math.log10(value) if log else value

    scale = SEQUENTIAL.get(str(meta["colorscale"]).lower(), SEQUENTIAL[DEFAULT_SEQUENTIAL])
    colours = [_hex(c) for c in scale]
    low = min((z(v) for v in values.values()), default=0.0)
    high = max((z(v) for v in values.values()), default=1.0)
    if high <= low:
        high = low + 1
    cmap = branca.colormap.LinearColormap(colours, vmin=low, vmax=high)

    def continuous(row: Row | None) -> str:
        if row is None:
            return NO_DATA_COLOUR
        if row["iso3"] in values:
            return str(cmap.rgb_hex_str(z(values[row["iso3"]])))
        return SUPPRESSED_COLOUR if row["suppressed"] else NO_DATA_COLOUR

    stops = ", ".join(str(cmap.rgb_hex_str(low + (high - low) * i / 10)) for i in range(11))
    ticks = "".join(f"<span>{fmt.esc(fmt.number(10**t if log else t))}</span>" for t in (low, (low + high) / 2, high))
    unit = str(meta["unit"]) if not fmt.is_missing(meta["unit"]) else ""
    caption = f"Log scale ({unit})" if log and unit else "Log scale" if log else unit
    bar = (
        f'<div class="atlas-gradient" style="background: linear-gradient(to right, {stops})"></div>'
        f'<div class="atlas-gradient-ticks">{ticks}</div>' + (f"<p>{fmt.esc(caption)}</p>" if caption else "")
    )
    entries = [no_data]
    if any(rows[iso3]["suppressed"] and iso3 not in values for iso3 in present):
        entries.insert(0, KeyEntry("Suppressed small count", _area_swatch(SUPPRESSED_COLOUR)))
    return continuous, [KeyGroup(title, tuple(entries), bar=bar)]


def _hex(colour: str) -> str:
    """``#rrggbb`` of a plotly colour (``rgb(r, g, b)`` or hex)."""
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in plotly.colors.unlabel_rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


# --- Routes ------------------------------------------------------------------------------------


def _route_layer(view: View, ctx: LayerContext, data: PageData) -> tuple[folium.FeatureGroup, list[KeyGroup]]:
    """Great-circle routes with an arrow head; internal trafficking as a ring."""
    group = folium.FeatureGroup(name="Trafficking routes")
    points = ctx.label_points
    records = view.routes.reset_index(names="row").to_dict("records")
    drawable = [r for r in records if r["origin_iso3"] in points and r["destination_iso3"] in points]
    arrow_index = round((ARC_POINTS - 1) * ARROW_AT)
    forms_drawn: list[str] = []
    rings = False
    for route in drawable:
        colour, dash = FORM_STYLES[route["form"]]
        width = width_for(route["count"])
        popup = _route_popup(route, ctx)
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
                radius=RING_RADIUS,
                color=colour,
                weight=3.5,
                fill=True,
                fill_opacity=0,
                dash_array=_dash(dash, 3.5),
                class_name=classes + " atlas-route-internal",
            )
            _bind(ring, popup, tip, data).add_to(group)
            continue
        arc = _unwrap(great_circle(*points[route["origin_iso3"]], *points[route["destination_iso3"]], n=ARC_POINTS))
        line = folium.PolyLine(
            locations=[(lat, lon) for lon, lat in arc],
            color=colour,
            weight=width,
            opacity=0.9,
            dash_array=_dash(dash, width),
            class_name=classes,
        )
        _bind(line, popup, tip, data).add_to(group)
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
            data=data,
            keyboard=False,
        )
        _bind(arrow, popup, tip, data).add_to(group)

    entries = [
        KeyEntry(EXPLOITATION_FORMS[form].label, _line_swatch(*FORM_STYLES[form]))
        for form in FORM_STYLES
        if form in forms_drawn
    ]
    if rings:
        entries.append(KeyEntry("Ring: internal trafficking", _ring_swatch()))
    left_out = len(records) - len(drawable)
    note = (
        f"<p>{left_out} route{'s' if left_out != 1 else ''} without two named countries not drawn.</p>"
        if left_out
        else ""
    )
    if not entries and not note:
        return group, []
    return group, [KeyGroup("Routes, by form of exploitation", tuple(entries), note=note)]


def _bound(row: Row, threshold: int) -> int:
    """The bound of a suppressed value: the publisher's ``suppressed_below`` ("<5"), else the atlas's threshold."""
    bound = row.get("suppressed_below")
    return threshold if fmt.is_missing(bound) else int(bound)  # type: ignore[arg-type]


def _route_popup(route: Row, ctx: LayerContext) -> str:
    """The route's hover text as popup HTML; a count the publisher withheld reads "fewer than N".

    The layers' hover text (``ctx.route_hover``) reads such a count as "unknown"; the export
    says what the publisher said, and never a number.
    """
    popup = _strip_extra(ctx.route_hover[route["row"]])
    flag = route.get("suppressed")
    if not fmt.is_missing(flag) and bool(flag):
        bound = _bound(route, ctx.suppression_threshold)
        popup = re.sub(r"(^|<br>)Count: [^<]*", lambda m: f"{m.group(1)}Count: fewer than {bound}", popup)
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


def _dash(dash: str, width: float) -> str | None:
    pattern = DASHES.get(dash, "")
    if not pattern:
        return None
    return ",".join(f"{float(p) * width:g}" for p in pattern.split(","))


# --- Program sites -----------------------------------------------------------------------------


def _program_layer(view: View, ctx: LayerContext, data: PageData) -> tuple[folium.FeatureGroup, list[KeyGroup]]:
    """One marker per site and program type shown, set in a ring around sites with several types."""
    group = folium.FeatureGroup(name="Program sites")
    wanted = view.state.types or tuple(PROGRAM_TYPES)
    types_drawn: set[str] = set()
    open_sites = False
    for site in view.programs.reset_index(names="row").to_dict("records"):
        shown = [t for t in PROGRAM_STYLES if t in site["types"] and t in wanted]
        precise = site["site_precision"] != "country"
        open_sites |= not precise
        popup = _strip_extra(ctx.program_hover[site["row"]])
        data_id = fmt.esc(f"program:{site['program_id']}")
        size = int(round(marker_size(site["people_assisted"], ctx.suppression_threshold)))
        for position, ptype in enumerate(shown):
            types_drawn.add(ptype)
            colour, symbol = PROGRAM_STYLES[ptype]
            dlon, dlat = ring_offset(position, len(shown))
            marker = SvgMarker(
                location=(float(site["map_lat"]) + dlat, float(site["map_lon"]) + dlon),
                svg=_symbol_svg(symbol, colour, size, precise, data_id),
                size=(size, size),
                class_name=f"atlas-site atlas-site-{ptype}" + ("" if precise else " atlas-site-open"),
                data=data,
                z_index_offset=1000,
            )
            tip = f"<b>{fmt.esc(site['program'])}</b><br>{fmt.esc(PROGRAM_TYPES[ptype])}"
            _bind(marker, popup, tip, data).add_to(group)
    entries = [
        KeyEntry(PROGRAM_TYPES[ptype], _symbol_svg(symbol, colour, 16, True))
        for ptype, (colour, symbol) in PROGRAM_STYLES.items()
        if ptype in types_drawn
    ]
    if open_sites:
        entries.append(KeyEntry("Open: country only, no site named", _symbol_svg("circle", "#333333", 16, False)))
    return group, [KeyGroup("Program sites, by type", tuple(entries))] if entries else []


def _symbol_svg(symbol: str, colour: str, size: int, filled: bool, data_id: str = "") -> str:
    shape = SHAPES.get(symbol, SHAPES["circle"])
    if filled:
        style = f'fill="{colour}" stroke="#000000" stroke-width="1.5"'
    else:
        style = f'fill="#ffffff" fill-opacity="0.35" stroke="{colour}" stroke-width="3"'
    attribute = f' data-id="{data_id}"' if data_id else ""
    return (
        f'<svg{attribute} width="{size}" height="{size}" viewBox="0 0 20 20" aria-hidden="true">'
        + shape.replace("/>", f" {style}/>")
        + "</svg>"
    )


# --- Shared pieces -----------------------------------------------------------------------------


def _bind(layer: folium.MacroElement, popup: str, tip: str, data: PageData) -> folium.MacroElement:
    layer.add_child(BoundText("popup", popup, data, {"maxWidth": 360}))
    layer.add_child(BoundText("tooltip", tip, data, {"sticky": True}))
    return layer


def _strip_extra(hover: str) -> str:
    """A plotly hover text as popup HTML (plotly's ``<extra>`` box removed)."""
    return hover.replace("<extra></extra>", "")


def _slug(value: object) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", str(value).lower()).strip("-")


def _bounds(view: View, ctx: LayerContext) -> list[list[float]]:
    """(lat, lon) corners of the app's window for the view: the world, or the chosen countries."""
    if view.countries is None:
        return WORLD_BOUNDS
    window = geo_window(view, ctx)
    lons = window["lonaxis"]["range"]  # type: ignore[index]
    lats = window["lataxis"]["range"]  # type: ignore[index]
    return [[float(lats[0]), float(lons[0])], [float(lats[1]), float(lons[1])]]


def _area_swatch(colour: str) -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<rect x="2" y="4" width="16" height="12" fill="{colour}" stroke="{BORDER_COLOUR}" stroke-width="1"/></svg>'
    )


def _line_swatch(colour: str, dash: str) -> str:
    pattern = _dash(dash, 3)
    dashes = f' stroke-dasharray="{pattern}"' if pattern else ""
    return (
        '<svg width="28" height="20" viewBox="0 0 28 20" aria-hidden="true">'
        f'<line x1="1" y1="10" x2="27" y2="10" stroke="{colour}" stroke-width="3"{dashes}/></svg>'
    )


def _ring_swatch() -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        '<circle cx="10" cy="10" r="7" fill="none" stroke="#333333" stroke-width="2.5"/></svg>'
    )


def _legend_html(groups: list[KeyGroup]) -> str:
    parts = ['<div class="atlas-legend" role="region" aria-label="Key"><h2>Key</h2>']
    for group in groups:
        if group.title:
            parts.append(f"<h3>{fmt.esc(group.title)}</h3>")
        parts.append(group.bar)
        items = "".join(f"<li>{entry.svg}<span>{fmt.esc(entry.label)}</span></li>" for entry in group.entries)
        parts.append(f"<ul>{items}</ul>{group.note}")
    parts.append("</div>")
    return "".join(parts)


def _sources_html(view: View, ctx: LayerContext, layers: tuple[str, ...]) -> str:
    """The sources of what the view shows, then of the country shapes."""
    sources = ctx.atlas.sources
    cited = sources_in_view(ctx.atlas, view, layers)
    items = [_citation(row) for _, row in cited.iterrows()]
    if "natural-earth" in sources.index and "natural-earth" not in cited.index:
        items.append("Country shapes: " + _citation(sources.loc["natural-earth"]))
    return f'<div class="atlas-sources"><b>Sources:</b> {"; ".join(items) if items else "none cited"}</div>'


def _citation(row: pd.Series) -> str:
    parts = [fmt.esc(row["publisher"])]
    if not fmt.is_missing(row["document"]):
        parts.append(f"<i>{fmt.esc(row['document'])}</i>")
    text = ", ".join(parts)
    if not fmt.is_missing(row["date"]):
        text += f" ({fmt.esc(row['date'])})"
    if not fmt.is_missing(row.get("licence")):
        text += f". {fmt.esc(row['licence'])}"
    return text
