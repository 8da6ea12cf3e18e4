"""Countries recognised as people write them: ISO codes, names, and named places that are not countries.

One function, :func:`recognise`, over maintained tables (pycountry's ISO 3166, CLDR names through
Babel) plus the small, sourced list of extra spellings in ``data/spellings.csv``. Importers never
match names by hand. What is not a country (a region, "Abroad", "Unknown") comes back as a
:class:`Place` without an ISO3 code, never forced onto a country.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry

COUNTRY = "country"
REGION = "region"  # a named group of countries (an M49 region, "European Economic Area", ...)
ABROAD = "abroad"
UNKNOWN = "unknown"
NATIONALS = "nationals"  # "the reporting country's own nationals": the importer knows which country
TOTAL = "total"  # a total row, not a place ("TOTAL POR AÑO")


@dataclass(frozen=True)
class Place:
    """What a cell names.

    ``iso3`` is set for a country (``kind == "country"``) and ``None`` otherwise; ``label`` is
    what the atlas shows (the country's or the region's name); ``how`` says how it was
    recognised (``alpha-3``, ``alpha-2``, ``numeric``, ``name``, ``name (es)``, ``extra spelling``,
    ``... after repairing the encoding``), for the import report.
    """

    iso3: str | None
    label: str
    kind: str
    how: str


@cache
def _codes() -> dict[str, tuple[str, str]]:
    """Code text -> (iso3, how) for every ISO 3166-1 country."""
    out: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        out[c.alpha_3] = (c.alpha_3, "alpha-3")
        out[c.alpha_2] = (c.alpha_3, "alpha-2")  # "NA" is Namibia: the caller must not have turned it into NaN
        out[str(int(c.numeric))] = (c.alpha_3, "numeric")
        out[c.numeric] = (c.alpha_3, "numeric")
    return out


def country_name(iso3: str) -> str:
    """The English short name ISO 3166 gives a country (its common name where it has one)."""
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return str(getattr(c, "common_name", None) or c.name)


def from_code(code: str) -> Place | None:
    """An ISO 3166-1 alpha-3, alpha-2 or numeric code (case and spaces forgiven), or ``None``."""
    text = code.strip().upper()
    found = _codes().get(text)
    if found is None:
        return None
    iso3, how = found
    return Place(iso3, country_name(iso3), COUNTRY, how)


def recognise(text: str) -> Place | None:
    """What ``text`` names: a country (by code or name), a named non-country place, or ``None``."""
    if not text or not text.strip():
        return None
    by_code = from_code(text)
    if by_code is not None:
        return by_code
    try:
        found = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None
    return Place(found.alpha_3, country_name(found.alpha_3), COUNTRY, "name")
