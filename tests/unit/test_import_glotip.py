"""The GLOTIP importer against every quirk of the published files (shared/facts/data-formats.md).

All fixtures here are synthetic: the layout and the kinds of cell are GLOTIP's, the numbers are
made up (plausible, not real figures).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.importers import read_file
from geodata.importers import report as reasons
from geodata.importers.glotip import (
    CITIZENSHIP_BREAKDOWN,
    EXACT_DUPLICATE,
    NO_CITIZENSHIP,
    NOT_VICTIMS,
    REPATRIATION,
    SAME_FIGURE,
    SAME_KEY,
    SAME_ROUTE,
    TOTAL_NOT_CITIZENSHIP,
    TWO_COUNTRIES,
)
from geodata.schema import Reference, catalogue_schema, indicators_schema, routes_schema

HEADER = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
]
VICTIMS = "Detected trafficking victims"
COUNTRY = {"ESP": "Spain", "ITA": "Italy", "FRA": "France", "MLI": "Mali", "UKR": "Ukraine", "NAM": "Namibia"}


def row(
    iso3: str = "ESP",
    category: str = "Total",
    value: str = "12",
    dimension: str = "by citizenship",
    indicator: str = VICTIMS,
    sex: str = "Total",
    age: str = "Total",
    year: str = "2018",
    country: str | None = None,
) -> list[str]:
    name = COUNTRY.get(iso3, "") if country is None else country
    region = "Europe" if name else ""
    return [iso3, name, region, "", indicator, dimension, category, sex, age, year, "Counts", value, "GLOTIP"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data_glotip_1"
    sheet.append(header)
    for r in rows:
        # openpyxl would store "=..." as a formula; the published file holds text, so keep it text
        sheet.append([int(c) if c.isdigit() and i == HEADER.index("Year") else c for i, c in enumerate(r)])
    book.save(path)
    return path


def plain(*cells: object) -> tuple[object, ...]:
    """Cells with every missing value (NA, NaN, None) as None, so tuples compare."""
    return tuple(None if pd.isna(c) else c for c in cells)  # type: ignore[call-overload]


def problems(report: reasons.ImportReport) -> list[str]:
    return [str(p) for p in report.problems]


# -- citizenship: every free-text quirk of Category ------------------------------------------------

CITIZENSHIPS = [
    row("ESP", "Alemania", "12"),  # 2 Spanish name
    row("ESP", "DESCONOCIDA", "<5"),  # 3 unknown, in Spanish
    row("FRA", "Bresil", "7"),  # 4 French name without its accent
    row("ITA", "Albanian", "1,282"),  # 5 an adjective, a thousands comma
    row("FRA", "3 maliens", "9"),  # 6 a count inside the name
    row("ESP", "UKRAINE", "31"),  # 7 all capitals
    row("FRA", "C\ufffdte d'Ivoire", "6"),  # 8 U+FFFD
    row("FRA", "Br\u00c3\u00a9sil", "<5", year="2019"),  # 9 "Ã©" mojibake
    row("ESP", "0", "8"),  # 10
    row("ESP", "TOTAL POR AÑO", "140"),  # 11
    row("ITA", "Abroad", "15"),  # 12
    row("ITA", "Nationals", "22"),  # 13 the reporting country's own
    row("FRA", "M49 Region: Africa", "11"),  # 14
    row("ITA", "European Economic Area", "<5"),  # 15
    row("ITA", "EU-28 others", "6"),  # 16
    row("ITA", "Former Yugoslavia", "5"),  # 17
    row("ITA", "Disputed", "<5"),  # 18
    row("ESP", "", "9"),  # 19 empty Category
    row("ESP", "España", "17"),  # 20 the country naming itself
    row("ESP", "Xyzland", "3"),  # 21
    row("ESP", "Congolese", "4"),  # 22 two countries' demonym
    row("ESP", "Alemania", "9", sex="Female"),  # 23 a breakdown of a route
    row("ESP", "Alemania", "<5", age="Unknown"),  # 24
    row("ESP", "Alemania", "3", indicator="Persons convicted"),  # 25 offenders, not victims
    row("ESP", "Mali", "5", dimension="by country of repatriation"),  # 26
    row("ESP", "Inconnu(e)", "<5"),  # 27 unknown, in French: the same route as row 3
    row("ITA", "Sconosciuta", "<5"),  # 28 unknown, in Italian
]


def test_citizenship_rows_become_routes_with_every_quirk_reported(tmp_path: Path) -> None:
    _, imported, report = read_file(write_csv(tmp_path / "data_glotip.csv", CITIZENSHIPS))
    assert report.balanced
    assert (report.rows_read, report.used) == (27, 17)
    assert report.merged == Counter({SAME_ROUTE: 1})  # DESCONOCIDA and Inconnu(e) in one country
    assert report.set_aside == Counter(
        {
            NO_CITIZENSHIP: 2,
            TOTAL_NOT_CITIZENSHIP: 1,
            reasons.UNKNOWN_COUNTRY: 2,
            CITIZENSHIP_BREAKDOWN: 2,
            NOT_VICTIMS: 1,
            REPATRIATION: 1,
        }
    )
    lines = problems(report)
    f = "data_glotip.csv"
    for line in [
        f"{f}:2: Category: 'Alemania' read as Germany (name (es))",
        f"{f}:3: Category: 'DESCONOCIDA' read as Unknown (extra spelling (es))",
        f"{f}:4: Category: 'Bresil' read as Brazil (name (fr))",
        f"{f}:5: Category: 'Albanian' read as Albania (extra spelling (en))",
        f"{f}:6: Category: '3 maliens' read as Mali (extra spelling (fr) (count in the name dropped))",
        f"{f}:8: Category: 'C\ufffdte d'Ivoire' read as Côte d'Ivoire "
        "(name (an unreadable character matched as a wildcard))",
        f"{f}:9: Category: 'Br\u00c3\u00a9sil' read as Brazil (name (fr) after repairing the encoding)",
        f"{f}:10: Category: '0' names no citizenship",
        f"{f}:11: Category: 'TOTAL POR AÑO' is a total, not a citizenship",
        f"{f}:19: Category: Category is empty: no citizenship given",
        f"{f}:20: Category: 'España' read as Spain (name (es))",
        f"{f}:21: Category: 'Xyzland' is not a country the atlas knows",
        f"{f}:22: Category: 'Congolese' names more than one country; not read",
        f"{f}:23: Sex: Sex 'Female', Age 'Total': a breakdown of a route, not drawn (the Total row is)",
        f"{f}:24: Age: Sex 'Total', Age 'Unknown': a breakdown of a route, not drawn (the Total row is)",
        f"{f}:25: Indicator: 'Persons convicted' by citizenship is not a count of victims, so not a route",
        f"{f}:26: Dimension: figures by country of repatriation are not read yet",
    ]:
        assert line in lines
    # Plain English names and codes need no checking; the others are each listed once.
    assert not any(":7: " in line for line in lines)
    assert not any(":14: " in line for line in lines)  # an M49 region by its English name
    assert any("internal trafficking" in note for note in report.notes)

    routes = imported.routes
    assert routes is not None
    got = {
        r.route_id: plain(r.origin_iso3, r.origin_label, r.destination_iso3, r.count, r.suppressed, r.suppressed_below)
        for r in routes.itertuples()
    }
    na = None
    assert got["deu-esp-2018"] == ("DEU", na, "ESP", 12, "false", na)
    assert got["unknown-esp-2018"] == (na, "Unknown", "ESP", na, "true", 10)  # two "<5": below 10
    assert got["unknown-ita-2018"][3:] == (na, "true", 5)  # "<5": never 0, never 5
    assert got["alb-ita-2018"][3] == 1282
    assert got["mli-fra-2018"][3] == 9
    assert got["bra-fra-2019"][4:] == ("true", 5)
    assert got["ita-ita-2018"][:3] == ("ITA", na, "ITA")  # Nationals: internal
    assert got["esp-esp-2018"][:3] == ("ESP", na, "ESP")  # the country naming itself
    assert got["abroad-ita-2018"][:2] == (na, "Abroad")
    assert got["africa-m49-region-fra-2018"][:2] == (na, "Africa (M49 region)")
    assert got["disputed-territory-no-country-given-ita-2018"][1] == "Disputed territory (no country given)"
    assert set(routes["form"]) == {"form-not-given"}
    assert (routes["year_start"] == routes["reported_year"]).all()
    assert routes["route_id"].is_unique


def test_imported_tables_pass_the_atlas_schemas(tmp_path: Path) -> None:
    rows = CITIZENSHIPS + FIGURES
    _, imported, _ = read_file(write_csv(tmp_path / "data_glotip.csv", rows))
    ref = Reference(sources=None)
    for name, frame in imported.tables().items():
        frame = frame.assign(source="glotip-test")
        schema = {"catalogue": catalogue_schema, "indicators": indicators_schema, "routes": routes_schema}[name]
        schema(ref).validate(frame)


# -- the detecting country, values and years --------------------------------------------------------

FIGURES = [
    row("ESP", "Total", "250", dimension="Total"),  # 2
    row("ESP", "Total", "140", dimension="Total", sex="Female"),  # 3
    row("ESP", "Total", "<5", dimension="Total", sex="Other"),  # 4
    row("ESP", "Total", "6", dimension="Total", sex="Unknown"),  # 5
    row("ESP", "Total", "7", dimension="Total", age="Unknown"),  # 6
    row("ESP", "Total", "30", dimension="Total", sex="Male", age="Minors"),  # 7
    row("ESP", "Sexual exploitation", "90", dimension="by form of exploitation"),  # 8
    row("ESP", "Total", "40", dimension="Total", indicator="Persons convicted"),  # 9
    row("ESP", "Total", "3", dimension="Total", indicator="Offences of trafficking in persons"),  # 10
    row("SAM", "Total", "400", dimension="Total", country=""),  # 11 regional aggregate
    row("CAR", "Total", "90", dimension="Total", country=""),  # 12
    row("Aruba/Curacao", "Total", "8", dimension="Total", country=""),  # 13
    row("", "Total", "<5", dimension="Total", country="Sark"),  # 14
    row("", "Total", "21", dimension="Total", country="Namibia"),  # 15 no code, a known name
    row("NA", "Total", "33", dimension="Total", year="2017"),  # 16 Namibia's alpha-2
    row("ESP", "Total", "", dimension="Total", year="2016"),  # 17
    row("ESP", "Total", "many", dimension="Total", year="2015"),  # 18
    row("ESP", "Total", "-4", dimension="Total", year="2014"),  # 19
    row("ESP", "Total", "2.5", dimension="Total", year="2013"),  # 20
    row("ESP", "Total", "5", dimension="Total", year="20x8"),  # 21
    row("ESP", "Total", "5", dimension="Total", year="1900"),  # 22
    row("ESP", "Total", "11", dimension="Total", year="2012.0"),  # 23
    row("ESP", "Total", "=cmd|' /C calc'!A0", dimension="Total", year="2011"),  # 24
    ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # 25
    row("ESP", "Total", "12", dimension="by sex of the judge"),  # 26
]


def test_figures_become_indicators_and_every_bad_cell_is_named(tmp_path: Path) -> None:
    _, imported, report = read_file(write_csv(tmp_path / "data_glotip.csv", FIGURES))
    assert report.balanced
    assert report.set_aside == Counter(
        {
            reasons.NOT_A_COUNTRY: 2,
            TWO_COUNTRIES: 1,
            reasons.UNKNOWN_COUNTRY: 1,
            reasons.NO_VALUE: 1,
            reasons.BAD_VALUE: 3,
            reasons.BAD_YEAR: 2,
            reasons.FORMULA: 1,
            reasons.EMPTY_ROW: 1,
            reasons.OUT_OF_SCOPE: 1,
        }
    )
    assert report.used == 12
    f = "data_glotip.csv"
    lines = problems(report)
    for line in [
        f"{f}:11: Iso3_code: 'SAM' is a regional aggregate, not a country",
        f"{f}:12: Iso3_code: 'CAR' is a regional aggregate, not a country",
        f"{f}:13: Iso3_code: 'Aruba/Curacao' names two countries; its figures belong to neither alone",
        f"{f}:14: Country: 'Sark' (no Iso3_code) is not a country the atlas knows",
        f"{f}:15: Country: Iso3_code is empty: 'Namibia' read as Namibia (name)",
        f"{f}:17: txtVALUE: txtVALUE is empty",
        f"{f}:18: txtVALUE: 'many' is not a count (a whole number of 0 or more, or '<N')",
        f"{f}:19: txtVALUE: '-4' is not a count (a whole number of 0 or more, or '<N')",
        f"{f}:20: txtVALUE: '2.5' is not a count (a whole number of 0 or more, or '<N')",
        f"{f}:21: Year: '20x8' is not a year from 1950 to 2035",
        f"{f}:22: Year: '1900' is not a year from 1950 to 2035",
        f"{f}:24: txtVALUE: '=cmd|' /C calc'!A0' is a spreadsheet formula, not a value",
        f"{f}:25: -: empty row",
        f"{f}:26: Dimension: Dimension 'by sex of the judge' is not one the atlas reads",
    ]:
        assert line in lines
    assert len(lines) == 14

    ind = imported.indicators
    assert ind is not None
    got = {(r.iso3, r.indicator, r.year): plain(r.value, r.suppressed, r.suppressed_below) for r in ind.itertuples()}
    na = None
    assert got[("ESP", "detected-victims", 2018)] == (250, "false", na)
    assert got[("ESP", "detected-victims-female", 2018)] == (140, "false", na)
    assert got[("ESP", "detected-victims-sex-other", 2018)] == (na, "true", 5)
    assert got[("ESP", "detected-victims-sex-unknown", 2018)][0] == 6
    assert got[("ESP", "detected-victims-age-unknown", 2018)][0] == 7
    assert got[("ESP", "detected-victims-male-minors", 2018)][0] == 30
    assert got[("ESP", "detected-victims-form-sexual-exploitation", 2018)][0] == 90
    assert got[("ESP", "persons-convicted", 2018)][0] == 40
    assert got[("ESP", "trafficking-offences", 2018)][0] == 3
    assert got[("NAM", "detected-victims", 2018)][0] == 21
    assert got[("NAM", "detected-victims", 2017)][0] == 33
    assert got[("ESP", "detected-victims", 2012)][0] == 11

    cat = imported.catalogue
    assert cat is not None
    labels = dict(zip(cat["indicator"], cat["label"], strict=True))
    assert labels["detected-victims-female"] == "Detected trafficking victims (GLOTIP): female"
    assert labels["detected-victims-male-minors"] == "Detected trafficking victims (GLOTIP): male, minors"
    assert labels["detected-victims-sex-unknown"] == "Detected trafficking victims (GLOTIP): sex unknown"
    assert labels["detected-victims-form-sexual-exploitation"] == (
        "Detected trafficking victims (GLOTIP): sexual exploitation"
    )
    units = dict(zip(cat["indicator"], cat["unit"], strict=True))
    assert units["trafficking-offences"] == "offences" and units["persons-convicted"] == "people"
    assert set(cat["colorscale"]) == {"Reds"}
    assert set(cat["indicator"]) == set(ind["indicator"])


# -- repeated keys ---------------------------------------------------------------------------------


def test_repeated_keys_are_counted_once_or_summed_by_a_stated_rule(tmp_path: Path) -> None:
    other = "Other forms of exploitation"
    rows = [
        row("ESP", "Total", "250", dimension="Total"),  # 2
        row("ESP", "Total", "250", dimension="Total"),  # 3 exact duplicate
        row("ESP", other, "7", dimension="by form of exploitation"),  # 4
        row("ESP", other, "9", dimension="by form of exploitation"),  # 5 same key, summed: 16
        row("ESP", other, "<5", dimension="by form of exploitation"),  # 6 a suppressed part
        row("ITA", other, "<5", dimension="by form of exploitation"),  # 7
        row("ITA", other, "<5", dimension="by form of exploitation", country="Italia"),  # 8 all suppressed
        row("ESP", "Alemania", "12"),  # 9
        row("ESP", "Germany", "3"),  # 10 the same route spelt otherwise
        row("ESP", "DEU", "<5"),  # 11 and again, suppressed
        row("ESP", "Mali", "<5"),  # 12
        row("ESP", "3 maliens", "<5"),  # 13 all suppressed: still suppressed, below 10
    ]
    _, imported, report = read_file(write_csv(tmp_path / "data_glotip.csv", rows))
    assert report.balanced
    assert report.used == 5
    assert report.merged == Counter({EXACT_DUPLICATE: 1, SAME_KEY: 3, SAME_ROUTE: 3})
    f = "data_glotip.csv"
    lines = problems(report)
    assert f"{f}:6: txtVALUE: '<5' is a suppressed part, not in the sum: 16 counts only the parts given as numbers" in (
        lines
    )
    assert (
        f"{f}:11: txtVALUE: '<5' is a suppressed part, not in the sum: 15 counts only the parts given as numbers"
        in (lines)
    )
    ind = imported.indicators
    assert ind is not None
    got = {(r.iso3, r.indicator): plain(r.value, r.suppressed, r.suppressed_below) for r in ind.itertuples()}
    na = None
    assert got[("ESP", "detected-victims")] == (250, "false", na)
    assert got[("ESP", "detected-victims-form-other-forms-of-exploitation")] == (16, "false", na)
    assert got[("ITA", "detected-victims-form-other-forms-of-exploitation")] == (na, "true", 10)
    routes = imported.routes
    assert routes is not None
    by_id = routes.set_index("route_id")
    assert by_id.loc["deu-esp-2018", "count"] == 15
    assert "suppressed part" in by_id.loc["deu-esp-2018", "count_note"]
    assert by_id.loc["mli-esp-2018", "suppressed"] == "true"
    assert by_id.loc["mli-esp-2018", "suppressed_below"] == 10


def test_an_indicator_spelt_two_ways_is_one_figure(tmp_path: Path) -> None:
    rows = [row("ESP", "Total", "5", dimension="Total"), row("ESP", "Total", "6", dimension="TOTAL", sex="total")]
    _, imported, report = read_file(write_csv(tmp_path / "data_glotip.csv", rows))
    assert report.merged == Counter({SAME_FIGURE: 1}) and report.balanced
    assert imported.indicators is not None and list(imported.indicators["value"]) == [11]


# -- detection, renamed and extra columns, XLSX ----------------------------------------------------


def test_detected_without_as_from_a_csv_with_a_renamed_and_an_extra_column(tmp_path: Path) -> None:
    header = ["iso3" if c == "Iso3_code" else "VALUE" if c == "txtVALUE" else c for c in HEADER] + ["Comment"]
    rows = [r + ["checked"] for r in CITIZENSHIPS[:3]]
    importer, imported, report = read_file(write_csv(tmp_path / "glotip_2024.csv", rows, header))
    assert importer.key == "glotip"
    assert "extra columns ignored: Comment" in report.notes
    assert "columns recognised under other names: iso3 = Iso3_code, VALUE = txtVALUE" in report.notes
    assert report.used == 3 and report.balanced
    assert imported.routes is not None and len(imported.routes) == 3


def test_detected_without_as_from_the_published_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "data_glotip.xlsx", CITIZENSHIPS + FIGURES[:10])
    importer, imported, report = read_file(path)
    assert importer.key == "glotip"
    assert report.file == "data_glotip.xlsx[data_glotip_1]"
    assert report.balanced
    assert report.rows_read == len(CITIZENSHIPS) + 10
    assert "data_glotip.xlsx[data_glotip_1]:3: Category: 'DESCONOCIDA' read as Unknown (extra spelling (es))" in (
        problems(report)
    )
    assert imported.routes is not None and "deu-esp-2018" in set(imported.routes["route_id"])
    assert imported.indicators is not None and len(imported.indicators) == 9


def test_a_spelling_read_in_many_rows_is_listed_once(tmp_path: Path) -> None:
    rows = [row("ESP", "Alemania", "5", year=str(y)) for y in range(2003, 2013)]
    _, _, report = read_file(write_csv(tmp_path / "data_glotip.csv", rows))
    assert problems(report) == ["data_glotip.csv:2: Category: 'Alemania' read as Germany (name (es))"]
    assert (
        "10 citizenship cells needed an extra spelling, a repaired encoding or a non-English name "
        "(1 distinct spellings, each listed once at its first row)"
    ) in report.notes


# -- every row gets one outcome, whatever the mix ----------------------------------------------------

POOL = CITIZENSHIPS + FIGURES


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=40))
def test_every_mix_of_rows_balances(tmp_path_factory: pytest.TempPathFactory, picks: list[int]) -> None:
    path = tmp_path_factory.mktemp("mix") / "data_glotip.csv"
    _, imported, report = read_file(write_csv(path, [POOL[i] for i in picks]))
    assert report.balanced
    assert report.rows_read == len(picks)
    produced = sum(len(t) for name, t in imported.tables().items() if name != "catalogue")
    assert produced == report.used
