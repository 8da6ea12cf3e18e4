"""The map figure: slots, which layers a change touches, and patches that lead to the new figure."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plotly.utils import PlotlyJSONEncoder

from dashboard.figure import figure_patch, geo_window, layers_touched, make_figure, window_around
from dashboard.layers import REGISTRY, facts_of, is_on, traces_by_layer
from dashboard.palette import PROFILE_COLOUR
from dashboard.state import ViewState, default_state
from dashboard.view import build_view, make_choices, region_groups
from geodata import load_atlas

TOGGLEABLE = ["choropleth", "roles", "routes", "programs"]


def wire(value: object) -> object:
    """``value`` as the browser receives it."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def apply_patch(figure: dict, patch: dict) -> dict:
    """What dash-renderer does with a ``Patch`` (the operations ``figure_patch`` uses)."""
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    figure = copy.deepcopy(figure)
    for operation in patch["operations"]:
        *path, last = operation["location"]
        target = figure
        for key in path:
            target = target[key]
        name, params = operation["operation"], operation["params"]
        if name == "Assign":
            target[last] = params["value"]
        elif name == "Delete":
            del target[last]
        elif name == "Insert":
            target[last].insert(params["index"], params["value"])
        else:
            raise AssertionError(f"the applier does not know {name}")
    return figure


def test_the_applier():
    from dash import Patch

    patch = Patch()
    patch["data"] = [{"a": 1}, {"b": 2}, {"c": 3}]
    del patch["data"][1]
    patch["data"].insert(0, {"z": 0})
    patch["layout"]["geo"]["center"] = {"lon": 1}
    got = apply_patch({"data": [], "layout": {"geo": {"center": {"lon": 0}, "scale": 2}}}, wire(patch))
    assert got == {"data": [{"z": 0}, {"a": 1}, {"c": 3}], "layout": {"geo": {"center": {"lon": 1}, "scale": 2}}}


class Map:
    """An atlas with what the app reads at start-up."""

    def __init__(self, atlas):
        self.atlas = atlas
        self.groups = region_groups(atlas.countries)
        self.choices = make_choices(atlas, self.groups, TOGGLEABLE)
        self.facts = facts_of(atlas, 11)
        self.default = default_state(self.choices)

    def view(self, state: ViewState):
        return build_view(self.atlas, state, self.groups)

    def figure(self, state: ViewState):
        return make_figure(self.view(state), self.facts)


@pytest.fixture(scope="module")
def tiny_map(more_atlas) -> Map:
    return Map(more_atlas)


@pytest.fixture(scope="module")
def bundled_map() -> Map:
    return Map(load_atlas())


# --- make_figure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{}, {"regions": ("rcm",)}, {"layers": ()}, {"indicator": "population", "select": "route:khm-tha-begging"}],
)
def test_slots_match_the_traces(tiny_map, changes):
    state = replace(tiny_map.default, **changes)
    figure, slots = tiny_map.figure(state)
    by_layer = traces_by_layer(tiny_map.view(state), tiny_map.facts)
    assert list(slots) == list(REGISTRY)
    assert slots == {key: len(traces) for key, traces in by_layer.items()}
    assert sum(slots.values()) == len(figure["data"])
    start = 0
    for key in REGISTRY:  # each layer's traces sit where the slots say, in registry order
        assert figure["data"][start : start + slots[key]] == by_layer[key]
        start += slots[key]


def test_figure_layout(tiny_map):
    figure, _ = tiny_map.figure(tiny_map.default)
    layout = figure["layout"]
    assert layout["uirevision"] == "world"
    assert layout["geo"]["lonaxis"]["range"] == [-180, 180]
    rcm, _ = tiny_map.figure(replace(tiny_map.default, regions=("rcm", "igc")))
    assert rcm["layout"]["uirevision"] == "rcm|igc"


def test_make_figure_from_cached_traces(tiny_map):
    view = tiny_map.view(replace(tiny_map.default, regions=("bali-process",)))

    def traces_of(key):
        return REGISTRY[key].traces(view, tiny_map.facts) if is_on(REGISTRY[key], view) else []

    assert make_figure(view, tiny_map.facts, traces_of) == make_figure(view, tiny_map.facts)


def test_a_region_window_holds_its_countries(tiny_map):
    view = tiny_map.view(replace(tiny_map.default, regions=("rcm",)))
    geo = geo_window(view, tiny_map.facts)
    (west, east), (south, north) = geo["lonaxis"]["range"], geo["lataxis"]["range"]
    for lon, lat in ((-99.14, 39.53), (-102.51, 23.94)):  # USA and MEX label points
        assert west < lon < east and south < lat < north
    assert east - west < 180


def test_a_window_across_the_antimeridian():
    geo = window_around([(175.0, -40.0), (-178.0, -18.0)])  # New Zealand and Fiji
    west, east = geo["lonaxis"]["range"]
    assert west < 175 and east > 182 and east - west < 120


# --- layers_touched ---------------------------------------------------------------------------

BASE = ViewState(indicator="tip-tier", year=2007, layers=tuple(TOGGLEABLE))
ALL_BUT_CHOROPLETH = set(REGISTRY) - {"choropleth"}


@pytest.mark.parametrize(
    ("changes", "touched"),
    [
        ({}, set()),
        ({"country": "GHA"}, {"profile"}),  # outlined, with its partners
        ({"indicator": "population"}, {"choropleth"}),
        # Routes run in years too (GLOTIP's and CTDC's are per year).
        ({"year": 2002}, {"choropleth", "programs", "routes", "roles", "profile", "selection"}),
        ({"datasets": ("bundled",)}, {"choropleth", "programs", "routes", "roles", "profile", "selection"}),
        ({"regions": ("rcm",)}, ALL_BUT_CHOROPLETH),
        ({"regions": ("rcm",), "indicator": "population"}, set(REGISTRY)),
        ({"forms": ("forced-labour",)}, {"routes", "roles", "profile", "selection"}),
        ({"types": ("protection",)}, {"programs", "selection"}),
        ({"select": "program:mex-shelter"}, {"selection"}),
        ({"layers": ("choropleth", "roles", "routes")}, {"programs"}),
        ({"layers": ()}, set(TOGGLEABLE)),
        ({"layers": ("programs", "routes", "roles", "choropleth")}, set()),
    ],
)
def test_layers_touched(changes, touched):
    assert layers_touched(BASE, replace(BASE, **changes)) == touched
    assert layers_touched(replace(BASE, **changes), BASE) == touched


# --- figure_patch -----------------------------------------------------------------------------


def patched(m: Map, old: ViewState, new: ViewState, cached: bool = False, diff: bool = True) -> tuple[dict, dict, dict]:
    """(old figure with the patch applied, new figure, new slots from the patch) in wire form.

    ``cached``: the traces come through ``traces_of`` (as the app serves them from its cache);
    ``diff``: the old view is known, so layers can be patched property by property.
    """
    old_figure, slots = m.figure(old)
    view = m.view(new)
    traces_of = None
    if cached:

        def traces_of(key):
            return REGISTRY[key].traces(view, m.facts) if is_on(REGISTRY[key], view) else []

    patch, new_slots = figure_patch(old, view, m.facts, slots, traces_of, old_view=m.view(old) if diff else None)
    new_figure, expected_slots = make_figure(view, m.facts)
    assert new_slots == expected_slots
    return apply_patch(wire(old_figure), wire(patch)), wire(new_figure), wire(patch)


@st.composite
def states(draw, m: Map) -> ViewState:
    c = m.choices
    indicator = draw(st.sampled_from(sorted(c.indicator_years)))
    subset = st.lists  # a few values of each, in any order
    return ViewState(
        indicator=indicator,
        year=draw(st.sampled_from(c.indicator_years[indicator])),
        regions=tuple(draw(subset(st.sampled_from(c.regions), max_size=2))),
        types=tuple(draw(subset(st.sampled_from(c.types), max_size=2))),
        forms=tuple(draw(subset(st.sampled_from(c.forms), max_size=2))),
        layers=tuple(draw(subset(st.sampled_from(c.layers), max_size=4, unique=True))),
        country=draw(st.sampled_from(("", *c.countries))),
        select=draw(st.sampled_from(("", *c.selectable))),
    )


FIELDS = ("regions", "types", "forms", "layers", "country", "select")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_patch_leads_to_the_new_figure(tiny_map, data):
    old = data.draw(states(tiny_map), label="old")
    other = data.draw(states(tiny_map), label="other")
    # The new state takes a few fields from the other one: mostly small changes, as a user makes.
    fields = data.draw(st.sets(st.sampled_from((*FIELDS, "indicator and year")), min_size=1), label="changed")
    changes = {f: getattr(other, f) for f in fields if f in FIELDS}
    if "indicator and year" in fields:
        changes.update(indicator=other.indicator, year=other.year)
    new = replace(old, **changes)
    got, expected, _ = patched(tiny_map, old, new)
    assert got == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"types": ("protection",)},
        {"forms": ("forced-labour",)},
        {"regions": ("bali-process",)},
        {"regions": ("rcm",), "indicator": "population"},
        {"layers": ("roles", "programs")},
        {"select": "route:khm-tha-begging"},
        {"indicator": "population", "year": 1997},
        {"year": 2002, "types": ("prevention",), "select": "program:tha-bali-process"},
    ],
)
@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("diff", [False, True])
def test_a_patch_for_each_kind_of_change(tiny_map, changes, cached, diff):
    for old, new in ((tiny_map.default, replace(tiny_map.default, **changes)),
                     (replace(tiny_map.default, **changes), tiny_map.default)):  # fmt: skip
        got, expected, _ = patched(tiny_map, old, new, cached, diff)
        assert got == expected


def test_opening_a_profile_outlines_and_frames_the_country(tiny_map):
    got, expected, patch = patched(tiny_map, tiny_map.default, replace(tiny_map.default, country="GHA"))
    assert got == expected
    # Only the profile's outline and the window: no other layer is redrawn.
    sent = sent_traces(patch)
    assert sent and {t["marker"].get("line", {}).get("color") for t in sent} <= {PROFILE_COLOUR, None}
    assert {tuple(t["locations"]) for t in sent if t["type"] == "choropleth"} == {("GHA",)}
    geo = got["layout"]["geo"]
    assert geo["lonaxis"]["range"][0] < -1.22 < geo["lonaxis"]["range"][1]  # Ghana's label point in the frame
    assert geo["lataxis"]["range"][0] < 7.95 < geo["lataxis"]["range"][1]
    assert got["layout"]["uirevision"] == "world|GHA"
    # Closing it goes back to the world.
    back, expected_back, _ = patched(tiny_map, replace(tiny_map.default, country="GHA"), tiny_map.default)
    assert back == expected_back and back["layout"]["uirevision"] == "world"


def sent_traces(patch: dict, old_figure: dict | None = None) -> list[dict]:
    """The traces a patch sends whole, and (given the figure it applies to) those it changes a property of."""
    out = []
    for operation in patch["operations"]:
        value = operation["params"].get("value")
        location = operation["location"]
        whole = len(location) == 2 and location[0] == "data" and operation["operation"] != "Delete"
        if location == ["data"] or whole:
            out += value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        elif len(location) > 2 and location[0] == "data" and old_figure is not None:
            out.append(wire(old_figure)["data"][location[1]])
    return out


def test_a_program_type_change_sends_no_choropleth(bundled_map):
    old = bundled_map.default
    new = replace(old, types=("protection",))
    got, expected, patch = patched(bundled_map, old, new)
    assert got == expected
    figure, _ = bundled_map.figure(old)
    traces = sent_traces(patch, figure)
    assert traces and {t["type"] for t in traces} == {"scattergeo"}
    assert {t["legendgroup"] for t in traces if "legendgroup" in t} == {"programs"}
    # Only the sites' coordinates move, and their sizes (a site's markers are stacked by how many of its
    # types are shown): their hover text stays where it is.
    assert {op["location"][-1] for op in patch["operations"]} <= {"lon", "lat", "marker"}
    choropleth = [t for t in figure["data"] if t["type"] == "choropleth"]
    size = len(json.dumps(patch))
    assert size < len(json.dumps(wire(choropleth)))
    assert size < len(json.dumps(wire(figure))) / 4


def test_a_region_change_keeps_the_choropleth(bundled_map):
    old = bundled_map.default
    got, expected, patch = patched(bundled_map, old, replace(old, regions=("rcm",)))
    assert got == expected
    # The veil and the route outlines are choropleth traces too; the indicator's are not resent.
    figure, _ = bundled_map.figure(old)
    assert {t["name"] for t in sent_traces(patch, figure) if t["type"] == "choropleth"} <= {
        "Outside the chosen regions",
        "Countries on routes in view",
    }
    assert [op["location"] for op in patch["operations"] if op["location"][0] == "layout"] == [
        ["layout", "geo", key]
        for key in geo_window(bundled_map.view(replace(old, regions=("rcm",))), bundled_map.facts)
    ] + [["layout", "uirevision"]]


@pytest.mark.parametrize(
    "changes", [{"types": ("protection",)}, {"regions": ("rcm",)}, {"forms": ("forced-labour",), "year": 2002}]
)
def test_a_patch_leads_to_the_new_figure_past_the_row_limit(tiny_map, changes, monkeypatch):
    # Past the limit, layers draw only rows in view: their traces come and go, and still add up.
    monkeypatch.setattr("dashboard.layers.EVERY_ROW_LIMIT", 0)
    for old, new in ((tiny_map.default, replace(tiny_map.default, **changes)),
                     (replace(tiny_map.default, **changes), tiny_map.default)):  # fmt: skip
        got, expected, _ = patched(tiny_map, old, new)
        assert got == expected


@pytest.mark.parametrize(
    "changes", [{"indicator": "population"}, {"indicator": "gdp-per-capita", "year": 1997}, {"year": 2002}]
)
def test_an_indicator_or_year_change_sends_no_names(bundled_map, changes):
    old = bundled_map.default
    new = replace(old, **changes)
    if new.year not in bundled_map.choices.indicator_years[new.indicator]:
        new = replace(new, indicator="population")
    for before, after in ((old, new), (new, old)):
        got, expected, patch = patched(bundled_map, before, after)
        assert got == expected
        # The names, places and sub-regions of the choropleth stay on the page.
        assert not [op for op in patch["operations"] if op["location"][-1] in ("text", "hovertext", "locations")]
        assert not [t for t in sent_traces(patch) if t.get("type") == "choropleth" and "text" in t]
        assert len(json.dumps(patch)) < 20_000
