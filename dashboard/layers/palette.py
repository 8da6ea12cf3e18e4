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
BORDER_COLOUR = "#8c8c8c"

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
