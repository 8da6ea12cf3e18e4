"""Colours and symbols. Okabe-Ito colours (safe under deuteranopia and protanopia), and a
second channel for everything colour encodes: line dashes for forms, marker shapes for
program types and roles, shade order for tiers."""

from __future__ import annotations

# TIP tiers: one blue hue, darker = worse; "not ranked" grey, "no data" white with an outline.
TIER_COLOURS = {  # ColorBrewer Blues; checked in tests/unit/test_palette.py
    "tier-1": "#c6dbef",
    "tier-2": "#6baed6",
    "tier-2-watch-list": "#2171b5",
    "tier-3": "#08306b",
    "not-ranked": "#a6a6a6",
}
NO_DATA_COLOUR = "#ffffff"
OUTSIDE_COLOUR = "#e6e6e6"  # land outside the chosen regions
PROFILE_COLOUR = "#E69F00"  # the outline of the country whose profile is open: Okabe-Ito orange, clear on the blues
BORDER_COLOUR = "#8c8c8c"
# Counted flows (summed over the forms in view): Paul Tol's "wine", apart from every form's colour
# and from the tier blues under it.
FLOW_COLOUR = "#882255"

FORM_STYLES = {  # form -> (colour, dash)
    "sexual-exploitation": ("#D55E00", "solid"),
    "forced-labour": ("#000000", "dash"),
    "forced-begging": ("#E69F00", "dot"),
    "forced-criminality": ("#009E73", "dashdot"),
    "forced-marriage": ("#CC79A7", "longdash"),
    "organ-removal": ("#56B4E9", "longdashdot"),
    "other-exploitation": ("#666666", "2px,3px,8px,3px"),
    "form-not-given": ("#0072B2", "12px,4px,2px,4px,2px,4px"),
}

PROGRAM_STYLES = {  # type -> (colour, symbol)
    "prevention": ("#009E73", "circle"),
    "protection": ("#0072B2", "square"),
    "return-reintegration": ("#E69F00", "diamond"),
    "capacity-building": ("#CC79A7", "triangle-up"),
    "regional-dialogue": ("#56B4E9", "star"),
}

ROLE_STYLES = {  # role -> (fill, symbol)
    "origin": ("#ffffff", "triangle-up"),
    "destination": ("#000000", "triangle-down"),
    "both": ("#808080", "diamond-wide"),
    "internal": ("#ffffff", "circle-dot"),
}

# Marker symbols as SVG shapes in a 20x20 box: the key beside the map and the HTML export draw
# the symbols plotly.js draws on the map from this one table.
SYMBOL_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3.5" y="3.5" width="13" height="13"/>',
    "diamond": '<polygon points="10,2 18,10 10,18 2,10"/>',
    "diamond-wide": '<polygon points="10,4 19,10 10,16 1,10"/>',
    "triangle-up": '<polygon points="10,2.5 18,17 2,17"/>',
    "triangle-down": '<polygon points="2,3 18,3 10,17.5"/>',
    "star": '<polygon points="10,1.5 12.4,7.3 18.6,7.6 13.8,11.5 15.4,17.6 10,14.2 4.6,17.6 6.2,11.5 1.4,7.6 '
    '7.6,7.3"/>',
}

# plotly's named line dashes as SVG dash patterns, in line widths (so a dash reads alike at any width).
DASH_PATTERNS = {
    "solid": "",
    "dash": "3,2",
    "dot": "0.8,2",
    "dashdot": "3,2,0.8,2",
    "longdash": "5,2",
    "longdashdot": "5,2,0.8,2",
}


def symbol_shape(symbol: str) -> str:
    """The SVG shape of a plotly marker symbol (its ``-open``/``-dot`` variants drawn from the base shape)."""
    base = symbol.removesuffix("-open").removesuffix("-dot")
    return SYMBOL_SHAPES.get(base, SYMBOL_SHAPES["circle"])


def dash_array(dash: str, width: float) -> str:
    """An SVG ``stroke-dasharray`` for a plotly dash at a line ``width`` ("" for a solid line).

    A named dash scales with the width; a pattern in pixels (``"2px,3px,8px,3px"``) is kept as it is.
    """
    if dash in DASH_PATTERNS:
        return ",".join(f"{float(part) * width:g}" for part in DASH_PATTERNS[dash].split(",") if part)
    return dash.replace("px", "").replace(" ", "")
