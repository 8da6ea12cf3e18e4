"""What a layer draws into in the HTML export: the folium map, its country shapes and its key.

The export (:mod:`dashboard.exports.folium_map`) makes one :class:`Canvas` per page and hands it
to each layer switched on, in drawing order; a layer colours countries (:meth:`Canvas.shade`),
adds a group of markers or lines (:meth:`Canvas.group`, :meth:`Canvas.bind`), and adds its part
of the key (:attr:`Canvas.key`). Text from the data reaches the page only as values of the
page's one JSON element (see :mod:`dashboard.exports.elements`): popups and tooltips must be
HTML-escaped where they are made.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

import folium

from dashboard import i18n
from dashboard.exports.elements import BoundText, PageData
from dashboard.palette import BORDER_COLOUR, OUTSIDE_COLOUR, dash_array, symbol_shape


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


@dataclass
class Canvas:
    """The page a layer draws into.

    Attributes
    ----------
    map : folium.Map
    data : PageData
        The page's one JSON value: every text and shape from the data.
    names : dict
        HTML-escaped country names by ISO3 (for tooltips).
    countries : tuple of str
        The ISO3 of every country shape on the page, in drawing order.
    fills, tips, edges : dict
        Per country (ISO3): its fill colour, its tooltip (HTML) and, where a layer outlines it,
        its outline's Leaflet path options. Countries no layer shades are drawn in the land colour.
    key : list of KeyGroup
        The key, in the order the layers add to it.
    overlays : list of str
        The names of the groups the layer control lists.
    """

    map: folium.Map
    data: PageData
    names: Mapping[str, str]
    countries: tuple[str, ...]
    fills: dict[str, str] = field(default_factory=dict)
    tips: dict[str, str] = field(default_factory=dict)
    edges: dict[str, dict[str, float | str]] = field(default_factory=dict)
    key: list[KeyGroup] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)

    def shade(self, iso3: str, fill: str, tip: str) -> None:
        """Fill a country and set its tooltip (HTML)."""
        self.fills[iso3] = fill
        self.tips[iso3] = tip

    def tip(self, iso3: str) -> str:
        """A country's tooltip so far: its name (in the page's language), unless a layer has said more."""
        if iso3 in self.tips:
            return self.tips[iso3]
        name = self.names.get(iso3, iso3)
        if i18n.lang() != i18n.DEFAULT:
            name = html.escape(i18n.country_name(iso3, html.unescape(name)))
        return f"<b>{name}</b>"

    def group(self, name: str) -> folium.FeatureGroup:
        """A named group of markers or lines on the map, listed in the layer control (``name`` in
        English, marked with ``N_`` where the layer declares it, is translated here)."""
        name = i18n.gettext(name)
        group = folium.FeatureGroup(name=name)
        group.add_to(self.map)
        self.overlays.append(name)
        return group

    def bind(self, layer: folium.MacroElement, popup: str, tip: str) -> folium.MacroElement:
        """Give ``layer`` a popup and a sticky tooltip (both HTML, data text already escaped)."""
        layer.add_child(BoundText("popup", popup, self.data, {"maxWidth": 360}))
        layer.add_child(BoundText("tooltip", tip, self.data, {"sticky": True}))
        return layer

    def fill_of(self, iso3: str) -> str:
        return self.fills.get(iso3, OUTSIDE_COLOUR)


def popup_html(hover: str) -> str:
    """A plotly hover text as popup HTML (plotly's ``<extra>`` box removed)."""
    return hover.replace("<extra></extra>", "")


def area_swatch(colour: str) -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<rect x="2" y="4" width="16" height="12" fill="{colour}" stroke="{BORDER_COLOUR}" stroke-width="1"/></svg>'
    )


def line_swatch(colour: str, dash: str) -> str:
    pattern = dash_array(dash, 3)
    dashes = f' stroke-dasharray="{pattern}"' if pattern else ""
    return (
        '<svg width="28" height="20" viewBox="0 0 28 20" aria-hidden="true">'
        f'<line x1="1" y1="10" x2="27" y2="10" stroke="{colour}" stroke-width="3"{dashes}/></svg>'
    )


def ring_swatch() -> str:
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        '<circle cx="10" cy="10" r="7" fill="none" stroke="#333333" stroke-width="2.5"/></svg>'
    )


def symbol_svg(symbol: str, colour: str, size: int, filled: bool, data_id: str = "", edge: str = "#000000") -> str:
    """A marker symbol as an SVG element ``size`` pixels wide; ``data_id`` (escaped) names what it marks."""
    shape = symbol_shape(symbol)
    if filled:
        style = f'fill="{colour}" stroke="{edge}" stroke-width="1.5"'
    else:
        style = f'fill="#ffffff" fill-opacity="0.35" stroke="{colour}" stroke-width="3"'
    dot = '<circle cx="10" cy="10" r="2" fill="#000000"/>' if symbol.endswith("-dot") else ""
    attribute = f' data-id="{data_id}"' if data_id else ""
    return (
        f'<svg{attribute} width="{size}" height="{size}" viewBox="0 0 20 20" aria-hidden="true">'
        + shape.replace("/>", f" {style}/>")
        + dot
        + "</svg>"
    )
