"""CTDC (IOM's Counter Trafficking Data Collaborative) case-level files, aggregated into routes.

Two layouts are read: the 2024 Global Synthetic Dataset (ISO alpha-3 countries, blank for
missing) and the older k-anonymised Global Dataset as copied in 2017–2020 (ISO alpha-2
countries, ``"00"``/``"0"`` for an unknown country, ``-99`` for an unknown value). Each record
is one victim; the atlas never keeps a row per victim but counts records per route: (origin =
``citizenship``, destination = ``CountryOfExploitation``, year = ``yearOfRegistration``, form of
exploitation). Files run to about 260,000 rows, so they are read a chunk at a time and each
chunk is handled column-wise (codes are decoded once per distinct value, never once per row).

The region-level victim–perpetrator synthetic file (``CTDC_VPsynthetic_condensed.csv``) is not
read: its column names are not documented in the atlas's facts, so no layout is guessed for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    ImportReport,
)
from geodata.problems import Message
from geodata.schema import table_columns
from geodata.vocabulary import YEAR_MAX, YEAR_MIN

PUBLISHER = "International Organization for Migration (IOM), Counter Trafficking Data Collaborative (CTDC)"

YEAR = "yearOfRegistration"
ORIGIN = "citizenship"
DESTINATION = "CountryOfExploitation"
# Flag column -> form of exploitation (the vocabulary's slugs); a record may flag several.
FLAGS: dict[str, str] = {
    "isSexualExploit": "sexual-exploitation",
    "isForcedLabour": "forced-labour",
    "isOtherExploit": "other-exploitation",
}
NO_FORM = "form-not-given"
UNKNOWN_LABEL = "Unknown"

# Reasons and rules this importer adds to the shared ones (report.py).
NEITHER_END = N_("neither end of the route known")
SAME_ROUTE = N_("records of the same route, year and form counted")

NOTE_SEVERAL_FORMS = N_(
    "a record that flags several forms of exploitation is counted under each: "
    "counts by form add up to more than the number of records"
)
NOTE_NO_FORM = N_("records that flag no form of exploitation are counted under 'form-not-given'")
NOTE_UNKNOWN_END = N_(
    "a blank, '0', '00' or '-99' citizenship or country of exploitation is kept as an 'Unknown' end of the route"
)
NOTE_FLAG_UNKNOWN = N_("a blank or -99 (unknown) exploitation flag is read as not flagged")
NOTE_K_ANONYMITY = N_(
    "counts are stored exact; CTDC publishes with k-anonymity (k = 11) and the atlas never shows "
    "a count below its suppression threshold as an exact number"
)
NOTE_NO_OTHER_FLAG = N_(
    "no isOtherExploit column: records flagging neither sexual exploitation nor forced labour "
    "are counted under 'form-not-given'"
)
FORMULA_MESSAGE = N_("cell starts with '=' (a spreadsheet formula): the row is not read")

# Cells that say "not known" rather than name a country.
UNKNOWN_COUNTRY_CODES = frozenset({"", "0", "00", "-99"})
FLAG_TRUE = frozenset({"1", "1.0", "true"})
FLAG_FALSE = frozenset({"0", "0.0", "false"})
FLAG_UNKNOWN = frozenset({"", "-99", "-99.0"})

ROUTE_COLUMNS = table_columns("routes")
KEY = ["origin", "destination", "year", "form"]

# The 2024 release's 27 columns (data-formats.md); later releases rename the sector columns.
COLUMNS_2024 = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
)
REQUIRED_2024 = (
    "yearOfRegistration",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "gender",
    "ageBroad",
)
SECTORS = ("LabourAgriculture", "LabourConstruction", "LabourDomesticWork", "LabourHospitality")
RENAMED_2024 = {f"sectorOf{s}": f"typeOf{s}" for s in (*SECTORS, "SexProstitution", "SexPornography")}

REQUIRED_2020 = (
    "yearOfRegistration",
    "Datasource",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
)
# Only the columns the facts name; the 2020 copies' many meansOfControl*/typeOf*/recruiterRelation*
# columns are not read and are listed as "extra columns ignored".
OPTIONAL_2020 = ("isOtherExploit", "gender", "ageBroad")


@dataclass(frozen=True)
class Codes:
    """How one layout writes its countries: the ISO code kind its cells hold."""

    kind: str  # "alpha-3" or "alpha-2", as names.Place.how names it

    def country(self, text: str) -> str | None:
        """``text`` as an ISO alpha-3 code, ``""`` for an unknown country, ``None`` for a code that is not ISO."""
        code = text.strip()
        if code in UNKNOWN_COUNTRY_CODES:
            return ""
        place = names.from_code(code)
        # Only the layout's own code kind: in an alpha-2 file "4" is not Afghanistan's numeric code.
        if place is None or place.how != self.kind or place.iso3 is None:
            return None
        return place.iso3


@dataclass
class _Tally:
    """What the chunks add up to while a file is read."""

    counts: list[pd.Series] = field(default_factory=list)
    seen: set[tuple[object, ...]] = field(default_factory=set)
    several_forms: bool = False
    no_form: bool = False
    unknown_end: bool = False
    flag_unknown: bool = False


def _year(text: str) -> float:
    """A registration year as a whole number in the atlas's range, else NaN."""
    try:
        value = float(text.strip())
    except ValueError:
        return float("nan")
    if not value.is_integer() or not YEAR_MIN <= value <= YEAR_MAX:
        return float("nan")
    return value


def _year_message(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        return N_("no year")
    if stripped in ("-99", "-99.0"):
        return N_("year unknown (-99)")
    return Message(
        N_("{value} is not a year between {start} and {end}"),
        value=repr(stripped),
        start=str(YEAR_MIN),
        end=str(YEAR_MAX),
    )


def _flag(text: str) -> float:
    """1 flagged, 0 not flagged (or unknown), NaN for a cell that is not a flag."""
    word = text.strip().casefold()
    if word in FLAG_TRUE:
        return 1.0
    if word in FLAG_FALSE or word in FLAG_UNKNOWN:
        return 0.0
    return float("nan")


def _decode(column: pd.Series, decode: Callable[[str], object]) -> pd.Series:
    """``decode`` applied once per distinct cell (a few hundred at most), mapped over the column."""
    return column.map({text: decode(text) for text in column.unique()})


class _Asides:
    """Rows set aside in one chunk, first reason wins, reported in row order."""

    def __init__(self, index: pd.Index):
        self.open = pd.Series(True, index=index)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, reason: str, column: str, message: pd.Series | str) -> None:
        hit = mask & self.open
        if not hit.any():
            return
        text = message[hit] if isinstance(message, pd.Series) else message
        self.parts.append(pd.DataFrame({"reason": reason, "column": column, "message": text}, index=hit[hit].index))
        self.open &= ~hit

    def report(self, report: ImportReport) -> None:
        if not self.parts:
            return
        found = pd.concat(self.parts).sort_index(kind="stable")
        for (reason, column, message), group in found.groupby(["reason", "column", "message"], sort=False):
            report.aside_many(str(reason), group.index, str(column), _text(message))


def _text(message: object) -> str:
    """A message as it was made (a :class:`Message` keeps its template), whatever pandas held it as."""
    return message if isinstance(message, str) else str(message)


def _read_chunk(chunk: pd.DataFrame, codes: Codes, flags: list[str], report: ImportReport, tally: _Tally) -> None:
    report.read(len(chunk))
    asides = _Asides(chunk.index)
    blank = pd.concat([_decode(chunk[c], lambda t: not t.strip()) for c in chunk.columns], axis=1).all(axis=1)
    asides.add(blank, EMPTY_ROW, "-", N_("empty row"))
    # Per distinct cell first (cheap), then formula_cells on the few rows that hold one.
    suspect = pd.concat([_decode(chunk[c], lambda t: t.lstrip().startswith("=")) for c in chunk.columns], axis=1)
    suspect_rows = suspect.any(axis=1)
    if suspect_rows.any():
        formula = formula_cells(chunk[suspect_rows]).reindex(chunk.index, fill_value="")
        for column in chunk.columns:
            asides.add(formula == column, FORMULA, column, FORMULA_MESSAGE)

    year = _decode(chunk[YEAR], _year)
    asides.add(year.isna(), BAD_YEAR, YEAR, _decode(chunk[YEAR], _year_message))

    ends = {}
    for column in (ORIGIN, DESTINATION):
        ends[column] = _decode(chunk[column], codes.country)
        message = _decode(
            chunk[column],
            lambda t: Message(
                N_("{value} is not an ISO 3166 {kind} country code"),
                value=repr(t.strip()),
                kind=names.how_said(codes.kind),
            ),
        )
        asides.add(ends[column].isna(), UNKNOWN_COUNTRY, column, message)

    marks = {}
    for column in flags:
        marks[column] = _decode(chunk[column], _flag)
        message = _decode(
            chunk[column], lambda t: Message(N_("{value} is not a flag (0, 1 or -99)"), value=repr(t.strip()))
        )
        asides.add(marks[column].isna(), BAD_VALUE, column, message)

    neither = (ends[ORIGIN] == "") & (ends[DESTINATION] == "")
    asides.add(
        neither,
        NEITHER_END,
        "-",
        Message(N_("neither {origin} nor {destination} is known"), origin=ORIGIN, destination=DESTINATION),
    )
    asides.report(report)

    ok = asides.open
    if not ok.any():
        return
    base = pd.DataFrame(
        {"origin": ends[ORIGIN][ok], "destination": ends[DESTINATION][ok], "year": year[ok].astype("int64")}
    )
    tally.unknown_end |= bool((base["origin"] == "").any() or (base["destination"] == "").any())
    tally.flag_unknown |= any(chunk.loc[ok, c].str.strip().isin(FLAG_UNKNOWN).any() for c in flags)
    flagged = pd.DataFrame({c: marks[c][ok] == 1.0 for c in flags})
    per_row = flagged.sum(axis=1)
    tally.several_forms |= bool((per_row > 1).any())
    tally.no_form |= bool((per_row == 0).any())
    parts = [base[flagged[c]].assign(form=FLAGS[c]) for c in flags]
    parts.append(base[per_row == 0].assign(form=NO_FORM))
    # Rows keep their spreadsheet numbers through concat, so "first record" means the earliest row.
    long = pd.concat(parts).sort_index(kind="stable")
    tally.counts.append(long.groupby(KEY, sort=False).size())

    # Row accounting: a row is used if it is the first record of at least one route (a record
    # flagging two forms is still one row); every other readable row is merged into its route.
    first = long[~long.duplicated(KEY)]
    keys = list(zip(*(first[k] for k in KEY), strict=True))
    new = [k not in tally.seen for k in keys]
    tally.seen.update(keys)
    used = first.index[new].nunique()
    report.use(used)
    report.merge(SAME_ROUTE, int(ok.sum()) - used)


def _routes(tally: _Tally) -> pd.DataFrame:
    if not tally.counts:
        return pd.DataFrame(columns=list(ROUTE_COLUMNS), dtype=object)
    counts = pd.concat(tally.counts).groupby(level=[0, 1, 2, 3]).sum().rename("count").reset_index()
    counts.columns = [*KEY, "count"]
    counts = counts.sort_values(["year", "origin", "destination", "form"], ignore_index=True)
    origin = counts["origin"].where(counts["origin"] != "", pd.NA)
    destination = counts["destination"].where(counts["destination"] != "", pd.NA)
    year = counts["year"].astype("Int64")
    route_id = (
        counts["origin"].replace("", "unknown")
        + "-"
        + counts["destination"].replace("", "unknown")
        + "-"
        + counts["year"].astype(str)
        + "-"
        + counts["form"]
    ).str.lower()
    return pd.DataFrame(
        {
            "route_id": route_id,
            "origin_iso3": origin,
            "origin_label": pd.Series(UNKNOWN_LABEL, index=counts.index).where(origin.isna(), pd.NA),
            "destination_iso3": destination,
            "destination_label": pd.Series(UNKNOWN_LABEL, index=counts.index).where(destination.isna(), pd.NA),
            "form": counts["form"],
            "detail": pd.NA,
            "victims": pd.NA,
            "year_start": year,
            "year_end": year,
            "reported_year": year,
            "count": counts["count"].astype("Int64"),
            "count_note": pd.NA,
            "source": pd.NA,
        },
        columns=list(ROUTE_COLUMNS),
    )


def _reader(codes: Codes) -> Callable[[Table, ImportReport], Imported]:
    def read(table: Table, report: ImportReport) -> Imported:
        """Count the records of ``table`` per route; every row gets one outcome in ``report``."""
        flags = [c for c in FLAGS if c in table.columns]
        if "isOtherExploit" not in flags:
            report.note(NOTE_NO_OTHER_FLAG)
        tally = _Tally()
        for chunk in table.chunks(usecols=[YEAR, ORIGIN, DESTINATION, *flags]):
            _read_chunk(chunk, codes, flags, report, tally)
        if tally.several_forms:
            report.note(NOTE_SEVERAL_FORMS)
        if tally.no_form:
            report.note(NOTE_NO_FORM)
        if tally.unknown_end:
            report.note(NOTE_UNKNOWN_END)
        if tally.flag_unknown:
            report.note(NOTE_FLAG_UNKNOWN)
        report.note(NOTE_K_ANONYMITY)
        return Imported(routes=_routes(tally))

    return read


CTDC_2024 = Importer(
    key="ctdc",
    label=N_("CTDC Global Synthetic Dataset (2024 release)"),
    publisher=PUBLISHER,
    columns=REQUIRED_2024,
    optional=tuple(c for c in COLUMNS_2024 if c not in REQUIRED_2024),
    renamed=RENAMED_2024,
    read=_reader(Codes("alpha-3")),
)

CTDC_2020 = Importer(
    key="ctdc-2020",
    label=N_("CTDC Global Dataset (k-anonymised, 2017–2020 copies)"),
    publisher=PUBLISHER,
    columns=REQUIRED_2020,
    optional=OPTIONAL_2020,
    read=_reader(Codes("alpha-2")),
)

# The 2020 layout comes first: a 2020 copy also has every column the 2024 layout requires, and
# detection keeps the first full match; a 2024 file lacks Datasource and majorityStatus.
IMPORTERS = (CTDC_2020, CTDC_2024)
