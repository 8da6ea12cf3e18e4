"""The folium elements the export adds to folium's own: a marker drawn as inline SVG, and safe text binding.

folium's ``Popup`` and ``Tooltip`` put their text into a JavaScript template literal (and the
popup through jQuery): ``${...}`` or a backslash before a backtick in the data would run as
code. These elements pass text as a JSON string literal instead (folium's ``tojavascript``
filter, which also escapes ``<``, ``>``, ``&`` and ``'``), and Leaflet sets it as the popup's HTML.
The text must already be HTML-escaped where it comes from data.

``folium.Marker`` with a ``DivIcon`` first adds a default marker and then swaps its icon, and
the default marker fetches ``marker-icon.png``; :class:`SvgMarker` creates its ``L.divIcon``
marker in one go, so no image is ever requested.
"""

from __future__ import annotations

from collections.abc import Sequence

from folium.elements import MacroElement
from folium.template import Template


class BoundText(MacroElement):
    """A popup or tooltip with HTML content, bound to its parent layer.

    Parameters
    ----------
    kind : {"popup", "tooltip"}
    html : str
        HTML, with every piece of data in it already escaped.
    options : dict, optional
        Leaflet popup or tooltip options.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.{{ this.method }}(
                {{ this.html|tojavascript }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, html: str, options: dict[str, object] | None = None) -> None:
        super().__init__()
        if kind not in ("popup", "tooltip"):
            raise ValueError(f"kind must be 'popup' or 'tooltip', not {kind!r}")
        self._name = "BoundText"
        self.method = "bindPopup" if kind == "popup" else "bindTooltip"
        self.html = html
        self.options = dict(options or {})


class SvgMarker(MacroElement):
    """A marker whose icon is an inline SVG (``L.divIcon``), centred on its location.

    Parameters
    ----------
    location : (lat, lon)
    svg : str
        The icon's markup (made by the export, not from data).
    size : (width, height)
        In pixels.
    class_name : str
        CSS classes of the icon's element.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.marker(
                {{ this.location|tojavascript }},
                {
                    icon: L.divIcon({
                        html: {{ this.svg|tojavascript }},
                        className: {{ this.class_name|tojavascript }},
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
        keyboard: bool = True,
        z_index_offset: int = 0,
    ) -> None:
        super().__init__()
        self._name = "SvgMarker"
        self.location = [float(location[0]), float(location[1])]
        self.svg = svg
        self.size = [int(size[0]), int(size[1])]
        self.anchor = [self.size[0] // 2, self.size[1] // 2]
        self.popup_anchor = [0, -(self.size[1] // 2)]
        self.tooltip_anchor = [self.size[0] // 2, 0]
        self.class_name = class_name
        self.keyboard = keyboard
        self.z_index_offset = int(z_index_offset)
