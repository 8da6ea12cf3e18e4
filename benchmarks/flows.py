"""``python3 -m benchmarks.flows``: a filter change on 5,000 counted flows, against one trace per flow.

The data are SYNTHETIC, made here by a seeded generator and labelled so (dataset "synthetic-flows",
source "Synthetic benchmark data"): 5,000 routes between random pairs of the bundled countries,
each counted in 2007 (the year the default indicator has), counts spread over every width class,
one in ten withheld as "fewer than 5". They are merged into the bundled atlas in memory, through
the loader, as ``tests/unit/conftest.py``'s ``mixed_atlas`` merges its dataset.

Measured in-process, by calling the pure functions a filter change runs (not over HTTP, and without
the app's cache): the view, the routes layer's traces and its part of the figure patch from the
previous state (``dashboard.figure``'s ``_patch_layer``), serialised as Dash serialises it (plotly's
JSON encoder). The baseline, in the same run, draws every flow in view as its own trace (arc, arrow
head, hover), as a per-route drawing would, and sends the routes layer whole on each change. For the
record, the whole :func:`dashboard.figure.figure_patch` of each change (every layer it touches:
the roles and profile layers also read the 5,000 routes) is timed too. Prints medians, sizes and
ratios; goal: a change of the flows under 50 ms (median) and under 50 KB, the whole patch too.

Then the same 5,000 flows spread over 19 years (2003-2021, as GLOTIP's), and changes of the years
summed (``flowyears=``): the whole figure patch of each, timed and sized the same way.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import replace
from typing import Any

import pandas as pd
from dash import Patch
from plotly.utils import PlotlyJSONEncoder

from dashboard.figure import _patch_layer, figure_patch, make_figure
from dashboard.layers import Facts, Trace, facts_of, routes
from dashboard.state import ViewState
from dashboard.view import View, build_view, region_groups
from geodata import Atlas, load_atlas
from geodata.store import Dataset
from geodata.vocabulary import EXPLOITATION_FORMS

FLOWS = 5_000
YEAR = 2007
SEED = 13
ROUNDS = 5


def synthetic_flows(atlas: Atlas, n: int = FLOWS, seed: int = SEED, years: tuple[int, ...] = (YEAR,)) -> pd.DataFrame:
    """``n`` SYNTHETIC counted routes between random drawable countries (seeded, labelled), each
    counted in one of ``years``."""
    rng = random.Random(seed)
    countries = sorted(atlas.countries.dropna(subset=["label_lon", "label_lat"]).index)
    hubs = countries[:: max(1, len(countries) // 25)]  # a few busy destinations, as real flows have
    forms = [f for f in EXPLOITATION_FORMS if f != "form-not-given"]
    rows: list[dict[str, Any]] = []
    for i in range(n):
        origin = rng.choice(countries)
        destination = rng.choice(hubs) if rng.random() < 0.5 else rng.choice(countries)
        withheld = rng.random() < 0.1
        year = rng.choice(years) if len(years) > 1 else years[0]  # one year: the draws as they were
        rows.append(
            {
                "route_id": f"synthetic-{i:05d}",
                "origin_iso3": origin,
                "destination_iso3": destination,
                "form": rng.choice(forms),
                "year_start": year,
                "year_end": year,
                "reported_year": year,
                "count": None if withheld else int(10 ** rng.uniform(0, 4.5)),
                "suppressed": "true" if withheld else "false",
                "suppressed_below": 5 if withheld else None,
            }
        )
    return pd.DataFrame(rows)


def synthetic_atlas(years: tuple[int, ...] = (YEAR,)) -> Atlas:
    base = load_atlas()
    dataset = Dataset(
        "synthetic-flows",
        "Synthetic flows (benchmark data, not real)",
        "routes",
        "synthetic-flows.csv",
        "0" * 64,
        "Synthetic benchmark data",
        "2026-01-01T00:00:00+00:00",
        1,
        {"routes": FLOWS},
    )
    atlas = load_atlas(datasets=[(dataset, {"routes": synthetic_flows(base, years=years)})])
    assert not atlas.skipped, atlas.skipped
    return atlas


def every_flow_as_a_trace(view: View, facts: Facts) -> list[Trace]:
    """The baseline: each counted route in view its own trace (arc, arrow head, hover)."""
    out: list[Trace] = []
    hovers = routes.hover_texts(view.atlas, facts)
    arcs = routes.arc_points(view.atlas, facts)
    at = round((routes.ARC_POINTS - 1) * routes.ARROW_AT)
    for route in routes.routes_in_view(view):
        if route["row"] not in arcs:
            continue
        points = arcs[route["row"]]
        out.append(
            {
                "type": "scattergeo",
                "mode": "lines+markers",
                "lon": [round(x, 2) for x, _ in points],
                "lat": [round(y, 2) for _, y in points],
                "line": {"width": routes.width_for(route, facts.threshold), "color": "#882255"},
                "marker": {"symbol": "arrow", "size": [16 if i == at else 0 for i in range(len(points))]},
                "hovertemplate": [hovers[route["row"]] if i == at else "" for i in range(len(points))],
                "showlegend": False,
            }
        )
    return out


def changes(atlas: Atlas) -> list[ViewState]:
    """A session's filter changes: flows of one country (in, out), forms, regions, scale, back."""
    base = ViewState(indicator="tip-tier", year=YEAR, layers=("choropleth", "roles", "routes", "programs"))
    busiest = atlas.routes["destination_iso3"].value_counts().index[:3].tolist()
    return [
        replace(base, flowcountry=busiest[0]),
        replace(base, flowcountry=busiest[0], flowdir="out"),
        replace(base, flowcountry=busiest[1], flowdir="in"),
        replace(base, forms=("forced-labour",)),
        replace(base, forms=("sexual-exploitation", "forced-labour")),
        replace(base, regions=("africa",)),
        replace(base, regions=("south-eastern-asia",), flows="100"),
        replace(base, flowscale="subregion"),
        replace(base, flowcountry=busiest[2]),
        base,
    ]


RANGE_YEARS = tuple(range(2003, 2022))  # 19 years, as GLOTIP's


def range_changes(atlas: Atlas) -> list[ViewState]:
    """Changes of a session summing the flows over ranges of years (``flowyears=``)."""
    base = ViewState(indicator="tip-tier", year=YEAR, layers=("choropleth", "roles", "routes", "programs"))
    busiest = atlas.routes["destination_iso3"].value_counts().index[:2].tolist()
    return [
        replace(base, flowyears=(2003, 2021)),
        replace(base, flowyears=(2015, 2019)),
        replace(base, flowyears=(2015, 2019), flowcountry=busiest[0]),
        replace(base, flowyears=(2003, 2021), forms=("forced-labour",)),
        replace(base, flowyears=(2003, 2021), flowscale="subregion"),
        replace(base, flowyears=(2010, 2012), flowcountry=busiest[1], flowdir="in"),
        base,
    ]


def measure_ranges() -> tuple[list[float], list[float]]:
    """The whole figure patch of each range change, on the same 5,000 flows spread over 19 years."""
    atlas = synthetic_atlas(RANGE_YEARS)
    facts = facts_of(atlas, 11)
    groups = region_groups(atlas.countries)
    routes.prepare(atlas, facts)
    states = range_changes(atlas)
    for state in states:
        routes.traces(build_view(atlas, state, groups), facts)
    old = states[-1]
    old_view = build_view(atlas, old, groups)
    _, slots = make_figure(old_view, facts)
    ms: list[float] = []
    kb: list[float] = []
    for _ in range(ROUNDS):
        for state in states:
            t0 = time.perf_counter()
            view = build_view(atlas, state, groups)
            whole, slots = figure_patch(old, view, facts, slots, old_view=old_view)
            body = size(whole.to_plotly_json())
            ms.append(1000 * (time.perf_counter() - t0))
            kb.append(body / 1000)
            old, old_view = state, view
    return ms, kb


def size(value: Any) -> int:
    return len(json.dumps(value, cls=PlotlyJSONEncoder).encode())


def main() -> None:
    started = time.perf_counter()
    atlas = synthetic_atlas()
    facts = facts_of(atlas, 11)
    groups = region_groups(atlas.countries)
    routes.prepare(atlas, facts)
    states = changes(atlas)
    in_year = sum(1 for r in build_view(atlas, states[-1], groups).route_records if r["year_start"] == YEAR)
    print(f"SYNTHETIC data: {FLOWS:,} generated flows merged into the bundled atlas ({in_year:,} routes in {YEAR}).")
    print(f"Loaded and prepared in {time.perf_counter() - started:.1f} s.")
    # Warm up: the first view of each state pays for arcs made once per atlas.
    for state in states:
        routes.traces(build_view(atlas, state, groups), facts)

    app_ms: list[float] = []
    app_kb: list[float] = []
    base_ms: list[float] = []
    base_kb: list[float] = []
    whole_ms: list[float] = []
    whole_kb: list[float] = []
    old = states[-1]
    old_view = build_view(atlas, old, groups)
    old_traces = routes.traces(old_view, facts)
    _, slots = make_figure(old_view, facts)
    for _ in range(ROUNDS):
        for state in states:
            # The app's routes layer: its traces and its part of the figure patch (what differs).
            t0 = time.perf_counter()
            view = build_view(atlas, state, groups)
            fresh = routes.traces(view, facts)
            patch = Patch()
            _patch_layer(patch["data"], 0, len(old_traces), old_traces, fresh)
            body = size(patch.to_plotly_json())
            app_ms.append(1000 * (time.perf_counter() - t0))
            app_kb.append(body / 1000)

            # The baseline's routes layer: a trace per flow, the layer sent whole.
            t0 = time.perf_counter()
            view = build_view(atlas, state, groups)
            body = size(every_flow_as_a_trace(view, facts))
            base_ms.append(1000 * (time.perf_counter() - t0))
            base_kb.append(body / 1000)

            # For the record: the whole figure patch of the change (every layer the change touches).
            t0 = time.perf_counter()
            view = build_view(atlas, state, groups)
            whole, new_slots = figure_patch(old, view, facts, slots, old_view=old_view)
            body = size(whole.to_plotly_json())
            whole_ms.append(1000 * (time.perf_counter() - t0))
            whole_kb.append(body / 1000)
            old, old_view, old_traces, slots = state, view, fresh, new_slots

    def line(name: str, ms: list[float], kb: list[float]) -> str:
        return (
            f"{name:<34} {statistics.median(ms):8.1f} ms median {max(ms):8.1f} ms max"
            f" {statistics.median(kb):9.1f} KB median {max(kb):9.1f} KB max"
        )

    print(f"\n{ROUNDS} rounds of {len(states)} filter changes (in-process; KB: JSON, 1 KB = 1,000 bytes)")
    print(line("top 50 flows, classed (the app)", app_ms, app_kb))
    print(line("every flow its own trace (base)", base_ms, base_kb))
    print(line("whole figure patch (all layers)", whole_ms, whole_kb))
    ms_ratio = statistics.median(base_ms) / statistics.median(app_ms)
    kb_ratio = statistics.median(base_kb) / statistics.median(app_kb)
    print(f"baseline / app: {ms_ratio:.1f}x time, {kb_ratio:.1f}x bytes")
    ok_ms = statistics.median(app_ms) < 50
    ok_kb = statistics.median(app_kb) < 50
    print(f"goal < 50 ms median: {'met' if ok_ms else 'NOT met'}; goal < 50 KB median: {'met' if ok_kb else 'NOT met'}")
    range_ms, range_kb = measure_ranges()
    print(f"\nThe same {FLOWS:,} flows over {len(RANGE_YEARS)} years, {ROUNDS} rounds of changes of the years summed:")
    print(line("whole figure patch, ranges", range_ms, range_kb))
    whole_ok_ms = statistics.median(whole_ms) < 50
    whole_ok_kb = statistics.median(whole_kb) < 50
    print(
        f"whole figure patch: goal < 50 ms median: {'met' if whole_ok_ms else 'NOT met'};"
        f" goal < 50 KB median: {'met' if whole_ok_kb else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
