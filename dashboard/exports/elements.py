"""The folium elements the export uses for everything that carries data: text and shapes reach the page only as values.

**Why.** branca renders a page in two passes. Each element's macros are rendered first (data
goes in as values, as it should), and then ``MacroElement.render`` wraps their *output* in
``branca.element.Element(output)``, whose first argument is *template source*: it is compiled
with Jinja2 and rendered again when the figure is. ``folium.Element(html)`` does the same with
its argument. So any data that appears in an element's macro output, or in markup given to
``folium.Element``, is run as a template on the server: a route label reading
``PID={{ cycler.__init__.__globals__.os.getpid() }}`` printed the server's process id,
``{{7*7331}}`` printed 51317, and ``{{'x'}}`` (escaped to ``{{&#x27;x&#x27;}}``, a syntax error)
made every export fail.

**The fix: data never appears in template source.** All text and shapes from the data go into
one :class:`PageData` element, written into the page as a JSON value (``var atlasData_... = {...}``)
by a fixed template; the other elements' macros (:class:`BoundText`, :class:`SvgMarker`,
:class:`CountryShapes`) write only numbers, constant options and the names of other elements,
and their scripts look the data up by index at run time. :class:`HtmlBlock` inserts finished
markup (the title, key and sources) as a value as well. Jinja2 never parses a value, so no
``{{``, ``{%`` or ``{#`` in the data can be read as template syntax, whichever pass it meets.
Escaping braces instead would have to be done, and never forgotten, at every place text meets a
template (and per pass: the second pass would need them escaped twice); keeping data out of
the source closes the hole once. ``folium.Popup``, ``folium.Tooltip``, ``folium.Element`` and
``folium.GeoJson`` with data must not be used in the export.

The JSON is written with ``<``, ``>``, ``&``, ``'`` and the JavaScript line separators escaped
(``\\u003c``...), so no text can close the ``<script>`` or break the literal, and Leaflet sets
popup and tooltip text as HTML: text must already be HTML-escaped where it comes from data.

``folium.Marker`` with a ``DivIcon`` first adds a default marker and then swaps its icon, and
the default marker fetches ``marker-icon.png``; :class:`SvgMarker` creates its ``L.divIcon``
marker in one go, so no image is ever requested.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from branca.element import Element
from folium.elements import MacroElement
from folium.template import Template


class HtmlBlock(Element):
    """A piece of HTML for a page's header, body or script, inserted as it is, never run as a template.

    Use it wherever ``folium.Element(html)`` would be used: that one compiles ``html`` as a Jinja2
    template (see the module's docstring).

    Parameters
    ----------
    html : str
        Finished markup; every piece of data in it already HTML-escaped.
    """

    _template = Template("{{ this.html }}")  # folium's environment: no autoescape, the value as it is

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "HtmlBlock"
        self.html = html


def to_script_json(value: object) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` and as a JavaScript literal."""
    return (
        json.dumps(value, ensure_ascii=False, allow_nan=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class PageData(Element):
    """The page's data: every text (popups, tooltips, icons) and the country shapes, as one JSON value.

    Add it to the figure's header; the elements that use it are given it and write only the
    index of their text (:meth:`text`) or a fixed key into their scripts.
    """

    _template = Template("<script>var {{ this.get_name() }} = {{ this.json() }};</script>")

    def __init__(self) -> None:
        super().__init__()
        self._name = "atlasData"
        self.texts: list[str] = []
        self._positions: dict[str, int] = {}
        self.shapes: dict[str, Any] = {"type": "FeatureCollection", "features": []}

    def text(self, value: str) -> int:
        """The index of ``value`` in the page's texts (a text used twice is stored once)."""
        if value not in self._positions:
            self._positions[value] = len(self.texts)
            self.texts.append(value)
        return self._positions[value]

    def json(self) -> str:
        return to_script_json({"text": self.texts, "shapes": self.shapes})


class BoundText(MacroElement):
    """A popup or tooltip with HTML content, bound to its parent layer.

    Parameters
    ----------
    kind : {"popup", "tooltip"}
    html : str
        HTML, with every piece of data in it already escaped; stored in ``data``.
    data : PageData
    options : dict, optional
        Leaflet popup or tooltip options: numbers and flags, never data.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.{{ this.method }}(
                {{ this.data.get_name() }}.text[{{ this.index }}],
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )

    def __init__(
        self, kind: str, html: str, data: PageData, options: dict[str, int | float | bool] | None = None
    ) -> None:
        super().__init__()
        if kind not in ("popup", "tooltip"):
            raise ValueError(f"kind must be 'popup' or 'tooltip', not {kind!r}")
        self._name = "BoundText"
        self.method = "bindPopup" if kind == "popup" else "bindTooltip"
        self.data = data
        self.index = data.text(html)
        self.options = dict(options or {})


class SvgMarker(MacroElement):
    """A marker whose icon is an inline SVG (``L.divIcon``), centred on its location.

    Parameters
    ----------
    location : (lat, lon)
    svg : str
        The icon's markup (data in it escaped); stored in ``data``.
    size : (width, height)
        In pixels.
    class_name : str
        CSS classes of the icon's element; stored in ``data``.
    data : PageData
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.marker(
                {{ this.location|tojavascript }},
                {
                    icon: L.divIcon({
                        html: {{ this.data.get_name() }}.text[{{ this.svg }}],
                        className: {{ this.data.get_name() }}.text[{{ this.class_name }}],
                        iconSize: {{ this.size|tojavascript }},
                        iconAnchor: {{ this.anchor|tojavascript }},
                        popupAnchor: {{ this.popup_anchor|tojavascript }},
                        tooltipAnchor: {{ this.tooltip_anchor|tojavascript }},
                    }),
                    keyboard: {{ this.keyboard|tojavascript }},
                    riseOnHover: true,
                    zIndexOffset: {{ this.z_index_offset|tojavascript }},
                }
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        location: Sequence[float],
        svg: str,
        size: tuple[int, int],
        class_name: str,
        data: PageData,
        keyboard: bool = True,
        z_index_offset: int = 0,
    ) -> None:
        super().__init__()
        self._name = "SvgMarker"
        self.data = data
        self.location = [float(location[0]), float(location[1])]
        self.svg = data.text(svg)
        self.size = [int(size[0]), int(size[1])]
        self.anchor = [self.size[0] // 2, self.size[1] // 2]
        self.popup_anchor = [0, -(self.size[1] // 2)]
        self.tooltip_anchor = [self.size[0] // 2, 0]
        self.class_name = data.text(class_name)
        self.keyboard = bool(keyboard)
        self.z_index_offset = int(z_index_offset)


class CountryShapes(MacroElement):
    """The country shapes of ``data.shapes`` as one ``L.geoJson`` layer: each feature filled with its
    ``properties.fill``, outlined as ``properties.edge`` says where a layer outlines it (path
    options), with ``properties.tip`` (HTML) as its sticky tooltip and an outline on hover.

    Parameters
    ----------
    data : PageData
        Its ``shapes`` hold the features.
    style : dict
        Leaflet path options shared by every country (the fill colour is each feature's own).
    highlight : dict
        Path options while the pointer is over a country.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJson({{ this.data.get_name() }}.shapes, {
                style: function (feature) {
                    var own = {fillColor: feature.properties.fill};
                    return Object.assign({}, {{ this.style|tojavascript }}, own, feature.properties.edge || {});
                },
                onEachFeature: function (feature, layer) {
                    layer.bindTooltip(feature.properties.tip, {sticky: true});
                    layer.on({
                        mouseover: function (e) { e.target.setStyle({{ this.highlight|tojavascript }}); },
                        mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); },
                    });
                },
            }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, data: PageData, style: dict[str, int | float | str], highlight: dict[str, int | float | str]
    ) -> None:
        super().__init__()
        self._name = "CountryShapes"
        self.data = data
        self.style = dict(style)
        self.highlight = dict(highlight)
