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

from typing import Any

import geopandas as gpd
import pandas as pd
from branca.element import Figure
from folium import LayerControl, Map
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from shapely.geometry import mapping

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.exports.canvas import Canvas, KeyGroup
from dashboard.exports.elements import CountryShapes, HtmlBlock, PageData, to_script_json
from dashboard.exports.offline import render_offline
from dashboard.figure import geo_window
from dashboard.i18n import _
from dashboard.layers import REGISTRY, Facts, is_on, source_ids_in_view
from dashboard.palette import BORDER_COLOUR
from dashboard.view import View

OCEAN_COLOUR = "#f3f7fa"
WORLD_BOUNDS = [[-57.0, -180.0], [80.0, 180.0]]  # (lat, lon); Antarctica and the far north left out
TEMPLATES = Environment(
    loader=PackageLoader("dashboard.exports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
TEMPLATES.globals["_"] = i18n.gettext


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
    css = TEMPLATES.get_template("map_page.css").render(ocean=OCEAN_COLOUR)
    root.header.add_child(HtmlBlock(f"<style>{css}</style>"), name="atlas_css")
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
    # Made here, with the data as values; then inserted as finished markup (HtmlBlock, never
    # folium.Element, which would compile it as a template again: see elements.py).
    language = i18n.lang()
    data_lang = Markup(' lang="en"') if language != i18n.DEFAULT else ""  # data is as its source wrote it
    overlay = TEMPLATES.get_template("map_overlay.html").render(
        title=title, key=_key(canvas.key), data=data_lang, **_sources(view)
    )
    root.html.add_child(HtmlBlock(overlay), name="atlas_overlay")
    if language != i18n.DEFAULT:
        root.script.add_child(HtmlBlock(_control_words()), name="atlas_control_words")
    return _with_language(render_offline(m), language)


def _control_words() -> str:
    """A script that gives Leaflet's controls their titles in the page's language (Leaflet writes
    them in English: "Zoom in", "Zoom out", "Layers")."""
    words = to_script_json(
        {
            ".leaflet-control-zoom-in": _("Zoom in"),
            ".leaflet-control-zoom-out": _("Zoom out"),
            ".leaflet-control-layers-toggle": _("Layers"),
        }
    )
    # The figure's script holds the map's code after this block (folium adds it as the page is
    # rendered), so the titles are set once the document is parsed and every script has run.
    return (
        "document.addEventListener('DOMContentLoaded', function () {"
        f" var words = {words};"
        " Object.keys(words).forEach(function (selector) {"
        " document.querySelectorAll(selector).forEach(function (control) {"
        " control.title = words[selector]; control.setAttribute('aria-label', words[selector]); });"
        " }); });"
    )


def _with_language(page: str, language: str) -> str:
    """The page's ``<html>`` element given the language it is written in (branca writes none)."""
    return page.replace("<html>", f'<html lang="{language}">', 1)


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


def _key(groups: list[KeyGroup]) -> list[dict[str, Any]]:
    """The key's groups for the template: text as values, the marks the layers drew as markup.

    A title or label a layer declared in English (marked with ``N_``) is translated here, where it
    is shown; one already translated, or made of data, is left as it is.
    """
    return [
        {
            "title": i18n.gettext(group.title) if group.title else "",
            "bar": Markup(group.bar),
            "note": Markup(group.note),
            "entries": [{"svg": Markup(entry.svg), "label": i18n.gettext(entry.label)} for entry in group.entries],
        }
        for group in groups
    ]


def _sources(view: View) -> dict[str, Any]:
    """The sources of what the view shows (``cited``), then of the country shapes (``shapes``, if not cited)."""
    sources = view.atlas.sources
    ids = source_ids_in_view(view)
    shapes = "natural-earth" in sources.index and "natural-earth" not in ids
    return {
        "cited": [_citation(sources.loc[source]) for source in ids],
        "shapes": _citation(sources.loc["natural-earth"]) if shapes else None,
    }


def _citation(row: pd.Series) -> dict[str, str | None]:
    return {
        name: None if fmt.is_missing(row.get(name)) else str(row[name])
        for name in ("publisher", "document", "date", "licence")
    }
