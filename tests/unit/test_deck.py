"""Decks of saved views: round trip, version migration, and malformed files refused with a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.deck import (
    CURRENT_VERSION,
    MAX_BYTES,
    MAX_TITLE,
    MAX_VIEWS,
    MIGRATIONS,
    SCHEMAS,
    Deck,
    DeckError,
    SavedView,
    clean_title,
    dump_deck,
    example_deck_path,
    load_deck,
    migrate_v0_to_v1,
    params_to_query,
    state_to_params,
)
from dashboard.state import Choices, ViewState, default_state

CHOICES = Choices(
    regions=["bali-process", "rcm", "igc", "western-africa", "south-eastern-asia"],
    types=["prevention", "protection", "return-reintegration"],
    forms=["sexual-exploitation", "forced-labour", "forced-begging"],
    layers=["choropleth", "roles", "routes", "programs"],
    indicator_years={"tip-tier": [2007], "population": [1997, 2002, 2007]},
    default_indicator="tip-tier",
    countries=["GHA", "IDN", "KHM", "THA"],
    selectable=["program:gha-lake-volta", "route:khm-tha-begging", "route:idn-mys-domestic"],
)


def deck_text(*views: object, version: object = 1) -> str:
    return json.dumps({"version": version, "views": list(views)})


def refused(text: str | bytes) -> str:
    with pytest.raises(DeckError) as caught:
        load_deck(text, CHOICES)
    return str(caught.value)


# --- Round trip ----------------------------------------------------------------------------------


@st.composite
def view_states(draw: st.DrawFn) -> ViewState:
    indicator = draw(st.sampled_from(sorted(CHOICES.indicator_years)))
    return ViewState(
        indicator=indicator,
        year=draw(st.sampled_from(CHOICES.indicator_years[indicator])),
        regions=tuple(draw(st.lists(st.sampled_from(CHOICES.regions), unique=True))),
        types=tuple(draw(st.lists(st.sampled_from(CHOICES.types), unique=True))),
        forms=tuple(draw(st.lists(st.sampled_from(CHOICES.forms), unique=True))),
        layers=tuple(draw(st.lists(st.sampled_from(CHOICES.layers), unique=True))),
        country=draw(st.sampled_from(["", *CHOICES.countries])),
        select=draw(st.sampled_from(["", *CHOICES.selectable])),
    )


titles = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=MAX_TITLE).filter(
    lambda text: text == text.strip() and text != ""
)


@given(st.lists(st.tuples(titles, view_states()), max_size=6))
def test_deck_round_trip(views: list[tuple[str, ViewState]]) -> None:
    deck = Deck(views=tuple(SavedView(title, state_to_params(state, CHOICES)) for title, state in views))
    loaded, notices = load_deck(dump_deck(deck), CHOICES)
    assert loaded == deck
    assert notices == []


def test_dump_is_stable_version_first_parameters_in_order() -> None:
    deck = Deck(views=(SavedView("Lake Volta", {"select": "program:gha-lake-volta", "region": "western-africa"}),))
    text = dump_deck(deck)
    assert text == (
        "{\n"
        '  "version": 1,\n'
        '  "views": [\n'
        "    {\n"
        '      "title": "Lake Volta",\n'
        '      "state": {\n'
        '        "region": "western-africa",\n'
        '        "select": "program:gha-lake-volta"\n'
        "      }\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )
    assert dump_deck(load_deck(text, CHOICES)[0]) == text


def test_dump_writes_only_the_current_version() -> None:
    with pytest.raises(ValueError, match="version 1 decks, not version 0"):
        dump_deck(Deck(version=0))


def test_state_params_are_the_url_parameters() -> None:
    state = ViewState("population", 2002, regions=("rcm", "bali-process"), types=("protection",), layers=())
    params = state_to_params(state, CHOICES)
    assert params == {
        "region": "bali-process~rcm",
        "type": "protection",
        "indicator": "population",
        "year": "2002",
        "layers": "none",
    }
    assert (
        params_to_query(params) == "?region=bali-process~rcm&type=protection&indicator=population&year=2002&layers=none"
    )
    assert state_to_params(default_state(CHOICES), CHOICES) == {}
    assert params_to_query({}) == ""


def test_loaded_states_are_normalised() -> None:
    text = deck_text({"title": "  Both dialogues ", "state": {"region": "rcm~bali-process", "year": "2007"}})
    deck, notices = load_deck(text, CHOICES)
    assert deck.views == (SavedView("Both dialogues", {"region": "bali-process~rcm"}),)
    assert notices == []


def test_a_view_without_state_is_the_default_view() -> None:
    deck, _ = load_deck(deck_text({"title": "The world"}), CHOICES)
    assert deck.views == (SavedView("The world", {}),)


def test_bytes_with_a_byte_order_mark_load() -> None:
    deck, _ = load_deck(b"\xef\xbb\xbf" + deck_text({"title": "RCM", "state": {"region": "rcm"}}).encode(), CHOICES)
    assert deck.views == (SavedView("RCM", {"region": "rcm"}),)


def test_former_parameter_names_are_read() -> None:
    deck, notices = load_deck(deck_text({"title": "Bali", "state": {"regions": "bali"}}), CHOICES)
    assert deck.views == (SavedView("Bali", {"region": "bali-process"}),)
    assert notices == []


# --- The example deck ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def atlas_choices() -> Choices:
    """The choices of the bundled atlas, made as dashboard/data.py makes them."""
    from dashboard.layers import REGISTRY
    from dashboard.view import make_choices, region_groups
    from geodata import load_atlas

    atlas = load_atlas()
    return make_choices(atlas, region_groups(atlas.countries), [k for k, layer in REGISTRY.items() if layer.toggleable])


def test_example_deck_loads_cleanly_against_the_bundled_data(atlas_choices: Choices) -> None:
    text = example_deck_path().read_text(encoding="utf-8")
    deck, notices = load_deck(text, atlas_choices)
    assert notices == []
    assert dump_deck(deck) == text  # the shipped file is in its canonical form
    titles = [view.title for view in deck.views]
    assert "Lake Volta: children in Ghana's fisheries" in titles
    assert "Bali Process members" in titles
    states = {view.title: view.state for view in deck.views}
    assert states["Lake Volta: children in Ghana's fisheries"]["country"] == "GHA"
    assert states["Cambodian children begging in Bangkok"]["select"] == "route:khm-tha-begging"
    assert states["IGC participants"]["region"] == "igc"


# --- Migrations ----------------------------------------------------------------------------------


def test_there_is_a_schema_per_version_and_a_migration_per_step() -> None:
    assert len(SCHEMAS) == CURRENT_VERSION + 1
    assert len(MIGRATIONS) == CURRENT_VERSION
    assert MIGRATIONS[0] is migrate_v0_to_v1


def test_version_0_prototype_deck_migrates() -> None:
    prototype = {
        "slides": [
            {"name": "RCM members", "url": "http://localhost:8050/?regions=rcm&utm_source=mail"},
            {"name": "Bali", "url": "?region=bali&region=igc&indicator=population&indicator=tip-tier"},
            {"name": "Front page", "url": "http://localhost:8050/"},
        ]
    }
    assert migrate_v0_to_v1(prototype) == {
        "version": 1,
        "views": [
            {"title": "RCM members", "state": {"region": "rcm"}},
            {"title": "Bali", "state": {"region": "bali~igc", "indicator": "tip-tier"}},
            {"title": "Front page", "state": {}},
        ],
    }
    deck, notices = load_deck(json.dumps(prototype), CHOICES)
    assert deck == Deck(
        version=1,
        views=(
            SavedView("RCM members", {"region": "rcm"}),
            SavedView("Bali", {"region": "bali-process~igc"}),
            SavedView("Front page", {}),
        ),
    )
    assert notices == []
    assert json.loads(dump_deck(deck))["version"] == 1


@pytest.mark.parametrize(
    ("slides", "message"),
    [
        (
            [{"name": "RCM", "url": "?region=rcm"}, {"name": "Lake Volta"}],
            'Slide 2 ("Lake Volta"): the url is missing.',
        ),
        ([{"name": "Lake Volta", "url": 3}], 'Slide 1 ("Lake Volta"): the url must be text, not a number.'),
        ([{"name": " ", "url": "?region=rcm"}], "Slide 1: the name is empty."),
        ([{"url": "?region=rcm"}], "Slide 1: the name is missing."),
        (["?region=rcm"], "Slide 1: not an object with a name and a url, but text."),
        ({"name": "RCM"}, 'Not a deck: "slides" must be a list, not an object.'),
    ],
)
def test_version_0_bad_slide_is_named(slides: object, message: str) -> None:
    assert refused(json.dumps({"slides": slides})) == message


# --- Malformed decks -----------------------------------------------------------------------------

MALFORMED = {
    "not JSON": (
        '{"version": 1,\n  "views": [\n    {title: "x"}]}',
        "Not a deck: the file is not JSON (line 3, column 6).",
    ),
    "empty": ("  \n", "Not a deck: the file is empty."),
    "JSON but a list": ("[1, 2]", 'Not a deck: the file holds a list, not an object with "version" and "views".'),
    "JSON but text": ('"deck"', 'Not a deck: the file holds text, not an object with "version" and "views".'),
    "no views": ('{"version": 1}', 'Not a deck: no "views" list.'),
    "an empty object": ("{}", 'Not a deck: no "views" list.'),
    "views but no version": ('{"views": []}', 'Not a deck: no "version" number.'),
    "views not a list": (
        '{"version": 1, "views": {"title": "RCM"}}',
        'Not a deck: "views" must be a list, not an object.',
    ),
    "unknown top-level field": ('{"version": 1, "views": [], "slides": []}', 'Not a deck: unknown field "slides".'),
    "a view not an object": (deck_text("RCM"), "View 1: not an object with a title and a state, but text."),
    "a view without title": (deck_text({"title": "A"}, {"state": {}}), "View 2: the title is missing."),
    "an empty title": (deck_text({"title": "   ", "state": {}}), "View 1: the title is empty."),
    "a title not text": (deck_text({"title": 7}), "View 1: the title must be text, not a number."),
    "a too-long title": (
        deck_text({"title": "x" * (MAX_TITLE + 1)}),
        "View 1: the title is longer than 120 characters.",
    ),
    "a control character in the title": (
        deck_text({"title": "RCM\u0007"}),
        "View 1: the title contains control characters.",
    ),
    "state not an object": (
        deck_text({"title": "A"}, {"title": "B"}, {"title": "RCM", "state": "?region=rcm"}),
        'View 3 ("RCM"): the state must be an object of parameters, not text.',
    ),
    "state value not a string": (
        deck_text({"title": "Lake Volta", "state": {"year": 2007}}),
        'View 1 ("Lake Volta"): the value of "year" must be text in quotes, not 2007.',
    ),
    "unknown parameter": (
        deck_text({"title": "A"}, {"title": "B"}, {"title": "RCM", "state": {"regoin": "rcm"}}),
        'View 3 ("RCM"): unknown parameter "regoin" (did you mean "region"?).',
    ),
    "unknown field in a view": (deck_text({"titel": "RCM"}), "View 1: the title is missing."),
    "unknown field beside the title": (
        deck_text({"title": "RCM", "notes": "x"}),
        'View 1 ("RCM"): unknown field "notes".',
    ),
    "version newer than supported": (
        deck_text(version=7),
        "This deck is version 7; this atlas reads decks up to version 1.",
    ),
    "version not an integer": (deck_text(version="1"), 'Not a deck: the version must be a whole number, not "1".'),
    "version a fraction": (deck_text(version=1.5), "Not a deck: the version must be a whole number, not 1.5."),
    "version negative": (deck_text(version=-1), "Not a deck: there is no deck version -1."),
    "too many views": (
        deck_text(*[{"title": f"View {i}"} for i in range(MAX_VIEWS + 1)]),
        "A deck holds at most 200 views; this one has 201.",
    ),
    "too large": (" " * MAX_BYTES + "{}", "The file is larger than 1 MB: not a deck."),
    "not UTF-8": (b'{"version": 1, "views": [{"title": "\xff"}]}', "Not a deck: the file is not UTF-8 text."),
}


@pytest.mark.parametrize(("text", "message"), list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_deck_is_refused_with_its_message(text: str | bytes, message: str) -> None:
    assert refused(text) == message


def test_deck_level_problems_are_reported_before_view_problems() -> None:
    text = json.dumps({"version": 1, "views": [{"title": ""}], "extra": 1})
    assert refused(text) == 'Not a deck: unknown field "extra".'


def test_unknown_values_are_dropped_with_a_notice_not_refused() -> None:
    text = deck_text(
        {"title": "RCM", "state": {"region": "rcm"}},
        {"title": "Atlantis", "state": {"region": "atlantis~rcm", "select": "route:nowhere"}},
    )
    deck, notices = load_deck(text, CHOICES)
    assert deck.views == (SavedView("RCM", {"region": "rcm"}), SavedView("Atlantis", {"region": "rcm"}))
    assert notices == [
        "View 2 (\"Atlantis\"): Unknown region 'atlantis' ignored.",
        "View 2 (\"Atlantis\"): Nothing called 'route:nowhere' to highlight.",
    ]


def test_clean_title_makes_a_title_a_deck_accepts() -> None:
    assert clean_title("  Lake\tVolta\n", "View 1") == "Lake Volta"
    assert clean_title(None, "View 3") == "View 3"
    assert clean_title(" \x07 ", "View 3") == "View 3"
    assert len(clean_title("x" * 500, "View 1")) == MAX_TITLE
    deck = Deck(views=(SavedView(clean_title("a\x00b" + " " * 200 + "c", "V"), {}),))
    assert load_deck(dump_deck(deck), CHOICES)[0] == deck


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
deck_like = st.fixed_dictionaries(
    {},
    optional={
        "version": st.sampled_from([0, 1, 2, "1", None]),
        "views": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "title": st.text(max_size=5) | json_values,
                    "state": st.dictionaries(st.sampled_from(["region", "year", "regoin"]), json_values),
                },
            )
            | json_values,
            max_size=3,
        ),
        "slides": st.lists(
            st.fixed_dictionaries({}, optional={"name": json_values, "url": st.text(max_size=20) | json_values}),
            max_size=3,
        ),
    },
)


@given(json_values | deck_like)
def test_any_json_either_loads_or_is_refused_with_a_message(doc: object) -> None:
    try:
        deck, _ = load_deck(json.dumps(doc), CHOICES)
    except DeckError as error:
        assert str(error).endswith(".")
    else:
        assert load_deck(dump_deck(deck), CHOICES) == (deck, [])
