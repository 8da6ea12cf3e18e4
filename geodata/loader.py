"""Read a data directory, validate it whole, and return an :class:`Atlas`.

The loader never half-loads: either every table passes every check and an ``Atlas`` comes back,
or :class:`~geodata.problems.DataError` lists every problem found, as ``file:row: column: what``.
Files are only ever opened for reading.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from geodata import schema
from geodata.boundaries import read_boundaries, sites_outside_country
from geodata.i18n import N_
from geodata.per_capita import derive_rates
from geodata.privacy import FREE_TEXT, revealing_notes
from geodata.problems import DataError, Message, Problem
from geodata.store import Dataset

BUNDLED = "bundled"  # the ``dataset`` of every bundled row
# Imported rows are labelled ``position * DATASET_ROWS + row`` so that labels stay unique while a
# bundled row keeps its spreadsheet row number.
DATASET_ROWS = 10_000_000

BUNDLED_DIR = Path(__file__).parent / "data"

# What is wrong, as the problems say it (English; marked for the dashboard, which shows them translated).
FILE_MISSING = N_("file is missing")
NO_HEADER = N_("file has no header row")
NAME_TWICE = N_("column name appears more than once")
COLUMN_MISSING = N_("required column is missing")
UNEXPECTED_COLUMN = N_("unexpected column")
VALUE_MISSING = N_("value is missing")
NOT_IMPORTABLE = N_("not a table an import can add to")
BOUNDARIES_FILE = Path("boundaries") / "countries-50m.json"

# The atlas's four tables, then the reference tables they cite.
MAIN_TABLES = ("countries", "indicators", "routes", "programs")
REFERENCE_TABLES = ("sources", "indicator_catalogue", "figures")


@dataclass(frozen=True)
class Atlas:
    """One validated, in-memory bundle of the atlas's tables.

    Each table is indexed by its spreadsheet row number, except ``countries`` (by ``iso3``),
    ``catalogue`` (by ``indicator``) and ``sources`` (by ``source_id``). ``programs.types`` holds
    tuples of program-type slugs; ``programs.map_lon/map_lat`` is where a site is drawn (its
    coordinates, or its country's label point for a country-precision site without any).
    """

    countries: pd.DataFrame
    indicators: pd.DataFrame
    catalogue: pd.DataFrame
    routes: pd.DataFrame
    programs: pd.DataFrame
    sources: pd.DataFrame
    figures: pd.DataFrame
    directory: Path
    # The imported datasets merged in, in import order (``dataset`` columns name them; bundled
    # rows say "bundled"), and those left out because their rows no longer pass the checks.
    datasets: tuple[Dataset, ...] = ()
    skipped: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)


def read_csv(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV file as text, indexed by spreadsheet row number; empty cells become NA."""
    name = path.name
    if not path.is_file():
        return None, [Problem(name, 0, "-", FILE_MISSING)]
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            records = list(csv.reader(f, strict=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        return None, [Problem(name, 0, "-", Message(N_("cannot be read as UTF-8 CSV ({error})"), error=str(exc)))]
    if not records or not any(records[0]):
        return None, [Problem(name, 1, "-", NO_HEADER)]
    header, problems, rows, index = [h.strip() for h in records[0]], [], [], []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        return None, [Problem(name, 1, h, NAME_TWICE) for h in duplicated]
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            wrong = Message(N_("expected {expected} fields, found {found}"), expected=len(header), found=len(record))
            problems.append(Problem(name, number, "-", wrong))
            continue
        rows.append([cell.strip() for cell in record])
        index.append(number)
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(index, dtype="int64"), dtype=str)
    return frame.replace("", pd.NA), problems


def _shown(value: object) -> str:
    """A cell as the file has it: ``200.0``, ``'KHX'`` (never a numpy repr)."""
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar -> Python scalar
    return repr(value)


def _parse_failures(name: str, failures: pd.DataFrame) -> tuple[list[Problem], set[Problem]]:
    """Problems from pandera's failure cases, and which of them come from row-level checks."""
    problems = []
    row_level = set()
    keys: dict[int, dict[str, object]] = {}
    for case in failures.itertuples(index=False):
        check = str(case.check)
        column = "" if pd.isna(case.column) else str(case.column)
        row = 1 if case.index is None or pd.isna(case.index) else int(case.index)
        if "|" in check:  # row-level check: it names the column it blames, and reports every cell
            column, message = check.split("|", 1)
            problems.append(Problem(name, row, column, message))
            row_level.add(problems[-1])
        elif check == "column_in_dataframe":
            problems.append(Problem(name, 1, str(case.failure_case), COLUMN_MISSING))
        elif check == "column_in_schema":
            problems.append(Problem(name, 1, str(case.failure_case), UNEXPECTED_COLUMN))
        elif check == "not_nullable":
            problems.append(Problem(name, row, column, VALUE_MISSING))
        elif check == "field_uniqueness":
            problems.append(
                Problem(name, row, column, Message(N_("duplicate key {key}"), key=_shown(case.failure_case)))
            )
        elif check == "multiple_fields_uniqueness":
            keys.setdefault(row, {})[column] = case.failure_case
        else:
            value = "" if pd.isna(case.failure_case) else f" ({_shown(case.failure_case)})"
            problems.append(Problem(name, row, column, f"{check}{value}"))
    for row, key in keys.items():
        shown = ", ".join(str(v) for v in key.values())
        problems.append(Problem(name, row, "/".join(key), Message(N_("duplicate key ({key})"), key=shown)))
    return problems, row_level


INTEGER_TEXT = r"^[+-]?\d+$"
INT64_LIMIT = 2**63


def validate_table(
    name: str, frame: pd.DataFrame, table_schema: pa.DataFrameSchema
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Coerce and check one table; return the typed frame and every problem.

    A header that lacks a required column (or has an unexpected one) is reported alone and the
    table comes back as ``None``: its rows cannot be read reliably. Cells that fail type
    coercion are reported once and blanked, so that the remaining checks run on typed data and
    report everything else in the same pass; row-level checks skip the rows already blamed.
    """
    header = [
        Problem(name, 1, col, COLUMN_MISSING)
        for col, spec in table_schema.columns.items()
        if col not in frame and spec.required
    ] + [Problem(name, 1, col, UNEXPECTED_COLUMN) for col in frame.columns if col not in table_schema.columns]
    if header:
        return None, header

    problems: list[Problem] = []
    frame = frame.copy()
    for col in table_schema.columns:
        if col not in frame:  # an optional column the file lacks (the bundled files predate some)
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype=object)
    typed_columns = {col: spec.dtype for col, spec in table_schema.columns.items() if spec.coerce}
    for col, dtype in typed_columns.items():
        integer = str(dtype) == "Int64"
        numbers = pd.to_numeric(frame[col], errors="coerce")
        bad = frame[col].notna() & numbers.isna()
        if integer:
            bad |= frame[col].notna() & ~frame[col].astype(str).str.match(INTEGER_TEXT)
            bad |= numbers.abs() >= INT64_LIMIT
        wanted = N_("{value} is not a whole number") if integer else N_("{value} is not a number")
        problems += [
            Problem(name, int(i), col, Message(wanted, value=repr(frame.at[i, col]))) for i in frame.index[bad]
        ]
        frame[col] = numbers.where(~bad).astype(dtype.type)
    blamed_cells = {(p.row, p.column) for p in problems}
    blamed_rows = {p.row for p in problems}
    try:
        typed = table_schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        found, row_level = _parse_failures(name, exc.failure_cases)
        for problem in found:
            if (problem.row, problem.column) in blamed_cells:
                continue
            if problem.row in blamed_rows and problem in row_level:
                continue
            problems.append(problem)
        typed = frame
    return typed, problems


def _split(cell: object) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(cell).split(";")) if isinstance(cell, str) else ()


def _check_label_points(
    countries: pd.DataFrame, routes: pd.DataFrame | None, programs: pd.DataFrame | None, doubtful: set[str]
) -> list[Problem]:
    """Every country a route or a coordinate-less site names needs a label point to be drawn at."""
    problems: list[Problem] = []
    has_point = countries.drop_duplicates("iso3").set_index("iso3")["label_lon"].notna()
    wanted = []
    if routes is not None:
        wanted += [("routes.csv", routes, "origin_iso3"), ("routes.csv", routes, "destination_iso3")]
    if programs is not None:
        wanted.append(("programs.csv", programs[programs["lon"].isna()], "iso3"))
    for file, table, column in wanted:
        for row, iso3 in table[column].dropna().items():
            if iso3 in has_point.index and not has_point[iso3] and iso3 not in doubtful:
                unplaced = Message(N_("{iso3} has no label point to draw it at"), iso3=iso3)
                problems.append(Problem(file, int(row), column, unplaced))
    return problems


def _check_indicators_have_rows(catalogue: pd.DataFrame, indicators: pd.DataFrame) -> list[Problem]:
    """A problem for each catalogue indicator without a single row in ``indicators.csv``.

    The map opens on one of them (``tip-tier``, else the first listed): one without rows leaves
    the app nothing to draw, found here rather than as an error on every request.
    """
    have = set(indicators["indicator"].dropna())
    return [
        Problem(
            "indicator_catalogue.csv",
            int(row),
            "indicator",
            Message(N_("{indicator} has no rows in indicators.csv"), indicator=repr(name)),
        )
        for row, name in catalogue["indicator"].items()
        if pd.notna(name) and name not in have
    ]


def _check_sites(directory: Path, countries: pd.DataFrame, programs: pd.DataFrame, doubtful: set[str]) -> list[Problem]:
    """Program sites inside (or near) their stated country, by a spatial join on the boundaries."""
    boundary_file = directory / BOUNDARIES_FILE
    if not boundary_file.is_file():
        return [Problem(str(BOUNDARIES_FILE), 0, "-", FILE_MISSING)]
    known = set(countries["iso3"].dropna()) - doubtful
    sites = programs[programs["iso3"].isin(known)][["iso3", "lon", "lat"]]
    codes = countries.drop_duplicates("iso3").drop_duplicates("iso_numeric").dropna(subset=["iso_numeric"])
    boundaries = read_boundaries(boundary_file, codes.set_index("iso3")["iso_numeric"], repair=set(sites["iso3"]))
    problems = []
    for row, site in sites_outside_country(sites, boundaries).iterrows():
        far = not pd.isna(site["distance_km"])
        if site["found_in"]:
            template = SITE_IN_OTHER_FAR if far else SITE_IN_OTHER
        else:
            template = SITE_IN_NONE_FAR if far else SITE_IN_NONE
        values = {"lat": str(site["lat"]), "lon": str(site["lon"]), "iso3": str(site["iso3"])}
        values |= {"found_in": str(site["found_in"])} if site["found_in"] else {}
        values |= {"distance": f"{site['distance_km']:.0f}"} if far else {}
        problems.append(Problem("programs.csv", int(row), "lon/lat", Message(template, **values)))
    return problems


# A program site outside its country: where it falls instead, and how far it is (in km, as digits).
SITE_IN_OTHER = N_("site ({lat}, {lon}) is not in {iso3}: it falls in {found_in}")
SITE_IN_OTHER_FAR = N_("site ({lat}, {lon}) is not in {iso3}: it falls in {found_in}, {distance} km from {iso3}")
SITE_IN_NONE = N_("site ({lat}, {lon}) is not in {iso3}: it falls in no country")
SITE_IN_NONE_FAR = N_("site ({lat}, {lon}) is not in {iso3}: it falls in no country, {distance} km from {iso3}")


def load_atlas(
    directory: Path | str = BUNDLED_DIR,
    datasets: Sequence[tuple[Dataset, Mapping[str, pd.DataFrame]]] = (),
    suppression_threshold: int = 11,
) -> Atlas:
    """Load and validate a data directory, and merge imported datasets into it.

    Parameters
    ----------
    directory : Path or str
        Holds ``countries.csv``, ``indicators.csv``, ``routes.csv``, ``programs.csv``,
        ``sources.csv``, ``indicator_catalogue.csv``, ``figures.csv`` and
        ``boundaries/countries-50m.json``. Defaults to the bundled data.
    datasets : sequence of (Dataset, tables)
        Imported datasets (:class:`geodata.store.Store`), in import order, each with its tables
        in the atlas's own columns. Each is checked by the same schemas as the bundled files; one
        that fails is left out (``Atlas.skipped`` says why), the others are merged. Where two
        give the same country, indicator and year, the one imported last is shown.
    suppression_threshold : int
        Counts of people below it are never shown exactly: a free-text note that states one
        (:func:`geodata.privacy.revealing_notes`) is a problem.

    Returns
    -------
    Atlas

    Raises
    ------
    DataError
        With every problem found, if any.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    for table in (*REFERENCE_TABLES, *MAIN_TABLES):
        frame, found = read_csv(directory / f"{table}.csv")
        problems += found
        if frame is not None:
            raw[table] = _without_retired(frame, "catalogue" if table == "indicator_catalogue" else table)

    def validated(table: str, table_schema: pa.DataFrameSchema) -> pd.DataFrame | None:
        nonlocal problems
        if table not in raw:
            return None
        typed, found = validate_table(f"{table}.csv", raw[table], table_schema)
        problems += found
        return typed

    sources = validated("sources", schema.sources_schema())
    ref = schema.Reference(sources=frozenset(sources["source_id"].dropna()) if sources is not None else None)
    catalogue = validated("indicator_catalogue", schema.catalogue_schema(ref))
    countries = validated("countries", schema.countries_schema(ref))
    if countries is not None:
        ref = replace(ref, countries=frozenset(countries["iso3"].dropna()))
    if catalogue is not None:
        ref = replace(
            ref,
            indicators=frozenset(catalogue["indicator"].dropna()),
            categories={row.indicator: frozenset(_split(row.categories)) for row in catalogue.itertuples()},
        )
    indicators = validated("indicators", schema.indicators_schema(ref))
    routes = validated("routes", schema.routes_schema(ref))
    programs = validated("programs", schema.programs_schema(ref))
    figures = validated("figures", schema.figures_schema(ref))
    if catalogue is not None and indicators is not None:
        problems += _check_indicators_have_rows(catalogue, indicators)

    if countries is not None:
        # Countries whose own row has a problem are not blamed again where other tables name them.
        doubtful = {
            countries.at[p.row, "iso3"] for p in problems if p.file == "countries.csv" and p.row in countries.index
        }
        doubtful |= set(countries.loc[countries["iso3"].duplicated(keep=False), "iso3"])
        problems += _check_label_points(countries, routes, programs, doubtful)
        if programs is not None:
            placed = {p.row for p in problems if p.file == "programs.csv" and p.column in ("lon", "lat", "iso3")}
            problems += _check_sites(
                directory, countries, programs.drop(index=list(placed & set(programs.index))), doubtful
            )
    for file, free_text in (("programs.csv", programs), ("routes.csv", routes)):
        if free_text is not None:
            problems += _revealing(file, free_text, suppression_threshold)
    if problems:
        raise DataError(problems)
    assert countries is not None and indicators is not None and catalogue is not None
    assert routes is not None and programs is not None and sources is not None and figures is not None
    tables = {"catalogue": catalogue, "indicators": indicators, "routes": routes, "programs": programs}
    for frame in tables.values():
        frame["dataset"] = BUNDLED
    merged, skipped = _merge_datasets(directory, countries, sources, tables, datasets, suppression_threshold)
    return replace(
        _with_rates(
            _assemble(
                directory,
                countries,
                merged["indicators"],
                merged["catalogue"],
                merged["routes"],
                merged["programs"],
                merged["sources"],
                figures,
            ),
            suppression_threshold,
        ),
        datasets=tuple(d for d, _ in datasets if d.slug not in skipped),
        skipped=skipped,
    )


def _merge_datasets(
    directory: Path,
    countries: pd.DataFrame,
    sources: pd.DataFrame,
    bundled: dict[str, pd.DataFrame],
    datasets: Sequence[tuple[Dataset, Mapping[str, pd.DataFrame]]],
    threshold: int,
) -> tuple[dict[str, pd.DataFrame], dict[str, tuple[Problem, ...]]]:
    """The bundled tables with each dataset's rows appended (validated one dataset at a time)."""
    parts: dict[str, list[pd.DataFrame]] = {name: [frame] for name, frame in bundled.items()}
    parts["sources"] = [sources]
    skipped: dict[str, tuple[Problem, ...]] = {}
    known_sources = set(sources["source_id"])
    catalogue_ids = set(bundled["catalogue"]["indicator"])
    categories = {row.indicator: frozenset(_split(row.categories)) for row in bundled["catalogue"].itertuples()}
    for dataset, raw in datasets:
        own = dataset.source_id
        texts = {name: _as_text(_without_retired(frame, name), own) for name, frame in raw.items() if len(frame)}
        new_catalogue = set(texts["catalogue"]["indicator"].dropna()) if "catalogue" in texts else set()
        ref = schema.Reference(
            countries=frozenset(countries["iso3"]),
            sources=frozenset(known_sources | {own}),
            indicators=frozenset(catalogue_ids | new_catalogue),
            categories={**categories, **{i: frozenset() for i in new_catalogue - catalogue_ids}},
        )
        problems: list[Problem] = []
        typed: dict[str, pd.DataFrame] = {}
        schemas = {
            "catalogue": schema.catalogue_schema(ref),
            "indicators": schema.indicators_schema(ref),
            "routes": schema.routes_schema(ref),
            "programs": schema.programs_schema(ref),
        }
        for name, frame in texts.items():
            if name not in schemas:
                problems.append(Problem(f"{dataset.slug}/{name}", 0, "-", NOT_IMPORTABLE))
                continue
            for column in schemas[name].columns:  # the store leaves empty cells out of its records
                if column not in frame:
                    frame[column] = pd.NA
            if name in ("routes", "programs"):
                column = "route_id" if name == "routes" else "program_id"
                frame[column] = dataset.slug + ":" + frame[column].astype(str)
            checked, found = validate_table(f"{dataset.slug}/{name}", frame, schemas[name])
            problems += found
            if checked is not None:
                typed[name] = checked
        for name in ("programs", "routes"):
            if name in typed:
                problems += _revealing(f"{dataset.slug}/{name}", typed[name], threshold, f"{name}.csv")
        if "programs" in typed and not problems:
            problems += [
                replace(p, file=f"{dataset.slug}/programs")
                for p in _check_sites(directory, countries, typed["programs"], set())
            ]
        if problems:
            skipped[dataset.slug] = tuple(sorted(set(problems)))
            continue
        base = dataset.position * DATASET_ROWS
        for name, frame in typed.items():
            frame = frame.set_axis(frame.index + base).assign(dataset=dataset.slug)
            if name == "catalogue":
                frame = frame[~frame["indicator"].isin(catalogue_ids)]
                catalogue_ids |= set(frame["indicator"])
                categories |= {i: frozenset() for i in frame["indicator"]}
            parts[name].append(frame)
        parts["sources"].append(pd.DataFrame([dataset.source_row()], index=[base], dtype=object))
        known_sources.add(own)
    merged = {name: pd.concat(frames) if len(frames) > 1 else frames[0] for name, frames in parts.items()}
    merged["indicators"] = merged["indicators"].drop_duplicates(["iso3", "indicator", "year"], keep="last")
    return merged, skipped


def _without_retired(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` without the columns the atlas no longer reads (:data:`geodata.schema.RETIRED_COLUMNS`)."""
    return frame.drop(columns=[c for c in schema.RETIRED_COLUMNS.get(table, ()) if c in frame.columns])


def _revealing(file: str, table: pd.DataFrame, threshold: int, kind: str | None = None) -> list[Problem]:
    """Free-text notes that state a count shown as fewer than ``threshold``, as problems."""
    counts, notes = FREE_TEXT[kind or file]
    return [
        Problem(file, int(str(row)), column, message)
        for row, column, message in revealing_notes(table, counts, notes, threshold)
    ]


def _text_column(column: pd.Series) -> pd.Series:
    """One stored column as the loader reads a CSV column: text, missing as NA (whole numbers
    stored as floats, 5.0, read as 5). Column-wise: an import may bring 100,000 rows."""
    if pd.api.types.is_float_dtype(column) and column.dropna().map(float.is_integer).all():
        column = column.astype("Int64")
    missing = column.isna()
    text = column.astype(object).where(missing, column.astype(str).str.strip())
    return text.where(~missing & (text != ""), pd.NA).astype(object)


def _as_text(frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Stored cells as the loader reads a CSV: text, missing as NA, ``source`` the dataset's own,
    labelled by spreadsheet-style row numbers (the first record is row 2)."""
    out = pd.DataFrame({name: _text_column(frame[name]) for name in frame.columns})
    out.index = pd.RangeIndex(2, 2 + len(out))
    out["source"] = source_id
    return out


def _with_rates(atlas: Atlas, threshold: int) -> Atlas:
    """``atlas`` with the rates its counts and populations allow (:mod:`geodata.per_capita`)."""
    rows, entries = derive_rates(atlas.indicators, atlas.catalogue, threshold)
    if rows.empty:
        return atlas
    return replace(
        atlas,
        indicators=pd.concat([atlas.indicators, rows]),
        catalogue=pd.concat([atlas.catalogue, entries]),
    )


def _assemble(
    directory: Path,
    countries: pd.DataFrame,
    indicators: pd.DataFrame,
    catalogue: pd.DataFrame,
    routes: pd.DataFrame,
    programs: pd.DataFrame,
    sources: pd.DataFrame,
    figures: pd.DataFrame,
) -> Atlas:
    countries = countries.set_index("iso3", drop=False)
    for column in ("bali_process_as_of", "rcm_as_of", "igc_as_of"):
        countries[column] = countries[column].astype("string")
    indicators = indicators.assign(suppressed=indicators["suppressed"].fillna("false").eq("true"))
    catalogue = catalogue.assign(
        categories=catalogue["categories"].map(_split),
    ).set_index("indicator", drop=False)
    routes = routes.assign(suppressed=routes["suppressed"].fillna("false").eq("true"))
    programs = programs.assign(types=programs["types"].map(_split))
    label = countries.loc[programs["iso3"], ["label_lon", "label_lat"]].to_numpy()
    programs["map_lon"] = programs["lon"].fillna(pd.Series(label[:, 0], index=programs.index)).astype("Float64")
    programs["map_lat"] = programs["lat"].fillna(pd.Series(label[:, 1], index=programs.index)).astype("Float64")
    return Atlas(
        countries=countries,
        indicators=indicators,
        catalogue=catalogue,
        routes=routes,
        programs=programs,
        sources=sources.set_index("source_id", drop=False),
        figures=figures,
        directory=directory,
    )
