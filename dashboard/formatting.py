"""How figures read: numbers, suppressed counts, years, citations. :func:`esc` escapes text from data.

Every word here is in the request's language (:mod:`dashboard.i18n`), numbers too (``1,300``,
``1.300``, ``1 300``); citations are data and stay as their source wrote them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard import i18n
from dashboard.i18n import N_, _

UNKNOWN = N_("unknown")  # English, to compare with; shown as :func:`unknown`


def unknown() -> str:
    """``unknown`` in the current language."""
    return _(UNKNOWN)


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
        return unknown()
    number = int(value)  # type: ignore[call-overload]
    if 0 < number < threshold:
        return fewer_than(threshold)
    return i18n.integer(number)


def fewer_than(bound: int) -> str:
    """``fewer than 11``: a small count, not shown exactly."""
    return _("fewer than {count}").format(count=i18n.integer(bound))


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 route``, ``3 routes``, ``2 countries`` (``plural`` when adding "s" is wrong).

    English only: a translated text counts with ``i18n.ngettext`` and a ``{count}`` placeholder.
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


# Units whose millions read as a phrase of their own ("millones de personas", not "millones personas").
LARGE_COUNTS = {"people": (N_("{value} million people"), N_("{value} billion people"))}


def number(value: object, unit: str = "") -> str:
    """A continuous indicator value, rounded for reading."""
    if is_missing(value):
        return unknown()
    x = float(value)  # type: ignore[arg-type]
    # The class is chosen after rounding: 999,960,000 reads "1.00 billion", not "1000.0 million".
    if abs(x) >= 1e9 or round(abs(x) / 1e6, 1) >= 1000:
        shown, scale = i18n.decimal(x / 1e9, 2), 1
    elif abs(x) >= 1e6 or round(abs(x)) >= 1_000_000:
        shown, scale = i18n.decimal(x / 1e6, 1), 0
    else:
        scale = -1
    if scale >= 0:
        if unit in LARGE_COUNTS:  # "1,32 milliards de personnes": a sentence of its own
            return _(LARGE_COUNTS[unit][scale]).format(value=shown)
        text = _(("{value} million", "{value} billion")[scale]).format(value=shown)
        return f"{text} {label(unit)}".strip()
    if abs(x) >= 100:
        text = i18n.decimal(x, 0)
    else:
        text = i18n.decimal(x, 1)
    return f"{text} {label(unit)}".strip() if unit else text


def years(start: object, end: object, reported: object = None) -> str:
    """``2005-2007``, ``since 2005``, ``until 2007`` or ``unknown (reported 2007)``."""
    if not is_missing(start) and not is_missing(end):
        return f"{int(start)}" if start == end else f"{int(start)}-{int(end)}"  # type: ignore[call-overload]
    if not is_missing(start):
        return _("since {year}").format(year=int(start))  # type: ignore[call-overload]
    if not is_missing(end):
        return _("until {year}").format(year=int(end))  # type: ignore[call-overload]
    if is_missing(reported):
        return unknown()
    return _("unknown (reported {year})").format(year=int(reported))  # type: ignore[call-overload]


def cite(sources: pd.DataFrame, cell: str) -> str:
    """Short citations (publisher, date) of the ``;``-separated source ids in ``cell``."""
    parts = []
    for source_id in str(cell).split(";"):
        if source_id in sources.index:
            row = sources.loc[source_id]
            parts.append(f"{row['publisher']} ({row['date']})")
    return "; ".join(dict.fromkeys(parts))


# Column -> a line of a program site's figures (``{count}``: a count, or "fewer than 11").
PEOPLE_FIGURES = (
    ("people_assisted", N_("People assisted: {count}")),
    ("people_reunited", N_("Reunited with family: {count}")),
    ("people_returned", N_("Returned home: {count}")),
)


def people_figures(site: Mapping[str, object], threshold: int) -> list[str]:
    """``People assisted: 1,500``-style lines for the figures a program site gives (small ones suppressed)."""
    return [
        _(line).format(count=count(site[column], threshold))
        for column, line in PEOPLE_FIGURES
        if not is_missing(site[column])
    ]


def suppressed(bound: object, threshold: int) -> str:
    """A count its publisher withheld as small: ``fewer than 5`` (its bound), else the atlas's threshold."""
    return fewer_than(threshold if is_missing(bound) else int(bound))  # type: ignore[call-overload]


def route_count(route: Mapping[str, object], threshold: int) -> str:
    """A route's count (``fewer than N`` where suppressed), or ``unknown`` with the source's words about it."""
    if is_true(route.get("suppressed")) and is_missing(route["count"]):
        return suppressed(route.get("suppressed_below"), threshold)
    if is_missing(route["count"]) and isinstance(route["count_note"], str):
        return _("unknown ({note})").format(note=route["count_note"])
    return count(route["count"], threshold)


def place(names: Mapping[str, str], iso3: object, label: object) -> str:
    """A route end: the country's name and the source's label for the place, or ``unknown``."""
    parts = [names.get(iso3, "") if isinstance(iso3, str) else "", label if isinstance(label, str) else ""]
    return ", ".join(p for p in parts if p) or unknown()


# The bundled indicator catalogue's labels and units (geodata/data/indicator_catalogue.csv): the
# atlas's own words, marked here and shown through :func:`label`; an imported indicator's stay
# as its file writes them.
CATALOGUE_WORDS = (
    N_("TIP Report tier placement"),
    N_("tier"),
    N_("Population"),
    N_("people"),
    N_("GDP per capita"),
    N_("US$ per person, inflation-adjusted"),
    N_("Life expectancy at birth"),
    N_("years"),
)


def label(text: str) -> str:
    """One of the atlas's labels read from a table or a vocabulary (an indicator's name or unit,
    a program type, a form of exploitation) in the current language; as written where the
    catalogs do not know it."""
    return _(text) if text else text


# UN M49 codes of the regions and sub-regions the countries table names (in English), for CLDR.
M49 = {
    "Africa": "002",
    "Americas": "019",
    "Asia": "142",
    "Europe": "150",
    "Oceania": "009",
    "Eastern Africa": "014",
    "Middle Africa": "017",
    "Northern Africa": "015",
    "Southern Africa": "018",
    "Western Africa": "011",
    "Sub-Saharan Africa": "202",
    "Caribbean": "029",
    "Central America": "013",
    "South America": "005",
    "Northern America": "021",
    "Latin America and the Caribbean": "419",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
}


def region_name(name: str) -> str:
    """A UN M49 region's or sub-region's name in the current language (CLDR); in English, and for
    a name CLDR does not know, as the data writes it."""
    code = M49.get(name)
    language = i18n.lang()
    if code is None or language == i18n.DEFAULT:
        return name
    shown = str(i18n.locale(language).territories.get(code, name))
    return shown[:1].upper() + shown[1:]  # CLDR's French writes "région micronésienne"
