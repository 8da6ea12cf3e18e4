"""Importers: one module per published layout, one contract, one registry.

Each importer module defines ``IMPORTER``, an :class:`Importer`: the columns that identify its
layout (and the names they had in other releases), how well a header matches it
(:meth:`Importer.score`), and ``read(table, report) -> Imported``, the file's rows as the atlas's
own tables (columns of ``indicators.csv``, ``routes.csv``, ``programs.csv``, and new
``indicator_catalogue.csv`` entries). Format detection, the CLI and the "Add data" panel iterate
:data:`REGISTRY`, so a new layout is one new module listed in :func:`_registry`.

What an importer returns is checked again by the atlas's schemas when the dataset is merged; an
importer reports every row it read (:class:`~geodata.importers.report.ImportReport`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geodata.i18n import N_
from geodata.importers.files import Table, open_tables
from geodata.importers.report import ImportRefused, ImportReport
from geodata.problems import Message, Problem

# The tables an import can add to, in the atlas's own columns.
IMPORT_TABLES = ("catalogue", "indicators", "routes", "programs")


@dataclass
class Imported:
    """An import's result: DataFrames in the atlas's own columns (text or numbers; missing as NA).

    ``source`` cells are left empty: the store fills them with the dataset's own source id.
    Route and program ids need only be unique within the file; the store prefixes the dataset.
    """

    catalogue: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    routes: pd.DataFrame | None = None
    programs: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: frame for name in IMPORT_TABLES if (frame := getattr(self, name)) is not None and len(frame)}


@dataclass(frozen=True)
class Importer:
    """One published layout.

    Attributes
    ----------
    key : str
        What ``--as`` names (``glotip``).
    label : str
        What a person reads (``UNODC GLOTIP data (data_glotip.xlsx)``).
    publisher : str
        Who publishes files of this layout: the dataset's default source publisher.
    columns : tuple of str
        The columns a file must have to be read as this layout.
    optional : tuple of str
        Columns it reads when present.
    renamed : mapping
        Column names of other releases -> the name in ``columns``/``optional``.
    read : callable
        ``read(table, report) -> Imported``.
    """

    key: str
    label: str
    publisher: str
    columns: tuple[str, ...]
    read: Callable[[Table, ImportReport], Imported]
    optional: tuple[str, ...] = ()
    renamed: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None  # the sheet the published workbook keeps it in, if any

    def canonical(self, header: Sequence[str]) -> dict[str, str]:
        """The file's column names -> this layout's names (case and spacing forgiven)."""
        known = {_fold(c): c for c in (*self.columns, *self.optional)}
        known |= {_fold(old): new for old, new in self.renamed.items()}
        return {name: known[_fold(name)] for name in header if _fold(name) in known}

    def missing(self, header: Sequence[str]) -> list[str]:
        found = set(self.canonical(header).values())
        return [c for c in self.columns if c not in found]

    def score(self, header: Sequence[str]) -> float:
        """The share of this layout's required columns the header has (1.0: all of them)."""
        return 1 - len(self.missing(header)) / len(self.columns) if self.columns else 0.0


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _registry() -> dict[str, Importer]:
    found: dict[str, Importer] = {}
    import importlib

    for module in ("glotip", "ctdc", "tip_tiers", "templates"):
        try:
            mod = importlib.import_module(f"geodata.importers.{module}")
        except ModuleNotFoundError as exc:  # a layout still being written
            if exc.name != f"geodata.importers.{module}":
                raise
            continue
        for importer in getattr(mod, "IMPORTERS", (getattr(mod, "IMPORTER", None),)):
            if importer is not None:
                found[importer.key] = importer
    return found


REGISTRY: dict[str, Importer] = _registry()


def detect(tables: Sequence[Table], wanted: str | None = None) -> tuple[Importer, Table]:
    """The layout (and sheet) a file is in: ``wanted`` if given, else the best full match.

    Raises
    ------
    ImportRefused
        If no layout matches every required column: the message names each layout compared and
        the columns it lacks.
    """
    file = tables[0].file
    if wanted and wanted not in REGISTRY:
        raise ImportRefused(
            [
                Problem(
                    file,
                    0,
                    "-",
                    Message(
                        N_("unknown layout {layout}; known: {known}"), layout=repr(wanted), known=", ".join(REGISTRY)
                    ),
                )
            ]
        )
    candidates = [REGISTRY[wanted]] if wanted else list(REGISTRY.values())
    best: tuple[float, int, Importer, Table] | None = None
    for importer in candidates:
        for table in tables:
            score = importer.score(table.columns)
            # Of full matches, the one that leaves fewest of the file's columns unknown (a 2020 CTDC
            # copy has every column the 2024 layout requires, and Datasource, majorityStatus besides).
            unknown = len(table.columns) - len(importer.canonical(table.columns))
            specific = -2 * unknown + int(importer.sheet is not None and table.sheet == importer.sheet)
            if score == 1.0 and (best is None or (score, specific) > best[:2]):
                best = (score, specific, importer, table)
    if best is not None:
        return best[2], best[3]
    lines = []
    for importer in candidates:
        table = max(tables, key=lambda t: importer.score(t.columns))
        lacks = ", ".join(importer.missing(table.columns))
        if table.sheet:
            why = Message(
                N_("not {layout} (sheet {sheet}): lacks {columns}"),
                layout=Message(importer.label),
                sheet=repr(table.sheet),
                columns=lacks,
            )
        else:
            why = Message(N_("not {layout}: lacks {columns}"), layout=Message(importer.label), columns=lacks)
        lines.append(Problem(file, 1, "-", why))
    sheets = ", ".join(repr(t.sheet) for t in tables if t.sheet)
    header = ", ".join(tables[0].columns[:12]) + (" ..." if len(tables[0].columns) > 12 else "")
    if sheets:
        matches = Message(
            N_("matches no known layout; its columns: {columns}; sheets: {sheets}"), columns=header, sheets=sheets
        )
    else:
        matches = Message(N_("matches no known layout; its columns: {columns}"), columns=header)
    lines.insert(0, Problem(file, 1, "-", matches))
    raise ImportRefused(lines)


def read_file(
    path: Path | str,
    wanted: str | None = None,
    name: str | None = None,
    on_read: Callable[[int], None] | None = None,
) -> tuple[Importer, Imported, ImportReport]:
    """Open, detect and read one file: its layout, its tables and the report of every row.

    Raises :class:`ImportRefused` for a file that cannot be imported at all.
    """
    tables = open_tables(path, name)
    importer, table = detect(tables, wanted)
    report = ImportReport(table.file if table.sheet is None else f"{table.file}[{table.sheet}]", importer.label)
    report.on_read = on_read
    for note in table.notes:
        report.note(note)
    mapping = importer.canonical(table.columns)
    extra = [c for c in table.columns if c and c not in mapping]
    if extra:
        report.note(Message(N_("extra columns ignored: {columns}"), columns=", ".join(extra)))
    renamed = {old: new for old, new in mapping.items() if _fold(old) != _fold(new)}  # not mere case or spacing
    if renamed:
        report.note(
            Message(
                N_("columns recognised under other names: {columns}"),
                columns=", ".join(f"{o} = {n}" for o, n in renamed.items()),
            )
        )
    table.columns = [mapping.get(c, c) for c in table.columns]
    imported = importer.read(table, report)
    return importer, imported, report
