"""Opening a user's file: encodings, delimiters, workbooks, and files that cannot be read at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from geodata.importers import files, read_file
from geodata.importers.files import open_tables
from geodata.importers.report import ImportRefused

# Synthetic rows in the atlas's indicators template (made up for these tests).
HEADER = "iso3,indicator,year,value"


def refusal(path: Path) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        open_tables(path)
    return [str(p) for p in refused.value.problems]


def test_a_bom_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + HEADER + "\nGHA,population,2007,100\n").encode("utf-8"))
    (table,) = open_tables(path)
    assert table.columns == ["iso3", "indicator", "year", "value"]
    assert table.frame()["iso3"].tolist() == ["GHA"]


def test_a_windows_1252_file_is_read_and_said_so(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes("iso3,site\nCIV,Abidjan Côte\n".encode("cp1252"))
    (table,) = open_tables(path)
    assert table.frame()["site"].tolist() == ["Abidjan Côte"]
    assert table.notes == ["file is not UTF-8: read as Windows-1252 (save as UTF-8 CSV to be sure of accents)"]


def test_a_file_in_neither_encoding_is_refused(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"iso3,site\nGHA,\x81\x8d\n")
    assert refusal(path) == ["odd.csv:2: -: is not UTF-8 text (byte 0x81 on line 2); save it as UTF-8 CSV"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "junk.csv:0: -: file is empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "junk.csv:0: -: is not a text file (it holds NUL bytes): save it as UTF-8 CSV or XLSX",
        ),
        (b"\n\n\nGHA,1\n", "junk.csv:1: -: has no header row"),
        (
            b"PK\x03\x04 not really a zip",
            "junk.csv:0: -: is not an XLSX workbook (not a zip file); save it as .xlsx or CSV",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    assert refusal(path) == [message]


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + "GHA,population,2007,100\n" * 100, encoding="utf-8")
    assert refusal(path) == ["big.csv:0: -: file is 0 MB; the largest accepted is 0 MB"]


def test_semicolons_as_excel_writes_them_in_many_locales(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("iso3;indicator;year;value\nGHA;population;2007;100\n", encoding="utf-8")
    (table,) = open_tables(path)
    assert table.delimiter == ";" and table.frame().iloc[0].tolist() == ["GHA", "population", "2007", "100"]


def test_cells_stay_text_na_is_namibia_and_zeros_are_kept(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,n\nNA,00\n,007\n", encoding="utf-8")
    frame = open_tables(path)[0].frame()
    assert frame["code"].tolist() == ["NA", ""] and frame["n"].tolist() == ["00", "007"]
    assert frame.index.tolist() == [2, 3]  # as a spreadsheet counts rows


def test_blank_lines_keep_the_row_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text(HEADER + "\nGHA,population,2007,100\n\nIDN,population,2007,200\n", encoding="utf-8")
    frame = open_tables(path)[0].frame()
    assert frame.loc[4, "iso3"] == "IDN" and frame.loc[3].tolist() == ["", "", "", ""]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_workbook_reads_each_sheet_with_whole_numbers_as_text(tmp_path):
    path = workbook(
        tmp_path / "book.xlsx",
        {"notes": [["read me"]], "data": [["iso3", "indicator", "year", "value"], ["GHA", "population", 2007, 100.0]]},
    )
    tables = open_tables(path)
    assert [t.sheet for t in tables] == ["notes", "data"]
    assert tables[1].frame().iloc[0].tolist() == ["GHA", "population", "2007", "100"]


def test_a_workbook_without_the_layout_names_its_sheets(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Sheet A": [["a", "b"], [1, 2]], "Sheet B": [["c"], [3]]})
    with pytest.raises(ImportRefused) as refused:
        read_file(path, "glotip")
    lines = [str(p) for p in refused.value.problems]
    assert lines[0] == "book.xlsx:1: -: matches no known layout; its columns: a, b; sheets: 'Sheet A', 'Sheet B'"
    assert lines[1].startswith("book.xlsx:1: -: not UNODC GLOTIP data (data_glotip.xlsx) (sheet 'Sheet A'): lacks ")


def test_an_empty_workbook_is_refused(tmp_path):
    path = workbook(tmp_path / "empty.xlsx", {"Sheet1": []})
    assert refusal(path) == ["empty.xlsx:0: -: workbook has no sheet with a header row"]


def test_the_report_csv_keeps_an_uploads_name_and_text_as_text():
    import csv
    import io

    from geodata.importers.report import ImportReport

    # A file named by its uploader, and a cell's text quoted in a problem: neither may run as a formula.
    report = ImportReport('=HYPERLINK("http://x").csv', "Atlas template: programs")
    report.read(2)
    report.use(1)
    report.aside("spreadsheet formula in a cell", 3, "+site", "-2+3 is not a site")
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[0] == ["file", "row", "column", "problem"]
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert ['\'=HYPERLINK("http://x").csv', "3", "'+site", "'-2+3 is not a site"] in rows
