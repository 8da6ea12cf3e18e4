"""How figures read: numbers, suppressed counts, years, citations. :func:`esc` escapes text from data.

Every word here is in the request's language (:mod:`dashboard.i18n`), numbers too (``1,300``,
``1.300``, ``1 300``); citations are data and stay as their source wrote them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard import i18n
from dashboard.i18n import N_, _
from geodata.problems import Message, say

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


LARGE_NUMBERS = (N_("{value} million"), N_("{value} billion"))
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
        text = _(LARGE_NUMBERS[scale]).format(value=shown)
        return f"{text} {indicator_unit(unit)}".strip()
    if abs(x) >= 100:
        text = i18n.decimal(x, 0)
    else:
        text = i18n.decimal(x, 1)
    return f"{text} {indicator_unit(unit)}".strip() if unit else text


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


# --- The indicators' words in the language of the request ----------------------------------------
# The labels and units of the bundled catalogue (geodata/data/indicator_catalogue.csv), of the rate
# the atlas derives (geodata/per_capita.py) and of the GLOTIP importer's indicators are the atlas's
# own words: shown translated. An indicator imported with a label of its own keeps it as written.


def _labels() -> dict[str, str]:
    return {
        "TIP Report tier placement": _("TIP Report tier placement"),
        "Population": _("Population"),
        "GDP per capita": _("GDP per capita"),
        "Life expectancy at birth": _("Life expectancy at birth"),
        "Detected trafficking victims per 100,000 people": _("Detected trafficking victims per 100,000 people"),
        "Detected trafficking victims": _("Detected trafficking victims"),
        "Persons convicted": _("Persons convicted"),
        "Persons prosecuted": _("Persons prosecuted"),
        "Persons brought into formal contact": _("Persons brought into formal contact"),
        "Offences of trafficking in persons": _("Offences of trafficking in persons"),
    }


def _units() -> dict[str, str]:
    # The same messages as the profile's (dashboard.formatting), so a unit reads the same everywhere.
    return {
        "tier": _("tier"),
        "people": _("people"),
        "US$ per person, inflation-adjusted": _("US$ per person, inflation-adjusted"),
        "years": _("years"),
        "offences": _("offences"),
        "counts": _("counts"),
    }


_RATE_UNIT = re.compile(
    r"victims per 100,000 people \(population of the same year or up to (\d+) years before; "
    r"none where the count is withheld or under (\d+)\)"
)
_GLOTIP = " (GLOTIP)"


def indicator_label(label: object) -> str:
    """An indicator's label (``meta["label"]``, not escaped) in the language of the request.

    A GLOTIP indicator's breakdown (``Detected trafficking victims (GLOTIP): female``) stays as
    the source wrote it; a label the atlas does not know stays as it is.
    """
    text = str(label)
    labels = _labels()
    if text in labels:
        return labels[text]
    base, glotip, breakdown = text.partition(_GLOTIP)
    return labels[base] + glotip + breakdown if glotip and base in labels else text


def indicator_unit(unit: object) -> str:
    """An indicator's unit (``meta["unit"]``, not escaped; ``""`` if missing) in the language of the request."""
    if is_missing(unit):
        return ""
    if isinstance(unit, Message):  # the derived rate's, with its numbers apart (geodata.per_capita)
        return say(unit, _, i18n.integer)
    text = str(unit)
    rate = _RATE_UNIT.fullmatch(text)
    if rate:
        return _(
            "victims per {per} people (population of the same year or up to {gap} years before; "
            "none where the count is withheld or under {threshold})"
        ).format(per=i18n.integer(100_000), gap=i18n.integer(int(rate[1])), threshold=i18n.integer(int(rate[2])))
    return _units().get(text, text)


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
