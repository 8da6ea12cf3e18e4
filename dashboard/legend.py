"""The map's key, read off the figure's traces and drawn as HTML beside the map.

An HTML key reads at any size (it follows the page's type scale), can be read by a screen
reader, and leaves the whole figure to the map. It is made from the traces themselves (name,
legend group title, colour, symbol, dash), so it cannot drift from what is drawn. A continuous
indicator's colour scale is drawn here too, from its trace's ``colorbar`` spec (plotly's own bar,
15 px type under the map, is off on the page: too small for a room, and it covers the map on a
laptop). Image exports switch plotly's own legend and colour bar on instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from dash import html
from dash.development.base_component import Component

from dashboard import i18n
from dashboard.layers import Trace
from dashboard.palette import dash_array, symbol_shape

KEY_LINE_WIDTH = 3


@dataclass(frozen=True)
class Scale:
    """A continuous colour scale: its colours (a CSS gradient), its ticks and what it measures."""

    gradient: str
    ticks: tuple[tuple[float, str], ...]  # (place along the bar, 0 to 1; the value as written)
    note: str  # the unit and the source, as the bar's title gives them


@dataclass(frozen=True)
class Entry:
    label: str
    svg: str  # the mark, as SVG (markers and lines)
    fill: str = ""  # or the colour of an area (choropleth): a box of that colour
    scale: Scale | None = None  # or a continuous colour scale


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
        seen = entries.setdefault(group, [])
        if trace["type"] == "choropleth" and trace.get("colorbar"):
            bar = colour_scale(trace)
            if bar is not None:
                seen.append(Entry("", "", scale=bar))
        if trace.get("showlegend") is False:
            continue
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


def colour_scale(trace: Trace) -> Scale | None:
    """The colour scale of a continuous choropleth trace, as its colour bar would show it; ``None``
    where no country has a value (nothing to scale)."""
    z: Any = trace.get("z") or []
    values = [float(v) for v in z if v is not None and not math.isnan(float(v))]
    if not values:
        return None
    bar: Any = trace["colorbar"]
    low = float(trace.get("zmin", min(values)))  # type: ignore[arg-type]
    high = float(trace.get("zmax", max(values)))  # type: ignore[arg-type]
    span = (high - low) or 1.0
    scale: Any = trace["colorscale"]
    stops = ", ".join(f"{colour} {float(at) * 100:g}%" for at, colour in scale)
    inside = [] if "tickvals" not in bar else [float(v) for v in bar["tickvals"] if low - 1e-9 <= v <= high + 1e-9]
    if "tickvals" not in bar:
        pairs = [(v, v) for v in _nice_ticks(low, high)]
    elif len(inside) >= 2:  # a log scale: its powers of ten
        pairs = [(v, 10**v) for v in inside]
    else:  # a range within about one power of ten: 1, 2 and 5 times each
        steps = [m * 10**k for k in range(math.floor(low), math.ceil(high) + 1) for m in (1, 2, 5)]
        pairs = [(math.log10(v), v) for v in steps if low - 1e-9 <= math.log10(v) <= high + 1e-9]
    # Written short (CLDR's compact forms: 50M, 50 M, 50 jt) so that four fit under a key's column.
    ticks = tuple(((at - low) / span, i18n.compact(value)) for at, value in pairs)
    title = str((bar.get("title") or {}).get("text", ""))
    note = " ".join(unescape(re.sub(r"<[^>]+>", "", line)) for line in re.findall(r"<sub>(.*?)</sub>", title))
    return Scale(f"linear-gradient(to right, {stops})", ticks, note)


def _nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round values from ``low`` to ``high`` at a step of 1, 2 or 5 times a power of ten, at most ``most``."""
    if high <= low:
        return [low]
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [round(first + k * step, 10) for k in range(int((high - first) / step + 1e-9) + 1)]


def _is_area(trace: Trace) -> bool:
    """A trace that stands in the key for an area of one colour (``meta={"key": "area"}``)."""
    spec: Any = trace.get("meta")
    return isinstance(spec, dict) and spec.get("key") == "area"


def create_legend_section(groups: list[Group]) -> html.Div:
    """The part of the key one layer's groups make (:func:`legend_groups`), as HTML: a heading per
    group and a list of its marks. The page's key is one such part per layer, swapped one at a time."""
    out: list[Component] = []
    for group in groups:
        items = [
            _scale(entry.scale) if entry.scale else html.Li([_mark(entry), entry.label]) for entry in group.entries
        ]
        out.append(
            html.Div([html.H3(group.title, className="atlas-key-title"), html.Ul(items)], className="atlas-key-group")
        )
    return html.Div(out, className="atlas-key-layer")


def _scale(scale: Scale) -> Component:
    """A colour scale: the bar, its values under it (the end ones kept inside), what it measures."""
    ticks = [
        html.Span(
            text,
            style={
                "left": f"{at * 100:.1f}%",
                "transform": f"translateX({-50 if 0.1 < at < 0.9 else 0 if at <= 0.1 else -100}%)",
            },
        )
        for at, text in scale.ticks
    ]
    return html.Li(
        [
            html.Div(className="atlas-key-bar", style={"background": scale.gradient}),
            html.Div(ticks, className="atlas-key-ticks"),
            html.Div(scale.note, className="atlas-key-note"),
        ],
        className="atlas-key-scale",
    )


def _anchor(at: float) -> int:
    """How far a tick's label sits left of its place: centred, but kept inside the bar at its ends."""
    return 0 if at <= 0.1 else -100 if at >= 0.9 else -50


def _mark(entry: Entry) -> Component:
    if entry.fill:  # a styled box: a fifth of the bytes of an SVG image, and the same look
        return html.Span(className="atlas-key-mark atlas-key-area", style={"background": entry.fill})
    return html.Img(src="data:image/svg+xml;utf8," + _svg(entry.svg), alt="", className="atlas-key-mark")


def _svg(body: str) -> str:
    # A data URI needs only "#" escaped when the browser gets it as a property (as React sets it).
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20">{body}</svg>'
    return svg.replace("#", "%23").replace('"', "'")
