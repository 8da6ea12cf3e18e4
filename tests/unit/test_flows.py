"""Counted flows: the classing, the strongest drawn and the rest summed, sub-regions, the filter,
and that no withheld count is ever shown exactly."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from dashboard import flows as fl
from dashboard.layers import facts_of, routes
from dashboard.legend import legend_groups
from dashboard.state import ViewState
from dashboard.view import build_view, region_groups

THRESHOLD = 11


def route(origin, destination, count=None, suppressed=False, below=None, form="forced-labour", year=2007, n=0):
    return {
        "route_id": f"{origin}-{destination}-{n}",
        "origin_iso3": origin,
        "destination_iso3": destination,
        "count": count,
        "suppressed": suppressed,
        "suppressed_below": below,
        "form": form,
        "year_start": year,
        "year_end": year,
        "source": "synthetic",
    }


def country(iso3):
    return iso3


# --- classing ---------------------------------------------------------------------------------


def test_classes_have_round_bounds_and_widths_a_projector_keeps():
    assert [(c.lower, c.upper) for c in fl.FLOW_CLASSES] == [
        (1, 9), (10, 99), (100, 999), (1_000, 9_999), (10_000, None)
    ]  # fmt: skip
    widths = [c.width for c in fl.FLOW_CLASSES]
    assert widths == sorted(widths) and widths[0] >= 2.5 and widths[-1] <= 12
    assert all(b / a >= 1.3 for a, b in zip(widths, widths[1:], strict=False))  # each class apart
    assert fl.SUPPRESSED_WIDTH < widths[0]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, None), (5, None), (10, None), (11, 1), (99, 1), (100, 2), (999, 2), (1000, 3), (9999, 3), (10000, 4)],
)
def test_class_of_a_count(count, expected):
    assert fl.class_of(count, THRESHOLD) == expected


def test_class_labels_start_at_the_threshold():
    assert [c.label(THRESHOLD) for c in fl.FLOW_CLASSES] == [
        "11–9 people",  # never drawn with threshold 11: no count below it is exact
        "11–99 people",
        "100–999 people",
        "1,000–9,999 people",
        "10,000 or more people",
    ]
    assert fl.FLOW_CLASSES[0].label(3) == "3–9 people"


def test_parts_suppressed_small_and_unknown():
    assert fl.part_of(route("A", "B", 40), THRESHOLD) == fl.Part(40, 0, 0)
    assert fl.part_of(route("A", "B", suppressed=True, below=5), THRESHOLD) == fl.Part(0, 1, 5)
    assert fl.part_of(route("A", "B", suppressed=True), THRESHOLD) == fl.Part(0, 1, THRESHOLD)
    assert fl.part_of(route("A", "B", 7), THRESHOLD) == fl.Part(0, 1, THRESHOLD)  # below the threshold: withheld
    assert fl.part_of(route("A", "B"), THRESHOLD) is None  # the fact sheet's: count unknown
    assert fl.width_of(0, 1, THRESHOLD) == fl.SUPPRESSED_WIDTH
    assert fl.width_of(0, 0, THRESHOLD) == fl.UNKNOWN_WIDTH


def test_a_flow_says_withheld_counts_as_bounds():
    flows = fl.aggregate(
        [
            route("A", "B", 40, n=1),
            route("A", "B", suppressed=True, below=5, n=2),
            route("A", "B", 7, n=3),
            route("C", "D", suppressed=True, below=5),
        ],
        THRESHOLD,
        country,
    )
    ab, cd = flows
    assert (ab.exact, ab.small, ab.bound) == (40, 2, THRESHOLD)
    assert ab.count_text() == "40, and 2 counts of fewer than 11 each"
    assert cd.count_text() == "fewer than 5"
    assert [r["route_id"] for r in ab.routes][0] == "A-B-1"  # largest part first (what a click selects)


# --- the strongest drawn, the others summed ------------------------------------------------------


def synthetic_routes(n=600, seed=7):
    """Labelled synthetic routes: random pairs of made-up places, counts across every class,
    some withheld or below the threshold, some with no count."""
    rng = random.Random(seed)
    places = [f"P{i:02d}" for i in range(30)]
    out = []
    for i in range(n):
        kind = rng.random()
        count = None
        suppressed = False
        if kind < 0.1:
            suppressed = True
        elif kind < 0.15:
            count = None
        else:
            count = int(10 ** rng.uniform(0, 4.6))
        out.append(route(rng.choice(places), rng.choice(places), count, suppressed, 5, n=i))
    return out


@pytest.mark.parametrize("top", ["10", "25", "50", "100", "all"])
def test_drawn_and_other_add_up_to_every_flow(top):
    records = synthetic_routes()
    flows = fl.aggregate(records, THRESHOLD, country)
    ranked = fl.rank(flows, top)
    parts = [fl.part_of(r, THRESHOLD) for r in records]
    exact_total = sum(p.exact for p in parts if p)
    small_total = sum(p.small for p in parts if p)
    assert sum(f.exact for f in ranked.drawn) + ranked.other_exact == exact_total
    assert sum(f.small for f in ranked.drawn) + ranked.other_small == small_total
    # Every counted route is in exactly one flow; the uncounted are in none.
    in_flows = [r["route_id"] for f in ranked.flows for r in f.routes]
    assert sorted(in_flows) == sorted(r["route_id"] for r, p in zip(records, parts, strict=True) if p)
    n = fl.top_of(top)
    assert len(ranked.drawn) == min(n or len(flows), len(flows))
    # The drawn are the strongest.
    if ranked.other:
        assert min(f.exact for f in ranked.drawn) >= max(f.exact for f in ranked.other)
    # Small counts are never added to an exact figure: the "other" text states them apart.
    if ranked.other_small:
        assert re.search(r"\d+ counts? of fewer than \d+ \(withheld\)", ranked.other_text())


def test_small_counts_never_reach_an_exact_sum():
    records = [route("A", "B", 12, n=1), route("A", "B", 7, n=2), route("C", "D", 9)]
    ranked = fl.rank(fl.aggregate(records, THRESHOLD, country), "1")
    assert [f.exact for f in ranked.drawn] == [12]
    assert (ranked.other_exact, ranked.other_small) == (0, 1)
    assert ranked.other_text() == "1 other flow not drawn: 1 count of fewer than 11 (withheld)"
    assert "7" not in ranked.drawn[0].count_text() and "9" not in ranked.other_text()


# --- sub-regions --------------------------------------------------------------------------------


def test_subregion_flows_keep_every_person_and_draw_internal_ones_as_rings():
    subregion = {"IDN": "SE Asia", "MYS": "SE Asia", "THA": "SE Asia", "GHA": "W Africa", "NGA": "W Africa"}
    records = [
        route("IDN", "MYS", 100, n=1),
        route("THA", "MYS", 50, n=2),
        route("NGA", "THA", 30, n=3),
        route("GHA", "IDN", 20, n=4),
        route("GHA", "NGA", suppressed=True, below=5, n=5),
    ]
    by_country = fl.aggregate(records, THRESHOLD, country)
    by_region = fl.aggregate(records, THRESHOLD, subregion.get)
    assert sum(f.exact for f in by_region) == sum(f.exact for f in by_country) == 200
    assert sum(f.small for f in by_region) == sum(f.small for f in by_country) == 1
    got = {(f.origin, f.destination): (f.exact, f.small) for f in by_region}
    # Within one sub-region: a flow of its own, internal (drawn as a ring at the sub-region's point).
    assert got == {("SE Asia", "SE Asia"): (150, 0), ("W Africa", "SE Asia"): (50, 0), ("W Africa", "W Africa"): (0, 1)}
    assert [f.internal for f in by_region] == [True, False, True]


def test_subregion_centres_are_the_mean_of_their_countries_on_the_sphere():
    points = {"A": (10.0, 0.0), "B": (20.0, 0.0), "C": (179.0, -10.0), "D": (-179.0, -10.0)}
    centres = fl.centroids(points, {"A": "one", "B": "one", "C": "two", "D": "two"})
    assert centres["one"] == (15.0, 0.0)
    assert abs(abs(centres["two"][0]) - 180) < 0.01 and centres["two"][1] == pytest.approx(-10, abs=0.05)


# --- the filter ---------------------------------------------------------------------------------


def test_flows_into_out_of_or_both_ways():
    """The view keeps the routes into, out of, or into or out of one country (so the map, the
    table, the downloads and the roles agree)."""
    import pandas as pd

    from dashboard.view import route_positions

    records = [route("IDN", "MYS", 20, n=1), route("THA", "IDN", 30, n=2), route("KHM", "THA", 40, n=3)]
    routes = pd.DataFrame(records).assign(dataset="synthetic")
    state = ViewState(indicator="tip-tier", year=2007, flowcountry="IDN")
    ids = {
        d: list(routes["route_id"].iloc[route_positions(routes, replace(state, flowdir=d), None)])
        for d in ("in", "out", "both")
    }
    assert ids == {"in": ["THA-IDN-2"], "out": ["IDN-MYS-1"], "both": ["IDN-MYS-1", "THA-IDN-2"]}
    everywhere = route_positions(routes, replace(state, flowcountry=""), None)
    assert list(routes["route_id"].iloc[everywhere]) == ["IDN-MYS-1", "THA-IDN-2", "KHM-THA-3"]


# --- the layer, on an atlas with imported flows ----------------------------------------------------


def view_of(atlas, **changes):
    state = ViewState(**{"indicator": "tip-tier", "year": 2002, "layers": ("routes",), **changes})
    return build_view(atlas, state, region_groups(atlas.countries))


def flow_traces(traces):
    return [t for t in traces if t.get("legendgroup") == routes.FLOW_GROUP]


def test_the_layer_draws_the_strongest_and_says_what_it_summed(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    view = view_of(mixed_atlas, flows="1")
    traces = flow_traces(routes.traces(view, facts))
    # 2002: KHM -> THA 40 (drawn) and IDN -> KHM 12 (summed): both in the 11–99 class, one arc.
    assert [t["name"] for t in traces] == ["11–99 people"]
    assert [i.rsplit(":", 1)[1] for i in traces[0]["customdata"] if i] == ["khm-tha-2002"]
    assert traces[0]["line"]["width"] == 4.0
    assert [g.title for g in legend_groups(traces)] == ["Counted flows: people, one year"]
    sentence = routes.describe(view, facts)
    assert "2 counted flows between countries, people counted in 2002" in sentence
    assert "(the strongest 1 drawn; 1 other flow not drawn: 12 people)" in sentence
    # The table lists both, the summed one included.
    assert {"khm-tha-2002", "idn-khm-2002"} <= {i.rsplit(":", 1)[1] for i in routes.ids_in_view(view)}


def test_the_layer_draws_a_withheld_count_thin_and_dotted(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    view = view_of(mixed_atlas, year=2007)
    (withheld,) = [t for t in flow_traces(routes.traces(view, facts)) if t["mode"] == "lines+markers"]
    assert withheld["name"] == "fewer than 5 (suppressed)"
    assert withheld["line"]["dash"] == "dot" and withheld["line"]["width"] == fl.SUPPRESSED_WIDTH
    (hover,) = [h for h in withheld["hovertemplate"] if h]
    assert "People counted in 2007: fewer than 5<br>" in hover


def test_the_flow_filter_and_the_subregion_scale_in_the_layer(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    into_khm = view_of(mixed_atlas, flowcountry="KHM", flowdir="in")
    ids = {i.rsplit(":", 1)[1] for t in flow_traces(routes.traces(into_khm, facts)) for i in t["customdata"] if i}
    assert ids == {"idn-khm-2002"}
    assert "into Cambodia" in routes.describe(into_khm, facts)
    assert not [i for i in routes.ids_in_view(into_khm) if i.endswith("khm-tha-2002")]
    # Every synthetic country is in South-eastern Asia: one flow, within it, a ring of 52 people.
    region = view_of(mixed_atlas, flowscale="subregion")
    (ring,) = flow_traces(routes.traces(region, facts))
    assert ring["name"] == "Ring: within one sub-region" and ring["marker"]["symbol"] == "circle-open"
    (hover,) = ring["hovertemplate"]
    assert hover.startswith("<b>within South-eastern Asia</b><br>People counted in 2002: 52<br>")


# --- what a filter change sends ------------------------------------------------------------------


def test_a_flow_travels_as_three_points_on_its_great_circle(mixed_atlas):
    # plotly.js draws the great circle between two points: the start, the arrow head's point and
    # the end draw the arc the 18 points did (the head on it, three quarters along).
    from pyproj import Geod

    sphere = Geod(ellps="sphere")
    for start, end in [
        ((101.0, -1.0), (102.0, 4.0)),
        ((-47.9, -15.8), (139.7, 35.7)),
        ((178.0, -18.0), (-170.0, -14.0)),
    ]:
        arc = routes.flow_arc(mixed_atlas, start, end)
        assert len(arc) == 3 and arc[0] == start and arc[-1] == end
        head = arc[routes.FLOW_ARROW_INDEX]
        whole = sphere.inv(*start, *end)[2]
        first, second = sphere.inv(*start, *head)[2], sphere.inv(*head, *end)[2]
        assert first + second == pytest.approx(whole, rel=1e-4)  # on the great circle
        assert first / whole == pytest.approx(routes.ARROW_AT, abs=0.01)
        # The old arc's head (on the ellipsoid) is within a few kilometres of it.
        old = routes.great_circle(*start, *end)[round((routes.ARC_POINTS - 1) * routes.ARROW_AT)]
        assert sphere.inv(*old, *head)[2] < 0.02 * whole + 5_000


def test_each_drawn_flow_sends_one_hover_one_id_and_four_points(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    (trace,) = flow_traces(routes.traces(view_of(mixed_atlas, flows="all"), facts))
    n = len([h for h in trace["hovertemplate"] if h])
    assert n == 2
    for key in ("lon", "lat", "hovertemplate", "customdata"):
        assert len(trace[key]) == 4 * n, key
    assert trace["lon"][3::4] == [None] * n
    assert [s for s in trace["marker"]["size"] if s] == [18] * n  # 12 + 1.5 × 4 px: the 11–99 class's head
