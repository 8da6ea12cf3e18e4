"""The import report in Spanish, French and Indonesian: every word the importers write is the
atlas's own and translated; the data they quote (a file's name, a column's name, a cell) is not.

Real reports are made by feeding each importer malformed files (synthetic, as in the
test_import_*.py files) and shown as the dashboard shows them: ``report.lines(translate=...,
number=..., country=...)``, a refusal's problems through ``Problem.said``.
"""

from __future__ import annotations

import csv
import json
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import i18n
from geodata.importers import read_file
from geodata.importers.ctdc import COLUMNS_2024
from geodata.importers.report import ImportRefused, ImportReport
from geodata.problems import Country, Message, Problem, say
from tests.english import english_in, english_words
from tests.unit.test_import_glotip import HEADER as GLOTIP_HEADER
from tests.unit.test_import_templates import INDICATORS as TEMPLATES_INDICATORS

LANGUAGES = ("es", "fr", "id")

VICTIMS = "Detected trafficking victims"


def _glotip(
    iso3: str = "ESP",
    country: str = "Spain",
    indicator: str = VICTIMS,
    dimension: str = "by citizenship",
    category: str = "Total",
    sex: str = "Total",
    age: str = "Total",
    year: str = "2018",
    unit: str = "Counts",
    value: str = "12",
) -> list[str]:
    return [iso3, country, "Europe", "", indicator, dimension, category, sex, age, year, unit, value, "GLOTIP"]


# Synthetic GLOTIP rows, one per problem the importer reports (made-up numbers).
GLOTIP_ROWS = [
    _glotip(category="Ukraine", value="12"),
    _glotip(category="Alemania", value="7"),  # a Spanish name: read, and said how
    _glotip(category="3 maliens", value="4"),  # a French demonym with a count: read, and said how
    _glotip(iso3="ESP/FRA", country="", category="Ukraine"),  # two countries in one code
    _glotip(iso3="EUR", country="", category="Ukraine"),  # a regional aggregate
    _glotip(iso3="", country="", category="Ukraine"),  # no country at all
    _glotip(iso3="XXQ", country="Atlantis", category="Ukraine"),  # not a country
    _glotip(iso3="", country="Atlantis", category="Ukraine"),  # not a country, no code
    _glotip(iso3="ESQ", country="Spain", category="Italy"),  # a code that is not ISO: read from the name
    _glotip(iso3="", country="Spain", category="Mali"),  # no code: read from the name
    _glotip(category="Ukraine", value="lots"),  # not a count
    _glotip(category="Ukraine", value=""),  # no value
    _glotip(category="Ukraine", year="20x7"),  # not a year
    _glotip(category="Ukraine", year=""),  # no year
    _glotip(category="Ukraine", value="=cmd|x"),  # a formula
    _glotip(indicator="", category="Ukraine"),  # no indicator
    _glotip(dimension="by mood", category="Ukraine"),  # a dimension the atlas does not read
    _glotip(dimension="", category="Ukraine"),  # no dimension
    _glotip(unit="Rate per 100,000", category="Ukraine"),  # not a count
    _glotip(dimension="by country of repatriation", category="Ukraine"),
    _glotip(indicator="Persons convicted", category="Ukraine"),  # citizenship of offenders
    _glotip(category="Ukraine", sex="Female"),  # a breakdown of a route
    _glotip(category=""),  # no citizenship
    _glotip(category="Atlantis"),  # not a country
    _glotip(category="Total"),  # a total
    _glotip(category="Spain"),  # the detecting country itself: internal trafficking
    _glotip(dimension="by form of exploitation", category=""),  # no form
    _glotip(dimension="by form of exploitation", category="Total"),  # a total, not a form
    _glotip(dimension="Total", category="Total", value="30"),
    _glotip(dimension="Total", category="Total", value="30"),  # exact duplicate
    _glotip(category="Ukraine", value="12"),  # exact duplicate of the first
    _glotip(category="Ukraine", value="<5", year="2019"),
    _glotip(category="Ukraine", value="8", year="2019", sex="total"),  # same route: a suppressed part
    ["", "", "", "", "", "", "", "", "", "", "", "", ""],  # an empty row
]

# Synthetic CTDC 2024 records: (year, citizenship, CountryOfExploitation, labour, sexual, other).
CTDC_RECORDS = [
    ("2019", "UKR", "POL", "1", "0", "0"),
    ("2019", "UKR", "POL", "1", "1", "0"),  # two forms
    ("2019", "UKR", "POL", "0", "0", "0"),  # no form
    ("2019", "", "POL", "0", "1", "0"),  # unknown origin
    ("2019", "XXX", "POL", "1", "0", "0"),  # not an ISO code
    ("2019", "", "", "1", "0", "0"),  # neither end known
    ("", "UKR", "POL", "1", "0", "0"),  # no year
    ("-99", "UKR", "POL", "1", "0", "0"),  # year unknown
    ("1949", "UKR", "POL", "1", "0", "0"),  # before the atlas's years
    ("2019", "UKR", "POL", "1", "yes", "0"),  # not a flag
    ("2019", "=HYPERLINK(1)", "POL", "1", "0", "0"),  # a formula
    ("2019", "UKR", "POL", "-99", "1", "0"),  # -99 flag
    None,  # an empty row
]

TIERS_HEADER = ["name", "iso3", "year", "cowcode", "tier"]
TIERS_ROWS = [
    ["Afghanistan", "AFG", "1999", "700", "NA"],
    ["Albania", "ALB", "2001", "339", "4"],
    ["Albania", "ALB", "2004", "339", "3"],
    ["Somalia", "SOM", "2005", "520", "666"],
    ["Kosovo", "KOS", "2010", "347", "2"],
    ["Namibia", "NA", "2010", "565", "2"],
    ["Brazil", "BRA", "2003", "140", "3"],
    ["Brazil", "BRA", "2005", "140", "2"],
    ["Brazil", "BRA", "2005", "140", "3"],
    ["Brazil", "BRA", "2006", "140", "2"],
    ["Brazil", "BRA", "2006", "140", "2.0"],
    ["Chile", "CHL", "20x6", "155", "1"],
    ["Chile", "CHL", "2006", "155", "7"],
    ["Chile", "", "2007", "155", "1"],
    ["Atlantis", "", "2007", "", "1"],
    ["=HYPERLINK(1)", "CHL", "2008", "155", "1"],
    ["", "", "", "", ""],
    ["Somalia", "SOM", "2006", "520", "555"],
    ["Chad", "TCD", "2009", "483", "Special case"],
]

PROGRAMS = """\
program_id,program,types,iso3,site,lon,lat,site_precision,reported_year,people_assisted,notes,source
p-ok,Synthetic shelter,protection,GHA,Accra,-0.19,5.6,city,2020,"1,500",x,s
p-name,Synthetic outreach,Protection & assistance;prevention,Ghana,Accra,-0.19,5.6,City,2020,,,
p-unknown,Synthetic program,prevention,XXQ,Somewhere,,,country,2020,,,
p-type,Synthetic program,prevention;outreach,GHA,Accra,-0.19,5.6,city,2020,,,
p-types,Synthetic program,outreach;lobbying,GHA,Accra,-0.19,5.6,city,2020,,,
p-year,Synthetic program,prevention,GHA,Accra,-0.19,5.6,city,20x0,,,
p-lon,Synthetic program,prevention,GHA,Accra,-0.19,,city,2020,,,
p-stray,Synthetic program,prevention,GHA,Paris,2.35,48.85,city,2020,,,
p-ok,Another synthetic shelter,protection,GHA,Kumasi,-1.62,6.69,city,2020,,,
p-ok,Synthetic shelter,protection,GHA,Accra,-0.19,5.6,city,2020,1500,y,
p-formula,"=HYPERLINK(""http://x"")",prevention,GHA,Accra,-0.19,5.6,city,2020,,,
,,,,,,,,,,,
p-country,Synthetic initiative,prevention,KHM,Cambodia,,,country,2020,,,
p-region,Synthetic program,prevention,Africa,Accra,-0.19,5.6,city,1900,-3,,
p-precision,Synthetic program,prevention,GHA,Accra,-0.19,5.6,street,2020,abc,,
"""

ROUTES = """\
route_id,origin_iso3,origin_label,destination_iso3,destination_label,form,reported_year,count
r-ok,GHA,,NGA,,forced-labour,2020,12
r-region,Africa,,NGA,,forced-labour,2020,3
r-no-end,GHA,,,,forced-labour,2020,3
r-two,GHA,,NGA,,forced-labour;forced-begging,2020,3
r-slavery,GHA,,NGA,,slavery,2020,3
r-numeric,288,,NGA,,Forced labour,2020,3
r-years,GHA,,NGA,,forced-labour,2020,3.5
"""

# The templates test's indicator values, and a negative population.
INDICATORS = TEMPLATES_INDICATORS + "GHA,population,2022,-5,,,,\n"


def _write(path: Path, header: list[str] | tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _ctdc_rows() -> list[list[str]]:
    out = []
    for record in CTDC_RECORDS:
        cells = {c: "" for c in COLUMNS_2024}
        if record is not None:
            year, origin, destination, labour, sexual, other = record
            cells |= {"gender": "Woman", "ageBroad": "18--20", "yearOfRegistration": year}
            cells |= {"citizenship": origin, "CountryOfExploitation": destination}
            cells |= {"isForcedLabour": labour, "isSexualExploit": sexual, "isOtherExploit": other}
        out.append([cells[c] for c in COLUMNS_2024])
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ImportReport]:
    """One report per importer, from malformed files."""
    tmp = tmp_path_factory.mktemp("imports")
    files = {
        "glotip": _write(tmp / "glotip.csv", GLOTIP_HEADER + ["Extra"], [r + ["x"] for r in GLOTIP_ROWS]),
        "ctdc": _write(tmp / "ctdc.csv", [*COLUMNS_2024[:-1], "sectorOfSexPornography"], _ctdc_rows()),
        "tip-tiers": _write(tmp / "map_tiers.csv", TIERS_HEADER, TIERS_ROWS),
    }
    for name, text in (("programs", PROGRAMS), ("routes", ROUTES), ("indicators", INDICATORS)):
        files[name] = tmp / f"{name}.csv"
        files[name].write_text(text, encoding="utf-8")
    found = {}
    for key, path in files.items():
        importer, _imported, report = read_file(path)
        assert importer.key == key and report.balanced
        found[key] = report
    return found


def _refusals(tmp: Path) -> Iterator[Problem]:
    """The problems of files refused whole: unreadable, no layout, tier codes of both schemes, ..."""
    empty = tmp / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp / "binary.csv"
    binary.write_bytes(b"a,b\n\x00\x01\n")
    latin = tmp / "latin.csv"
    latin.write_bytes(b"a,b\n\x81\x8d\x8f\x90\x9d,1\n")
    no_header = tmp / "no-header.csv"
    no_header.write_text(",,\n1,2,3\n", encoding="utf-8")
    fake = tmp / "fake.xlsx"
    fake.write_text("iso3,year\n", encoding="utf-8")
    unknown = _write(tmp / "unknown.csv", ["colour", "size"], [["red", "1"]])
    both = _write(
        tmp / "both.csv", TIERS_HEADER, [["Chile", "CHL", "2006", "155", "2.5"], ["Peru", "PER", "2006", "135", "4"]]
    )
    threes = _write(tmp / "threes.csv", TIERS_HEADER, [["Chile", "CHL", "2006", "155", "3"]])
    for path in (empty, binary, latin, no_header, fake, unknown, both, threes, tmp / "missing.csv"):
        with pytest.raises(ImportRefused) as refused:
            read_file(path)
        yield from refused.value.problems
    with pytest.raises(ImportRefused) as refused:
        read_file(unknown, "no-such-layout")
    yield from refused.value.problems


def _data(message: str) -> list[str]:
    """The data a message quotes (its values other than the atlas's own words and numbers)."""
    if not isinstance(message, Message):
        return []
    found = []
    for _key, value in message.values:
        if isinstance(value, Message):
            found += _data(value)
        elif isinstance(value, str) and not isinstance(value, Country):
            found.append(value)
    return found


def _without(text: str, data: list[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    return text


def _texts(report: ImportReport, code: str) -> list[str]:
    """The report's lines in ``code`` with its data cut out (the file's name, columns, cells)."""
    with i18n.language(code):
        head = report.summary(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name)
        problems = [say(p.message, i18n.gettext, i18n.integer, i18n.country_name) for p in report.problems]
    data = [report.file]
    for note in report.notes:
        data += _data(note)
    head = [_without(line, data) for line in head]
    return head + [_without(text, _data(p.message)) for text, p in zip(problems, report.problems, strict=True)]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("key", ["glotip", "ctdc", "tip-tiers", "programs", "routes", "indicators"])
def test_import_reports_have_no_english_left(reports: dict[str, ImportReport], key: str, code: str) -> None:
    report = reports[key]
    assert report.problems, "the malformed file must give problems to translate"
    texts = _texts(report, code)
    assert english_in(texts, code) == []
    assert english_words(texts) == []
    english = report.lines()
    assert english == report.lines(translate=lambda s: s, number=lambda n: f"{n:,}")  # English as before
    with i18n.language(code):
        translated = report.lines(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name)
    assert len(translated) == len(english)
    assert sum(a != b for a, b in zip(translated, english, strict=True)) >= len(english) - 1


def test_refusals_have_no_english_left(tmp_path: Path) -> None:
    problems = list(_refusals(tmp_path))
    assert len(problems) >= 10
    for code in LANGUAGES:
        with i18n.language(code):
            texts = [_without(say(p.message, i18n.gettext, i18n.integer), _data(p.message)) for p in problems]
        assert english_in(texts, code) == [], code
        assert english_words(texts) == [], code


def test_translated_words_and_values(reports: dict[str, ImportReport]) -> None:
    """Actual words: the summary, a set-aside reason, a name read in another language (the country
    named by CLDR in the reader's language), numbers written the language's way."""
    glotip = reports["glotip"]
    with i18n.language("es"):
        lines = glotip.lines(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name)
    assert "filas leídas: 34" in lines
    assert any(line.endswith("'Alemania' leído como Alemania (nombre (es))") for line in lines)
    assert any("'3 maliens' leído como Mali (grafía adicional (fr) (recuento del nombre omitido))" in x for x in lines)
    assert any("nombra dos países en una sola celda" in line for line in lines)
    with i18n.language("fr"):
        lines = glotip.lines(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name)
    assert "lignes lues\u00a0: 34" in lines
    assert any("'Alemania' lu comme Allemagne (nom (es))" in line for line in lines)
    with i18n.language("id"):
        lines = reports["tip-tiers"].lines(translate=i18n.gettext, number=i18n.integer)
    assert "baris dibaca: 19" in lines
    assert any("'20x6' bukan tahun antara 1950 dan 2035" in line for line in lines)
    english = glotip.lines()
    assert any(line.endswith("'Alemania' read as Germany (name (es))") for line in english)


def test_numbers_are_written_the_languages_way() -> None:
    report = ImportReport("big.csv", "Atlas template: routes")
    report.read(12345)
    report.use(12345)
    with i18n.language("es"):
        assert report.summary(i18n.gettext, i18n.integer)[:2] == [
            "big.csv: Plantilla del atlas: rutas",
            "filas leídas: 12.345",
        ]
    with i18n.language("fr"):
        assert report.summary(i18n.gettext, i18n.integer)[1] == "lignes lues\u00a0: 12\u202f345"
    assert report.summary()[1] == "rows read: 12,345"


def test_a_stored_report_is_still_shown_translated(reports: dict[str, ImportReport]) -> None:
    """The store keeps a report as JSON (and a job may pickle it): the templates survive both."""
    report = reports["glotip"]
    for kept in (
        ImportReport.from_dict(json.loads(json.dumps(report.to_dict()))),
        pickle.loads(pickle.dumps(report)),
    ):
        assert kept.lines() == report.lines()
        with i18n.language("es"):
            assert kept.lines(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name) == (
                report.lines(translate=i18n.gettext, number=i18n.integer, country=i18n.country_name)
            )
        with i18n.language("id"):
            assert kept.to_csv(i18n.gettext, i18n.integer) == report.to_csv(i18n.gettext, i18n.integer)


def test_a_lost_placeholder_falls_back_to_english() -> None:
    message = Message("{value} is not a number", value="'x'")
    assert say(message, lambda s: "{valor} no es un número", str) == "'x' is not a number"
