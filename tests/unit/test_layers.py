"""Each map layer's traces from the tiny tables, the registry's contract, escaping and suppression."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re

import pytest
from pyproj import Geod

from dashboard import i18n
from dashboard.layers import (
    REGISTRY,
    Facts,
    Trace,
    choropleth,
    facts_of,
    outside,
    programs,
    roles,
    routes,
    selection,
    traces_by_layer,
)
from dashboard.legend import legend_groups
from dashboard.palette import NO_DATA_COLOUR, PROGRAM_STYLES, ROLE_STYLES, TIER_COLOURS
from dashboard.state import ViewState
from dashboard.view import View, build_view, every_row, region_groups
from geodata import Atlas, load_atlas
from geodata.vocabulary import PROGRAM_TYPES
from tests.unit.conftest import add_rows

TOGGLEABLE = ("choropleth", "roles", "routes", "programs")
GEOD = Geod(ellps="WGS84")
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def view_of(atlas: Atlas, **changes) -> View:
    state = ViewState(**{"indicator": "tip-tier", "year": 2007, "layers": TOGGLEABLE, **changes})
    return build_view(atlas, state, region_groups(atlas.countries))


@pytest.fixture(scope="module")
def facts(more_atlas) -> Facts:
    return facts_of(more_atlas, 11)


def rendered(trace: Trace) -> list[str]:
    """The hover text of each point plotly.js would show (a point without a value is not drawn),
    with the template filled from ``customdata``, ``text`` and ``hovertext``."""
    template = trace.get("hovertemplate")
    if template is None:
        return []
    if isinstance(template, list):
        return [text for text in template if text]
    points = len(trace.get("locations") or trace.get("lon") or trace.get("customdata") or [None])
    rows = trace.get("customdata") or [[]] * points
    texts = trace.get("text") or [""] * points
    hovertexts = trace.get("hovertext") or [""] * points
    z = trace.get("z") or [0] * points
    out = []
    for row, text, hovertext, value in zip(rows, texts, hovertexts, z, strict=True):
        if value is None:
            continue
        filled = re.sub(r"%\{customdata\[(\d+)\]\}", lambda m, row=row: str(row[int(m.group(1))]), str(template))
        out.append(filled.replace("%{text}", str(text)).replace("%{hovertext}", str(hovertext)))
    return out


def hovers_by_country(traces: list[Trace]) -> dict[str, str]:
    """Each country's hover text, from whichever choropleth trace draws it."""
    out: dict[str, str] = {}
    for trace in traces:
        if trace["type"] != "choropleth":
            continue
        drawn = [loc for loc, z in zip(trace["locations"], trace["z"], strict=True) if z is not None]
        hovers = rendered(trace)
        assert len(drawn) == len(hovers)
        for iso3, hover in zip(drawn, hovers, strict=True):
            assert iso3 not in out, f"{iso3} drawn twice"
            out[iso3] = hover
    return out


def drawn_in(trace: Trace) -> list[str]:
    return [loc for loc, z in zip(trace["locations"], trace["z"], strict=True) if z is not None]


def all_hovers(by_layer: dict[str, list[Trace]]) -> list[str]:
    return [text for traces in by_layer.values() for trace in traces for text in rendered(trace)]


def by_name(traces: list[Trace]) -> dict[str, Trace]:
    return {str(t["name"]): t for t in traces}


def label_point(atlas: Atlas, iso3: str) -> tuple[float, float]:
    row = atlas.countries.loc[iso3]
    return float(row["label_lon"]), float(row["label_lat"])


# --- choropleth -------------------------------------------------------------------------------


def test_tiers_one_trace_of_values_a_key_entry_per_category_and_no_data(more_atlas, facts):
    traces = choropleth.traces(view_of(more_atlas), facts)
    values, *entries, no_data = traces
    drawable = list(facts.label_points)
    # Values and "no data" cover every country the map draws, in one fixed order.
    assert values["locations"] == no_data["locations"] == drawable
    assert values["text"] == no_data["text"] == [facts.names[iso3] for iso3 in drawable]
    tiers = dict(zip(drawable, values["z"], strict=True))
    assert {iso3: tiers[iso3] for iso3 in ("GHA", "IDN", "THA", "KHM", "MYS", "USA", "MEX")} == {
        "GHA": 0, "IDN": 0, "THA": 0, "KHM": 1, "MYS": 2, "USA": None, "MEX": None,
    }  # fmt: skip
    # A stepped scale: band n has the colour of the n-th category present.
    colours = [TIER_COLOURS["tier-2"], TIER_COLOURS["tier-2-watch-list"], TIER_COLOURS["tier-3"]]
    assert (values["zmin"], values["zmax"]) == (-0.5, 2.5)
    assert [values["colorscale"][2 * n][1] for n in range(3)] == colours
    assert [(e["name"], e["marker"]["color"]) for e in entries] == list(
        zip(["Tier 2", "Tier 2 Watch List", "Tier 3", "No data"], [*colours, NO_DATA_COLOUR], strict=True)
    )
    assert drawn_in(no_data) == ["USA", "MEX"] and no_data["colorscale"][0][1] == NO_DATA_COLOUR
    # The key's title sits on the first entry only; the areas themselves are not in the key.
    assert ["legendgrouptitle" in t for t in traces] == [False, True, False, False, False, False]
    assert [t["showlegend"] for t in traces] == [False, True, True, True, True, False]
    assert values["showlegend"] is False and [g.title for g in legend_groups(traces)] == [
        "TIP Report tier placement, 2007"
    ]
    assert [e.label for e in legend_groups(traces)[0].entries] == ["Tier 2", "Tier 2 Watch List", "Tier 3", "No data"]


def test_tier_hover(more_atlas, facts):
    hovers = hovers_by_country(choropleth.traces(view_of(more_atlas), facts))
    assert set(hovers) == set(facts.label_points)  # every country drawn says what it is
    cambodia = hovers["KHM"]
    assert cambodia.startswith("<b>Cambodia</b><br>TIP Report tier placement: Tier 2 Watch List<br>Year: 2007")
    assert "<br>Median of South-eastern Asia: " in cambodia
    assert "Source: U.S. Department of State (2007-06)" in cambodia
    assert hovers["USA"] == "<b>United States</b><br>TIP Report tier placement: no data for 2007<extra></extra>"
    assert hovers["MEX"] == "<b>Mexico</b><br>TIP Report tier placement: no data for 2007<extra></extra>"


def test_choropleth_is_the_world_whatever_the_regions(more_atlas, facts):
    world = choropleth.traces(view_of(more_atlas), facts)
    assert choropleth.traces(view_of(more_atlas, regions=("rcm",)), facts) == world


def test_an_indicator_change_keeps_names_and_places(more_atlas, facts):
    # What the figure patch can leave where it is: the values trace's places, names and regions.
    tiers = choropleth.traces(view_of(more_atlas), facts)
    population = choropleth.traces(view_of(more_atlas, indicator="population"), facts)
    for name in ("uid", "locations", "text", "hovertext"):
        assert tiers[0][name] == population[0][name]
    for name in ("uid", "locations", "text"):
        assert tiers[-1][name] == population[-1][name]


def test_continuous_indicator_with_a_colour_bar(more_atlas, facts):
    traces = choropleth.traces(view_of(more_atlas, indicator="population"), facts)
    assert [t["name"] for t in traces] == ["Population", "Suppressed small count", "No data", "No data"]
    values, suppressed, _, no_data = traces
    expected = {"GHA": 22873338, "THA": 60216677, "USA": 301139947}
    assert {iso3: z for iso3, z in zip(values["locations"], values["z"], strict=True) if z is not None} == {
        iso3: round(math.log10(v), 4) for iso3, v in expected.items()
    }
    bar = values["colorbar"]
    assert bar["title"]["text"] == "Population, 2007<br><sub>people — Gapminder Foundation (2007)</sub>"
    # Log scale for population: ticks at powers of ten, labelled as numbers people read.
    assert bar["tickvals"] == [7, 8, 9]
    assert bar["ticktext"] == ["10.0 million", "100.0 million", "1.00 billion"]
    assert suppressed["locations"] == ["IDN"]
    assert drawn_in(no_data) == ["KHM", "MYS", "MEX"]


def test_the_page_key_draws_a_continuous_scale_and_the_figure_no_bar(more_atlas, facts):
    """plotly's bar (15 px type under the map) is off on the page; the HTML key draws the scale,
    with the same ticks, in the page's type size (an image export switches the bar on)."""
    traces = choropleth.traces(view_of(more_atlas, indicator="population"), facts)
    assert traces[0]["showscale"] is False and traces[0]["colorbar"]
    (group,) = legend_groups(traces)
    assert group.title == "Population, 2007"
    scale = group.entries[0].scale
    assert scale is not None and group.entries[0].label == ""
    # Only the bar's ticks inside the values' range (as plotly draws them); within about one
    # power of ten, 1, 2 and 5 times each.
    assert bar_ticks(values_of(traces)) == [7, 8, 9]
    assert [text for _at, text in scale.ticks] == ["50M", "100M", "200M"]
    low, high = math.log10(22873338), math.log10(301139947)
    places = [(math.log10(v) - low) / (high - low) for v in (5e7, 1e8, 2e8)]
    assert [round(at, 3) for at, _text in scale.ticks] == [round(at, 3) for at in places]
    assert scale.gradient.startswith("linear-gradient(to right, ")
    assert scale.note == "people — Gapminder Foundation (2007)"
    assert [e.label for e in group.entries[1:]] == ["Suppressed small count", "No data"]
    # Ticks are written short, the page's language's way (CLDR).
    with i18n.language("fr"):
        french = choropleth.traces(view_of(more_atlas, indicator="population"), facts)
        ticks = [text for _at, text in legend_groups(french)[0].entries[0].scale.ticks]
    assert ticks == ["50\u00a0M", "100\u00a0M", "200\u00a0M"]


def values_of(traces):
    return traces[0]


def bar_ticks(trace):
    return trace["colorbar"]["tickvals"]


def test_nice_ticks_are_round_and_inside_the_range():
    from dashboard.legend import _nice_ticks

    assert _nice_ticks(0, 1282) == [0, 500, 1000]
    assert _nice_ticks(0, 100) == [0, 50, 100]
    assert _nice_ticks(45.2, 82.9) == [50, 60, 70, 80]
    assert _nice_ticks(3, 3) == [3]


def test_continuous_hover_names_a_fallback_year(more_atlas, facts):
    hovers = hovers_by_country(choropleth.traces(view_of(more_atlas, indicator="population"), facts))
    assert "Population: 60.2 million people<br>Year: 1997 (latest before 2007)" in hovers["THA"]
    assert "Population: 22.9 million people<br>Year: 2007" in hovers["GHA"]
    assert "Population: suppressed (fewer than 11)" in hovers["IDN"]


def test_continuous_indicator_in_an_earlier_year(more_atlas, facts):
    traces = choropleth.traces(view_of(more_atlas, indicator="population", year=2002), facts)
    values = traces[0]
    assert set(drawn_in(values)) == {"GHA", "THA"}
    assert values["colorbar"]["title"]["text"].startswith("Population, 2002<br>")
    assert [t["name"] for t in traces] == ["Population", "No data", "No data"]  # IDN's suppressed value: 2007


# --- roles ------------------------------------------------------------------------------------


def test_roles_marks_each_role_with_its_symbol(more_atlas, facts):
    traces = roles.traces(view_of(more_atlas), facts)
    outline, *markers = traces
    assert outline["type"] == "choropleth" and outline["hoverinfo"] == "skip"
    assert sorted(outline["locations"]) == ["GHA", "IDN", "KHM", "MYS", "THA"]
    got = {t["name"]: (t["marker"]["symbol"], [row[2] for row in t["customdata"]]) for t in markers}
    assert got == {
        "Origin country": (ROLE_STYLES["origin"][1], ["country:KHM"]),
        "Destination country": (ROLE_STYLES["destination"][1], ["country:MYS"]),
        "Origin and destination": (ROLE_STYLES["both"][1], ["country:IDN", "country:THA"]),
        "Internal trafficking only": (ROLE_STYLES["internal"][1], ["country:GHA"]),
    }
    assert [ROLE_STYLES[r][1] for r in ("origin", "destination")] == ["triangle-up", "triangle-down"]
    destination = by_name(markers)["Destination country"]
    assert (destination["lon"], destination["lat"]) == ([114.72], [3.62])


def test_roles_hover_lists_the_partners(more_atlas, facts):
    markers = by_name(roles.traces(view_of(more_atlas), facts))
    (malaysia,) = rendered(markers["Destination country"])
    assert malaysia == (
        "<b>Malaysia</b> — destination country<br>from Indonesia (sexual exploitation)"
        "<br>from a neighbouring country (forced labour)<extra></extra>"
    )
    (ghana,) = rendered(markers["Internal trafficking only"])
    assert "within the country (forced labour)" in ghana


def test_roles_follow_the_routes_in_view(more_atlas, facts):
    traces = roles.traces(view_of(more_atlas, forms=("forced-begging",)), facts)
    assert {t["name"]: [r[2] for r in t["customdata"]] for t in traces[1:]} == {
        "Origin country": ["country:KHM"],
        "Destination country": ["country:THA"],
    }
    assert roles.traces(view_of(more_atlas, regions=("rcm",)), facts) == []


# --- routes -----------------------------------------------------------------------------------


def arcs(trace: Trace) -> list[list[int]]:
    """Indexes of the points of each arc of a lines trace (arcs are separated by a ``None``)."""
    out: list[list[int]] = [[]]
    for i, lon in enumerate(trace["lon"]):
        if lon is None:
            out.append([])
        else:
            out[-1].append(i)
    return [arc for arc in out if arc]


def test_routes_are_arcs_with_an_arrow_three_quarters_along(more_atlas, facts):
    traces = [t for t in routes.traces(view_of(more_atlas), facts) if t["mode"] == "lines+markers"]
    drawn = {}
    for trace in traces:
        for arc in arcs(trace):
            arrow = [i for i in arc if trace["marker"]["size"][i] > 0]
            assert len(arrow) == 1 and trace["marker"]["symbol"] == "arrow"
            (at,) = arrow
            assert [i for i in arc if trace["customdata"][i]] == [at]
            assert [i for i in arc if trace["hovertemplate"][i]] == [at]
            drawn[trace["customdata"][at]] = (trace, arc, at)
    assert set(drawn) == {"route:idn-mys-sexual", "route:tha-idn-labour", "route:khm-tha-begging"}

    for route_id, (origin, destination) in {
        "route:khm-tha-begging": ("KHM", "THA"),
        "route:idn-mys-sexual": ("IDN", "MYS"),
        "route:tha-idn-labour": ("THA", "IDN"),
    }.items():
        trace, arc, at = drawn[route_id]
        points = [(trace["lon"][i], trace["lat"][i]) for i in arc]
        assert len(points) == routes.ARC_POINTS
        start, end = label_point(more_atlas, origin), label_point(more_atlas, destination)
        assert points[0] == start and points[-1] == end
        total = GEOD.inv(*start, *end)[2]
        along = GEOD.inv(*start, *points[arc.index(at)])[2]
        assert 0.7 <= along / total <= 0.8
        for point in points:  # every point on the geodesic (to the 0.01 degree the trace keeps)
            assert GEOD.inv(*start, *point)[2] + GEOD.inv(*point, *end)[2] - total < 2_500


def test_great_circle_bows_towards_the_pole():
    # Mexico City to Bangkok: the shortest path passes far north of both ends.
    points = routes.great_circle(-99.13, 19.43, 100.5, 13.75)
    assert len(points) == routes.ARC_POINTS
    assert points[0] == (-99.13, 19.43) and points[-1] == (100.5, 13.75)
    assert max(lat for _, lat in points) > 60
    total = GEOD.inv(-99.13, 19.43, 100.5, 13.75)[2]
    steps = [GEOD.inv(*a, *b)[2] for a, b in zip(points, points[1:], strict=False)]
    assert sum(steps) == pytest.approx(total, rel=1e-6)
    assert max(steps) == pytest.approx(min(steps), rel=1e-3)


def test_route_styles_and_widths(more_atlas, facts):
    traces = routes.traces(view_of(more_atlas), facts)
    lines = {t["name"]: t for t in traces if t["mode"] == "lines+markers"}
    assert lines["Sexual exploitation"]["line"] == {"color": "#D55E00", "width": 4.0, "dash": "solid"}  # 62: 11–99
    assert lines["Forced begging"]["line"]["width"] == 2.5  # count unknown
    assert traces[0]["legendgrouptitle"] == {"text": "Routes, by form of exploitation"}

    def width(count, suppressed=False):
        return routes.width_for({"count": count, "suppressed": suppressed, "suppressed_below": 5}, 11)

    assert [width(c) for c in (None, 5, 10, 11, 99, 100, 999, 1000, 9999, 10000, 70000)] == [
        2.5, 1.5, 1.5, 4.0, 4.0, 6.0, 6.0, 8.5, 8.5, 12.0, 12.0
    ]  # fmt: skip
    assert width(None, suppressed=True) == 1.5  # withheld: the thin dotted width, never a class


def test_internal_trafficking_is_a_ring(more_atlas, facts):
    rings = [t for t in routes.traces(view_of(more_atlas), facts) if t["mode"] == "markers"]
    assert len(rings) == 1
    (ring,) = rings
    assert ring["name"] == "Forced labour, internal"
    assert ring["marker"]["symbol"] == "circle-open"
    assert (ring["lon"], ring["lat"]) == ([-1.22], [7.95])
    assert ring["customdata"] == ["route:gha-internal-fishing"]


def test_routes_without_two_countries_are_left_out(more_atlas, facts):
    ids = {i for t in routes.traces(view_of(more_atlas), facts) for i in t["customdata"] if i}
    assert ids == {
        "route:idn-mys-sexual",
        "route:tha-idn-labour",
        "route:khm-tha-begging",
        "route:gha-internal-fishing",
    }
    # Out of view, a route keeps its place in its trace, with nothing to draw.
    hidden = routes.traces(view_of(more_atlas, forms=("forced-labour",), regions=("rcm",)), facts)
    assert drawn_ids(hidden) == set()
    assert [len(t["lon"]) for t in hidden] == [len(t["lon"]) for t in routes.traces(view_of(more_atlas), facts)]


def drawn_ids(traces: list[Trace]) -> set[str]:
    """Ids of the points a trace list draws (those with coordinates)."""
    out = set()
    for t in traces:
        for x, data in zip(t["lon"], t.get("customdata") or [None] * len(t["lon"]), strict=True):
            point = data[-1] if isinstance(data, list) else data
            if x is not None and point:
                out.add(point)
    return out


# --- programs ---------------------------------------------------------------------------------


def markers(traces: list[Trace]) -> list[tuple[str, str, float, float, float, str]]:
    """(id, trace name, lon, lat, size, symbol) of every program marker, the key's entry left out."""
    return [
        (row[-1], t["name"], x, y, s, t["marker"]["symbol"])  # customdata ends with the site's id
        for t in traces
        if t.get("customdata")
        for row, x, y, s in zip(t["customdata"], t["lon"], t["lat"], t["marker"]["size"], strict=True)
        if x is not None  # a site out of view keeps its place, undrawn
    ]


def test_one_marker_per_site_and_type(more_atlas, facts):
    view = view_of(more_atlas)
    got = sorted((i, name) for i, name, *_ in markers(programs.traces(view, facts)))
    expected = sorted(
        (
            f"program:{site.program_id}",
            PROGRAM_TYPES[t] + (" (country only)" if site.site_precision == "country" else ""),
        )
        for site in view.programs.itertuples()
        for t in site.types
    )
    assert got == expected
    assert len(got) == 10


def test_country_only_sites_are_open_and_named_sites_filled(more_atlas, facts):
    traces = programs.traces(view_of(more_atlas), facts)
    for i, name, _, _, _, symbol in markers(traces):
        if i in ("program:initiative-50m-khm", "program:usa-return"):
            assert symbol.endswith("-open") and name.endswith(" (country only)")
        else:
            assert not symbol.endswith("-open") and not name.endswith(" (country only)")
    # A country-only site sits at its country's label point (Cambodia: two types, stacked on it).
    khm = [(x, y) for i, _, x, y, *_ in markers(traces) if i == "program:initiative-50m-khm"]
    assert khm == [label_point(more_atlas, "KHM")] * 2
    # One key entry stands for all open markers.
    assert by_name(traces)["Open: country only, no site named"]["marker"]["symbol"] == "circle-open"
    symbols = {t["name"]: t["marker"]["symbol"] for t in traces}
    assert symbols["Protection & assistance"] == PROGRAM_STYLES["protection"][1] == "square"
    assert symbols["Protection & assistance (country only)"] == "square-open"


def site_points(traces, program_id):
    return sorted((x, y) for i, _, x, y, *_ in markers(traces) if i == f"program:{program_id}")


def site_sizes(traces, program_id):
    return [size for i, _, _, _, size, _ in markers(traces) if i == f"program:{program_id}"]


def test_several_types_at_one_site_are_stacked_on_it(more_atlas, facts):
    traces = programs.traces(view_of(more_atlas), facts)
    site = (-0.65, 8.217)
    assert site_points(traces, "gha-lake-volta") == [site] * 3
    # Drawn largest first (in the traces' order), each a step wider than the next: bands of each type.
    base = programs.marker_size(1500)
    assert site_sizes(traces, "gha-lake-volta") == [base + 2 * programs.STACK_STEP, base + programs.STACK_STEP, base]
    # One type: one marker of the site's own size.
    assert site_points(traces, "tha-bali-process") == [(100.502, 13.756)]
    assert site_sizes(traces, "tha-bali-process") == [programs.BASE_SIZE]


def test_the_stack_counts_only_the_types_shown(more_atlas, facts):
    site = (-0.65, 8.217)
    base = programs.marker_size(1500)
    two = programs.traces(view_of(more_atlas, types=("prevention", "protection")), facts)
    assert site_points(two, "gha-lake-volta") == [site] * 2
    assert site_sizes(two, "gha-lake-volta") == [base + programs.STACK_STEP, base]
    one = programs.traces(view_of(more_atlas, types=("protection",)), facts)
    assert site_points(one, "gha-lake-volta") == [site]
    assert site_sizes(one, "gha-lake-volta") == [base]
    # The other types' traces stay, with nothing drawn: a filter change moves points, not traces.
    drawn = {t["name"] for t in one if any(t["lon"])}
    assert drawn == {"Protection & assistance", "Protection & assistance (country only)"}
    every = programs.traces(view_of(more_atlas), facts)
    assert [t["name"] for t in one] == [t["name"] for t in every]


def test_marker_size_grows_with_people_assisted(more_atlas, facts):
    sizes = {i: s for i, _, _, _, s, _ in markers(programs.traces(view_of(more_atlas), facts))}
    assert sizes["program:gha-lake-volta"] > sizes["program:idn-police-hospitals"] > sizes["program:tha-bali-process"]
    assert sizes["program:tha-bali-process"] == programs.BASE_SIZE
    assert programs.marker_size(1500) == pytest.approx(2 * programs.BASE_SIZE, rel=0.02)
    people = [None, 0, 1, 10, 100, 1_500, 1_000_000]
    assert [programs.marker_size(p) for p in people] == sorted(programs.marker_size(p) for p in people)
    assert programs.marker_size(10) < programs.marker_size(100)


def test_marker_size_does_not_reveal_a_suppressed_count(more):
    more.set_cell("programs.csv", 3, "people_assisted", "9")  # idn-police-hospitals; mex-shelter has 5
    atlas = load_atlas(more.path)
    sizes = {i: s for i, _, _, _, s, _ in markers(programs.traces(view_of(atlas), facts_of(atlas, 11)))}
    assert sizes["program:mex-shelter"] == sizes["program:idn-police-hospitals"]


# --- selection and outside --------------------------------------------------------------------


def test_selection_rings_a_site_or_draws_a_route(more_atlas, facts):
    (ring,) = selection.traces(view_of(more_atlas, select="program:mex-shelter"), facts)
    assert (ring["lon"], ring["lat"], ring["marker"]["symbol"]) == ([-92.26], [14.9], "circle-open")
    (arc,) = selection.traces(view_of(more_atlas, select="route:khm-tha-begging"), facts)
    assert len(arc["lon"]) == routes.ARC_POINTS and (arc["lon"][0], arc["lat"][0]) == (104.91, 12.72)
    (internal,) = selection.traces(view_of(more_atlas, select="route:gha-internal-fishing"), facts)
    assert (internal["lon"], internal["lat"], internal["mode"]) == ([-1.22], [7.95], "markers")
    # Nothing to highlight where the selection is filtered out, cannot be drawn, or is empty.
    assert selection.traces(view_of(more_atlas, select="program:mex-shelter", types=("prevention",)), facts) == []
    assert selection.traces(view_of(more_atlas, select="route:asia-sea-fishing"), facts) == []
    assert selection.traces(view_of(more_atlas), facts) == []


def test_outside_veils_the_countries_beyond_the_regions(more_atlas, facts):
    assert outside.traces(view_of(more_atlas), facts) == []
    (veil,) = outside.traces(view_of(more_atlas, regions=("rcm",)), facts)
    assert sorted(veil["locations"]) == ["GHA", "IDN", "KHM", "MYS", "THA"]
    assert veil["hoverinfo"] == "skip"


# --- escaping and suppression -----------------------------------------------------------------


def test_program_text_is_html_escaped_in_the_hover(more):
    more.set_cell("programs.csv", 2, "program", PAYLOAD)
    more.set_cell("programs.csv", 2, "partner", f"IOM {PAYLOAD}")
    more.set_cell("programs.csv", 2, "site", '"><img src=x onerror=alert(2)>')
    atlas = load_atlas(more.path)
    by_layer = traces_by_layer(view_of(atlas), facts_of(atlas, 11))
    volta = [h for h in rendered(by_layer["programs"][0]) if ESCAPED in h]
    assert volta and volta[0].startswith(f"<b>{ESCAPED}</b><br>Partner: IOM {ESCAPED}<br>")
    assert "Site: &#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in volta[0]
    everything = json.dumps(by_layer)
    assert PAYLOAD not in everything and "<img" not in everything


def test_route_text_is_html_escaped_in_the_hover(more):
    more.set_cell("routes.csv", 2, "victims", PAYLOAD)
    more.set_cell("routes.csv", 2, "destination_label", PAYLOAD)
    atlas = load_atlas(more.path)
    by_layer = traces_by_layer(view_of(atlas, layers=("routes",)), facts_of(atlas, 11))
    (begging,) = [h for h in all_hovers(by_layer) if "Forced begging" in h]
    assert f"Who: {ESCAPED}" in begging and f"Thailand, {ESCAPED}</b>" in begging
    assert PAYLOAD not in json.dumps(by_layer)


def test_route_labels_are_html_escaped_in_the_roles_hover(more):
    add_rows(more, "routes.csv", f"khm-sea,KHM,,,{PAYLOAD},forced-labour,,men,,,2007,,,prm-2007")
    atlas = load_atlas(more.path)
    by_layer = traces_by_layer(view_of(atlas, layers=("roles",)), facts_of(atlas, 11))
    (cambodia,) = [h for h in all_hovers(by_layer) if "<b>Cambodia</b>" in h]
    assert f"to {ESCAPED} (forced labour)" in cambodia
    assert PAYLOAD not in json.dumps(by_layer)


def test_a_suppressed_indicator_value_never_shows(more):
    more.set_cell("indicators.csv", 7, "value", "8")  # IDN population 2007, suppressed=true
    atlas = load_atlas(more.path)
    traces = choropleth.traces(view_of(atlas, indicator="population"), facts_of(atlas, 11))
    assert "IDN" not in drawn_in(traces[0])
    indonesia = [h for t in traces for h in rendered(t) if h.startswith("<b>Indonesia</b>")]
    assert indonesia and all("8.0" not in h for h in indonesia)


# plotly.js's placeholder pattern, and the entities its text (hover labels, legend, titles) decodes.
PLACEHOLDER = re.compile(r"%\{([^\s%{}:]*)([:|\|][^}]*)?\}")
ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
NAMED = {
    "mu": "\u03bc",
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": "\xa0",
    "times": "\xd7",
    "plusmn": "\xb1",
    "deg": "\xb0",
}
TEMPLATE_PAYLOAD = "%{lon} %{customdata[0]}"


def shown(text: str) -> str:
    """What plotly.js draws of a (filled) template or a name: the placeholders left filled in (as
    ``<filled>``), then the entities decoded (``&quot;`` is not among them)."""

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("#"):
            return chr(int(code[2:], 16) if code[1] == "x" else int(code[1:]))
        return NAMED.get(code, match.group(0))

    return ENTITY.sub(decode, PLACEHOLDER.sub("<filled>", text))


def test_a_placeholder_in_route_text_is_shown_as_it_is(more):
    more.set_cell("routes.csv", 2, "victims", TEMPLATE_PAYLOAD)
    more.set_cell("routes.csv", 2, "destination_label", f"50%{{lat}} {TEMPLATE_PAYLOAD}")
    atlas = load_atlas(more.path)
    by_layer = traces_by_layer(view_of(atlas, layers=("routes", "roles")), facts_of(atlas, 11))
    (begging,) = [shown(h) for h in all_hovers(by_layer) if "Forced begging" in h]
    assert f"Who: {TEMPLATE_PAYLOAD}<br>" in begging
    assert f"Thailand, 50%{{lat}} {TEMPLATE_PAYLOAD}</b>" in begging
    (cambodia,) = [shown(h) for h in all_hovers(by_layer) if "<b>Cambodia</b>" in h]
    assert "to Thailand (forced begging)" in cambodia
    assert "<filled>" not in begging + cambodia


def test_a_placeholder_in_an_indicator_label_and_unit_is_shown_as_it_is(more):
    more.set_cell("indicator_catalogue.csv", 3, "label", f"Pop <b>{TEMPLATE_PAYLOAD}</b>")
    more.set_cell("indicator_catalogue.csv", 3, "unit", TEMPLATE_PAYLOAD)
    more.set_cell("indicator_catalogue.csv", 2, "label", f"Tier {TEMPLATE_PAYLOAD}")
    atlas = load_atlas(more.path)
    label = f"Pop <b>{TEMPLATE_PAYLOAD}</b>"
    traces = choropleth.traces(view_of(atlas, indicator="population"), facts_of(atlas, 11))
    hovers = {iso3: shown(h) for iso3, h in hovers_by_country(traces).items()}
    assert hovers["GHA"].startswith(f"<b>Ghana</b><br>{label}: 22.9 million {TEMPLATE_PAYLOAD}<br>")
    assert hovers["IDN"].startswith(f"<b>Indonesia</b><br>{label}: suppressed (fewer than 11)<br>")
    assert hovers["KHM"] == f"<b>Cambodia</b><br>{label}: no data for 2007<extra></extra>"
    assert all("<filled>" not in h for h in hovers.values())
    # The names and titles plotly.js draws (its own key, in image exports), and the colour bar.
    values = traces[0]
    assert shown(values["name"]) == label and "<b>" not in values["name"]
    # (the colour bar's title is wrapped into lines: compare its words)
    bar = shown(values["colorbar"]["title"]["text"]).replace("<sub>", "").replace("</sub>", "").replace("<br>", " ")
    assert bar.startswith(f"{label}, 2007 {TEMPLATE_PAYLOAD} — ")
    (titled,) = [t for t in traces if "legendgrouptitle" in t]
    assert shown(titled["legendgrouptitle"]["text"]) == f"{label}, 2007"
    tiers = choropleth.traces(view_of(atlas), facts_of(atlas, 11))
    (titled,) = [t for t in tiers if "legendgrouptitle" in t]
    assert shown(titled["legendgrouptitle"]["text"]) == f"Tier {TEMPLATE_PAYLOAD}, 2007"
    # The HTML key shows the same text, as plain text (Dash escapes it): not escaped twice.
    assert [g.title for g in legend_groups(traces)] == [f"{label}, 2007"]


def with_publisher_bounds(data) -> None:
    """Add the optional ``suppressed_below`` column (and routes' ``suppressed``), a route the
    publisher withheld as "<5" and a bound of 5 on Indonesia's suppressed population."""
    for file, extra in (("routes.csv", ["suppressed", "suppressed_below"]), ("indicators.csv", ["suppressed_below"])):
        path = data.path / file
        records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        records = [[*records[0], *extra], *([*r, *[""] * len(extra)] for r in records[1:])]
        if file == "indicators.csv":
            idn = next(r for r in records if r[:3] == ["IDN", "population", "2007"])
            idn[-1] = "5"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(records)
        path.write_text(out.getvalue(), encoding="utf-8")
    add_rows(data, "routes.csv", "khm-mys-withheld,KHM,,MYS,,forced-labour,brick kilns,men,,,2007,,,prm-2007,true,5")


def test_a_count_the_publisher_withheld_reads_as_its_bound(more):
    with_publisher_bounds(more)
    atlas = load_atlas(more.path)
    facts = facts_of(atlas, 11)
    hovers = all_hovers(traces_by_layer(view_of(atlas, indicator="population"), facts))
    (withheld,) = [h for h in hovers if "brick kilns" in h]
    assert "Count: fewer than 5<br>" in withheld
    (indonesia,) = [h for h in hovers if h.startswith("<b>Indonesia</b><br>Population")]
    assert "Population: suppressed (fewer than 5)<br>" in indonesia
    # Where the rows disagree, each says its own bound (the trace of suppressed values is small).
    more.set_line("indicators.csv", 6, "GHA,population,2007,,,true,gapminder,")
    atlas = load_atlas(more.path)
    traces = choropleth.traces(view_of(atlas, indicator="population"), facts_of(atlas, 11))
    hovers = hovers_by_country(traces)
    assert "Population: suppressed (fewer than 5)<br>" in hovers["IDN"]
    assert "Population: suppressed (fewer than 11)<br>" in hovers["GHA"]
    assert {"suppressed", "suppressed_below"} <= set(REGISTRY["routes"].needs["routes"])
    assert "suppressed_below" in REGISTRY["choropleth"].needs["indicators"]


def lone_five(text: str) -> bool:
    return re.search(r"(?<![\w.,:-])5(?![\w.,:])", text) is not None


def test_small_counts_are_suppressed_in_every_hover(more_atlas, facts):
    hovers = all_hovers(traces_by_layer(view_of(more_atlas, indicator="population"), facts))
    shelter = [h for h in hovers if "Tapachula shelter" in h]
    assert shelter and all("People assisted: fewer than 11" in h for h in shelter)
    (internal,) = [h for h in hovers if "Ghana, Lake Volta →" in h]
    assert "Count: fewer than 11" in internal
    (reunited,) = [h for h in hovers if "Return and reunification" in h]
    assert "Reunited with family: 62<br>Returned home: fewer than 11" in reunited
    (indonesia,) = [h for h in hovers if h.startswith("<b>Indonesia</b><br>Population")]
    assert "suppressed (fewer than 11)" in indonesia
    assert [h for h in hovers if lone_five(h)] == []


def test_a_lower_threshold_shows_the_count(more_atlas):
    # The same data with threshold 3: the test above would see the 5s if suppression were off.
    hovers = all_hovers(traces_by_layer(view_of(more_atlas), facts_of(more_atlas, 3)))
    assert any("People assisted: 5<br>" in h for h in hovers)
    assert any("Count: 5<br>" in h for h in hovers)
    assert any(lone_five(h) for h in hovers)


# --- the registry -----------------------------------------------------------------------------


def test_registry_order_and_switches():
    assert list(REGISTRY) == ["choropleth", "outside", "roles", "profile", "routes", "programs", "selection"]
    assert all(key == layer.key for key, layer in REGISTRY.items())
    assert tuple(key for key, layer in REGISTRY.items() if layer.toggleable) == TOGGLEABLE


@pytest.mark.parametrize("key", list(REGISTRY))
def test_layers_need_columns_the_atlas_has(more_atlas, key):
    tables = {f.name for f in dataclasses.fields(Atlas)}
    needs = REGISTRY[key].needs
    assert needs
    for table, columns in needs.items():
        assert table in tables
        assert set(columns) <= set(getattr(more_atlas, table).columns), (key, table)


def test_needs_cover_the_columns_a_layer_reads():
    # The routes layer's hover reads every routes column it declares; a missing one would raise here.
    assert set(REGISTRY["routes"].needs["routes"]) >= {"count", "count_note", "victims", "detail", "source"}
    assert set(REGISTRY["programs"].needs["programs"]) >= {"map_lon", "map_lat", "types", "site_precision"}


def test_layers_switched_off_draw_nothing(more_atlas, facts):
    off = traces_by_layer(view_of(more_atlas, layers=()), facts)
    assert off == {key: [] for key in REGISTRY}
    on = traces_by_layer(view_of(more_atlas), facts)
    assert all(on[key] for key in TOGGLEABLE)


@pytest.mark.parametrize("key", TOGGLEABLE)
def test_one_layer_on(more_atlas, facts, key):
    drawn = traces_by_layer(view_of(more_atlas, layers=(key,)), facts)
    assert [k for k, traces in drawn.items() if traces] == [key]


def test_layers_that_cannot_be_switched_off(more_atlas, facts):
    drawn = traces_by_layer(view_of(more_atlas, layers=(), regions=("rcm",), select="program:mex-shelter"), facts)
    assert [k for k, traces in drawn.items() if traces] == ["outside", "selection"]


def test_only_some_layers(more_atlas, facts):
    view = view_of(more_atlas)
    only = traces_by_layer(view, facts, only={"programs", "roles"})
    assert list(only) == ["roles", "programs"]
    assert only["programs"] == programs.traces(view, facts)


# --- what each layer reads ----------------------------------------------------------------------

# Values each state field takes in the cases below (the tiny atlas has tiers for 2007 only).
ALTERNATIVES = {
    "indicator": ("tip-tier", "population"),
    "year": (2007, 2002),
    "regions": ((), ("rcm",), ("south-eastern-asia",)),
    "types": ((), ("protection",), ("regional-dialogue",)),
    "forms": ((), ("forced-labour",), ("forced-begging",)),
    "country": ("", "IDN"),
    "select": ("", "program:idn-police-hospitals", "program:gha-lake-volta", "route:tha-idn-labour"),
    "datasets": ((), ("bundled",), ("synthetic",)),
    # The synthetic dataset has two counted flows in 2002 (see below): "1" draws one, sums the other.
    "flows": ("50", "1"),
    "flowscale": ("country", "subregion"),
    "flowcountry": ("", "IDN", "KHM"),
    "flowdir": ("both", "in", "out"),
    "flowfrom": ("", "south-eastern-asia", "western-africa", "bali-process"),
    "flowto": ("", "south-eastern-asia", "rcm"),
    "flowyears": ((), (2002, 2007)),
}


def states_differing_in(field: str):
    """Pairs of states that differ in ``field`` alone, over a spread of the other fields."""
    others = [
        {"regions": regions, "select": select, "types": types, "forms": forms, "country": country}
        for regions in ALTERNATIVES["regions"]
        for select in ALTERNATIVES["select"]
        for types, forms in (((), ()), (("protection",), ("forced-labour",)))
        for country in ALTERNATIVES["country"]
    ]
    for base in others:
        if field == "flowdir":  # the direction says something only of the flows of one country
            base = {**base, "flowcountry": "IDN"}
        if field == "flows":  # and the number drawn only where there are two (in 2002)
            base = {**base, "year": 2002}
        values = ALTERNATIVES[field]
        for a, b in zip(values, values[1:], strict=False):
            yield {**base, field: a}, {**base, field: b}


@pytest.mark.parametrize("key", list(REGISTRY))
def test_a_layer_reads_no_more_than_it_declares(mixed_atlas, key):
    # The app caches a layer's traces under the fields it declares: any other field must not matter.
    # (On an atlas with an imported dataset, whose flows are counted per year.)
    more_atlas, facts = mixed_atlas, facts_of(mixed_atlas, 11)
    layer = REGISTRY[key]
    for field in ALTERNATIVES:
        if field in layer.reads:
            continue
        for one, other in states_differing_in(field):
            assert layer.traces(view_of(more_atlas, **one), facts) == layer.traces(
                view_of(more_atlas, **other), facts
            ), (
                key,
                field,
                one,
                other,
            )


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_field_a_layer_declares_matters_to_it(mixed_atlas, key):
    # A declaration wider than what the layer reads would redraw it for nothing.
    more_atlas, facts = mixed_atlas, facts_of(mixed_atlas, 11)
    layer = REGISTRY[key]
    for field in layer.reads:
        assert any(
            layer.traces(view_of(more_atlas, **one), facts) != layer.traces(view_of(more_atlas, **other), facts)
            for one, other in states_differing_in(field)
        ), (key, field)


@pytest.mark.parametrize("key", list(REGISTRY))
def test_a_layer_key_part_reads_no_more_than_it_declares(more_atlas, facts, key):
    # The key is drawn from every row; its parts are cached under each layer's key_reads.
    layer = REGISTRY[key]
    groups = region_groups(more_atlas.countries)

    def key_part(**changes):
        state = ViewState(**{"indicator": "tip-tier", "year": 2007, "layers": TOGGLEABLE, **changes})
        return legend_groups(layer.traces(build_view(more_atlas, state, groups, every_row(more_atlas)), facts))

    cases = {"indicator": ({}, {"indicator": "population"}), "year": ({"indicator": "population"}, {"year": 2002})}
    for field, (one, other) in cases.items():
        changed = {**one, **other} if field == "year" else other
        if field in layer.key_reads:
            assert key_part(**one) != key_part(**changed), (key, field)
        else:
            assert key_part(**one) == key_part(**changed), (key, field)


def test_past_the_limit_only_rows_in_view_are_drawn(more_atlas, facts, monkeypatch):
    # A big table: sending every row's coordinates on each change would cost more than the rows in view.
    view = view_of(more_atlas, regions=("rcm",))
    every = programs.traces(view, facts) + routes.traces(view, facts)
    monkeypatch.setattr("dashboard.layers.EVERY_ROW_LIMIT", 0)
    few = programs.traces(view, facts) + routes.traces(view, facts)
    assert drawn_ids(few) == drawn_ids(every) == {f"program:{p}" for p in view.programs["program_id"]}
    sites = [t for t in programs.traces(view, facts) if t.get("customdata")]
    assert sites and all(x is not None for t in sites for x in t["lon"])  # nothing out of view is sent
    assert sum(len(t["lon"]) for t in few) < sum(len(t["lon"]) for t in every)


# --- the country in profile -------------------------------------------------------------------


def test_a_profile_outlines_its_country_and_its_route_partners(more_atlas, facts):
    from dashboard.layers import profile
    from dashboard.palette import PROFILE_COLOUR

    assert profile.traces(view_of(more_atlas), facts) == []  # no profile open
    traces = profile.traces(view_of(more_atlas, country="IDN"), facts)
    outlines = {t["name"]: t for t in traces if t["type"] == "choropleth"}
    assert outlines["Indonesia: profile open"]["locations"] == ["IDN"]
    # Indonesia's routes: to Malaysia, and from Thailand.
    assert sorted(outlines["Its route partners"]["locations"]) == ["MYS", "THA"]
    assert {t["marker"]["line"]["color"] for t in outlines.values()} == {PROFILE_COLOUR}
    assert (
        outlines["Indonesia: profile open"]["marker"]["line"]["width"]
        > outlines["Its route partners"]["marker"]["line"]["width"]
    )
    # Its key entries, under one title.
    groups = legend_groups(traces)
    assert [g.title for g in groups] == ["Country profile"]
    assert [e.label for e in groups[0].entries] == ["Indonesia (profile)", "Its partners on the routes in view"]
    # Partners follow the routes in view: none by forced begging.
    begging = profile.traces(view_of(more_atlas, country="IDN", forms=("forced-begging",)), facts)
    assert [t["locations"] for t in begging if t["type"] == "choropleth"] == [["IDN"]]
    # The map frames the country.
    assert profile.frame(view_of(more_atlas, country="IDN"), facts) == [label_point(more_atlas, "IDN")]
