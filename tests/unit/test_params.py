"""Every declared view parameter, through each form a view takes: the URL, a deck file, a cache key
and its control. The cases are made from :data:`dashboard.state.PARAMETERS`, so a new parameter
is covered as soon as it is declared."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from dashboard.deck import Deck, SavedView, dump_deck, load_deck, params_to_query, state_to_params
from dashboard.layers import REGISTRY, Layer, reading
from dashboard.state import (
    PARAMETERS,
    URL_MIGRATIONS,
    Choices,
    Multi,
    Param,
    ViewState,
    current_name,
    default_state,
    from_query,
    migrate,
    normalise,
    to_query,
)

CHOICES = Choices(
    regions=("bali-process", "rcm", "igc"),
    types=("prevention", "protection"),
    forms=("sexual-exploitation", "forced-labour"),
    layers=("choropleth", "roles", "routes", "programs"),
    indicator_years={"tip-tier": [2002, 2007], "population": [1997, 2007]},
    default_indicator="tip-tier",
    countries=("GHA", "IDN"),
    selectable=("program:gha-lake-volta", "route:khm-tha-begging"),
    datasets=("bundled", "my-programs"),
)
DEFAULT = default_state(CHOICES)


def other_states(param: Param) -> list[ViewState]:
    """States that differ from the default in ``param``'s field alone: its first allowed value
    that is not the default (two values at once, for a multi-valued one, where two are not the
    default), and its "none" where it has one."""
    allowed = list(param.allowed(CHOICES, vars(DEFAULT)))
    candidates = [tuple(allowed[1::-1]), *((v,) for v in allowed)] if param.codec.multi else allowed
    found = []
    for candidate in candidates:
        state = replace(DEFAULT, **{param.field: candidate})
        if normalise(state, CHOICES) != DEFAULT:
            found.append(normalise(state, CHOICES))
            break
    if isinstance(param.codec, Multi) and param.codec.none is not None:
        found.append(replace(DEFAULT, **{param.field: param.codec.none}))
    assert found, f"CHOICES give {param.name} no value but its default: widen them"
    return found


CASES = [
    pytest.param(param, state, id=f"{param.name}-{i}")
    for param in PARAMETERS
    for i, state in enumerate(other_states(param))
]


def test_every_field_of_the_state_is_declared_once():
    assert sorted(param.field for param in PARAMETERS) == sorted(f.name for f in fields(ViewState))
    names = [param.name for param in PARAMETERS]
    assert len(set(names)) == len(names)
    controls = [param.control for param in PARAMETERS if param.control]
    assert len(set(controls)) == len(controls)


@pytest.mark.parametrize(("param", "state"), CASES)
def test_a_parameter_round_trips_through_the_url(param, state):
    query = to_query(state, CHOICES)
    assert query.startswith(f"?{param.name}=") and "&" not in query  # only this parameter is written
    assert from_query(query, CHOICES) == (state, [])


@pytest.mark.parametrize(("param", "state"), CASES)
def test_a_parameter_round_trips_through_a_deck(param, state):
    params = state_to_params(state, CHOICES)
    assert list(params) == [param.name]
    deck = Deck(views=(SavedView("One view", params),))
    loaded, notices = load_deck(dump_deck(deck), CHOICES)
    assert (loaded, notices) == (deck, [])
    assert from_query(params_to_query(loaded.views[0].state), CHOICES) == (state, [])


@pytest.mark.parametrize(("param", "state"), CASES)
def test_a_parameter_changes_the_cache_key_of_a_layer_that_reads_it(param, state):
    probe = Layer("probe", "Probe", {}, lambda view, ctx: [], reads=(param.field,), toggleable=False)
    readers = [probe, *(layer for layer in REGISTRY.values() if param.field in layer.reads)]
    for layer in readers:
        if layer.toggleable and layer.key not in state.layers:
            continue  # switched off in this state: its key says only that
        assert reading(layer, state) != reading(layer, DEFAULT), layer.key
        assert reading(layer, state) == reading(layer, replace(state)), layer.key
    # The view's own cache key is its query.
    assert to_query(state, CHOICES) != to_query(DEFAULT, CHOICES)


@pytest.mark.parametrize(("param", "state"), [case for case in CASES if case.values[0].control])
def test_a_control_shows_the_state_it_makes(param, state):
    value = getattr(state, param.field)
    shown = param.codec.to_control(value, param.allowed(CHOICES, vars(state)))
    assert from_query({param.name: param.codec.from_control(shown)}, CHOICES) == (state, [])
    # A control with no value (not on the page) leaves the default.
    assert from_query({param.name: param.codec.from_control(None)}, CHOICES) == (DEFAULT, [])


# --- URL migrations ---------------------------------------------------------------------------


def test_migrations_apply_in_order_and_leave_their_input_alone():
    query = {"regions": ["bali"], "region": ["igc"], "Type": ["x"]}
    assert migrate(query) == {"region": ["igc", "bali-process"], "Type": ["x"]}
    assert query == {"regions": ["bali"], "region": ["igc"], "Type": ["x"]}
    # The value migration runs after the rename, so an old name with an old value is read too.
    assert URL_MIGRATIONS[-1]({"region": ["bali"]}) == {"region": ["bali-process"]}


def test_current_names_follow_the_renames():
    assert [current_name(name) for name in ("region", "regions", "types", "forms", "regoin")] == [
        "region",
        "region",
        "type",
        "form",
        None,
    ]


def test_a_change_of_meaning_can_be_a_migration(monkeypatch):
    # A migration sees the whole query: here "year=latest" (say, from an older atlas) becomes no year.
    def latest_is_the_default(params):
        return {k: v for k, v in params.items() if not (k == "year" and v == ["latest"])}

    monkeypatch.setattr("dashboard.state.URL_MIGRATIONS", (*URL_MIGRATIONS, latest_is_the_default))
    assert from_query("?year=latest&indicator=population", CHOICES) == (replace(DEFAULT, indicator="population"), [])


def test_a_control_is_set_only_where_it_shows_another_value():
    from dash import no_update

    from dashboard.callbacks.view import control_values

    state = replace(DEFAULT, regions=("bali-process", "rcm"), year=2002, country="GHA", datasets=("none",))
    shown = {"region": ["rcm", "bali-process"], "year": 2007, "country": None, "datasets": [], "layers": None}
    values = control_values(state, shown, CHOICES)
    assert list(values) == [param.name for param in PARAMETERS if param.control]
    # The regions in the user's order stay; the year and country the state changed are set.
    assert values["region"] is no_update and values["datasets"] is no_update
    assert (values["year"], values["country"]) == (2002, "GHA")
    assert values["layers"] == list(CHOICES.layers) and values["indicator"] == "tip-tier"
