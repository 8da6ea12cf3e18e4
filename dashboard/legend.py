"""The map's key, read off the figure's traces and drawn as HTML beside the map.

An HTML key reads at any size (it follows the page's type scale), can be read by a screen
reader, and leaves the whole figure to the map. It is made from the traces themselves (name,
legend group title, colour, symbol, dash), so it cannot drift from what is drawn. Image
exports switch plotly's own legend on instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from typing import Any

from dash import html
from dash.development.base_component import Component

from dashboard.layers import Trace
from dashboard.palette import dash_array, symbol_shape

KEY_LINE_WIDTH = 3


@dataclass(frozen=True)
class Entry:
    label: str
    svg: str  # the mark, as SVG (markers and lines)
    fill: str = ""  # or the colour of an area (choropleth): a box of that colour


@dataclass(frozen=True)
class Group:
    title: str
    entries: tuple[Entry, ...]


def _swatch(trace: Trace) -> str:
    """An SVG picture of a trace's mark: a line or a marker symbol."""
    line: dict[str, Any] = trace.get("line") or {}  # type: ignore[assignment]
    marker: dict[str, Any] = trace.get("marker") or {}  # type: ignore[assignment]
    if "lines" in str(trace.get("mode", "")):
        # A trace whose width says something (a flow's class) is drawn at that width.
        meta: Any = trace.get("meta")
        width = meta.get("key_width", KEY_LINE_WIDTH) if isinstance(meta, dict) else KEY_LINE_WIDTH
        dash = dash_array(str(line.get("dash", "solid")), width)
        return (
            f'<line x1="1" y1="10" x2="19" y2="10" stroke="{line.get("color", "#000")}" stroke-width="{width}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
    symbol = str(marker.get("symbol", "circle"))
    shape = symbol_shape(symbol)
    colour = marker.get("color", "#000")
    edge = (marker.get("line") or {}).get("color", colour)
    if symbol.endswith("-open"):
        style = f'fill="none" stroke="{colour}" stroke-width="2.5"'
    else:
        style = f'fill="{colour}" stroke="{edge}" stroke-width="1.5"'
    dot = '<circle cx="10" cy="10" r="2" fill="#000"/>' if symbol.endswith("-dot") else ""
    return shape.replace("/>", f" {style}/>") + dot


def legend_groups(traces: list[Trace]) -> list[Group]:
    """The key's groups and entries, in drawing order, one entry per legend-visible trace name.

    Trace names and group titles are plotly.js text, with data text escaped
    (:func:`~dashboard.formatting.esc`); the key holds them as plain text, which Dash escapes.
    """
    groups: list[Group] = []
    titles: dict[str, str] = {}
    entries: dict[str, list[Entry]] = {}
    for trace in traces:
        group = str(trace.get("legendgroup", trace.get("name", "")))
        title_spec: Any = trace.get("legendgrouptitle") or {}
        title = title_spec.get("text")
        if title:
            titles[group] = unescape(str(title))
        if trace.get("showlegend") is False:
            continue
        seen = entries.setdefault(group, [])
        name = unescape(str(trace.get("name", "")))
        if all(e.label != name for e in seen):
            if trace["type"] == "choropleth":
                colour = trace["colorscale"][-1][1]  # type: ignore[index]
                seen.append(Entry(name, "", fill=str(colour)))
            elif _is_area(trace):
                marker: Any = trace.get("marker") or {}
                seen.append(Entry(name, "", fill=str(marker.get("color", "#999999"))))
            else:
                seen.append(Entry(name, _swatch(trace)))
    for group, found in entries.items():
        if found:
            groups.append(Group(titles.get(group, ""), tuple(found)))
    return groups


def _is_area(trace: Trace) -> bool:
    """A trace that stands in the key for an area of one colour (``meta={"key": "area"}``)."""
    spec: Any = trace.get("meta")
    return isinstance(spec, dict) and spec.get("key") == "area"


def create_legend_section(groups: list[Group]) -> html.Div:
    """The part of the key one layer's groups make (:func:`legend_groups`), as HTML: a heading per
    group and a list of its marks. The page's key is one such part per layer, swapped one at a time."""
    out: list[Component] = []
    for group in groups:
        items = [html.Li([_mark(entry), entry.label]) for entry in group.entries]
        out.append(
            html.Div([html.H3(group.title, className="atlas-key-title"), html.Ul(items)], className="atlas-key-group")
        )
    return html.Div(out, className="atlas-key-layer")


def _mark(entry: Entry) -> Component:
    if entry.fill:  # a styled box: a fifth of the bytes of an SVG image, and the same look
        return html.Span(className="atlas-key-mark atlas-key-area", style={"background": entry.fill})
    return html.Img(src="data:image/svg+xml;utf8," + _svg(entry.svg), alt="", className="atlas-key-mark")


def _svg(body: str) -> str:
    # A data URI needs only "#" escaped when the browser gets it as a property (as React sets it).
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">{body}</svg>'
    return svg.replace("#", "%23").replace('"', "'")
