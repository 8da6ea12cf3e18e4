"""TIP Report tier placements by country and year (Kelley & Heiss ``map_tiers.csv`` and similar copies).

One row per country and year becomes one ``tip-tier`` indicator row whose category is the
tier's slug. Copies code the tiers in one of two numeric schemes, told apart per file:

* Kelley & Heiss: 1 = Tier 1, 2 = Tier 2, 3 = Tier 2 Watch List, 4 = Tier 3 (the codes of an
  ordered factor whose levels were 1, 2, 2.5, 3);
* the Watch List as 2.5: 1, 2, 2.5 = Tier 2 Watch List, 3 = Tier 3.

A file with a 2.5 is read in the second scheme, one with a 4 in the first; a file with both is
refused, since its 3s cannot be read. Text tiers ("Tier 2 Watch List") mean the same in either.
"NA" or blank is "not ranked in the source" (every country in 1999–2000, many in 2001) and is
kept, not dropped. 666 (Somalia's "special case") and 555 (missing, in the source's coding) are
read as not ranked, with a problem line saying so.

The file is a few thousand rows (about 189 countries a year), so it is read whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata import names
from geodata.i18n import N_
from geodata.importers import Imported, Importer
from geodata.importers.files import Table, formula_cells
from geodata.importers.report import (
    BAD_VALUE,
    BAD_YEAR,
    EMPTY_ROW,
    FORMULA,
    UNKNOWN_COUNTRY,
    ImportRefused,
    ImportReport,
)
from geodata.problems import Message, Problem
from geodata.vocabulary import TIP_TIERS, YEAR_MAX, YEAR_MIN

INDICATOR = "tip-tier"
WATCH_LIST = "tier-2-watch-list"
NOT_RANKED = "not-ranked"
WATCH_LIST_FROM = 2004  # the first report to place countries on the Tier 2 Watch List

# Reasons and rules this importer adds to the shared ones (report.py).
WATCH_LIST_TOO_EARLY = N_("Watch List placement before 2004, when the Watch List began")
SAME_TIER_TWICE = N_("same country and year twice, same tier")
DIFFERENT_TIERS = N_("same country and year twice, different tiers: the first row kept")

SCHEME_KELLEY_HEISS = "kelley-heiss"
SCHEME_TWO_AND_A_HALF = "2.5"
NOTES = {
    SCHEME_KELLEY_HEISS: N_(
        "tier codes read as Kelley & Heiss code them: 1 = Tier 1, 2 = Tier 2, 3 = Tier 2 Watch List, 4 = Tier 3"
    ),
    SCHEME_TWO_AND_A_HALF: N_(
        "tier codes read with the Watch List as 2.5: 1 = Tier 1, 2 = Tier 2, 2.5 = Tier 2 Watch List, 3 = Tier 3"
    ),
}
NOTE_ONLY_ONE_TWO = N_("tier codes 1 and 2 only: both coding schemes read them alike")
NOTE_THREE_EARLY = Message(
    N_(
        "no 2.5 or 4 among the tier codes, but 3 appears before {year}, when the Watch List did not exist yet: {scheme}"
    ),
    year=str(WATCH_LIST_FROM),
    scheme=Message(NOTES[SCHEME_TWO_AND_A_HALF]),
)
NOTE_NOT_RANKED = N_(
    "'NA' or blank tier = not ranked in the source (e.g. every country in 1999–2000): kept as not-ranked"
)
# The tiers as a file writes them in words (quoted as written, so not translated).
NOTE_TEXT_TIERS = Message(N_("tiers written as text ({example}) read as they say"), example="('Tier 2 Watch List')")
FORMULA_MESSAGE = N_("cell starts with '=' (a spreadsheet formula): the row is not read")

CODES: dict[str, dict[float, str]] = {
    SCHEME_KELLEY_HEISS: {1: "tier-1", 2: "tier-2", 3: WATCH_LIST, 4: "tier-3"},
    SCHEME_TWO_AND_A_HALF: {1: "tier-1", 2: "tier-2", 2.5: WATCH_LIST, 3: "tier-3"},
}
# Codes some copies use for rows without a placement (the Kelley & Heiss source data: "555 =
# missing; 666 = special case", Somalia's).
SPECIAL_CODES = {
    666: N_("666 = 'special case' in the source (Somalia): read as not ranked"),
    555: N_("555 = missing in the source's coding: read as not ranked"),
}
NOT_RANKED_WORDS = frozenset({"", "na", "n/a", "notranked", "notrankedinsource"})
TEXT_TIERS = {
    "tier1": "tier-1",
    "tier2": "tier-2",
    "tier2watchlist": WATCH_LIST,
    "tier2wl": WATCH_LIST,
    "watchlist": WATCH_LIST,
    "tier3": "tier-3",
}
SPECIAL_CASE_WORDS = frozenset({"specialcase"})

INDICATOR_COLUMNS = ("iso3", "indicator", "year", "value", "category", "suppressed", "source")


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch == "/")


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a code


@dataclass(frozen=True)
class Tier:
    """What one tier cell says: a slug (or ``None`` if unreadable) and any problem to report."""

    slug: str | None
    problem: str = ""


def _scheme(frame: pd.DataFrame, file: str) -> tuple[str | None, str]:
    """The numeric scheme of the file's tier codes, and the report note that says which.

    The scheme is ``None`` when no code's meaning differs between them (only 1s and 2s).

    Raises
    ------
    ImportRefused
        Codes of both schemes (a 2.5 and a 4), or 3s with nothing to tell what they mean.
    """
    numbers = pd.to_numeric(frame["tier"].str.strip(), errors="coerce")
    years = pd.to_numeric(frame["year"].str.strip(), errors="coerce")
    half = numbers.index[numbers == 2.5]
    four = numbers.index[numbers == 4]
    if len(half) and len(four):
        raise ImportRefused(
            [
                Problem(
                    file,
                    0,
                    "tier",
                    Message(
                        N_(
                            "tier codes of both schemes: 2.5 (row {half}: the Watch List, so 3 = Tier 3) and 4 "
                            "(row {four}: Kelley & Heiss, 3 = Watch List, 4 = Tier 3); the 3s cannot be read"
                        ),
                        half=str(half[0]),
                        four=str(four[0]),
                    ),
                )
            ]
        )
    if len(half):
        return SCHEME_TWO_AND_A_HALF, NOTES[SCHEME_TWO_AND_A_HALF]
    if len(four):
        return SCHEME_KELLEY_HEISS, NOTES[SCHEME_KELLEY_HEISS]
    three = numbers == 3
    if not three.any():
        return None, NOTE_ONLY_ONE_TWO if numbers.isin([1, 2]).any() else ""
    if (three & (years < WATCH_LIST_FROM)).any():
        return SCHEME_TWO_AND_A_HALF, NOTE_THREE_EARLY  # a 3 from before the Watch List can only be Tier 3
    raise ImportRefused(
        [
            Problem(
                file,
                0,
                "tier",
                Message(
                    N_(
                        "tier code 3 cannot be read: no 2.5 or 4 in the file tells whether 3 is the Watch List "
                        "(Kelley & Heiss) or Tier 3; write the tiers as text ({examples})"
                    ),
                    examples="('Tier 3', 'Tier 2 Watch List')",
                ),
            )
        ]
    )


def _tier(text: str, scheme: str | None) -> Tier:
    """A tier cell read under the file's scheme."""
    word = _fold(text)
    if word in NOT_RANKED_WORDS:
        return Tier(NOT_RANKED)
    if word in TEXT_TIERS:
        return Tier(TEXT_TIERS[word])
    if word in SPECIAL_CASE_WORDS:
        return Tier(NOT_RANKED, Message(N_("{value}: read as not ranked"), value=repr(text.strip())))
    number = _number(text)
    if number is None:
        return Tier(None)
    if number in SPECIAL_CODES:
        return Tier(NOT_RANKED, SPECIAL_CODES[int(number)])
    # With no scheme the file holds only codes both schemes read alike (1, 2).
    table = CODES[scheme or SCHEME_KELLEY_HEISS]
    return Tier(table.get(number))


def _year(text: str) -> int | None:
    number = _number(text)
    if number is None or not number.is_integer() or not YEAR_MIN <= number <= YEAR_MAX:
        return None
    return int(number)


def _country(code: str, name: str) -> tuple[str | None, str]:
    """ISO alpha-3 from the code, else from the name when the code is missing; and what to report.

    Returns ``(iso3, problem)``: ``iso3`` ``None`` with the reason the row is set aside, or the
    code with a note when it came from the name (``""`` when nothing is worth reporting).
    """
    code = code.strip()
    # R's write_csv writes a missing code as "NA": in a column of alpha-3 codes that is not Namibia (NAM).
    if code and code.upper() != "NA":
        place = names.from_code(code)
        if place is None or place.iso3 is None or place.how == "numeric":
            return None, Message(N_("{code} is not an ISO 3166 country code"), code=repr(code))
        return place.iso3, ""
    if not name.strip():
        return None, N_("no country code or name")
    found = names.recognise(name)
    if found is None or found.iso3 is None:
        return None, Message(N_("no country code, and {name} is not recognised as a country"), name=repr(name.strip()))
    if code:
        template = N_("code 'NA' read as missing (Namibia is NAM): read from the name {name} as {iso3}")
    else:
        template = N_("no country code: read from the name {name} as {iso3}")
    return found.iso3, Message(template, name=repr(name.strip()), iso3=found.iso3)


def read(table: Table, report: ImportReport) -> Imported:
    """Read tier placements as ``tip-tier`` indicator rows; every row gets one outcome in ``report``.

    Raises
    ------
    ImportRefused
        Tier codes whose scheme cannot be told (see :func:`_scheme`).
    """
    frame = table.frame(usecols=["iso3", "name", "year", "tier"])
    if "name" not in frame:
        frame["name"] = ""
    scheme, note = _scheme(frame, report.file)
    if note:
        report.note(note)
    report.read(len(frame))
    formulas = formula_cells(frame)
    kept: dict[tuple[str, int], tuple[str, int]] = {}
    rows: list[tuple[str, int, str]] = []
    not_ranked_seen = text_seen = False
    for row, iso_text, name, year_text, tier_text in zip(
        frame.index, frame["iso3"], frame["name"], frame["year"], frame["tier"], strict=True
    ):
        if not any(str(c).strip() for c in (iso_text, name, year_text, tier_text)):
            report.aside(EMPTY_ROW, row, "-", N_("empty row"))
            continue
        if formulas[row]:
            column = formulas[row]
            report.aside(FORMULA, row, column, FORMULA_MESSAGE)
            continue
        year = _year(year_text)
        if year is None:
            shown = year_text.strip()
            message = (
                Message(
                    N_("{value} is not a year between {start} and {end}"),
                    value=repr(shown),
                    start=str(YEAR_MIN),
                    end=str(YEAR_MAX),
                )
                if shown
                else N_("no year")
            )
            report.aside(BAD_YEAR, row, "year", message)
            continue
        iso3, said = _country(iso_text, name)
        if iso3 is None:
            report.aside(UNKNOWN_COUNTRY, row, "iso3", said)
            continue
        tier = _tier(tier_text, scheme)
        if tier.slug is None:
            report.aside(
                BAD_VALUE, row, "tier", Message(N_("{value} is not a tier code"), value=repr(tier_text.strip()))
            )
            continue
        if tier.slug == WATCH_LIST and year < WATCH_LIST_FROM:
            report.aside(
                WATCH_LIST_TOO_EARLY,
                row,
                "tier",
                Message(
                    N_(
                        "{value} is the Tier 2 Watch List, which the TIP Report uses from {start} on; {year} is earlier"
                    ),
                    value=repr(tier_text.strip()),
                    start=str(WATCH_LIST_FROM),
                    year=str(year),
                ),
            )
            continue
        not_ranked_seen |= tier.slug == NOT_RANKED and not tier.problem
        text_seen |= _fold(tier_text) in TEXT_TIERS
        if said:
            report.problem(row, "iso3", said)
        if tier.problem:
            report.problem(row, "tier", tier.problem)
        first = kept.get((iso3, year))
        if first is not None:
            first_tier, first_row = first
            if first_tier == tier.slug:
                report.merge(SAME_TIER_TWICE)
            else:
                report.merge(DIFFERENT_TIERS)
                report.problem(
                    row,
                    "tier",
                    Message(
                        N_("{iso3} {year} placed twice: {first} (row {first_row}) kept, {tier} here not used"),
                        iso3=iso3,
                        year=str(year),
                        first=Message(TIP_TIERS[first_tier]),
                        first_row=str(first_row),
                        tier=Message(TIP_TIERS[tier.slug]),
                    ),
                )
            continue
        kept[(iso3, year)] = (tier.slug, row)
        rows.append((iso3, year, tier.slug))
        report.use()
    if not_ranked_seen:
        report.note(NOTE_NOT_RANKED)
    if text_seen:
        report.note(NOTE_TEXT_TIERS)
    return Imported(indicators=_indicators(rows))


def _indicators(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["iso3", "year", "category"], dtype=object)
    return pd.DataFrame(
        {
            "iso3": out["iso3"],
            "indicator": INDICATOR,
            "year": out["year"].astype("Int64"),
            "value": pd.Series(pd.NA, index=out.index, dtype="Float64"),
            "category": out["category"],
            "suppressed": "false",
            "source": pd.NA,
        },
        columns=list(INDICATOR_COLUMNS),
    )


IMPORTER = Importer(
    key="tip-tiers",
    label=N_("TIP Report tier placements by year (e.g. Kelley & Heiss map_tiers.csv)"),
    publisher="U.S. Department of State, Trafficking in Persons Report (tiers as coded in the file)",
    columns=("iso3", "year", "tier"),
    optional=("name", "cowcode"),
    renamed={
        # map_tiers.csv's own header is "countryname, iso, year, ccode, tier".
        "iso": "iso3",
        "iso3c": "iso3",
        "iso_code": "iso3",
        "country_code": "iso3",
        "ccode": "cowcode",
        "cow_code": "cowcode",
        "cow": "cowcode",
        "country": "name",
        "country_name": "name",
        "countryname": "name",
        "tier_placement": "tier",
    },
    read=read,
)
