"""UNODC GLOTIP data (``data_glotip.xlsx``, or the portal's CSV of the same table).

Long format, one figure per row. ``Dimension`` decides what a row becomes:

- "Total" and "by form of exploitation": country indicators (``detected-victims``,
  ``detected-victims-female``, ``detected-victims-form-sexual-exploitation``, ...), one catalogue
  entry per indicator produced;
- "by citizenship" of detected victims, over both sexes and all ages: routes from the victims'
  citizenship (``Category``) to the detecting country (``Iso3_code``);
- "by country of repatriation", citizenship breakdowns by sex or age and offenders' citizenship:
  set aside, each with its reason.

The quirks of the published files (``shared/facts/data-formats.md``) are handled here: "<5" kept
as a suppressed count, "1,282", regional aggregate codes, "Aruba/Curacao", Sark's empty code,
free-text citizenships in four languages (read by :func:`geodata.names.recognise`), repeated keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    NO_VALUE,
    NOT_A_COUNTRY,
    OUT_OF_SCOPE,
    UNKNOWN_COUNTRY,
    ImportReport,
)
from geodata.problems import Message
from geodata.vocabulary import YEAR_MAX, YEAR_MIN

COLUMNS = ("Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year", "txtVALUE")
OPTIONAL = ("Country", "Region", "Subregion", "Unit of measurement", "Source")
KEY = ("Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")

# Reasons this importer adds to the shared ones of report.py.
TWO_COUNTRIES = N_("names two countries in one cell")
REPATRIATION = N_("by country of repatriation (not read yet)")
CITIZENSHIP_BREAKDOWN = N_("breakdown by sex or age of a route (not drawn as a route)")
NOT_VICTIMS = N_("citizenship of persons other than victims (not a route)")
TOTAL_NOT_CITIZENSHIP = N_("a total, not a citizenship")
NO_CITIZENSHIP = N_("no citizenship given")
TOTAL_NOT_FORM = N_("a total, not a form of exploitation")
NO_FORM = N_("no form of exploitation given")
NO_INDICATOR = N_("no indicator given")

# Merge rules: a row folded into another is counted under exactly one of these.
EXACT_DUPLICATE = N_("exact duplicate row, counted once")
SAME_KEY = N_("same key, values summed (sub-forms merged)")
SAME_ROUTE = N_("citizenship spellings naming one route, values summed")
SAME_FIGURE = N_("key spellings naming one figure, values summed")

# GLOTIP's Indicator texts (folded) -> (slug, label, unit).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "detectedtraffickingvictims": ("detected-victims", "Detected trafficking victims", "people"),
    "personsconvicted": ("persons-convicted", "Persons convicted", "people"),
    "personsprosecuted": ("persons-prosecuted", "Persons prosecuted", "people"),
    "personsbroughtintoformalcontact": (
        "persons-brought-into-formal-contact",
        "Persons brought into formal contact",
        "people",
    ),
    "offencesoftraffickinginpersons": ("trafficking-offences", "Offences of trafficking in persons", "offences"),
    "offencesoftrafficking": ("trafficking-offences", "Offences of trafficking in persons", "offences"),
}
VICTIMS = "detected-victims"
DIMENSIONS = {
    "total": "total",
    "byformofexploitation": "form",
    "bycitizenship": "citizenship",
    "bycountryofrepatriation": "repatriation",
}
# Breakdown values that say nothing on their own ("unknown"): prefixed so that Sex "Unknown" and
# Age "Unknown" make different indicators.
_VAGUE = frozenset({"unknown", "other", "not-known", "not-specified", "unspecified", "not-given"})
COLORSCALE = "Reds"
SHOWN = 40  # characters of an offending cell quoted in a message

_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$")
_SUPPRESSED = re.compile(r"^<\s*(\d{1,3}(?:,\d{3})+|\d+)$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_TWO = re.compile(r"[/;&+]|,| and ", re.IGNORECASE)


def _each(cells: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``fn`` of each cell, computed once per distinct cell (files repeat a few hundred texts)."""
    return cells.map({cell: fn(cell) for cell in cells.unique()})


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def slug(text: str) -> str:
    """``text`` as an atlas slug: lower-case ASCII letters, digits and ``-``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _quote(text: str) -> str:
    return f"'{text[:SHOWN]}…'" if len(text) > SHOWN else f"'{text}'"


@dataclass(frozen=True)
class _Value:
    value: int | None
    bound: int | None  # the publisher's bound of a suppressed count ("<5": 5)
    reason: str = ""
    message: str = ""


def _value(text: str) -> _Value:
    """A txtVALUE cell: a count, "<N" (suppressed below N) or why it is neither."""
    if not text:
        return _Value(None, None, NO_VALUE, N_("txtVALUE is empty"))
    if m := _SUPPRESSED.match(text):
        return _Value(None, int(m.group(1).replace(",", "")))
    if m := _NUMBER.match(text):
        return _Value(int(m.group(1).replace(",", "")), None)
    return _Value(
        None,
        None,
        BAD_VALUE,
        Message(N_("{value} is not a count (a whole number of 0 or more, or '<N')"), value=_quote(text)),
    )


def _year(text: str) -> int | None:
    m = _YEAR.match(text)
    if m is None or not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
        return None
    return int(m.group(1))


@dataclass(frozen=True)
class _Country:
    iso3: str | None
    reason: str = ""
    column: str = "Iso3_code"
    message: str = ""  # why it was set aside, or (with an iso3) what the user should check


def _country(code: str, country: str) -> _Country:
    """The detecting country of a row, from its code, or its Country name when the code fails."""
    if code:
        place = names.from_code(code)
        if place is not None:
            return _Country(place.iso3)
        if _TWO.search(code):
            return _Country(
                None,
                TWO_COUNTRIES,
                message=Message(
                    N_("{code} names two countries; its figures belong to neither alone"), code=_quote(code)
                ),
            )
        if not country:
            return _Country(
                None,
                NOT_A_COUNTRY,
                message=Message(N_("{code} is a regional aggregate, not a country"), code=_quote(code)),
            )
    elif not country:
        return _Country(None, UNKNOWN_COUNTRY, message=N_("Iso3_code and Country are both empty"))
    place = names.recognise(country)
    if place is None or place.kind != names.COUNTRY:
        if code:
            what = Message(
                N_("{code} ({country}) is not a country the atlas knows"), code=_quote(code), country=country
            )
        else:
            what = Message(N_("{country} (no Iso3_code) is not a country the atlas knows"), country=_quote(country))
        return _Country(None, UNKNOWN_COUNTRY, "Iso3_code" if code else "Country", what)
    if code:
        why = Message(
            N_("Iso3_code {code} is not an ISO 3166 code: {country} read as {place} ({how})"),
            code=_quote(code),
            country=_quote(country),
            place=names.place_said(place),
            how=names.how_said(place.how),
        )
    else:
        why = Message(
            N_("Iso3_code is empty: {country} read as {place} ({how})"),
            country=_quote(country),
            place=names.place_said(place),
            how=names.how_said(place.how),
        )
    return _Country(place.iso3, column="Country", message=why)


def _part(text: str, what: str) -> tuple[str, str]:
    """A Sex or Age breakdown as (slug part, label part); ``("", "")`` for "Total"."""
    if _fold(text) == "total":
        return "", ""
    if not text:
        return f"{what}-not-given", f"{what} not given"
    part = slug(text)
    if part in _VAGUE:
        return f"{what}-{part}", f"{what} {text.lower()}"
    return part, text.lower()


@dataclass(frozen=True)
class _Figure:
    indicator: str
    label: str
    unit: str


def _figure(indicator: str, dimension: str, category: str, sex: str, age: str) -> _Figure | tuple[str, str]:
    """The indicator a Total or by-form row feeds, or (reason, message) if it feeds none."""
    base, label, unit = INDICATORS.get(_fold(indicator), (slug(indicator), indicator, "counts"))
    slugs, labels = [base], []
    if dimension == "form":
        if not category:
            return NO_FORM, N_("Category is empty: no form of exploitation given")
        if _fold(category) == "total":
            return TOTAL_NOT_FORM, Message(
                N_("{category} is a total, not a form of exploitation"), category=_quote(category)
            )
        slugs.append(f"form-{slug(category)}")
        labels.append(category.lower())
    elif category and _fold(category) != "total":
        slugs.append(slug(category))  # a Total row with a category of its own: keep it apart
        labels.append(category.lower())
    for text, what in ((sex, "sex"), (age, "age")):
        s, lab = _part(text, what)
        if s:
            slugs.append(s)
            labels.append(lab)
    full = f"{label} (GLOTIP)" + (f": {', '.join(labels)}" if labels else "")
    return _Figure("-".join(slugs), full, unit)


def read(table: Table, report: ImportReport) -> Imported:
    """GLOTIP rows as indicators, catalogue entries and routes; every row reported.

    Parameters
    ----------
    table : Table
        The sheet or CSV, its columns already renamed to this layout's names.
    report : ImportReport
        Receives one outcome per row and the problems, each naming the offending text.
    """
    wanted = [c for c in (*COLUMNS, *OPTIONAL) if c in table.columns]
    df = table.frame(wanted)
    report.read(len(df))
    if df.empty:
        return Imported()
    df = df.apply(lambda s: s.astype(str).str.strip())
    for column in (*COLUMNS, *OPTIONAL):
        if column not in df.columns:
            df[column] = ""

    outcome = _Outcomes(df.index)

    # Whole rows first: an empty row, or a formula anywhere, says nothing about the rest.
    outcome.aside((df[wanted] == "").all(axis=1), EMPTY_ROW, "-", N_("empty row"))
    formula = formula_cells(df[wanted])
    for column in wanted:
        hit = formula == column
        if hit.any():
            outcome.aside(
                hit,
                FORMULA,
                column,
                lambda t: Message(N_("{value} is a spreadsheet formula, not a value"), value=_quote(t)),
                df[column],
            )

    # What the row is a figure of: rows the atlas does not read go aside before their cells are judged.
    dimension = _each(df["Dimension"], lambda t: DIMENSIONS.get(_fold(t), ""))
    base = _each(df["Indicator"], lambda t: INDICATORS.get(_fold(t), (slug(t),))[0])
    outcome.aside(df["Indicator"] == "", NO_INDICATOR, "Indicator", N_("Indicator is empty"))
    outcome.aside(
        dimension == "",
        OUT_OF_SCOPE,
        "Dimension",
        lambda t: (
            Message(N_("Dimension {value} is not one the atlas reads"), value=_quote(t))
            if t
            else N_("Dimension is empty")
        ),
        df["Dimension"],
    )
    unit = df["Unit of measurement"]
    outcome.aside(
        _each(unit, lambda t: t != "" and _fold(t) not in ("counts", "count")),
        OUT_OF_SCOPE,
        "Unit of measurement",
        lambda t: Message(N_("{value}: only counts are read"), value=_quote(t)),
        unit,
    )
    outcome.aside(
        dimension == "repatriation",
        REPATRIATION,
        "Dimension",
        N_("figures by country of repatriation are not read yet"),
    )
    citizenship = dimension == "citizenship"
    outcome.aside(
        citizenship & (base != VICTIMS),
        NOT_VICTIMS,
        "Indicator",
        lambda t: Message(
            N_("{indicator} by citizenship is not a count of victims, so not a route"), indicator=_quote(t)
        ),
        df["Indicator"],
    )
    total_sex = _each(df["Sex"], lambda t: _fold(t) == "total")
    total_age = _each(df["Age"], lambda t: _fold(t) == "total")
    sex_age = df["Sex"] + "\x1f" + df["Age"]
    outcome.aside(
        citizenship & ~(total_sex & total_age),
        CITIZENSHIP_BREAKDOWN,
        total_sex.map({True: "Age", False: "Sex"}),
        lambda t: Message(
            N_("Sex {sex}, Age {age}: a breakdown of a route, not drawn (the Total row is)"),
            **dict(zip(("sex", "age"), map(_quote, t.split("\x1f")), strict=True)),
        ),
        sex_age,
    )

    # The detecting country, the year and the value, each judged once per distinct text.
    pairs = df["Iso3_code"] + "\x1f" + df["Country"]
    countries = {pair: _country(*pair.split("\x1f")) for pair in pairs.unique()}
    iso3 = pairs.map({k: c.iso3 for k, c in countries.items()})
    country_reason = pairs.map({k: c.reason for k, c in countries.items()})
    country_column = pairs.map({k: c.column for k, c in countries.items()})
    for reason in (NOT_A_COUNTRY, TWO_COUNTRIES, UNKNOWN_COUNTRY):
        outcome.aside(country_reason == reason, reason, country_column, lambda k: countries[k].message, pairs)
    years = {text: _year(text) for text in df["Year"].unique()}
    year = df["Year"].map(years)
    outcome.aside(
        year.isna(),
        BAD_YEAR,
        "Year",
        lambda t: (
            Message(
                N_("{value} is not a year from {start} to {end}"),
                value=_quote(t),
                start=str(YEAR_MIN),
                end=str(YEAR_MAX),
            )
            if t
            else N_("Year is empty")
        ),
        df["Year"],
    )
    values = {text: _value(text) for text in df["txtVALUE"].unique()}
    value_reason = df["txtVALUE"].map({k: v.reason for k, v in values.items()})
    for reason in (NO_VALUE, BAD_VALUE):
        outcome.aside(value_reason == reason, reason, "txtVALUE", lambda t: values[t].message, df["txtVALUE"])

    # Indicators: Total and by-form rows.
    is_figure = dimension.isin(("total", "form")) & outcome.alive
    figure_key = (
        df["Indicator"] + "\x1f" + dimension + "\x1f" + df["Category"] + "\x1f" + df["Sex"] + "\x1f" + df["Age"]
    )
    figures = {k: _figure(*k.split("\x1f")) for k in figure_key[is_figure].unique()}
    figure_reason = figure_key.where(is_figure).map(
        {k: f[0] if isinstance(f, tuple) else "" for k, f in figures.items()}
    )
    for reason in (NO_FORM, TOTAL_NOT_FORM):
        outcome.aside(figure_reason == reason, reason, "Category", lambda k: figures[k][1], figure_key)  # type: ignore[index]

    # Routes: victims' citizenship over both sexes and all ages.
    is_route = citizenship & outcome.alive
    category = df["Category"]
    places = {text: names.recognise(text) for text in category[is_route].unique()}
    kinds = {text: ("" if p is None else p.kind) for text, p in places.items()}
    kind = category.where(is_route).map(kinds)
    place = category.where(is_route).map(places)
    no_place = is_route & (kind == "")
    outcome.aside(
        no_place & _each(category, lambda t: t.strip("0 ") == ""),
        NO_CITIZENSHIP,
        "Category",
        lambda t: (
            Message(N_("{value} names no citizenship"), value=_quote(t))
            if t
            else N_("Category is empty: no citizenship given")
        ),
        category,
    )
    outcome.aside(
        no_place,
        UNKNOWN_COUNTRY,
        "Category",
        lambda t: (
            Message(N_("{value} names more than one country; not read"), value=_quote(t))
            if names.ambiguous(t)
            else Message(N_("{value} is not a country the atlas knows"), value=_quote(t))
        ),
        category,
    )
    outcome.aside(
        is_route & (kind == names.TOTAL),
        TOTAL_NOT_CITIZENSHIP,
        "Category",
        lambda t: Message(N_("{value} is a total, not a citizenship"), value=_quote(t)),
        category,
    )

    live = outcome.alive
    is_figure &= live
    is_route &= live
    _spellings_checked(df, place, is_route, outcome)
    checked = live & iso3.notna() & (country_column == "Country")
    for row, pair in zip(df.index[checked], pairs[checked], strict=True):
        outcome.problem(row, "Country", countries[pair].message)

    rows = pd.DataFrame(
        {
            "iso3": iso3,
            "year": year,
            "value": pd.to_numeric(df["txtVALUE"].map({k: v.value for k, v in values.items()}), errors="coerce"),
            "bound": pd.to_numeric(df["txtVALUE"].map({k: v.bound for k, v in values.items()}), errors="coerce"),
        },
        index=df.index,
    )
    catalogue: dict[str, _Figure] = {}
    indicator_rows = pd.DataFrame()
    route_rows = pd.DataFrame()
    if is_figure.any():
        fig = rows[is_figure].copy()
        made = {k: f for k, f in figures.items() if isinstance(f, _Figure)}
        fig["indicator"] = figure_key[is_figure].map({k: f.indicator for k, f in made.items()})
        for k in figure_key[is_figure].unique():
            catalogue.setdefault(made[k].indicator, made[k])
        fig["okey"] = fig["iso3"] + "|" + fig["indicator"] + "|" + fig["year"].astype(int).astype(str)
        fig = _fold_duplicates(df, fig, SAME_FIGURE, outcome)
        indicator_rows = _indicators(fig)
    if is_route.any():
        rt = rows[is_route].copy()
        origin = place[is_route]
        internal = pd.Series(
            [p.kind == names.NATIONALS or p.iso3 == dest for p, dest in zip(origin, rt["iso3"], strict=True)],
            index=rt.index,
        )
        origins = [dest if inside else p.iso3 for p, dest, inside in zip(origin, rt["iso3"], internal, strict=True)]
        labels = [None if p.kind in (names.COUNTRY, names.NATIONALS) else p.label for p in origin]
        rt["origin_iso3"] = pd.Series(origins, index=rt.index, dtype=object)
        rt["origin_label"] = pd.Series(labels, index=rt.index, dtype=object)
        rt["route_id"] = [
            f"{o.lower() if o else slug(str(lab))}-{dest.lower()}-{int(y)}"
            for o, lab, dest, y in zip(origins, labels, rt["iso3"], rt["year"], strict=True)
        ]
        rt["okey"] = rt["route_id"]
        if internal.any():
            report.note(
                Message(
                    N_(
                        "{count} citizenship rows name the detecting country itself or its 'Nationals': "
                        "read as internal trafficking (origin = destination)"
                    ),
                    count=int(internal.sum()),
                )
            )
        rt = _fold_duplicates(df, rt, SAME_ROUTE, outcome)
        route_rows = _routes(rt)

    outcome.write(report)
    if outcome.spellings:
        distinct, total = outcome.spellings
        report.note(
            Message(
                N_(
                    "{count} citizenship cells needed an extra spelling, a repaired encoding or a non-English name "
                    "({distinct} distinct spellings, each listed once at its first row)"
                ),
                count=int(total),
                distinct=int(distinct),
            )
        )
    return Imported(
        catalogue=_catalogue(catalogue) if catalogue else None,
        indicators=indicator_rows if len(indicator_rows) else None,
        routes=route_rows if len(route_rows) else None,
    )


class _Outcomes:
    """Each row's fate while reading: the first reason to set it aside wins; problems kept by row."""

    def __init__(self, index: pd.Index):
        self.reason = pd.Series("", index=index, dtype=object)
        self.column = pd.Series("", index=index, dtype=object)
        self.message = pd.Series("", index=index, dtype=object)
        self.problems: list[tuple[int, str, str]] = []
        self.merged: Counter[str] = Counter()
        self.used = 0
        self.spellings: tuple[int, int] | None = None

    @property
    def alive(self) -> pd.Series:
        return self.reason == ""

    def aside(
        self,
        mask: pd.Series,
        reason: str,
        column: str | pd.Series,
        message: str | Callable[[str], str],
        of: pd.Series | None = None,
    ) -> None:
        """Set aside the live rows of ``mask``; ``message`` is text, or a function of the ``of`` cell.

        The function is called once per distinct cell of the rows hit, never per row of the file.
        """
        hit = mask.fillna(False).astype(bool) & self.alive
        if not hit.any():
            return
        self.reason[hit] = reason
        self.column[hit] = column[hit] if isinstance(column, pd.Series) else column
        if callable(message):
            assert of is not None
            self.message[hit] = _each(of[hit], message)
        else:
            self.message[hit] = message

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append((int(row), column, message))

    def write(self, report: ImportReport) -> None:
        """Everything into the report, problems in row order."""
        aside = self.reason != ""
        events: list[tuple[int, int, str, str, str]] = [
            (int(row), 0, reason, column, message)
            for row, reason, column, message in zip(
                self.reason.index[aside], self.reason[aside], self.column[aside], self.message[aside], strict=True
            )
        ]
        events += [(row, 1, "", column, message) for row, column, message in self.problems]
        for row, is_problem, reason, column, message in sorted(events, key=lambda e: (e[0], e[1])):
            if is_problem:
                report.problem(row, column, message)
            else:
                report.aside(reason, row, column, message)
        report.use(self.used)
        for rule, n in self.merged.items():
            report.merge(rule, n)


def _spellings_checked(df: pd.DataFrame, place: pd.Series, is_route: pd.Series, outcome: _Outcomes) -> None:
    """One problem per distinct citizenship text that needed more than a code or an English name."""
    seen: set[str] = set()
    total = 0
    for row, text, p in zip(df.index[is_route], df.loc[is_route, "Category"], place[is_route], strict=True):
        if p.plain:
            continue
        total += 1
        if text not in seen:
            seen.add(text)
            outcome.problem(
                row,
                "Category",
                Message(
                    N_("{value} read as {place} ({how})"),
                    value=_quote(text),
                    place=names.place_said(p),
                    how=names.how_said(p.how),
                ),
            )
    if total:
        outcome.spellings = (len(seen), total)


def _fold_duplicates(df: pd.DataFrame, rows: pd.DataFrame, other_rule: str, outcome: _Outcomes) -> pd.DataFrame:
    """One row per output key (``okey``): exact duplicates dropped, other repeats summed.

    The first row of a key is used; each other row is merged under one rule: an exact copy of an
    earlier row (counted once), the same GLOTIP key (summed: GLOTIP repeats a key where it merged
    sub-forms) or another spelling of the key that names the same figure or route (summed).
    Suppressed parts: all suppressed -> still suppressed, below the sum of the bounds; some given as
    numbers -> the sum of those, with a problem saying a suppressed part is not in it.
    """
    cells = df.loc[rows.index]
    exact = cells.duplicated(keep="first")
    outcome.merged[EXACT_DUPLICATE] += int(exact.sum())
    rows = rows[~exact]
    cells = cells[~exact]
    repeat = rows["okey"].duplicated(keep="first")
    same_key = cells[list(KEY)].duplicated(keep="first")
    outcome.merged[SAME_KEY] += int((repeat & same_key).sum())
    outcome.merged[other_rule] += int((repeat & ~same_key).sum())
    outcome.used += int((~repeat).sum())
    out = rows[~repeat].copy()
    out["known_only"] = False
    if not repeat.any():
        return out

    shared = rows[rows["okey"].duplicated(keep=False)]
    groups = shared.groupby("okey", sort=False)
    known = groups["value"].sum(min_count=1)
    bound = groups["bound"].sum(min_count=1)
    summed = out["okey"].isin(known.index)
    out.loc[summed, "value"] = out.loc[summed, "okey"].map(known)
    out.loc[summed, "bound"] = out.loc[summed, "okey"].map(bound)
    mixed = summed & out["value"].notna() & out["bound"].notna()
    if mixed.any():
        suppressed = shared[shared["bound"].notna()]
        first_suppressed = pd.Series(suppressed.index, index=suppressed["okey"]).groupby(level=0).first()
        for key, total in zip(out.loc[mixed, "okey"], out.loc[mixed, "value"], strict=True):
            part = int(first_suppressed[key])
            outcome.problem(
                part,
                "txtVALUE",
                Message(
                    N_("{value} is a suppressed part, not in the sum: {total} counts only the parts given as numbers"),
                    value=_quote(df.at[part, "txtVALUE"]),
                    total=int(total),
                ),
            )
    out["known_only"] = mixed
    out.loc[mixed, "bound"] = float("nan")  # the sum is shown as a number, so it is not suppressed
    return out


def _suppression(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    suppressed = rows["value"].isna() & rows["bound"].notna()
    return suppressed.map({True: "true", False: "false"}), rows["bound"].where(suppressed).astype("Int64")


def _indicators(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reset_index(drop=True)
    flag, below = _suppression(rows)
    n = len(rows)
    return pd.DataFrame(
        {
            "iso3": rows["iso3"].to_numpy(),
            "indicator": rows["indicator"].to_numpy(),
            "year": pd.array(rows["year"].astype(int), dtype="Int64"),
            "value": pd.array(rows["value"].astype("Float64"), dtype="Float64"),
            "category": [None] * n,
            "suppressed": flag.to_numpy(),
            "suppressed_below": below,
            "source": [None] * n,
        }
    )


def _routes(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.reset_index(drop=True)
    flag, below = _suppression(rows)
    n = len(rows)
    year = pd.array(rows["year"].astype(int), dtype="Int64")
    note = rows["known_only"].map({True: "sum of the parts given as numbers; a suppressed part (<5) is not in it"})
    return pd.DataFrame(
        {
            "route_id": rows["route_id"].to_numpy(),
            "origin_iso3": rows["origin_iso3"].to_numpy(),
            "origin_label": rows["origin_label"].to_numpy(),
            "destination_iso3": rows["iso3"].to_numpy(),
            "destination_label": [None] * n,
            "form": ["form-not-given"] * n,
            "detail": [None] * n,
            "victims": [None] * n,
            "year_start": year,
            "year_end": year,
            "reported_year": year,
            "count": pd.array(rows["value"].astype("Float64"), dtype="Float64").astype("Int64"),
            "count_note": note.to_numpy(),
            "suppressed": flag.to_numpy(),
            "suppressed_below": below,
            "source": [None] * n,
        }
    )


def _catalogue(figures: dict[str, _Figure]) -> pd.DataFrame:
    rows = [
        {
            "indicator": f.indicator,
            "label": f.label,
            "unit": f.unit,
            "kind": "continuous",
            "categories": None,
            "colorscale": COLORSCALE,
            "source": None,
            "licence": None,
        }
        for f in sorted(figures.values(), key=lambda f: f.indicator)
    ]
    return pd.DataFrame(rows)


IMPORTER = Importer(
    key="glotip",
    label=N_("UNODC GLOTIP data (data_glotip.xlsx)"),
    publisher="United Nations Office on Drugs and Crime (UNODC)",
    columns=COLUMNS,
    optional=OPTIONAL,
    renamed={
        "Value": "txtVALUE",
        "txt_value": "txtVALUE",
        "iso3": "Iso3_code",
        "iso": "Iso3_code",
        "Unit": "Unit of measurement",
        "Units": "Unit of measurement",
        "Sub-region": "Subregion",
    },
    sheet="data_glotip_1",
    read=read,
)
