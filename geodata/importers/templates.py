"""Atlas templates: a user's own programs, routes and indicators, in the atlas's own columns.

Three layouts, one per table: the columns of the bundled ``programs.csv``, ``routes.csv`` and
``indicators.csv`` without ``source`` (the dataset itself becomes the source). The reader is
tolerant where people write things differently (a country as a name or an alpha-2 code, a
program type by its label, "1,500", "yes"), and strict where the atlas is: every row is checked
by the atlas's own schemas (:mod:`geodata.schema`) and program sites against the bundled
boundaries, and a row with any problem is set aside with the schema's own message.

Blank templates and filled examples (rows copied from the bundled data) live in
``geodata/templates/``; :func:`template_file` serves them as CSV or XLSX.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from geodata import names, schema
from geodata.i18n import N_
from geodata.importers import Imported, Importer
from geodata.importers.files import Table, formula_cells
from geodata.importers.report import (
    BAD_VALUE,
    BAD_YEAR,
    EMPTY_ROW,
    FORMULA,
    INVALID,
    NOT_A_COUNTRY,
    UNKNOWN_COUNTRY,
    ImportReport,
)
from geodata.loader import BUNDLED_DIR, _check_label_points, _check_sites, read_csv, validate_table
from geodata.problems import Message, Problem
from geodata.vocabulary import EXPLOITATION_FORMS, PROGRAM_TYPES, TIP_TIERS

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
KINDS = ("programs", "routes", "indicators")

PROGRAM_COLUMNS = tuple(c for c in schema.table_columns("programs") if c != "source")  # the dataset is the source
PROGRAM_REQUIRED = ("program_id", "program", "types", "iso3", "site", "site_precision", "reported_year")

ROUTE_COLUMNS = tuple(c for c in schema.table_columns("routes") if c != "source")  # the dataset is the source
ROUTE_REQUIRED = ("route_id", "form", "reported_year")
# A route needs each end as a country or a label: at least one column of each pair.
ROUTE_ENDS = (("origin_iso3", "origin_label"), ("destination_iso3", "destination_label"))

# label, unit and kind describe an indicator the atlas does not have yet (its catalogue entry).
INDICATOR_COLUMNS = tuple(c for c in schema.table_columns("indicators") if c != "source")
CATALOGUE_COLUMNS = ("label", "unit", "kind")
INDICATOR_REQUIRED = ("iso3", "indicator", "year", "value")

# Reasons (beyond the shared ones of report.py) and the merge rule this importer uses.
UNKNOWN_TYPE = N_("program type not in the vocabulary")
UNKNOWN_FORM = N_("form of exploitation not in the vocabulary")
SITE_OUTSIDE = N_("site outside its country")
DUPLICATE = N_("same id or key as an earlier row")
NOT_CONTINUOUS = N_("a new indicator that is not continuous")
EXACT_DUPLICATE = N_("exact duplicate row, counted once")

# What a vocabulary column's problems say, by column: one term per row, and terms not known.
_TERMS = {
    "types": (
        N_("{value}: one program type per row (give each its own row)"),
        N_("{value} is not a program type ({known})"),
        N_("{value} are not a program type ({known})"),
    ),
    "form": (
        N_("{value}: one form of exploitation per row (give each its own row)"),
        N_("{value} is not a form of exploitation ({known})"),
        N_("{value} are not a form of exploitation ({known})"),
    ),
}

# Filled into ``source`` while checking (the schemas require one) and emptied on return.
PLACEHOLDER_SOURCE = "imported-dataset"
NEW_COLORSCALE = "Viridis"
NO_UNIT = "(unit not given)"
SHOWN = 40  # characters of an offending cell quoted in a message

YEAR_COLUMNS = frozenset({"year", "year_start", "year_end", "reported_year"})
# Counts and values may carry thousands separators ("1,500"); coordinates never do, so a
# decimal comma there ("8,217") is reported rather than read as 8217.
GROUPED_COLUMNS = frozenset(
    {"value", "count", "suppressed_below", "funding_usd", "people_assisted", "people_reunited", "people_returned"}
)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE_FLOAT = re.compile(r"^([+-]?\d+)\.0+$")
_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n"})


def _quote(text: str) -> str:
    return f"'{text[:SHOWN]}…'" if len(text) > SHOWN else f"'{text}'"


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class TemplateImporter(Importer):
    """An :class:`Importer` that also needs one column of each group in ``one_of`` (a route's ends)."""

    one_of: tuple[tuple[str, ...], ...] = ()

    def missing(self, header: Sequence[str]) -> list[str]:
        found = set(self.canonical(header).values())
        return super().missing(header) + [_either(group) for group in self.one_of if not found & set(group)]


def _either(group: Sequence[str]) -> str:
    """``a or b``: either column of a group will do."""
    if len(group) == 2:
        return Message(N_("{column} or {other}"), column=group[0], other=group[1])
    return " or ".join(group)


# -- the bundled reference tables ----------------------------------------------------------------


@dataclass(frozen=True)
class _Bundled:
    countries: pd.DataFrame
    catalogue: pd.DataFrame
    categories: dict[str, frozenset[str]]


@cache
def _bundled() -> _Bundled:
    """The bundled countries and indicator catalogue, typed (read once: they never change at run time)."""
    ref = schema.Reference(sources=None)
    tables = {}
    for name, table_schema in (
        ("countries", schema.countries_schema(ref)),
        ("indicator_catalogue", schema.catalogue_schema(ref)),
    ):
        raw, problems = read_csv(BUNDLED_DIR / f"{name}.csv")
        assert raw is not None and not problems, problems
        typed, problems = validate_table(f"{name}.csv", raw, table_schema)
        assert typed is not None and not problems, problems
        tables[name] = typed
    catalogue = tables["indicator_catalogue"]
    categories = {
        row.indicator: frozenset(p.strip() for p in str(row.categories).split(";"))
        if isinstance(row.categories, str)
        # a continuous indicator has no categories
        else frozenset()
        for row in catalogue.itertuples()
    }
    return _Bundled(tables["countries"], catalogue, categories)


# -- each row's outcome --------------------------------------------------------------------------


class _Outcomes:
    """Every problem found, by row; the row's outcome is decided when the report is written.

    A row with problems is set aside for the first of them in column order (the others are
    listed too, so one pass shows everything to fix); a row without is used or merged.
    """

    def __init__(self, index: pd.Index, columns: Sequence[str]):
        self.index = index
        self.order = {c: i for i, c in enumerate(columns)}
        self.failed: dict[int, list[tuple[str, str, str]]] = {}
        self.blamed: set[tuple[int, str]] = set()
        self.closed: set[int] = set()  # empty and formula rows: nothing more is judged in them
        self.notes: dict[int, list[tuple[str, str]]] = {}
        self.merged: dict[int, tuple[str, str, str]] = {}

    def fail(self, row: int, reason: str, column: str, message: str) -> None:
        self.failed.setdefault(int(row), []).append((reason, column, message))
        self.blamed.add((int(row), column))

    def close(self, row: int, reason: str, column: str, message: str) -> None:
        self.fail(row, reason, column, message)
        self.closed.add(int(row))

    def note(self, row: int, column: str, message: str) -> None:
        self.notes.setdefault(int(row), []).append((column, message))

    def merge(self, row: int, rule: str, column: str, message: str) -> None:
        self.merged[int(row)] = (rule, column, message)

    @property
    def open(self) -> pd.Index:
        """Rows still to be judged by the schemas (not empty, no formula)."""
        return self.index[~self.index.isin(list(self.closed))]

    @property
    def alive(self) -> pd.Index:
        """Rows without any problem so far."""
        return self.index[~self.index.isin(list(self.failed)) & ~self.index.isin(list(self.merged))]

    def write(self, report: ImportReport) -> None:
        used = 0
        for row in self.index:
            row = int(row)
            if row in self.failed:
                found = sorted(self.failed[row], key=lambda p: self.order.get(p[1].split("/")[0], -1))
                reason, column, message = found[0]
                report.aside(reason, row, column, message)
                for _, column, message in found[1:]:
                    report.problem(row, column, message)
            elif row in self.merged:
                rule, column, message = self.merged[row]
                report.merge(rule)
                report.problem(row, column, message)
            else:
                used += 1
                for column, message in self.notes.get(row, []):
                    report.problem(row, column, message)
        report.use(used)


# -- cells ---------------------------------------------------------------------------------------


def _text_frame(table: Table, columns: Sequence[str], report: ImportReport) -> pd.DataFrame:
    """The file's rows as stripped text ('' for empty), every template column present."""
    present = [c for c in columns if c in table.columns]
    df = table.frame(present)
    report.read(len(df))
    df = df.apply(lambda s: s.astype(str).str.strip()) if len(df) else df.astype(object)
    for column in columns:
        if column not in df.columns:
            df[column] = ""
    if "source" in table.columns:
        report.note(N_("the file's source column is ignored: the dataset itself is the source (its publisher)"))
    return df[list(columns)]


def _screen(df: pd.DataFrame, out: _Outcomes) -> None:
    """Empty rows and formula cells: such rows are set aside before any cell is read."""
    for row in df.index[(df == "").all(axis=1)]:
        out.close(row, EMPTY_ROW, "-", N_("empty row"))
    formula = formula_cells(df)
    for row, column in formula[formula != ""].items():
        if int(row) not in out.closed:
            out.close(
                row,
                FORMULA,
                column,
                Message(N_("{value} is a spreadsheet formula, not a value"), value=_quote(df.at[row, column])),
            )


def _countries(df: pd.DataFrame, column: str, out: _Outcomes, label_column: str | None = None) -> pd.Series:
    """A country column as ISO alpha-3 codes (NA where empty or not read), each reading reported."""
    known = set(_bundled().countries["iso3"])
    result = pd.Series(pd.NA, index=df.index, dtype=object)
    for row in out.open:
        text = df.at[row, column]
        if not text:
            continue
        place = names.recognise(text)
        if place is None or (place.kind == names.COUNTRY and place.iso3 not in known):
            if names.ambiguous(text):
                what = Message(N_("{value} names more than one country"), value=_quote(text))
            else:
                what = Message(N_("{value} is not a country the atlas knows"), value=_quote(text))
            out.fail(row, UNKNOWN_COUNTRY, column, what)
        elif place.kind != names.COUNTRY or place.iso3 is None:
            if label_column:
                why = Message(
                    N_("{value} names {place}, not a country; give it in {column}"),
                    value=_quote(text),
                    place=place.label,
                    column=label_column,
                )
            else:
                why = Message(N_("{value} names {place}, not a country"), value=_quote(text), place=place.label)
            out.fail(row, NOT_A_COUNTRY, column, why)
        else:
            result[row] = place.iso3
            if text != place.iso3:
                out.note(
                    row,
                    column,
                    Message(
                        N_("{value} read as {iso3} ({how})"),
                        value=_quote(text),
                        iso3=place.iso3,
                        how=names.how_said(place.how),
                    ),
                )
    return result


def _vocabulary(words: dict[str, str]) -> dict[str, str]:
    """Slug or label (case and spacing forgiven) -> slug."""
    found = {_fold(slug): slug for slug in words}
    found |= {_fold(label): slug for slug, label in words.items()}
    return found


def _terms(df: pd.DataFrame, column: str, out: _Outcomes, words: dict[str, str], reason: str, many: bool) -> pd.Series:
    """A vocabulary column as slugs (``;``-joined where ``many``), unknown terms reported."""
    one_per_row, is_not, are_not = _TERMS[column]
    lookup = _vocabulary(words)
    result = pd.Series(pd.NA, index=df.index, dtype=object)
    known = ", ".join(words)
    for row in out.open:
        text = df.at[row, column]
        if not text:
            continue
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if not many and len(parts) > 1:
            out.fail(row, reason, column, Message(one_per_row, value=_quote(text)))
            continue
        unknown = [p for p in parts if _fold(p) not in lookup]
        if unknown:
            shown = ", ".join(_quote(p) for p in unknown)
            out.fail(row, reason, column, Message(is_not if len(unknown) == 1 else are_not, value=shown, known=known))
            continue
        result[row] = ";".join(dict.fromkeys(lookup[_fold(p)] for p in parts))
    return result


def _number_text(text: str, column: str, integer: bool) -> str:
    """A number cell as the schemas read it: "1,500" -> "1500", "2007.0" -> "2007"."""
    if column in GROUPED_COLUMNS and _GROUPED.match(text):
        text = text.replace(",", "")
    if integer and (m := _WHOLE_FLOAT.match(text)):
        text = m.group(1)
    return text


def _flag_text(text: str) -> str:
    folded = text.casefold()
    return "true" if folded in _TRUE else "false" if folded in _FALSE else text


def _cells(df: pd.DataFrame, table_schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Text cells tidied for the schemas: numbers ungrouped, booleans as true/false, '' as NA."""
    frame = df.replace("", pd.NA).astype(object)
    for column, spec in table_schema.columns.items():
        if column not in frame:
            continue
        if spec.coerce:
            integer = str(spec.dtype) == "Int64"
            tidy = frame[column].map(lambda t, c=column, i=integer: t if pd.isna(t) else _number_text(t, c, i))
        elif column == "suppressed":
            tidy = frame[column].map(lambda t: t if pd.isna(t) else _flag_text(t))
        else:
            continue
        # map() makes a column of nothing but NA float64; the schemas expect text cells
        frame[column] = tidy.astype(object).where(tidy.notna(), pd.NA)
    return frame


# -- rows ----------------------------------------------------------------------------------------


def checked_message(text: str) -> str:
    """A message of the atlas's schemas as the loader passes it on (plain text), with its template, so
    that the report can be shown in another language; the same English text."""
    if isinstance(text, Message):
        return text
    if text in schema.ERRORS:
        known = schema.message(text)
        return known if isinstance(known, Message) else Message(known)
    for error in schema.ERRORS:  # a check's message with the offending value: "unknown ... ('X')"
        if text.startswith(f"{error} (") and text.endswith(")"):
            return Message(N_("{problem} ({value})"), problem=checked_message(error), value=text[len(error) + 2 : -1])
    return text


def _reason(column: str, message: str) -> str:
    unreadable = message.endswith(("is not a whole number", "is not a number"))
    if column in YEAR_COLUMNS and (unreadable or message.startswith("year outside")):
        return BAD_YEAR
    if column in GROUPED_COLUMNS and unreadable:
        return BAD_VALUE
    return INVALID


def _check(name: str, frame: pd.DataFrame, table_schema: pa.DataFrameSchema, out: _Outcomes) -> pd.DataFrame:
    """Validate the open rows with the atlas's schema (uniqueness aside: duplicates are judged later).

    Problems at cells already blamed while reading, and row-level checks on rows already blamed,
    are not repeated: they would only echo the first problem (a blanked cell "is missing").
    """
    relaxed = table_schema.update_columns(
        {c: {"unique": False} for c, spec in table_schema.columns.items() if spec.unique}
    )
    relaxed = copy.copy(relaxed)
    relaxed.unique = None
    row_level = {tuple(str(c.error).split("|", 1)) for c in table_schema.checks if "|" in str(c.error)}
    rows = frame.loc[out.open]
    typed, problems = validate_table(name, rows, relaxed)
    assert typed is not None, problems  # every column is there: the header cannot fail
    blamed_rows = {row for row, _ in out.blamed}
    for p in problems:
        if (p.row, p.column) in out.blamed:
            continue
        if p.row in blamed_rows and (p.column, p.message) in row_level:
            continue
        out.fail(p.row, _reason(p.column, p.message), p.column, checked_message(p.message))
    return typed


def _deduplicate(typed: pd.DataFrame, key: Sequence[str], columns: Sequence[str], out: _Outcomes) -> None:
    """The first row of each id or key is used; a later identical row is merged, a different one set aside."""
    alive = [r for r in out.alive if r in typed.index]
    rows = typed.loc[alive, list(columns)].astype(object)
    rows = rows.where(rows.notna(), None)
    first_of: dict[tuple[object, ...], tuple[int, tuple[object, ...]]] = {}
    label = "/".join(key)
    for row, record in zip(rows.index, rows.itertuples(index=False, name=None), strict=True):
        k = tuple(record[list(columns).index(c)] for c in key)
        if k not in first_of:
            first_of[k] = (int(row), record)
            continue
        first, first_record = first_of[k]
        shown = ", ".join(str(v) for v in k) if len(key) > 1 else f"{label} {_quote(str(k[0]))}"
        if record == first_record:
            out.merge(row, EXACT_DUPLICATE, label, Message(N_("same as row {row}: counted once"), row=str(first)))
        else:
            out.fail(
                row,
                DUPLICATE,
                label,
                Message(N_("{key} already given at row {row}: the first is kept"), key=shown, row=str(first)),
            )


def _result(typed: pd.DataFrame, columns: Sequence[str], out: _Outcomes) -> pd.DataFrame:
    """The used rows in the atlas's columns, ``source`` present and empty (the store fills it)."""
    used = [r for r in out.alive if r in typed.index]
    return _plain(typed.loc[used, list(columns)])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects with NA (whatever pandas inferred), ``source`` empty."""
    frame = frame.copy()
    for column in frame.columns:
        if not isinstance(frame[column].dtype, pd.Int64Dtype | pd.Float64Dtype):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), pd.NA)
    frame["source"] = pd.Series(pd.NA, index=frame.index, dtype=object)
    return frame


def _reference(**kw: object) -> schema.Reference:
    return schema.Reference(
        countries=frozenset(_bundled().countries["iso3"]),
        sources=frozenset({PLACEHOLDER_SOURCE}),
        **kw,  # type: ignore[arg-type]
    )


def _prepare(table: Table, report: ImportReport, columns: Sequence[str]) -> tuple[pd.DataFrame, _Outcomes]:
    df = _text_frame(table, columns, report)
    out = _Outcomes(df.index, columns)
    _screen(df, out)
    return df, out


def _blame_problems(problems: Sequence[Problem], reason: str, out: _Outcomes) -> None:
    for p in problems:
        out.fail(p.row, reason, p.column, checked_message(p.message))


# -- the three layouts ---------------------------------------------------------------------------


def read_programs(table: Table, report: ImportReport) -> Imported:
    """Programs and their sites; every row reported.

    Parameters
    ----------
    table : Table
        The sheet or CSV, its columns already renamed to this layout's names.
    report : ImportReport
        Receives one outcome per row and every problem, at its row and column.
    """
    ref = _reference()
    table_schema = schema.programs_schema(ref)
    df, out = _prepare(table, report, PROGRAM_COLUMNS)
    frame = _cells(df, table_schema)
    frame["iso3"] = _countries(df, "iso3", out)
    frame["types"] = _terms(df, "types", out, PROGRAM_TYPES, UNKNOWN_TYPE, many=True)
    frame["site_precision"] = frame["site_precision"].map(lambda t: t if pd.isna(t) else t.lower())
    frame["source"] = PLACEHOLDER_SOURCE
    typed = _check("programs", frame, table_schema, out)
    checked = typed.loc[[r for r in out.alive if r in typed.index]]
    if len(checked):
        countries = _bundled().countries
        _blame_problems(_check_sites(BUNDLED_DIR, countries, checked, set()), SITE_OUTSIDE, out)
        _blame_problems(_check_label_points(countries, None, checked, set()), INVALID, out)
    _deduplicate(typed, ("program_id",), PROGRAM_COLUMNS, out)
    out.write(report)
    return Imported(programs=_result(typed, PROGRAM_COLUMNS, out))


def read_routes(table: Table, report: ImportReport) -> Imported:
    """Routes from an origin to a destination (a country or a label each); every row reported.

    Parameters
    ----------
    table : Table
        The sheet or CSV, its columns already renamed to this layout's names.
    report : ImportReport
        Receives one outcome per row and every problem, at its row and column.
    """
    table_schema = schema.routes_schema(_reference())
    df, out = _prepare(table, report, ROUTE_COLUMNS)
    frame = _cells(df, table_schema)
    for end in ("origin", "destination"):
        frame[f"{end}_iso3"] = _countries(df, f"{end}_iso3", out, label_column=f"{end}_label")
    frame["form"] = _terms(df, "form", out, _form_labels(), UNKNOWN_FORM, many=False)
    frame["source"] = PLACEHOLDER_SOURCE
    typed = _check("routes", frame, table_schema, out)
    checked = typed.loc[[r for r in out.alive if r in typed.index]]
    if len(checked):
        _blame_problems(_check_label_points(_bundled().countries, checked, None, set()), INVALID, out)
    _deduplicate(typed, ("route_id",), ROUTE_COLUMNS, out)
    out.write(report)
    return Imported(routes=_result(typed, ROUTE_COLUMNS, out))


def _form_labels() -> dict[str, str]:
    return {slug: form.label for slug, form in EXPLOITATION_FORMS.items()}


def read_indicators(table: Table, report: ImportReport) -> Imported:
    """Country indicators, with a catalogue entry for each indicator the atlas does not have yet.

    An indicator is named by its slug or its catalogue label; one the bundled catalogue has is
    used as it is (``tip-tier`` takes its tier in ``category``), a new one (continuous only) gets
    an entry from the ``label`` and ``unit`` of its first row.

    Parameters
    ----------
    table : Table
        The sheet or CSV, its columns already renamed to this layout's names.
    report : ImportReport
        Receives one outcome per row and every problem, at its row and column.
    """
    bundled = _bundled()
    columns = (*INDICATOR_COLUMNS, *CATALOGUE_COLUMNS)
    df = _text_frame(table, columns, report)
    out = _Outcomes(df.index, columns)
    _screen(df, out)
    iso3 = _countries(df, "iso3", out)

    existing = set(bundled.catalogue["indicator"])
    catalogue_labels = zip(bundled.catalogue["indicator"], bundled.catalogue["label"], strict=True)
    by_label = {_fold(label): slug for slug, label in catalogue_labels}
    indicator = pd.Series(pd.NA, index=df.index, dtype=object)
    described: set[str] = set()
    for row in out.open:
        text = df.at[row, "indicator"]
        if not text:
            continue
        if text.casefold() in existing:
            indicator[row] = text.casefold()
        elif _fold(text) in by_label:
            indicator[row] = by_label[_fold(text)]
        else:
            indicator[row] = text
            continue
        if text != indicator[row]:
            out.note(row, "indicator", Message(N_("{value} read as {slug}"), value=_quote(text), slug=indicator[row]))
        if any(df.loc[row, list(CATALOGUE_COLUMNS)] != ""):
            described.add(str(indicator[row]))
    if described:
        report.note(
            Message(
                N_("label, unit and kind describe new indicators only: {indicators} keep the atlas's catalogue entry"),
                indicators=", ".join(sorted(described)),
            )
        )

    category = df["category"].replace("", pd.NA).astype(object)
    value = df["value"].copy()
    for row in out.open:
        slug = indicator[row]
        cats = bundled.categories.get(slug) if isinstance(slug, str) else None
        if not cats:
            continue
        lookup = {c: c for c in cats} | {_fold(TIP_TIERS[c]): c for c in cats if c in TIP_TIERS}
        text = category[row]
        if pd.isna(text) and value[row] and _fold(value[row]) in lookup:
            # An ordinal indicator's value is its category: one put in the value column is moved.
            category[row] = lookup[_fold(value[row])]
            out.note(
                row,
                "value",
                Message(N_("{value} read as category {category}"), value=_quote(value[row]), category=category[row]),
            )
            value[row] = ""
        elif not pd.isna(text) and _fold(str(text)) in lookup and lookup[_fold(str(text))] != text:
            category[row] = lookup[_fold(str(text))]
            out.note(
                row, "category", Message(N_("{value} read as {slug}"), value=_quote(str(text)), slug=category[row])
            )

    catalogue = _new_catalogue(df, indicator, existing, out, report)
    new = set(catalogue["indicator"])
    ref = _reference(
        indicators=frozenset(existing | new),
        categories={**bundled.categories, **{i: frozenset() for i in new}},
    )
    table_schema = schema.indicators_schema(ref)
    frame = _cells(df[list(INDICATOR_COLUMNS)].assign(value=value), table_schema)
    frame["iso3"] = iso3
    frame["indicator"] = indicator
    frame["category"] = category
    frame["source"] = PLACEHOLDER_SOURCE
    typed = _check("indicators", frame, table_schema, out)
    _deduplicate(typed, ("iso3", "indicator", "year"), INDICATOR_COLUMNS, out)
    out.write(report)
    result = _result(typed, INDICATOR_COLUMNS, out)
    used_new = catalogue[catalogue["indicator"].isin(set(result["indicator"]))]
    return Imported(indicators=result, catalogue=used_new if len(used_new) else None)


CATALOGUE_FIELDS = (
    "indicator",
    "label",
    "unit",
    "kind",
    "categories",
    "colorscale",
    "source",
    "licence",
)


def _new_catalogue(
    df: pd.DataFrame, indicator: pd.Series, existing: set[str], out: _Outcomes, report: ImportReport
) -> pd.DataFrame:
    """One catalogue entry per new indicator, from its first row; rows of a bad entry set aside."""
    entries: dict[str, dict[str, object]] = {}
    first_row: dict[str, int] = {}
    rows_of: dict[str, list[int]] = {}
    for row in out.open:
        slug = indicator[row]
        if pd.isna(slug) or slug in existing:
            continue
        kind = df.at[row, "kind"].casefold()
        if kind and kind != "continuous":
            out.fail(
                row,
                NOT_CONTINUOUS,
                "kind",
                Message(
                    N_(
                        "kind {value}: a template adds continuous indicators only "
                        "(an ordinal one needs its categories in the catalogue)"
                    ),
                    value=_quote(df.at[row, "kind"]),
                ),
            )
            out.blamed.add((int(row), "indicator"))  # its "not in the catalogue" would only echo this
            continue
        rows_of.setdefault(slug, []).append(int(row))
        if slug in entries:
            continue
        label, unit = df.at[row, "label"], df.at[row, "unit"]
        if not label:
            report.note(Message(N_("new indicator {indicator} has no label: its label is the slug"), indicator=slug))
        if not unit:
            report.note(
                Message(
                    N_("new indicator {indicator} has no unit: shown as {unit}"), indicator=slug, unit=repr(NO_UNIT)
                )
            )
        first_row[slug] = int(row)
        entries[slug] = {
            "indicator": slug,
            "label": label or slug,
            "unit": unit or NO_UNIT,
            "kind": "continuous",
            "categories": pd.NA,
            "colorscale": NEW_COLORSCALE,
            "source": PLACEHOLDER_SOURCE,
            "licence": pd.NA,
        }
    if not entries:
        return pd.DataFrame(columns=list(CATALOGUE_FIELDS), dtype=object)
    frame = pd.DataFrame(list(entries.values()), index=pd.Index(list(first_row.values())), dtype=object)
    typed, problems = validate_table("indicator_catalogue", frame, schema.catalogue_schema(_reference()))
    assert typed is not None, problems
    bad: set[str] = set()
    for p in problems:
        slug = str(frame.at[p.row, "indicator"])
        bad.add(slug)
        message = (
            checked_message(p.message)
            if p.column == "indicator"
            else Message(
                N_("{problem} (new indicator {indicator})"), problem=checked_message(p.message), indicator=_quote(slug)
            )
        )
        for row in rows_of[slug]:
            out.fail(row, INVALID, p.column, message)
            out.blamed.add((row, "indicator"))
    for slug in sorted(set(entries) - bad):
        report.note(
            Message(
                N_("new indicator {indicator}: catalogue entry created ({label}, {unit})"),
                indicator=slug,
                label=str(entries[slug]["label"]),
                unit=str(entries[slug]["unit"]),
            )
        )
    return _plain(typed[~typed["indicator"].isin(bad)]).reset_index(drop=True)


# -- the layouts as the registry sees them -------------------------------------------------------


def _optional(columns: Sequence[str], required: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in columns if c not in required)


PROGRAMS = TemplateImporter(
    key="programs",
    label=N_("Atlas template: programs and sites"),
    publisher="",
    columns=PROGRAM_REQUIRED,
    optional=_optional(PROGRAM_COLUMNS, PROGRAM_REQUIRED),
    read=read_programs,
)
ROUTES = TemplateImporter(
    key="routes",
    label=N_("Atlas template: routes"),
    publisher="",
    columns=ROUTE_REQUIRED,
    optional=_optional(ROUTE_COLUMNS, ROUTE_REQUIRED),
    read=read_routes,
    one_of=ROUTE_ENDS,
)
INDICATORS = TemplateImporter(
    key="indicators",
    label=N_("Atlas template: indicators"),
    publisher="",
    columns=INDICATOR_REQUIRED,
    optional=_optional((*INDICATOR_COLUMNS, *CATALOGUE_COLUMNS), INDICATOR_REQUIRED),
    read=read_indicators,
)

IMPORTERS = (PROGRAMS, ROUTES, INDICATORS)


# -- templates to download -----------------------------------------------------------------------

# Columns an XLSX template holds as numbers, so that a spreadsheet sums and sorts them.
NUMBER_COLUMNS = frozenset({"lon", "lat", "value", *YEAR_COLUMNS, *GROUPED_COLUMNS})


def template_file(kind: str, filled: bool, fmt: str = "csv") -> bytes:
    """A template to fill in: the header alone, or a filled example (rows of the bundled data).

    Parameters
    ----------
    kind : str
        ``"programs"``, ``"routes"`` or ``"indicators"``.
    filled : bool
        The filled example rather than the blank template.
    fmt : str
        ``"csv"`` (UTF-8) or ``"xlsx"`` (one sheet, named ``kind``, numbers as numbers).

    Returns
    -------
    bytes
    """
    if kind not in KINDS:
        raise ValueError(f"unknown template {kind!r}; known: {', '.join(KINDS)}")
    data = (TEMPLATES_DIR / f"{kind}{'-example' if filled else ''}.csv").read_bytes()
    if fmt == "csv":
        return data
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}; known: csv, xlsx")
    from openpyxl import Workbook

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    header = rows[0]
    sheet.append(header)
    for record in rows[1:]:
        sheet.append([_xlsx_cell(column, cell) for column, cell in zip(header, record, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(column: str, cell: str) -> object:
    if not cell:
        return None
    if column in NUMBER_COLUMNS:
        try:
            number = float(cell)
        except ValueError:
            return cell
        return int(number) if number.is_integer() and "." not in cell else number
    return cell
