"""Open a user's file (CSV or XLSX) as a table of text cells, or refuse it with the reason.

Every cell comes back as text (``""`` for an empty cell) so that each importer decides what a
value means: ``"NA"`` stays Namibia's alpha-2 code, ``"<5"`` stays a suppressed count, ``"00"``
keeps its zeros. Row labels count as a spreadsheet counts them (the header is row 1). Files are
only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geodata.i18n import N_
from geodata.importers.report import ImportRefused
from geodata.problems import Message, Problem

# Far above any published file the atlas reads (GLOTIP's xlsx is a few MB, CTDC's CSV tens of MB).
MAX_BYTES = 150 * 1024 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
CHUNK_ROWS = 50_000


def formula_cells(frame: pd.DataFrame) -> pd.Series:
    """Per row, the first column whose cell reads as a spreadsheet formula (``=cmd|...``), or ``""``.

    Such a cell is never a value the atlas can use; the row is set aside
    (:data:`~geodata.importers.report.FORMULA`) so that it cannot reach an export.
    """
    found = pd.Series("", index=frame.index, dtype=object)
    for column in frame.columns:
        text = frame[column].astype(str).str.lstrip(" \t\r\n")
        hit = text.str.startswith("=") & (found == "")
        found[hit] = column
    return found


def refuse(file: str, message: str, row: int = 0, column: str = "-") -> ImportRefused:
    return ImportRefused([Problem(file, row, column, message)])


@dataclass
class Table:
    """One sheet of a file: its header and a way to read its rows as text.

    ``chunks()`` yields DataFrames of text cells indexed by spreadsheet row number, so that a
    large CSV is read a slice at a time and never held whole.
    """

    file: str
    path: Path
    columns: list[str]
    sheet: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)
    _rows: list[list[object]] | None = None  # an XLSX sheet, read whole (calamine has no row stream)

    def chunks(self, usecols: list[str] | None = None, size: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """The rows, ``size`` at a time, as text; ``usecols`` to read only those columns (header names)."""
        wanted = list(self.columns) if usecols is None else [c for c in usecols if c in self.columns]
        if self._rows is not None:
            positions = [self.columns.index(c) for c in wanted]
            for start in range(0, len(self._rows), size):
                block = [
                    [_cell_text(r[i]) if i < len(r) else "" for i in positions]
                    for r in self._rows[start : start + size]
                ]
                index = pd.RangeIndex(start + 2, start + 2 + len(block))
                yield pd.DataFrame(block, columns=wanted, index=index, dtype=object)
            return
        positions = [self.columns.index(c) for c in wanted]
        try:
            reader = pd.read_csv(
                self.path,
                sep=self.delimiter,
                header=0,
                names=None,
                usecols=positions,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                encoding=self.encoding,
                chunksize=size,
                engine="c",
                on_bad_lines="error",
            )
            first = 2
            for chunk in reader:
                chunk.columns = [self.columns[p] for p in sorted(positions)]
                chunk = chunk[wanted].astype(object)
                chunk.index = pd.RangeIndex(first, first + len(chunk))
                first += len(chunk)
                yield chunk
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise refuse(self.file, Message(N_("cannot be read as CSV ({error})"), error=_short(exc))) from exc

    def frame(self, usecols: list[str] | None = None) -> pd.DataFrame:
        """All rows at once (for files of tens of thousands of rows, not hundreds)."""
        parts = list(self.chunks(usecols))
        if not parts:
            wanted = self.columns if usecols is None else [c for c in usecols if c in self.columns]
            return pd.DataFrame(columns=wanted, dtype=object)
        return pd.concat(parts) if len(parts) > 1 else parts[0]


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole numbers without ``.0``, dates as ISO, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value).strip()


def open_tables(path: Path | str, name: str | None = None) -> list[Table]:
    """The tables of a file: one for a CSV, one per non-empty sheet of an XLSX workbook.

    Raises
    ------
    ImportRefused
        A missing, empty, oversized, binary or undecodable file, or one with no header row.
    """
    path = Path(path)
    file = name or path.name
    if not path.is_file():
        raise refuse(file, N_("file is missing"))
    size = path.stat().st_size
    if size == 0:
        raise refuse(file, N_("file is empty"))
    if size > MAX_BYTES:
        raise refuse(
            file,
            Message(
                N_("file is {size} MB; the largest accepted is {largest} MB"),
                size=round(size / 1e6),
                largest=round(MAX_BYTES / 1e6),
            ),
        )
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if head.startswith(b"PK") or path.suffix.lower() in XLSX_SUFFIXES:
        return _open_workbook(path, file)
    return [_open_csv(path, file, head)]


def _open_workbook(path: Path, file: str) -> list[Table]:
    from python_calamine import CalamineWorkbook

    if not zipfile.is_zipfile(path):
        raise refuse(file, N_("is not an XLSX workbook (not a zip file); save it as .xlsx or CSV"))
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every broken workbook
        raise refuse(file, Message(N_("cannot be read as an XLSX workbook ({error})"), error=_short(exc))) from exc
    tables = []
    for sheet in book.sheet_names:
        try:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise refuse(
                file, Message(N_("sheet {sheet} cannot be read ({error})"), sheet=repr(sheet), error=_short(exc))
            ) from exc
        while rows and not any(_cell_text(c) for c in rows[-1]):
            rows.pop()
        if not rows or not any(_cell_text(c) for c in rows[0]):
            continue
        header = [_cell_text(c) for c in rows[0]]
        while header and not header[-1]:
            header.pop()
        tables.append(Table(file, path, header, sheet=sheet, _rows=[list(r) for r in rows[1:]]))
    if not tables:
        raise refuse(file, N_("workbook has no sheet with a header row"))
    return tables


def _open_csv(path: Path, file: str, head: bytes) -> Table:
    if b"\x00" in head:
        raise refuse(file, N_("is not a text file (it holds NUL bytes): save it as UTF-8 CSV or XLSX"))
    notes = []
    encoding = "utf-8-sig"
    try:
        with path.open(encoding=encoding, newline="") as f:
            for _ in f:
                pass
    except UnicodeDecodeError as exc:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 leaves five bytes undefined,
        # so a file that is neither fails here rather than decoding into nonsense.
        try:
            with path.open(encoding="cp1252", newline="") as f:
                for _ in f:
                    pass
        except UnicodeDecodeError:
            # The decoder's position is within its buffer: find the line in the whole file.
            raw = path.read_bytes()
            try:
                raw.decode("utf-8-sig")
                line, byte = 1, 0
            except UnicodeDecodeError as whole:
                line, byte = raw[: whole.start].count(b"\n") + 1, raw[whole.start]
            raise refuse(
                file,
                Message(
                    N_("is not UTF-8 text (byte {byte} on line {line}); save it as UTF-8 CSV"),
                    byte=f"{byte:#04x}",
                    line=str(line),
                ),
                row=line,
            ) from exc
        encoding = "cp1252"
        notes.append(N_("file is not UTF-8: read as Windows-1252 (save as UTF-8 CSV to be sure of accents)"))
    with path.open(encoding=encoding, newline="") as f:
        first = f.readline()
        sample = first + f.read(16 * 1024)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    header = [h.strip() for h in header]
    if not any(header):
        raise refuse(file, N_("has no header row"), row=1)
    return Table(file, path, header, encoding=encoding, delimiter=delimiter, notes=notes)
