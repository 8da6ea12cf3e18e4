"""CTDC case-level files (2024 synthetic layout and 2020 k-anonymised copies) aggregated into routes.

Every fixture here is synthetic: a few made-up records written to ``tmp_path`` as CSV, each
row built to show one quirk of the published files (data-formats.md, "CTDC").
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import schema
from geodata.importers import REGISTRY, detect, read_file
from geodata.importers.ctdc import (
    COLUMNS_2024,
    NEITHER_END,
    NOTE_FLAG_UNKNOWN,
    NOTE_K_ANONYMITY,
    NOTE_NO_FORM,
    NOTE_NO_OTHER_FLAG,
    NOTE_SEVERAL_FORMS,
    NOTE_UNKNOWN_END,
    SAME_ROUTE,
)
from geodata.importers.files import Table, open_tables
from geodata.importers.report import BAD_VALUE, BAD_YEAR, EMPTY_ROW, FORMULA, UNKNOWN_COUNTRY
from geodata.schema import table_columns

FLAGS = ("isForcedLabour", "isSexualExploit", "isOtherExploit")
FORMS = {
    "isForcedLabour": "forced-labour",
    "isSexualExploit": "sexual-exploitation",
    "isOtherExploit": "other-exploitation",
}


def write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def rows_2024(records: list[tuple[str, str, str, str, str, str] | None]) -> list[list[str]]:
    """(year, citizenship, CountryOfExploitation, forced labour, sexual, other) -> 27-column rows (None: empty)."""
    out = []
    for record in records:
        if record is None:
            out.append([""] * len(COLUMNS_2024))
            continue
        year, origin, destination, labour, sexual, other = record
        cells = {c: "" for c in COLUMNS_2024}
        cells |= {"gender": "Woman", "ageBroad": "18--20", "traffickMonths": "0--12 (0-1 yr)"}
        cells |= {"yearOfRegistration": year, "citizenship": origin, "CountryOfExploitation": destination}
        cells |= {"isForcedLabour": labour, "isSexualExploit": sexual, "isOtherExploit": other}
        out.append([cells[c] for c in COLUMNS_2024])
    return out


# Synthetic 2024-layout records; the comment is the spreadsheet row and what it shows.
RECORDS_2024 = [
    ("2019", "UKR", "POL", "1", "0", "0"),  # 2: first forced-labour record UKR -> POL
    ("2019", "ukr", "POL", "1", "0", "0"),  # 3: same route (lower case forgiven): merged
    ("2019", "UKR", "POL", "1", "1", "0"),  # 4: two forms: merged under one, first of the other
    ("2019", "UKR", "POL", "0", "0", "0"),  # 5: no form flagged
    ("2019", "", "POL", "0", "1", "0"),  # 6: blank citizenship: an unknown origin
    ("2019", "XXX", "POL", "1", "0", "0"),  # 7: not an ISO code
    ("2019", "PHL", "", "0", "0", "1"),  # 8: blank country of exploitation: an unknown destination
    ("2019", "", "", "1", "0", "0"),  # 9: neither end known
    ("", "UKR", "POL", "1", "0", "0"),  # 10: no year
    ("-99", "UKR", "POL", "1", "0", "0"),  # 11: year unknown
    ("1949", "UKR", "POL", "1", "0", "0"),  # 12: before the atlas's years
    ("2019.5", "UKR", "POL", "1", "0", "0"),  # 13: not a whole year
    ("2019", "UKR", "POL", "1", "yes", "0"),  # 14: not a flag
    ("2019", "=HYPERLINK(1)", "POL", "1", "0", "0"),  # 15: a spreadsheet formula
    None,  # 16: an empty row
    ("2020.0", "NAM", "NAM", "1", "", ""),  # 17: a year written as a float; blank flags not flagged
    ("2019", "POL", "UKR", "1", "1", "1"),  # 18: three forms
    ("2019", "UKR", "NA", "1", "0", "0"),  # 19: "NA" is not an alpha-3 code (Namibia is NAM)
    ("2019", "UKR", "POL", "-99", "1", "0"),  # 20: -99 flag not flagged; the sexual route again
]

EXPECTED_2024 = {
    "nam-nam-2020-forced-labour": 1,
    "phl-unknown-2019-other-exploitation": 1,
    "pol-ukr-2019-forced-labour": 1,
    "pol-ukr-2019-other-exploitation": 1,
    "pol-ukr-2019-sexual-exploitation": 1,
    "ukr-pol-2019-forced-labour": 3,
    "ukr-pol-2019-form-not-given": 1,
    "ukr-pol-2019-sexual-exploitation": 2,
    "unknown-pol-2019-sexual-exploitation": 1,
}


@pytest.fixture
def ctdc_2024(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "ctdc.csv", COLUMNS_2024, rows_2024(RECORDS_2024))


def counts(routes: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in zip(routes["route_id"], routes["count"], strict=True)}


def assert_atlas_accepts(routes: pd.DataFrame) -> None:
    """The routes pass the atlas's own routes schema (as the store will check them)."""
    frame = routes.assign(source="imported")
    schema.routes_schema(schema.Reference(sources=None)).validate(frame, lazy=True)


# -- 2024 layout ---------------------------------------------------------------------------------


def test_2024_layout_is_detected_and_every_row_accounted(ctdc_2024: Path) -> None:
    importer, imported, report = read_file(ctdc_2024)

    assert importer.key == "ctdc"
    assert report.rows_read == 19
    assert report.used == 7  # rows 2, 4, 5, 6, 8, 17, 18: each the first record of a route
    assert report.merged == Counter({SAME_ROUTE: 2})  # rows 3 and 20
    assert report.set_aside == Counter(
        {BAD_YEAR: 4, UNKNOWN_COUNTRY: 2, NEITHER_END: 1, BAD_VALUE: 1, FORMULA: 1, EMPTY_ROW: 1}
    )
    assert report.balanced
    assert [str(p) for p in report.problems] == [
        "ctdc.csv:7: citizenship: 'XXX' is not an ISO 3166 alpha-3 country code",
        "ctdc.csv:9: -: neither citizenship nor CountryOfExploitation is known",
        "ctdc.csv:10: yearOfRegistration: no year",
        "ctdc.csv:11: yearOfRegistration: year unknown (-99)",
        "ctdc.csv:12: yearOfRegistration: '1949' is not a year between 1950 and 2035",
        "ctdc.csv:13: yearOfRegistration: '2019.5' is not a year between 1950 and 2035",
        "ctdc.csv:14: isSexualExploit: 'yes' is not a flag (0, 1 or -99)",
        "ctdc.csv:15: citizenship: cell starts with '=' (a spreadsheet formula): the row is not read",
        "ctdc.csv:16: -: empty row",
        "ctdc.csv:19: CountryOfExploitation: 'NA' is not an ISO 3166 alpha-3 country code",
    ]
    assert report.notes == [
        NOTE_SEVERAL_FORMS,
        NOTE_NO_FORM,
        NOTE_UNKNOWN_END,
        NOTE_FLAG_UNKNOWN,
        NOTE_K_ANONYMITY,
    ]
    assert counts(imported.routes) == EXPECTED_2024


def test_2024_routes_are_in_the_atlas_columns(ctdc_2024: Path) -> None:
    _, imported, _ = read_file(ctdc_2024)
    routes = imported.routes.set_index("route_id")

    assert list(imported.routes.columns) == list(table_columns("routes"))
    # CTDC's counts are exact (the atlas suppresses small ones when it shows them): nothing withheld.
    assert imported.routes["suppressed"].isna().all() and imported.routes["suppressed_below"].isna().all()
    known = routes.loc["ukr-pol-2019-forced-labour"]
    assert (known["origin_iso3"], known["destination_iso3"], known["form"]) == ("UKR", "POL", "forced-labour")
    assert pd.isna(known["origin_label"]) and pd.isna(known["destination_label"])
    assert (known["year_start"], known["year_end"], known["reported_year"]) == (2019, 2019, 2019)
    assert all(pd.isna(known[c]) for c in ("detail", "victims", "count_note", "source"))
    # An unknown end is a named non-country end, never forced onto a country.
    unknown_origin = routes.loc["unknown-pol-2019-sexual-exploitation"]
    assert pd.isna(unknown_origin["origin_iso3"]) and unknown_origin["origin_label"] == "Unknown"
    unknown_destination = routes.loc["phl-unknown-2019-other-exploitation"]
    assert pd.isna(unknown_destination["destination_iso3"]) and unknown_destination["destination_label"] == "Unknown"
    # Counts are exact, even the smallest (suppression is the display's job).
    assert routes["count"].min() == 1
    assert imported.routes["route_id"].is_unique
    assert_atlas_accepts(imported.routes)


def test_several_forms_count_under_each_but_the_row_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ctdc.csv", COLUMNS_2024, rows_2024([("2019", "POL", "UKR", "1", "1", "1")]))
    _, imported, report = read_file(path)

    assert sorted(imported.routes["form"]) == ["forced-labour", "other-exploitation", "sexual-exploitation"]
    assert imported.routes["count"].sum() == 3
    assert (report.rows_read, report.used, sum(report.merged.values())) == (1, 1, 0)
    assert NOTE_SEVERAL_FORMS in report.notes


def test_later_release_sector_names_are_detected_and_reported(tmp_path: Path) -> None:
    renamed = [c.replace("typeOfLabour", "sectorOfLabour").replace("typeOfSex", "sectorOfSex") for c in COLUMNS_2024]
    path = write_csv(tmp_path / "ctdc.csv", renamed, rows_2024(RECORDS_2024[:2]))
    importer, imported, report = read_file(path)

    assert importer.key == "ctdc"
    assert report.notes[0] == (
        "columns recognised under other names: "
        "sectorOfLabourAgriculture = typeOfLabourAgriculture, "
        "sectorOfLabourConstruction = typeOfLabourConstruction, "
        "sectorOfLabourDomesticWork = typeOfLabourDomesticWork, "
        "sectorOfLabourHospitality = typeOfLabourHospitality, "
        "sectorOfSexProstitution = typeOfSexProstitution, "
        "sectorOfSexPornography = typeOfSexPornography"
    )
    assert not any(n.startswith("extra columns ignored") for n in report.notes)
    assert counts(imported.routes) == {"ukr-pol-2019-forced-labour": 2}


def test_only_the_required_2024_columns_are_enough(tmp_path: Path) -> None:
    header = [
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "citizenship",
        "CountryOfExploitation",
        "isForcedLabour",
        "isSexualExploit",
        "isOtherExploit",
    ]
    path = write_csv(tmp_path / "ctdc.csv", header, [["2021", "Man", "48+", "MMR", "THA", "1", "0", "0"]])
    importer, imported, report = read_file(path)

    assert importer.key == "ctdc"
    assert counts(imported.routes) == {"mmr-tha-2021-forced-labour": 1}
    assert report.balanced


def test_chunk_boundaries_change_nothing(ctdc_2024: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, whole, whole_report = read_file(ctdc_2024)
    chunks = Table.chunks
    monkeypatch.setattr(Table, "chunks", lambda self, usecols=None, size=0: chunks(self, usecols, 3))
    _, chunked, report = read_file(ctdc_2024)

    pd.testing.assert_frame_equal(chunked.routes, whole.routes)
    assert report.to_dict() == whole_report.to_dict()


# -- 2020 k-anonymised copies --------------------------------------------------------------------

HEADER_2020 = [
    "Datasource",
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "meansOfControlDebtBondage",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
]


def rows_2020(records: list[tuple[str, str, str, str, str, str]]) -> list[list[str]]:
    """(year, citizenship, CountryOfExploitation, forced labour, sexual, other) -> 2020-layout rows."""
    return [
        ["Case Management", year, "Female", "-99", "Adult", origin, destination, "-99", labour, sexual, other]
        for year, origin, destination, labour, sexual, other in records
    ]


RECORDS_2020 = [
    ("2016", "NA", "ZA", "1.0", "0.0", "0.0"),  # 2: Namibia's "NA", float flags
    ("2016", "NA", "ZA", "1", "0", "0"),  # 3: same route, integer flags: merged
    ("2016", "00", "US", "0", "1", "0"),  # 4: "00" = unknown country
    ("2016", "0", "US", "0", "1", "0"),  # 5: "0" (a spreadsheet ate the zero): same unknown origin
    ("2016", "-99", "US", "0", "1", "0"),  # 6: -99 = unknown
    ("2016", "PH", "-99", "-99", "-99", "-99"),  # 7: unknown destination; no form known
    ("2016", "XK", "US", "1", "0", "0"),  # 8: Kosovo's user-assigned code is not ISO 3166
    ("2016", "UA", "ZZ", "1", "0", "0"),  # 9: not ISO
    ("2016", "UKR", "US", "1", "0", "0"),  # 10: an alpha-3 code in an alpha-2 file
    ("2016", "00", "-99", "1", "0", "0"),  # 11: neither end known
    ("-99", "UA", "US", "1", "0", "0"),  # 12: year unknown
    ("2016", "UA", "US", "2", "0", "0"),  # 13: not a flag
    ("2017", "ua", "us", "1", "1", "0"),  # 14: two forms
]


@pytest.fixture
def ctdc_2020(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "ctdc2020.csv", HEADER_2020, rows_2020(RECORDS_2020))


def test_2020_layout_is_detected_and_every_row_accounted(ctdc_2020: Path) -> None:
    importer, imported, report = read_file(ctdc_2020)

    assert importer.key == "ctdc-2020"
    assert report.rows_read == 13
    assert report.used == 4  # rows 2, 4, 7, 14
    assert report.merged == Counter({SAME_ROUTE: 3})  # rows 3, 5, 6
    assert report.set_aside == Counter({UNKNOWN_COUNTRY: 3, NEITHER_END: 1, BAD_YEAR: 1, BAD_VALUE: 1})
    assert report.balanced
    assert [str(p) for p in report.problems] == [
        "ctdc2020.csv:8: citizenship: 'XK' is not an ISO 3166 alpha-2 country code",
        "ctdc2020.csv:9: CountryOfExploitation: 'ZZ' is not an ISO 3166 alpha-2 country code",
        "ctdc2020.csv:10: citizenship: 'UKR' is not an ISO 3166 alpha-2 country code",
        "ctdc2020.csv:11: -: neither citizenship nor CountryOfExploitation is known",
        "ctdc2020.csv:12: yearOfRegistration: year unknown (-99)",
        "ctdc2020.csv:13: isForcedLabour: '2' is not a flag (0, 1 or -99)",
    ]
    assert report.notes == [
        "extra columns ignored: meansOfControlDebtBondage",
        NOTE_SEVERAL_FORMS,
        NOTE_NO_FORM,
        NOTE_UNKNOWN_END,
        NOTE_FLAG_UNKNOWN,
        NOTE_K_ANONYMITY,
    ]
    assert counts(imported.routes) == {
        "nam-zaf-2016-forced-labour": 2,
        "phl-unknown-2016-form-not-given": 1,
        "unknown-usa-2016-sexual-exploitation": 3,
        "ukr-usa-2017-forced-labour": 1,
        "ukr-usa-2017-sexual-exploitation": 1,
    }
    assert_atlas_accepts(imported.routes)


def test_2020_namibia_stays_namibia(ctdc_2020: Path) -> None:
    _, imported, _ = read_file(ctdc_2020)
    namibia = imported.routes.set_index("route_id").loc["nam-zaf-2016-forced-labour"]

    assert (namibia["origin_iso3"], namibia["destination_iso3"]) == ("NAM", "ZAF")


def test_2020_copy_without_other_exploitation_column(tmp_path: Path) -> None:
    header = [c for c in HEADER_2020 if c != "isOtherExploit"]
    rows = [r[:-1] for r in rows_2020([("2015", "KH", "TH", "0", "0", "-"), ("2015", "KH", "TH", "1", "0", "-")])]
    importer, imported, report = read_file(write_csv(tmp_path / "ctdc.csv", header, rows))

    assert importer.key == "ctdc-2020"
    assert NOTE_NO_OTHER_FLAG in report.notes
    assert counts(imported.routes) == {"khm-tha-2015-forced-labour": 1, "khm-tha-2015-form-not-given": 1}
    assert (report.used, report.balanced) == (2, True)


def test_2020_copy_is_not_mistaken_for_the_2024_layout(ctdc_2020: Path) -> None:
    # The 2020 copy also has every column the 2024 layout requires (gender, ageBroad, isOtherExploit).
    tables = open_tables(ctdc_2020)
    assert REGISTRY["ctdc"].score(tables[0].columns) == 1.0
    importer, _ = detect(tables)
    assert importer.key == "ctdc-2020"


def test_2024_file_is_not_read_as_2020(ctdc_2024: Path) -> None:
    importer, _ = detect(open_tables(ctdc_2024))
    assert importer.key == "ctdc"
    assert REGISTRY["ctdc-2020"].missing(open_tables(ctdc_2024)[0].columns) == ["Datasource", "majorityStatus"]


# -- properties and size -------------------------------------------------------------------------

YEARS = st.sampled_from(["2019", "2020", "2020.0", "", "-99", "1949", "2019.5", "x"])
PLACES = st.sampled_from(["UKR", "POL", "NAM", "", "00", "0", "-99", "XXX", "NA", "=1+1", " THA "])
FLAG_CELLS = st.sampled_from(["0", "1", "", "-99", "1.0", "0.0", "yes", "TRUE"])
RECORD = st.tuples(YEARS, PLACES, PLACES, FLAG_CELLS, FLAG_CELLS, FLAG_CELLS)


@settings(max_examples=60, deadline=None)
@given(st.lists(RECORD, max_size=40))
def test_report_always_balances_for_random_records(records: list[tuple[str, str, str, str, str, str]]) -> None:
    # Synthetic records drawn from every kind of cell the published files hold, good and bad.
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "ctdc.csv", COLUMNS_2024, rows_2024(list(records)))
        _, imported, report = read_file(path, "ctdc")

    assert report.rows_read == len(records)
    assert report.balanced
    routes = imported.routes
    # Each route has exactly one first record, and every readable row is counted at least once.
    assert report.used <= len(routes)
    assert routes["count"].sum() >= report.used + sum(report.merged.values())
    assert not (routes["origin_iso3"].isna() & routes["destination_iso3"].isna()).any()
    assert routes["route_id"].is_unique
    assert sum(report.set_aside.values()) == len(report.problems)


def test_a_large_file_is_read_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Synthetic: 30,000 records over 20 countries and 20 years, read 7,000 rows at a time so that
    # routes and the row accounting cross chunk boundaries (260,000 rows were timed by hand).
    rng = np.random.default_rng(7)
    n = 30_000
    codes = np.array(["UKR", "POL", "PHL", "USA", "MMR", "THA", "NGA", "ITA", "IDN", "MYS"] * 2)
    frame = pd.DataFrame({c: "" for c in COLUMNS_2024}, index=range(n))
    frame["yearOfRegistration"] = rng.integers(2002, 2022, n).astype(str)
    frame["gender"] = "Woman"
    frame["ageBroad"] = "18--20"
    frame["citizenship"] = rng.choice(codes, n)
    frame["CountryOfExploitation"] = rng.choice(codes, n)
    for flag in FLAGS:
        frame[flag] = rng.choice(["0", "1"], n)
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    chunks = Table.chunks
    monkeypatch.setattr(Table, "chunks", lambda self, usecols=None, size=0: chunks(self, usecols, 7_000))

    _, imported, report = read_file(path)

    assert (report.rows_read, report.balanced) == (n, True)
    assert report.set_aside == Counter()
    routes = imported.routes
    assert report.used + report.merged[SAME_ROUTE] == n
    assert report.used <= len(routes)
    by_form = routes.groupby("form")["count"].sum()
    assert by_form["forced-labour"] == (frame["isForcedLabour"] == "1").sum()
    assert by_form["sexual-exploitation"] == (frame["isSexualExploit"] == "1").sum()
    assert by_form["other-exploitation"] == (frame["isOtherExploit"] == "1").sum()
    assert by_form["form-not-given"] == (frame[list(FLAGS)] == "0").all(axis=1).sum()
    # Every route's count, worked out another way: one (record, form) pair per flag set.
    ends = ["citizenship", "CountryOfExploitation", "yearOfRegistration"]
    pairs = frame.melt(id_vars=ends, value_vars=list(FLAGS), var_name="flag")
    pairs = pairs[pairs["value"] == "1"].assign(form=lambda d: d["flag"].map(FORMS))
    none = frame[(frame[list(FLAGS)] == "0").all(axis=1)].assign(form="form-not-given")
    expected = pd.concat([pairs[[*ends, "form"]], none[[*ends, "form"]]]).groupby([*ends, "form"]).size()
    got = routes.assign(year=routes["year_start"].astype(str))
    got = got.set_index(["origin_iso3", "destination_iso3", "year", "form"])["count"]
    assert {k: int(v) for k, v in got.items()} == {k: int(v) for k, v in expected.items()}


def test_2020_copy_saved_as_xlsx(tmp_path: Path) -> None:
    # Synthetic: the same quirks in a workbook, where flags and years are numbers and "NA" is text.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER_2020)
    sheet.append(["Case Management", 2016, "Female", -99, "Adult", "NA", "ZA", -99, 1.0, 0.0, 0.0])
    sheet.append(["Case Management", 2016, "Female", -99, "Adult", "00", "US", -99, 0, 1, -99])
    path = tmp_path / "ctdc2020.xlsx"
    book.save(path)
    importer, imported, report = read_file(path)

    assert importer.key == "ctdc-2020"
    assert counts(imported.routes) == {"nam-zaf-2016-forced-labour": 1, "unknown-usa-2016-sexual-exploitation": 1}
    assert (report.used, report.balanced) == (2, True)
