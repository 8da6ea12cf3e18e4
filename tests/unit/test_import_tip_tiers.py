"""TIP Report tier placements by year (Kelley & Heiss ``map_tiers.csv`` and similar copies).

Every fixture here is synthetic: a few made-up rows written to ``tmp_path`` as CSV, each built
to show one quirk of the published copies (data-formats.md, "TIP tiers across years"); the
placements are not the real ones.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from geodata import schema
from geodata.importers import read_file
from geodata.importers.report import BAD_VALUE, BAD_YEAR, EMPTY_ROW, FORMULA, UNKNOWN_COUNTRY, ImportRefused
from geodata.importers.tip_tiers import (
    DIFFERENT_TIERS,
    NOTE_NOT_RANKED,
    NOTE_ONLY_ONE_TWO,
    NOTE_TEXT_TIERS,
    NOTE_THREE_EARLY,
    NOTES,
    SAME_TIER_TWICE,
    SCHEME_KELLEY_HEISS,
    SCHEME_TWO_AND_A_HALF,
    WATCH_LIST_TOO_EARLY,
)
from geodata.vocabulary import TIP_TIERS

# map_tiers.csv's own header (Kelley & Heiss write it with R's write_csv: missing = "NA").
HEADER = ["countryname", "iso", "year", "ccode", "tier"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def tiers(indicators: pd.DataFrame) -> dict[tuple[str, int], str]:
    return {
        (i, int(y)): c for i, y, c in zip(indicators["iso3"], indicators["year"], indicators["category"], strict=True)
    }


# Synthetic Kelley & Heiss rows; the comment is the spreadsheet row and what it shows.
KELLEY_HEISS = [
    ["Afghanistan", "AFG", "1999", "700", "NA"],  # 2: every row of 1999-2000 is NA: not ranked, kept
    ["Afghanistan", "AFG", "2000", "700", "NA"],  # 3
    ["Afghanistan", "AFG", "2001", "700", "NA"],  # 4: many of 2001 too
    ["Albania", "ALB", "2001", "339", "4"],  # 5: 4 = Tier 3
    ["Albania", "ALB", "2004", "339", "3"],  # 6: 3 = Tier 2 Watch List
    ["Albania", "ALB", "2005", "339", "2"],  # 7
    ["Aruba", "ABW", "2010", "NA", "1"],  # 8: no COW code: fine
    ["Hong Kong", "HKG", "2010", "", "1"],  # 9: no COW code (blank): fine
    ["Somalia", "SOM", "2005", "520", "666"],  # 10: Somalia's special case
    ["Kosovo", "KOS", "2010", "347", "2"],  # 11: Kelley & Heiss's own code for Kosovo, not ISO
    ["Namibia", "NA", "2010", "565", "2"],  # 12: iso "NA" is R's missing value: read from the name
    ["Brazil", "BRA", "2003", "140", "3"],  # 13: the Watch List before it existed
    ["Brazil", "BRA", "2005", "140", "2"],  # 14
    ["Brazil", "BRA", "2005", "140", "3"],  # 15: same year again, another tier
    ["Brazil", "BRA", "2006", "140", "2"],  # 16
    ["Brazil", "BRA", "2006", "140", "2.0"],  # 17: same year again, same tier
    ["Chile", "CHL", "20x6", "155", "1"],  # 18: not a year
    ["Chile", "CHL", "2006", "155", "7"],  # 19: not a tier code
    ["Chile", "", "2007", "155", "1"],  # 20: no code: read from the name
    ["Atlantis", "", "2007", "", "1"],  # 21: no code, and no country by that name
    ["=HYPERLINK(1)", "CHL", "2008", "155", "1"],  # 22: a spreadsheet formula
    ["", "", "", "", ""],  # 23: an empty row
    ["Somalia", "SOM", "2006", "520", "555"],  # 24: 555 = missing in the source's coding
]


@pytest.fixture
def map_tiers(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "map_tiers.csv", HEADER, KELLEY_HEISS)


def test_kelley_heiss_file_is_detected_and_every_row_accounted(map_tiers: Path) -> None:
    importer, imported, report = read_file(map_tiers)

    assert importer.key == "tip-tiers"
    assert report.rows_read == 23
    assert report.used == 14
    assert report.merged == Counter({SAME_TIER_TWICE: 1, DIFFERENT_TIERS: 1})
    assert report.set_aside == Counter(
        {UNKNOWN_COUNTRY: 2, WATCH_LIST_TOO_EARLY: 1, BAD_YEAR: 1, BAD_VALUE: 1, FORMULA: 1, EMPTY_ROW: 1}
    )
    assert report.balanced
    assert [str(p) for p in report.problems] == [
        "map_tiers.csv:10: tier: 666 = 'special case' in the source (Somalia): read as not ranked",
        "map_tiers.csv:11: iso3: 'KOS' is not an ISO 3166 country code",
        "map_tiers.csv:12: iso3: code 'NA' read as missing (Namibia is NAM): read from the name 'Namibia' as NAM",
        "map_tiers.csv:13: tier: '3' is the Tier 2 Watch List, which the TIP Report uses from 2004 on; 2003 is earlier",
        "map_tiers.csv:15: tier: BRA 2005 placed twice: Tier 2 (row 14) kept, Tier 2 Watch List here not used",
        "map_tiers.csv:18: year: '20x6' is not a year between 1950 and 2035",
        "map_tiers.csv:19: tier: '7' is not a tier code",
        "map_tiers.csv:20: iso3: no country code: read from the name 'Chile' as CHL",
        "map_tiers.csv:21: iso3: no country code, and 'Atlantis' is not recognised as a country",
        "map_tiers.csv:22: name: cell starts with '=' (a spreadsheet formula): the row is not read",
        "map_tiers.csv:23: -: empty row",
        "map_tiers.csv:24: tier: 555 = missing in the source's coding: read as not ranked",
    ]
    assert report.notes == [
        "columns recognised under other names: countryname = name, iso = iso3, ccode = cowcode",
        NOTES[SCHEME_KELLEY_HEISS],
        NOTE_NOT_RANKED,
    ]
    assert tiers(imported.indicators) == {
        ("AFG", 1999): "not-ranked",
        ("AFG", 2000): "not-ranked",
        ("AFG", 2001): "not-ranked",
        ("ALB", 2001): "tier-3",
        ("ALB", 2004): "tier-2-watch-list",
        ("ALB", 2005): "tier-2",
        ("ABW", 2010): "tier-1",
        ("HKG", 2010): "tier-1",
        ("SOM", 2005): "not-ranked",
        ("NAM", 2010): "tier-2",
        ("BRA", 2005): "tier-2",
        ("BRA", 2006): "tier-2",
        ("CHL", 2007): "tier-1",
        ("SOM", 2006): "not-ranked",
    }


def test_rows_are_tip_tier_indicators_the_atlas_accepts(map_tiers: Path) -> None:
    _, imported, _ = read_file(map_tiers)
    rows = imported.indicators

    assert list(rows.columns) == ["iso3", "indicator", "year", "value", "category", "suppressed", "source"]
    assert set(rows["indicator"]) == {"tip-tier"}
    assert set(rows["suppressed"]) == {"false"}
    assert rows["value"].isna().all() and rows["source"].isna().all()
    assert imported.catalogue is None  # tip-tier is in the bundled catalogue
    reference = schema.Reference(
        sources=None, indicators=frozenset({"tip-tier"}), categories={"tip-tier": frozenset(TIP_TIERS)}
    )
    schema.indicators_schema(reference).validate(rows.assign(source="imported"), lazy=True)


def test_the_watch_list_as_two_and_a_half(tmp_path: Path) -> None:
    rows = [
        ["Japan", "JPN", "2004", "740", "2.5"],
        ["Japan", "JPN", "2005", "740", "2"],
        ["Japan", "JPN", "2006", "740", "1"],
        ["Cuba", "CUB", "2006", "40", "3"],  # 3 = Tier 3 in this scheme
        ["Cuba", "CUB", "2003", "40", "3.0"],  # Tier 3 before 2004 is fine
        ["Cuba", "CUB", "2002", "40", "2.5"],  # the Watch List before 2004 is not
    ]
    importer, imported, report = read_file(write_csv(tmp_path / "tiers.csv", HEADER, rows))

    assert importer.key == "tip-tiers"
    assert NOTES[SCHEME_TWO_AND_A_HALF] in report.notes
    assert tiers(imported.indicators) == {
        ("JPN", 2004): "tier-2-watch-list",
        ("JPN", 2005): "tier-2",
        ("JPN", 2006): "tier-1",
        ("CUB", 2006): "tier-3",
        ("CUB", 2003): "tier-3",
    }
    assert report.set_aside == Counter({WATCH_LIST_TOO_EARLY: 1})
    assert report.balanced


def test_both_schemes_in_one_file_are_refused(tmp_path: Path) -> None:
    rows = [["Japan", "JPN", "2004", "740", "2.5"], ["Cuba", "CUB", "2006", "40", "4"]]
    with pytest.raises(ImportRefused) as refused:
        read_file(write_csv(tmp_path / "tiers.csv", HEADER, rows))

    assert [str(p) for p in refused.value.problems] == [
        "tiers.csv:0: tier: tier codes of both schemes: 2.5 (row 2: the Watch List, so 3 = Tier 3) and 4 "
        "(row 3: Kelley & Heiss, 3 = Watch List, 4 = Tier 3); the 3s cannot be read"
    ]


def test_threes_with_nothing_to_tell_their_meaning_are_refused(tmp_path: Path) -> None:
    rows = [["Japan", "JPN", "2005", "740", "1"], ["Cuba", "CUB", "2006", "40", "3"]]
    with pytest.raises(ImportRefused, match="tier code 3 cannot be read"):
        read_file(write_csv(tmp_path / "tiers.csv", HEADER, rows))


def test_threes_before_the_watch_list_can_only_be_tier_3(tmp_path: Path) -> None:
    rows = [["Cuba", "CUB", "2002", "40", "3"], ["Cuba", "CUB", "2006", "40", "3"]]
    _, imported, report = read_file(write_csv(tmp_path / "tiers.csv", HEADER, rows))

    assert report.notes[-1] == NOTE_THREE_EARLY
    assert tiers(imported.indicators) == {("CUB", 2002): "tier-3", ("CUB", 2006): "tier-3"}


def test_ones_and_twos_read_alike_in_both_schemes(tmp_path: Path) -> None:
    rows = [["Japan", "JPN", "2005", "740", "1"], ["Chile", "CHL", "2005", "155", "2"]]
    _, imported, report = read_file(write_csv(tmp_path / "tiers.csv", HEADER, rows))

    assert NOTE_ONLY_ONE_TWO in report.notes
    assert tiers(imported.indicators) == {("JPN", 2005): "tier-1", ("CHL", 2005): "tier-2"}


def test_text_tiers_and_other_column_names(tmp_path: Path) -> None:
    # Another copy: upper-case and spelled-out column names, tiers as text (R's padded labels too).
    header = ["Country_Name", "ISO3", "Year", "COW code", "Tier_Placement"]
    rows = [
        ["Japan", "JPN", "2005", "740", "Tier 1    "],
        ["Chile", "CHL", "2005", "155", "Tier 2"],
        ["India", "IND", "2005", "750", "Tier 2 Watch List"],
        ["Cuba", "CUB", "2005", "40", "Tier 3"],
        ["Somalia", "SOM", "2005", "520", "Special case"],
        ["Peru", "PER", "2005", "135", "Watchlist    "],
    ]
    importer, imported, report = read_file(write_csv(tmp_path / "tiers.csv", header, rows))

    assert importer.key == "tip-tiers"
    assert report.notes[0] == ("columns recognised under other names: Country_Name = name, Tier_Placement = tier")
    assert NOTE_TEXT_TIERS in report.notes
    assert [str(p) for p in report.problems] == ["tiers.csv:6: tier: 'Special case': read as not ranked"]
    assert tiers(imported.indicators) == {
        ("JPN", 2005): "tier-1",
        ("CHL", 2005): "tier-2",
        ("IND", 2005): "tier-2-watch-list",
        ("CUB", 2005): "tier-3",
        ("SOM", 2005): "not-ranked",
        ("PER", 2005): "tier-2-watch-list",
    }


def test_minimal_columns_without_name_or_cow_code(tmp_path: Path) -> None:
    rows = [["JPN", "2005", "1"], ["", "2005", "1"]]
    _, imported, report = read_file(write_csv(tmp_path / "tiers.csv", ["country_code", "year", "tier"], rows))

    assert tiers(imported.indicators) == {("JPN", 2005): "tier-1"}
    assert report.set_aside == Counter({UNKNOWN_COUNTRY: 1})
    assert [str(p) for p in report.problems] == ["tiers.csv:3: iso3: no country code or name"]


def test_ctdc_files_are_not_read_as_tiers(tmp_path: Path) -> None:
    header = ["yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation"]
    header += ["isForcedLabour", "isSexualExploit", "isOtherExploit"]
    importer, _, _ = read_file(
        write_csv(tmp_path / "c.csv", header, [["2020", "Man", "48+", "UKR", "POL", "1", "0", "0"]])
    )
    assert importer.key == "ctdc"
