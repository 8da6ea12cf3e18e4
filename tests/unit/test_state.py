"""The URL state: ``to_query``/``from_query`` on a small hand-made set of choices."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.state import Choices, ViewState, default_state, from_query, normalise, to_query
from dashboard.view import make_choices, region_groups
from geodata import load_atlas

LAYERS = ("choropleth", "roles", "routes", "programs")

CHOICES = Choices(
    regions=("bali-process", "rcm", "igc", "africa", "south-eastern-asia"),
    types=("prevention", "protection", "return-reintegration"),
    forms=("sexual-exploitation", "forced-labour", "forced-begging"),
    layers=LAYERS,
    indicator_years={"tip-tier": [2007], "population": [1997, 2002, 2007], "life-expectancy": [1952, 1997, 2002]},
    default_indicator="tip-tier",
    countries=("GHA", "IDN", "KHM", "THA"),
    selectable=("program:gha-lake-volta", "program:idn-police-hospitals", "route:khm-tha-begging"),
)
DEFAULT = default_state(CHOICES)


def parse(query):
    return from_query(query, CHOICES)


def query_of(state: ViewState) -> str:
    return to_query(state, CHOICES)


def test_the_default_state():
    assert DEFAULT == ViewState(indicator="tip-tier", year=2007, layers=LAYERS)
    assert parse("") == (DEFAULT, [])
    assert parse("?") == (DEFAULT, [])


# --- round trip -------------------------------------------------------------------------------


@st.composite
def states(draw) -> ViewState:
    """Any state the choices allow, multi-values in any order and with repeats."""
    indicator = draw(st.sampled_from(sorted(CHOICES.indicator_years)))
    return ViewState(
        indicator=indicator,
        year=draw(st.sampled_from(CHOICES.indicator_years[indicator])),
        regions=tuple(draw(st.lists(st.sampled_from(CHOICES.regions), max_size=6))),
        types=tuple(draw(st.lists(st.sampled_from(CHOICES.types), max_size=4))),
        forms=tuple(draw(st.lists(st.sampled_from(CHOICES.forms), max_size=4))),
        layers=tuple(draw(st.lists(st.sampled_from(CHOICES.layers), max_size=5))),
        country=draw(st.sampled_from(("", *CHOICES.countries))),
        select=draw(st.sampled_from(("", *CHOICES.selectable))),
    )


@settings(max_examples=300)
@given(states())
def test_round_trip(state):
    query = query_of(state)

    assert parse(query) == (normalise(state, CHOICES), [])
    # One view, one URL: the order and repeats of the values do not show in it.
    assert query_of(normalise(state, CHOICES)) == query
    # Compact: several values joined with a literal "~", never a comma or an escaped tilde.
    assert "," not in query and "%7E" not in query.upper() and "%2C" not in query.upper()


@settings(max_examples=100)
@given(states())
def test_round_trip_through_a_mapping(state):
    from urllib.parse import parse_qs

    mapping = parse_qs(query_of(state).lstrip("?"))
    assert parse(mapping) == (normalise(state, CHOICES), [])


# --- defaults left out, compact joining ------------------------------------------------------


def test_defaults_are_left_out():
    assert query_of(DEFAULT) == ""
    # The latest year of a non-default indicator is its default year too.
    assert query_of(replace(DEFAULT, indicator="population", year=2007)) == "?indicator=population"
    # All the layers, in any order, are the default layers.
    assert query_of(replace(DEFAULT, layers=tuple(reversed(LAYERS)))) == ""


def test_each_parameter_when_it_is_not_the_default():
    state = ViewState(
        indicator="life-expectancy",
        year=1997,
        regions=("rcm", "bali-process"),
        types=("protection",),
        forms=("forced-begging", "sexual-exploitation"),
        layers=("programs", "choropleth"),
        country="IDN",
        select="route:khm-tha-begging",
    )
    assert query_of(state) == (
        "?region=bali-process~rcm&type=protection&form=sexual-exploitation~forced-begging"
        "&indicator=life-expectancy&year=1997&layers=choropleth~programs&country=IDN"
        "&select=route%3Akhm-tha-begging"
    )


def test_no_layers_is_written_none_and_read_back():
    assert query_of(replace(DEFAULT, layers=())) == "?layers=none"
    assert parse("?layers=none") == (replace(DEFAULT, layers=()), [])
    assert parse("?layers=NONE") == (replace(DEFAULT, layers=()), [])


@pytest.mark.parametrize(
    "query",
    [
        "?region=rcm~bali-process",
        "?region=rcm,bali-process",
        "?region=rcm%2Cbali-process",
        "?region=rcm%7Ebali-process",
        "?region=rcm, bali-process",
        "?region=rcm&region=bali-process",
        "?region=,rcm~~bali-process,",
        "?region=rcm~bali-process~rcm",
    ],
)
def test_several_values_tilde_or_comma(query):
    assert parse(query) == (replace(DEFAULT, regions=("bali-process", "rcm")), [])


# --- junk in, defaults out --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "state", "notices"),
    [
        ("?region=atlantis", DEFAULT, ["Unknown region 'atlantis' ignored."]),
        ("?region=rcm~atlantis~mu", replace(DEFAULT, regions=("rcm",)), ["Unknown region 'atlantis', 'mu' ignored."]),
        ("?type=lobbying", DEFAULT, ["Unknown program type 'lobbying' ignored."]),
        ("?form=piracy", DEFAULT, ["Unknown form of exploitation 'piracy' ignored."]),
        ("?indicator=happiness", DEFAULT, ["Unknown indicator 'happiness': showing tip-tier."]),
        ("?year=last", DEFAULT, ["No tip-tier data for year 'last': showing 2007."]),
        ("?year=2007.0", DEFAULT, ["No tip-tier data for year '2007.0': showing 2007."]),
        ("?year=-2007", DEFAULT, ["No tip-tier data for year '-2007': showing 2007."]),
        ("?year=1997", DEFAULT, ["No tip-tier data for year '1997': showing 2007."]),
        (
            "?indicator=population&year=2003",
            replace(DEFAULT, indicator="population", year=2007),
            ["No population data for year '2003': showing 2007."],
        ),
        (
            "?indicator=happiness&year=1997",
            DEFAULT,
            ["Unknown indicator 'happiness': showing tip-tier.", "No tip-tier data for year '1997': showing 2007."],
        ),
        ("?layers=lasers~routes", replace(DEFAULT, layers=("routes",)), ["Unknown layer 'lasers' ignored."]),
        ("?country=XYZ", DEFAULT, ["Unknown country code 'XYZ': no profile opened."]),
        ("?select=program:nowhere", DEFAULT, ["Nothing called 'program:nowhere' to highlight."]),
        (
            "?region=<script>alert(1)</script>",
            DEFAULT,
            ["Unknown region '<script>alert(1)</script>' ignored."],
        ),
    ],
)
def test_junk_in_defaults_out_with_a_notice(query, state, notices):
    assert parse(query) == (state, notices)


def test_a_notice_for_each_bad_parameter():
    state, notices = parse("?region=x&type=y&form=z&indicator=w&year=v&country=u&select=t")
    assert state == DEFAULT
    assert [n.split(" ")[:2] for n in notices] == [
        ["Unknown", "region"],
        ["Unknown", "program"],
        ["Unknown", "form"],
        ["Unknown", "indicator"],
        ["No", "tip-tier"],
        ["Unknown", "country"],
        ["Nothing", "called"],
    ]


def test_repeated_single_valued_parameters_take_the_last():
    assert parse("?indicator=population&indicator=life-expectancy&year=2002&year=1997") == (
        replace(DEFAULT, indicator="life-expectancy", year=1997),
        [],
    )


def test_upper_case_values_are_understood():
    state, notices = parse("?region=RCM&type=Protection&form=FORCED-LABOUR&indicator=Population&country=idn")
    assert notices == []
    assert state == replace(
        DEFAULT,
        regions=("rcm",),
        types=("protection",),
        forms=("forced-labour",),
        indicator="population",
        country="IDN",
    )


def test_empty_values_fall_back_to_defaults():
    assert parse("?region=&type=&form=&country=&select=") == (DEFAULT, [])
    assert parse("?region=%20&type=,&form=~") == (DEFAULT, [])
    for query in ("?indicator=", "?year=", "?indicator=%20"):
        state, notices = parse(query)
        assert state == DEFAULT, query
        assert len(notices) <= 1, query


@pytest.mark.parametrize(
    "query",
    [
        "?layers=",  # an empty value: the default, as for every other parameter
        "?layers=lasers",  # nothing understood: the parameter is ignored, as its notice says
    ],
)
def test_layers_with_nothing_understood_keeps_the_default_layers(query):
    assert parse(query)[0].layers == DEFAULT.layers


LONG = {
    "region": "r" * 5000,
    "type": "t" * 5000,
    "form": "f" * 5000,
    "indicator": "i" * 5000,
    "year": "y" * 5000,
    "country": "c" * 5000,
    "select": "s" * 5000,
    "layers": "choropleth~" + "l" * 5000,
}


@pytest.mark.parametrize("name", list(LONG))
def test_very_long_values_are_cut_short_in_notices(name):
    state, notices = parse({name: [LONG[name]]})
    assert len(notices) == 1
    bad = LONG[name][-1]
    runs = re.findall(f"{bad}+", notices[0].lower())
    assert runs and max(len(run) for run in runs) <= 40
    if name == "layers":
        assert state == replace(DEFAULT, layers=("choropleth",))
    else:
        assert state == DEFAULT


@pytest.mark.parametrize("name", ["region", "type", "form", "indicator", "year", "country", "select", "layers"])
def test_script_values_are_cut_short_in_notices(name):
    payload = "<script>" + "alert(document.cookie);" * 10 + "</script>"
    _, notices = parse({name: [payload]})
    assert len(notices) == 1
    assert "</script>" not in notices[0].lower()
    quoted = re.search(r"'([^']*)'", notices[0]).group(1)
    assert len(quoted) <= 40
    assert payload.lower().startswith(quoted.lower())


@pytest.mark.parametrize("year", ["\u00b2", "2\u00b3", pytest.param("9" * 5000, id="5000-digits")])
def test_years_that_look_like_digits_do_not_raise(year):
    assert parse({"year": [year]}) == (DEFAULT, [f"No tip-tier data for year {year[:10]!r}: showing 2007."])


# --- migrations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "state"),
    [
        ("?regions=rcm~igc", replace(DEFAULT, regions=("rcm", "igc"))),
        ("?types=protection,prevention", replace(DEFAULT, types=("prevention", "protection"))),
        ("?forms=forced-labour", replace(DEFAULT, forms=("forced-labour",))),
        ("?region=bali", replace(DEFAULT, regions=("bali-process",))),
        ("?region=BALI", replace(DEFAULT, regions=("bali-process",))),
        ("?region=puebla-process", replace(DEFAULT, regions=("rcm",))),
        ("?regions=bali~igc", replace(DEFAULT, regions=("bali-process", "igc"))),
        ("?regions=bali&region=rcm", replace(DEFAULT, regions=("bali-process", "rcm"))),
    ],
)
def test_old_names_and_values_still_work(query, state):
    assert parse(query) == (state, [])


def test_a_migrated_link_is_written_in_the_new_form():
    state, _ = parse("?regions=bali&types=protection&forms=forced-labour")
    assert query_of(state) == "?region=bali-process&type=protection&form=forced-labour"


def test_a_query_given_as_a_mapping():
    mapping = {"region": ["rcm", "bali"], "type": "protection", "indicator": ("population",), "year": ["2002"]}
    assert parse(mapping) == (
        replace(DEFAULT, regions=("bali-process", "rcm"), types=("protection",), indicator="population", year=2002),
        [],
    )
    assert parse({"regions": "igc", "country": "tha"}) == (replace(DEFAULT, regions=("igc",), country="THA"), [])


# --- latent bugs ------------------------------------------------------------------------------


def test_default_layers_out_of_display_order_still_give_an_empty_query():
    choices = replace(CHOICES, default_layers=("programs", "choropleth"))
    assert to_query(default_state(choices), choices) == ""


def test_an_upper_case_program_id_survives_the_url(more):
    more.set_cell("programs.csv", 2, "program_id", "GHA-Volta")
    atlas = load_atlas(more.path)
    choices = make_choices(atlas, region_groups(atlas.countries), list(LAYERS))
    state = replace(default_state(choices), select="program:GHA-Volta")
    assert from_query(to_query(state, choices), choices) == (state, [])


def test_an_unknown_parameter_is_named_in_a_notice():
    state, notices = parse("?regoin=rcm&type=protection")
    assert state.regions == () and state.types == ("protection",)
    assert notices == ["Unknown parameter 'regoin' ignored."]


def test_parameter_names_are_read_in_any_case():
    state, notices = parse("?Region=rcm&TYPE=protection&Regions=bali")
    assert (state.regions, state.types, notices) == (("bali-process", "rcm"), ("protection",), [])


def test_datasets_round_trip_and_default_to_all():
    from dashboard.state import Choices, from_query, to_query

    choices = Choices(
        regions=["rcm"],
        types=[],
        forms=[],
        layers=["routes"],
        indicator_years={"tip-tier": [2007]},
        default_indicator="tip-tier",
        datasets=["bundled", "glotip-2022", "my-programs"],
    )
    state, notices = from_query("?datasets=my-programs~bundled", choices)
    assert state.datasets == ("bundled", "my-programs") and notices == []
    assert to_query(state, choices) == "?datasets=bundled~my-programs"
    every, _ = from_query("?datasets=bundled~glotip-2022~my-programs", choices)
    assert every.datasets == () and to_query(every, choices) == ""  # all of them is the default
    none, _ = from_query("?datasets=none", choices)
    assert none.datasets == ("none",) and to_query(none, choices) == "?datasets=none"
    unknown, notices = from_query("?datasets=gone", choices)
    assert unknown.datasets == () and notices == ["Unknown dataset 'gone' ignored."]
