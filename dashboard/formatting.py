"""How figures read: numbers, suppressed counts, years, citations. :func:`esc` escapes text from data."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

UNKNOWN = "unknown"


# What ``html.escape`` does, with two changes for plotly.js's text (hover labels, legend, titles),
# which decodes numeric entities but not ``&quot;``: ``"`` is ``&#34;``, and ``{`` is ``&#123;``,
# so that no ``%{...}`` from the data is read as a template placeholder (plotly.js fills
# placeholders before it decodes entities).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#x27;", "{": "&#123;"})


def esc(value: object) -> str:
    """Text from data, safe to put into a hover label or any HTML, and never a plotly.js placeholder."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).translate(_ESCAPES)


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def is_true(flag: object) -> bool:
    """Whether a flag of the data (``suppressed``) is set: ``True``, numpy's too, not a missing value."""
    return isinstance(flag, bool | np.bool_) and bool(flag)


def count(value: object, threshold: int) -> str:
    """A count of people: ``unknown``, ``fewer than N`` below the suppression threshold, or exact."""
    if is_missing(value):
        return UNKNOWN
    number = int(value)  # type: ignore[call-overload]
    if 0 < number < threshold:
        return f"fewer than {threshold}"
    return f"{number:,}"


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 route``, ``3 routes``, ``2 countries`` (``plural`` when adding "s" is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def number(value: object, unit: str = "") -> str:
    """A continuous indicator value, rounded for reading."""
    if is_missing(value):
        return UNKNOWN
    x = float(value)  # type: ignore[arg-type]
    # The class is chosen after rounding: 999,960,000 reads "1.00 billion", not "1000.0 million".
    if abs(x) >= 1e9 or round(abs(x) / 1e6, 1) >= 1000:
        text = f"{x / 1e9:.2f} billion"
    elif abs(x) >= 1e6 or round(abs(x)) >= 1_000_000:
        text = f"{x / 1e6:.1f} million"
    elif abs(x) >= 100:
        text = f"{x:,.0f}"
    else:
        text = f"{x:.1f}"
    return f"{text} {unit}".strip()


def years(start: object, end: object, reported: object = None) -> str:
    """``2005-2007``, ``since 2005``, ``until 2007`` or ``unknown (reported 2007)``."""
    if not is_missing(start) and not is_missing(end):
        return f"{int(start)}" if start == end else f"{int(start)}-{int(end)}"  # type: ignore[call-overload]
    if not is_missing(start):
        return f"since {int(start)}"  # type: ignore[call-overload]
    if not is_missing(end):
        return f"until {int(end)}"  # type: ignore[call-overload]
    return f"{UNKNOWN} (reported {int(reported)})" if not is_missing(reported) else UNKNOWN  # type: ignore[call-overload]


def cite(sources: pd.DataFrame, cell: str) -> str:
    """Short citations (publisher, date) of the ``;``-separated source ids in ``cell``."""
    parts = []
    for source_id in str(cell).split(";"):
        if source_id in sources.index:
            row = sources.loc[source_id]
            parts.append(f"{row['publisher']} ({row['date']})")
    return "; ".join(dict.fromkeys(parts))


PEOPLE_FIGURES = (
    ("people_assisted", "People assisted"),
    ("people_reunited", "Reunited with family"),
    ("people_returned", "Returned home"),
)


def people_figures(site: Mapping[str, object], threshold: int) -> list[str]:
    """``People assisted: 1,500``-style lines for the figures a program site gives (small ones suppressed)."""
    return [
        f"{label}: {count(site[column], threshold)}" for column, label in PEOPLE_FIGURES if not is_missing(site[column])
    ]


def suppressed(bound: object, threshold: int) -> str:
    """A count its publisher withheld as small: ``fewer than 5`` (its bound), else the atlas's threshold."""
    return f"fewer than {threshold if is_missing(bound) else int(bound)}"  # type: ignore[call-overload]


def route_count(route: Mapping[str, object], threshold: int) -> str:
    """A route's count (``fewer than N`` where suppressed), or ``unknown`` with the source's words about it."""
    if is_true(route.get("suppressed")) and is_missing(route["count"]):
        return suppressed(route.get("suppressed_below"), threshold)
    text = count(route["count"], threshold)
    if text == UNKNOWN and isinstance(route["count_note"], str):
        text = f"unknown ({route['count_note']})"
    return text


def place(names: Mapping[str, str], iso3: object, label: object) -> str:
    """A route end: the country's name and the source's label for the place, or ``unknown``."""
    parts = [names.get(iso3, "") if isinstance(iso3, str) else "", label if isinstance(label, str) else ""]
    return ", ".join(p for p in parts if p) or UNKNOWN
