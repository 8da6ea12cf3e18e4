"""Country profiles, the year fallback, and the URL state of a profile (country=, year=, select=)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.layers import facts_of
from dashboard.layers.choropleth import region_medians
from dashboard.profile import country_profile
from dashboard.state import ViewState, from_query, to_query
from dashboard.view import build_view, make_choices, program_positions, region_groups
from geodata import load_atlas


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def choices(atlas):
    return make_choices(atlas, region_groups(atlas.countries), ["choropleth", "roles", "routes", "programs"])


def test_indonesia_profile(atlas):
    profile = country_profile(atlas, "IDN", 2007, threshold=11)
    assert profile.name == "Indonesia"
    assert profile.region == "South-eastern Asia, Asia"
    assert profile.memberships == ("Bali Process members (as of 2023)",)
    assert [p.program_id for p in profile.programs] == ["idn-police-hospitals", "initiative-50m-idn"]
    assert profile.programs[0].figures == ("People assisted: 1,300",)
    assert {(r.direction, r.partner, r.form) for r in profile.routes} == {
        ("to", "Malaysia", "Forced labour"),
        ("to", "Malaysia", "Sexual exploitation"),
    }
    tier = next(r for r in profile.readings if r.indicator == "tip-tier")
    assert (tier.text, tier.year, tier.fallback) == ("Tier 2", 2007, False)
    life = next(r for r in profile.readings if r.indicator == "life-expectancy")
    assert life.text == "70.7 years" and life.series[0] == (1952, 37.468)
    assert len(life.series) == 12


def test_profile_suppresses_small_counts(atlas):
    usa = country_profile(atlas, "USA", 2007, threshold=11)
    figures = usa.programs[0].figures
    assert figures == ("Reunited with family: 62", "Returned home: fewer than 11")
    assert not any(" 5" in f for f in figures)


def test_profile_of_a_destination_and_an_unranked_country(atlas):
    argentina = country_profile(atlas, "ARG", 2007, threshold=11)
    assert [(r.direction, r.partner) for r in argentina.routes] == [("from", "Dominican Republic")]
    assert argentina.programs == ()
    korea = country_profile(atlas, "KOR", 2007, threshold=11)
    assert next(r for r in korea.readings if r.indicator == "tip-tier").text == "Not ranked in source"


def test_profile_before_any_data_says_no_data(atlas):
    ghana = country_profile(atlas, "GHA", 1950, threshold=11)
    assert {r.text for r in ghana.readings} == {"no data"}


def test_year_fallback_uses_the_latest_earlier_year(atlas, choices):
    # Gapminder has 5-year steps: a year between them is not offered, but the loader can hold
    # uneven years; drop PRK's 2007 row to see the fallback at work.
    indicators = atlas.indicators[~((atlas.indicators["iso3"] == "PRK") & (atlas.indicators["year"] == 2007))]
    thinner = type(atlas)(**{**atlas.__dict__, "indicators": indicators})
    state, _ = from_query("?indicator=life-expectancy&year=2007", choices)
    values = build_view(thinner, state, {}).indicator.set_index("iso3")
    assert values.loc["PRK", "year"] == 2002 and bool(values.loc["PRK", "fallback"])
    assert values.loc["IDN", "year"] == 2007 and not bool(values.loc["IDN", "fallback"])


def test_programs_show_in_the_years_they_ran():
    table = pd.DataFrame({"year_start": [2005, None, 1999], "year_end": [None, None, 2003]}, dtype="Int64")
    # Rows that ran in a year: started by then and not ended before; unknown years hide nothing.
    assert program_positions(table, ViewState("tip-tier", 2007), None).tolist() == [0, 1]
    assert program_positions(table, ViewState("tip-tier", 2001), None).tolist() == [1, 2]


def test_programs_before_2005_leave_out_the_us_program(atlas, choices):
    state, _ = from_query("?indicator=life-expectancy&year=2002", choices)
    view = build_view(atlas, state, region_groups(atlas.countries))
    assert "usa-return-reunification" not in set(view.programs["program_id"])
    assert "gha-lake-volta" in set(view.programs["program_id"])  # years unknown: never hidden


def test_url_state_round_trip_with_country_year_and_selection(choices):
    state, notices = from_query("?country=idn&indicator=population&year=1992&select=program:gha-lake-volta", choices)
    assert notices == []
    assert (state.country, state.indicator, state.year, state.select) == (
        "IDN",
        "population",
        1992,
        "program:gha-lake-volta",
    )
    query = to_query(state, choices)
    assert "country=IDN" in query and "year=1992" in query
    assert from_query(query, choices) == (state, [])


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?country=XXX", "Unknown country code 'XXX': no profile opened."),
        ("?country=<script>", "Unknown country code '<SCRIPT>': no profile opened."),
        ("?select=program:nowhere", "Nothing called 'program:nowhere' to highlight."),
        ("?indicator=population&year=1953", "No population data for year '1953': showing 2007."),
    ],
)
def test_url_state_junk_in_defaults_out(choices, query, notice):
    state, notices = from_query(query, choices)
    assert notices == [notice]
    assert state.country == "" and state.select == ""


def test_region_median_in_the_hover(atlas):
    medians = region_medians(atlas, facts_of(atlas, 11))
    assert medians[("GHA", "tip-tier", 2007)].startswith("Median of Western Africa: Tier 2 (")
    text = medians[("GHA", "life-expectancy", 2007)]
    assert text.startswith("Median of Western Africa: ") and text.endswith(" countries)")
