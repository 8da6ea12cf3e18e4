"""Every kind of problem the loader reports, one broken copy of the tiny data directory each.

Each test asserts the complete list of ``file:row: column: message`` lines, so a check that
disappears, or one that starts blaming the wrong cell, fails the test. Rows count as a
spreadsheet does: the header is row 1, the first record row 2.

"""

from __future__ import annotations

import pytest

from geodata import DataError, load_atlas

# The tiny fixture's rows, for reading the expectations below.
# countries.csv:  2 GHA, 3 IDN, 4 KHM, 5 THA
# indicators.csv: 2-5 tip-tier GHA/IDN/KHM/THA, 6 population GHA, 7 population IDN (suppressed)
# routes.csv:     2 khm-tha-begging, 3 asia-sea-fishing
# programs.csv:   2 gha-lake-volta (Yeji), 3 idn-police-hospitals, 4 tha-bali-process, 5 initiative-50m-khm (no site)

CIV_AS_GHA = "GHA,384,Côte d'Ivoire,Africa,Western Africa,-5.55,7.63,,,,natural-earth"


def problems(directory) -> list[str]:
    """The problems that loading ``directory`` reports, as printed."""
    with pytest.raises(DataError) as raised:
        load_atlas(directory)
    return [str(p) for p in raised.value.problems]


# --- unknown ISO codes --------------------------------------------------------------------------


def test_unknown_iso_code_in_programs(tiny):
    assert problems(tiny.set_cell("programs.csv", 5, "iso3", "XXX")) == [
        "programs.csv:5: iso3: unknown ISO 3166 alpha-3 code ('XXX')"
    ]


def test_unknown_iso_code_in_routes(tiny):
    # MYS is a real ISO code, but not in this countries.csv: the table, not ISO, is the reference.
    assert problems(tiny.set_cell("routes.csv", 2, "origin_iso3", "MYS")) == [
        "routes.csv:2: origin_iso3: unknown ISO 3166 alpha-3 code ('MYS')"
    ]


def test_unknown_iso_code_in_indicators(tiny):
    assert problems(tiny.set_cell("indicators.csv", 3, "iso3", "ZZZ")) == [
        "indicators.csv:3: iso3: unknown ISO 3166 alpha-3 code ('ZZZ')"
    ]


def test_country_code_must_be_iso_3166(tiny):
    assert problems(tiny.set_cell("countries.csv", 2, "iso3", "GHX")) == [
        "countries.csv:2: iso3: not an ISO 3166-1 alpha-3 code ('GHX')",
        # GHA is gone from the reference, so the rows that name it are reported too.
        "indicators.csv:2: iso3: unknown ISO 3166 alpha-3 code ('GHA')",
        "indicators.csv:6: iso3: unknown ISO 3166 alpha-3 code ('GHA')",
        "programs.csv:2: iso3: unknown ISO 3166 alpha-3 code ('GHA')",
    ]


# --- duplicate keys -----------------------------------------------------------------------------


def test_duplicate_country(tiny):
    # Côte d'Ivoire typed in as GHA: both rows holding the key are reported.
    assert problems(tiny.set_line("countries.csv", 6, CIV_AS_GHA)) == [
        "countries.csv:2: iso3: duplicate key 'GHA'",
        "countries.csv:6: iso3: duplicate key 'GHA'",
    ]


def test_duplicate_indicator_value(tiny):
    assert problems(tiny.set_cell("indicators.csv", 3, "iso3", "GHA")) == [
        "indicators.csv:2: iso3/indicator/year: duplicate key (GHA, tip-tier, 2007)",
        "indicators.csv:3: iso3/indicator/year: duplicate key (GHA, tip-tier, 2007)",
    ]


def test_duplicate_program_id(tiny):
    assert problems(tiny.set_cell("programs.csv", 3, "program_id", "gha-lake-volta")) == [
        "programs.csv:2: program_id: duplicate key 'gha-lake-volta'",
        "programs.csv:3: program_id: duplicate key 'gha-lake-volta'",
    ]


def test_duplicate_country_that_a_route_names_is_reported_not_a_crash(tiny):
    # THA is a route destination; its row copied with another numeric code crashes the label-point check.
    tiny.set_line("countries.csv", 6, "THA,418,Laos,Asia,South-eastern Asia,103.76,18.44,2023,,,natural-earth")
    assert problems(tiny.path) == [
        "countries.csv:5: iso3: duplicate key 'THA'",
        "countries.csv:6: iso3: duplicate key 'THA'",
    ]


def test_country_row_pasted_twice_is_reported_not_a_crash(tiny):
    tiny.set_line("countries.csv", 6, "GHA,288,Ghana,Africa,Western Africa,-1.22,7.95,,,,natural-earth")
    assert problems(tiny.path) == [
        "countries.csv:2: iso3: duplicate key 'GHA'",
        "countries.csv:6: iso3: duplicate key 'GHA'",
    ]


# --- coordinates --------------------------------------------------------------------------------
# Range messages show numpy's repr of the value, e.g. "(200.0)"; see the report.


def test_longitude_out_of_range(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "lon", "200")) == [
        "programs.csv:2: lon: longitude outside [-180, 180] (200.0)",
    ]


def test_latitude_out_of_range(tiny):
    assert problems(tiny.set_cell("countries.csv", 2, "label_lat", "-95")) == [
        "countries.csv:2: label_lat: latitude outside [-90, 90] (-95.0)"
    ]


def test_program_site_outside_its_country(tiny):
    # Yeji moved from 8.2 N to 48 N: in the Atlantic off France, far from Ghana.
    assert problems(tiny.set_cell("programs.csv", 2, "lat", "48")) == [
        "programs.csv:2: lon/lat: site (48.0, -0.65) is not in GHA: it falls in no country, 4084 km from GHA"
    ]


def test_program_site_in_another_country_names_it(tiny):
    tiny.set_cell("programs.csv", 2, "lon", "100.502")
    tiny.set_cell("programs.csv", 2, "lat", "13.756")
    assert problems(tiny.path) == [
        "programs.csv:2: lon/lat: site (13.756, 100.502) is not in GHA: it falls in THA, 10856 km from GHA"
    ]


def test_program_site_just_outside_the_coast_is_tolerated(tiny):
    # Off Accra, about 5 km outside Ghana's 1:50m outline: within the 25 km the coarse coast is allowed.
    tiny.set_cell("programs.csv", 2, "lon", "-0.19")
    tiny.set_cell("programs.csv", 2, "lat", "5.50")
    assert load_atlas(tiny.path).programs.loc[2, "map_lat"] == 5.5


def test_longitude_without_latitude(tiny):
    assert problems(tiny.set_cell("programs.csv", 3, "lat", "")) == [
        "programs.csv:3: lat: give both lon and lat, or neither"
    ]


def test_site_without_coordinates_must_be_country_precision(tiny):
    tiny.set_cell("programs.csv", 3, "lon", "")
    tiny.set_cell("programs.csv", 3, "lat", "")
    assert problems(tiny.path) == ["programs.csv:3: lon: only a country-precision site may leave its coordinates empty"]


def test_country_drawn_without_label_point(tiny):
    tiny.set_cell("countries.csv", 4, "label_lon", "")
    tiny.set_cell("countries.csv", 4, "label_lat", "")
    assert problems(tiny.path) == [
        "programs.csv:5: iso3: KHM has no label point to draw it at",
        "routes.csv:2: origin_iso3: KHM has no label point to draw it at",
    ]


# --- years --------------------------------------------------------------------------------------


def test_year_too_early(tiny):
    assert problems(tiny.set_cell("routes.csv", 2, "reported_year", "1800")) == [
        "routes.csv:2: reported_year: year outside 1950-2035 (1800)"
    ]


def test_year_too_late(tiny):
    assert problems(tiny.set_cell("indicators.csv", 2, "year", "2099")) == [
        "indicators.csv:2: year: year outside 1950-2035 (2099)"
    ]


def test_year_end_before_year_start(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "year_end", "2001")) == [
        "programs.csv:2: year_end: year_end is before year_start"
    ]


# --- types --------------------------------------------------------------------------------------


def test_year_that_is_not_a_number(tiny):
    assert problems(tiny.set_cell("indicators.csv", 2, "year", "abc")) == [
        "indicators.csv:2: year: 'abc' is not a whole number"
    ]


def test_count_that_is_not_an_integer(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "people_assisted", "12.5")) == [
        "programs.csv:2: people_assisted: '12.5' is not a whole number"
    ]


def test_negative_count(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "people_assisted", "-3")) == [
        "programs.csv:2: people_assisted: a count cannot be negative (-3)"
    ]


def test_longitude_that_is_not_a_number(tiny):
    found = problems(tiny.set_cell("programs.csv", 2, "lon", "east"))
    assert "programs.csv:2: lon: 'east' is not a number" in found
    assert all(line.startswith("programs.csv:2: ") for line in found)


def test_longitude_that_is_not_a_number_is_reported_once(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "lon", "east")) == ["programs.csv:2: lon: 'east' is not a number"]


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_count_too_large_for_an_integer_is_reported_not_a_crash(tiny):
    found = problems(tiny.set_cell("programs.csv", 2, "funding_usd", "99999999999999999999"))
    assert [line for line in found if line.startswith("programs.csv:2: funding_usd: ")]


# --- vocabularies -------------------------------------------------------------------------------


def test_program_type_outside_vocabulary(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "types", "prevention;rescue")) == [
        "programs.csv:2: types: unknown program type (not in the vocabulary) ('prevention;rescue')"
    ]


def test_form_of_exploitation_outside_vocabulary(tiny):
    assert problems(tiny.set_cell("routes.csv", 2, "form", "begging")) == [
        "routes.csv:2: form: form of exploitation not in the vocabulary ('begging')"
    ]


def test_site_precision_outside_vocabulary(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "site_precision", "village")) == [
        "programs.csv:2: site_precision: site precision not in the vocabulary ('village')"
    ]


def test_tip_category_not_in_catalogue(tiny):
    assert problems(tiny.set_cell("indicators.csv", 2, "category", "tier-4")) == [
        "indicators.csv:2: category: category missing or not in the indicator's categories"
    ]


def test_continuous_indicator_needs_a_value_unless_suppressed(tiny):
    assert problems(tiny.set_cell("indicators.csv", 7, "suppressed", "false")) == [
        "indicators.csv:7: value: a continuous indicator needs a value (or suppressed = true)"
    ]


def test_indicator_not_in_catalogue(tiny):
    assert problems(tiny.set_cell("indicators.csv", 6, "indicator", "gdp-per-capita")) == [
        "indicators.csv:6: indicator: indicator not in indicator_catalogue.csv ('gdp-per-capita')"
    ]


# --- sources ------------------------------------------------------------------------------------


def test_missing_source(tiny):
    assert problems(tiny.set_cell("programs.csv", 2, "source", "")) == ["programs.csv:2: source: value is missing"]


def test_source_not_in_sources(tiny):
    assert problems(tiny.set_cell("routes.csv", 3, "source", "prm-2007;unodc-2009")) == [
        "routes.csv:3: source: unknown source (not in sources.csv) ('prm-2007;unodc-2009')"
    ]


# --- files, columns and lines -------------------------------------------------------------------


def test_missing_file(tiny):
    assert problems(tiny.remove("routes.csv")) == ["routes.csv:0: -: file is missing"]


def test_missing_boundaries(tiny):
    assert problems(tiny.remove("boundaries/countries-50m.json")) == [
        "boundaries/countries-50m.json:0: -: file is missing"
    ]


def test_missing_column(tiny):
    assert problems(tiny.drop_column("figures.csv", "scope")) == ["figures.csv:1: scope: required column is missing"]


def test_unexpected_column(tiny):
    tiny.set_line("figures.csv", 1, "figure_id,label,value,unit,qualifier,scope,source,notes")
    tiny.set_line("figures.csv", 2, "people-trafficked-per-year,People trafficked,800000,people,,,prm-2007,")
    assert problems(tiny.path) == ["figures.csv:1: notes: unexpected column"]


def test_misspelt_column(tiny):
    assert problems(tiny.set_cell("programs.csv", 1, "partner", "partners")) == [
        "programs.csv:1: partner: required column is missing",
        "programs.csv:1: partners: unexpected column",
    ]


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("programs.csv", "lat"),
        ("routes.csv", "origin_iso3"),
        ("countries.csv", "iso_numeric"),
        ("sources.csv", "source_id"),
        ("indicator_catalogue.csv", "categories"),
    ],
)
def test_missing_column_the_loader_reads_is_reported_not_a_crash(tiny, file, column):
    assert f"{file}:1: {column}: required column is missing" in problems(tiny.drop_column(file, column))


def test_row_with_wrong_number_of_fields(tiny):
    assert problems(tiny.set_line("routes.csv", 3, "asia-sea-fishing,,Asia,,at sea,forced-labour")) == [
        "routes.csv:3: -: expected 14 fields, found 6"
    ]


# --- everything at once -------------------------------------------------------------------------


def test_problems_in_several_files_are_all_reported_together(tiny):
    tiny.set_cell("programs.csv", 2, "lat", "48")
    tiny.set_cell("routes.csv", 2, "form", "begging")
    tiny.set_cell("indicators.csv", 2, "year", "2099")
    tiny.set_cell("figures.csv", 2, "source", "")
    tiny.set_line("countries.csv", 6, "THA,764,Thailand")
    assert problems(tiny.path) == [
        "countries.csv:6: -: expected 11 fields, found 3",
        "figures.csv:2: source: value is missing",
        "indicators.csv:2: year: year outside 1950-2035 (2099)",
        "programs.csv:2: lon/lat: site (48.0, -0.65) is not in GHA: it falls in no country, 4084 km from GHA",
        "routes.csv:2: form: form of exploitation not in the vocabulary ('begging')",
    ]


def test_a_missing_routes_file_does_not_hide_a_misplaced_site(tiny):
    tiny.remove("routes.csv")
    tiny.set_cell("programs.csv", 2, "lat", "48")
    assert problems(tiny.path) == [
        "programs.csv:2: lon/lat: site (48.0, -0.65) is not in GHA: it falls in no country, 4084 km from GHA",
        "routes.csv:0: -: file is missing",
    ]


def test_site_in_a_country_without_programs_names_that_country(tiny):
    # Abidjan, Côte d'Ivoire: CIV has no program, so its outline is never read.
    tiny.set_line("countries.csv", 6, "CIV,384,Côte d'Ivoire,Africa,Western Africa,-5.55,7.63,,,,natural-earth")
    tiny.set_cell("programs.csv", 2, "lon", "-4.01")
    tiny.set_cell("programs.csv", 2, "lat", "5.33")
    assert problems(tiny.path) == [
        "programs.csv:2: lon/lat: site (5.33, -4.01) is not in GHA: it falls in CIV, 103 km from GHA"
    ]


# --- privacy ------------------------------------------------------------------------------------


def test_a_note_that_tells_a_suppressed_count_stops_the_load(tiny):
    tiny.set_cell("programs.csv", 3, "people_returned", "5")
    tiny.set_cell("programs.csv", 3, "figures_note", "five victims returned voluntarily")
    assert problems(tiny.path) == [
        "programs.csv:3: figures_note: states 'five', the count in people_returned that is shown as fewer than 11: "
        "say 'fewer than 11' or leave the number out"
    ]
