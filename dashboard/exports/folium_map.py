"""The current view as one standalone, interactive HTML file, made with folium.

The file opens offline: Leaflet is inlined (:mod:`dashboard.exports.offline`), there is no
tile server, and the country shapes are the base layer. It shows what the app's map shows for
the same view: each layer switched on draws itself (its ``folium`` function, in
``dashboard/layers/``) into a :class:`~dashboard.exports.canvas.Canvas`, in the registry's
order, and adds its part of the key; this module lays out the page around them: the country
shapes, the title, the key and the sources. Every text from the data is HTML-escaped: popups
reuse the layers' escaped hover texts, the rest goes through :func:`dashboard.formatting.esc`.

No text from the data is ever template source: folium and branca compile each element's
rendered output as a Jinja2 template, so popups, tooltips, icons and shapes travel in one
JSON value (:class:`~dashboard.exports.elements.PageData`) and the title, key and sources as
:class:`~dashboard.exports.elements.HtmlBlock` values; see :mod:`dashboard.exports.elements`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from branca.element import Figure
from folium import LayerControl, Map
from shapely.geometry import mapping

from dashboard import formatting as fmt
from dashboard.exports.canvas import Canvas, KeyGroup
from dashboard.exports.elements import CountryShapes, HtmlBlock, PageData
from dashboard.exports.offline import render_offline
from dashboard.figure import geo_window
from dashboard.layers import REGISTRY, Facts, is_on, source_ids_in_view
from dashboard.palette import BORDER_COLOUR
from dashboard.view import View

OCEAN_COLOUR = "#f3f7fa"
WORLD_BOUNDS = [[-57.0, -180.0], [80.0, 180.0]]  # (lat, lon); Antarctica and the far north left out
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


def export_view_html(view: View, facts: Facts, boundaries: gpd.GeoDataFrame, title: str) -> str:
    """The view as one HTML page with an interactive Leaflet map that needs no network.

    Parameters
    ----------
    view : View
        What to show: the indicator, routes and program sites in view, and which layers are on.
    facts : Facts
        The atlas's shared drawing facts (names, label points, citations, threshold).
    boundaries : geopandas.GeoDataFrame
        Country shapes indexed by ISO3, in WGS84 (:func:`dashboard.exports.boundaries.export_boundaries`).
    title : str
        Plain text; shown above the map and as the page title.

    Returns
    -------
    str
        The whole HTML document.
    """
    m = Map(
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
    # The shapes go first, so that every layer's lines and markers are drawn over them; their
    # fills and tooltips are written once the layers have said what they are.
    CountryShapes(
        data,
        style={"fillOpacity": 1, "color": BORDER_COLOUR, "weight": 0.5},
        highlight={"color": "#1a1a1a", "weight": 2},
    ).add_to(m)
    canvas = Canvas(m, data, facts.names, tuple(boundaries.index))
    for layer in REGISTRY.values():
        if layer.folium is not None and is_on(layer, view):
            layer.folium(view, facts, canvas)
    data.shapes["features"] = [
        {
            "type": "Feature",
            "id": iso3,
            "properties": {"fill": canvas.fill_of(iso3), "tip": canvas.tip(iso3), **_edge(canvas, iso3)},
            "geometry": mapping(geometry),
        }
        for iso3, geometry in boundaries.geometry.items()
    ]
    if canvas.overlays:
        LayerControl(collapsed=False, position="topright").add_to(m)

    m.fit_bounds(_bounds(view, facts))
    html = root.html
    # HtmlBlock, not folium.Element: the latter compiles its text as a Jinja2 template (elements.py).
    html.add_child(HtmlBlock(f'<div class="atlas-title">{fmt.esc(title)}</div>'), name="atlas_title")
    html.add_child(HtmlBlock(_legend_html(canvas.key)), name="atlas_legend")
    html.add_child(HtmlBlock(_sources_html(view)), name="atlas_sources")
    return render_offline(m)


def _edge(canvas: Canvas, iso3: str) -> dict[str, object]:
    return {"edge": canvas.edges[iso3]} if iso3 in canvas.edges else {}


# --- The page around the layers ----------------------------------------------------------------


def _bounds(view: View, facts: Facts) -> list[list[float]]:
    """(lat, lon) corners of the app's window for the view: the world, or the chosen countries."""
    if view.countries is None:
        return WORLD_BOUNDS
    window = geo_window(view, facts)
    lons = window["lonaxis"]["range"]  # type: ignore[index]
    lats = window["lataxis"]["range"]  # type: ignore[index]
    return [[float(lats[0]), float(lons[0])], [float(lats[1]), float(lons[1])]]


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


def _sources_html(view: View) -> str:
    """The sources of what the view shows, then of the country shapes."""
    sources = view.atlas.sources
    cited = sources.loc[source_ids_in_view(view)]
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
