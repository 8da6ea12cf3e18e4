"""Counted flows summed over a range of years (``flowyears=``): the URL, the sums, the words.

The routes here are SYNTHETIC (seeded, made up): counted flows between the tiny atlas's
countries over 2002-2007, some withheld, some below the threshold.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pandas as pd
import pytest

from dashboard import flows as fl
from dashboard.layers import facts_of, roles, routes
from dashboard.state import BY_NAME, Choices, ViewState, from_query, to_query
from dashboard.view import build_view, region_groups
from geodata import load_atlas
from geodata.store import Dataset
from tests.unit.conftest import write_more

THRESHOLD = 11
YEARS = range(2002, 2008)
PLACES = ("GHA", "IDN", "KHM", "MEX", "MYS", "THA", "USA")


def synthetic_routes(n: int = 400, seed: int = 13) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        year = rng.choice(YEARS)
        kind = rng.random()
        row: dict[str, object] = {
            "route_id": f"synthetic-range-{i:04d}",
            "origin_iso3": rng.choice(PLACES),
            "destination_iso3": rng.choice(PLACES),
            "form": rng.choice(("forced-labour", "sexual-exploitation")),
            "year_start": year,
            "year_end": year,
            "reported_year": year,
        }
        if kind < 0.15:
            row.update(suppressed="true", suppressed_below=5)
        elif kind < 0.25:
            row["count"] = rng.randint(1, THRESHOLD - 1)  # below the threshold: withheld here
        else:
            row["count"] = int(10 ** rng.uniform(1.05, 4.3))
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory):
    rows = synthetic_routes()
    dataset = Dataset(
        "synthetic-range",
        "Synthetic flows over several years (tests)",
        "routes",
        "synthetic-range.csv",
        "0" * 64,
        "Synthetic (tests)",
        "2026-12-04T00:00:00+00:00",
        1,
        {"routes": len(rows)},
    )
    atlas = load_atlas(write_more(tmp_path_factory.mktemp("range")).path, [(dataset, {"routes": pd.DataFrame(rows)})])
    assert not atlas.skipped, atlas.skipped
    return atlas


@pytest.fixture(scope="module")
def facts(atlas):
    return facts_of(atlas, THRESHOLD)


def view_of(atlas, **changes):
    state = ViewState(**{"indicator": "tip-tier", "year": 2007, "layers": ("routes", "roles"), **changes})
    return build_view(atlas, state, region_groups(atlas.countries))


def expected_sums(first: int, last: int, **only: str) -> tuple[int, int, set[str]]:
    """Exact people and withheld counts over the years, straight from the synthetic rows."""
    exact = small = 0
    ids = set()
    for row in synthetic_routes():
        if not first <= int(row["year_start"]) <= last:  # type: ignore[call-overload]
            continue
        if any(row[column] != value for column, value in only.items()):
            continue
        ids.add(str(row["route_id"]))
        count = row.get("count")
        if count is None or int(count) < THRESHOLD:  # type: ignore[call-overload]
            small += 1
        else:
            exact += int(count)  # type: ignore[call-overload]
    return exact, small, ids


# --- the URL ---------------------------------------------------------------------------------------

CHOICES = Choices(
    regions=(),
    types=(),
    forms=(),
    layers=("routes",),
    indicator_years={"tip-tier": [2007]},
    default_indicator="tip-tier",
)


@pytest.mark.parametrize(
    ("given", "read", "written"),
    [
        ("2015-2019", (2015, 2019), "?flowyears=2015-2019"),
        ("2015..2019", (2015, 2019), "?flowyears=2015-2019"),
        ("2015–2019", (2015, 2019), "?flowyears=2015-2019"),
        ("2019-2015", (2015, 2019), "?flowyears=2015-2019"),  # the years in order
        ("2012", (2012, 2012), "?flowyears=2012"),  # a range of one year
        ("", (), ""),
    ],
)
def test_a_range_in_the_url_reads_and_writes_back(given, read, written):
    state, notices = from_query(f"?flowyears={given}", CHOICES)
    assert (state.flowyears, notices) == (read, [])
    assert to_query(state, CHOICES) == written
    assert from_query(written, CHOICES)[0] == state


@pytest.mark.parametrize("junk", ["abc", "2015-", "20155-2019", "1066-2019", "2015-2019-2020", "²⁰¹⁵", "2015,2019"])
def test_a_bad_range_gives_a_notice_and_the_views_year(junk):
    state, notices = from_query(f"?flowyears={junk}", CHOICES)
    assert state.flowyears == ()
    (notice,) = notices
    assert notice.startswith("Unknown range of years ") and notice.endswith(": flows counted in 2007 shown.")


def test_old_urls_have_no_range_and_the_control_round_trips():
    assert from_query("?region=bali&flows=10", CHOICES)[0].flowyears == ()
    codec = BY_NAME["flowyears"].codec
    allowed = BY_NAME["flowyears"].allowed(CHOICES, {})
    assert codec.from_control("2003..2006") == ["2003..2006"]
    assert codec.from_control([2003, 2006]) == ["2003-2006"]
    assert codec.from_control(None) == codec.from_control("  ") == []
    assert codec.to_control((2003, 2006), allowed) == "2003-2006"
    assert codec.to_control((2004, 2004), allowed) == "2004"
    assert codec.to_control((), allowed) is None
    assert (2003, 2006) in allowed and (2006, 2003) not in allowed and (1850, 2000) not in allowed


# --- the sums ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("top", ["1", "10", "50", "all"])
@pytest.mark.parametrize(("first", "last"), [(2002, 2007), (2003, 2005), (2006, 2006)])
def test_drawn_and_other_add_up_to_the_total_over_the_range(atlas, facts, top, first, last):
    view = view_of(atlas, flowyears=(first, last), flows=top)
    ranked = routes.ranked_flows(view, facts)
    exact, small, ids = expected_sums(first, last)
    assert sum(f.exact for f in ranked.drawn) + ranked.other_exact == exact
    assert sum(f.small for f in ranked.drawn) + ranked.other_small == small
    assert {r["route_id"].rsplit(":", 1)[1] for f in ranked.flows for r in f.routes} == ids
    # A pair's flow holds its routes of every year in the range, and of no other.
    years = {int(r["year_start"]) for f in ranked.flows for r in f.routes}
    assert years == set(range(first, last + 1))


def test_a_range_sums_a_pair_over_its_years(atlas, facts):
    by_year = {
        year: {(f.origin, f.destination): f.exact for f in routes.ranked_flows(view_of(atlas, year=year), facts).flows}
        for year in YEARS
    }
    summed = {
        (f.origin, f.destination): f.exact
        for f in routes.ranked_flows(view_of(atlas, flowyears=(2002, 2007)), facts).flows
    }
    for pair, total in summed.items():
        assert total == sum(flows.get(pair, 0) for flows in by_year.values())


def test_withheld_counts_stay_out_of_every_sum_over_a_range(atlas, facts):
    view = view_of(atlas, flowyears=(2002, 2007), flows="5")
    ranked = routes.ranked_flows(view, facts)
    small_counts = {
        int(row["count"])  # type: ignore[call-overload]
        for row in synthetic_routes()
        if row.get("count") is not None and int(row["count"]) < THRESHOLD  # type: ignore[call-overload]
    }
    for flow in ranked.flows:
        counts = [None if pd.isna(r["count"]) else int(r["count"]) for r in flow.routes]
        assert flow.exact == sum(c for c in counts if c is not None and c >= THRESHOLD)  # no small count added in
        assert flow.small == sum(1 for c in counts if c is None or c < THRESHOLD)
    # Every flow whose counts are all withheld says "fewer than", never a number under the threshold.
    for flow in ranked.flows:
        if not flow.exact:
            assert "fewer than" in flow.count_text()
            assert not any(str(n) == flow.count_text() for n in small_counts)


def test_the_flow_filter_and_sub_regions_over_a_range(atlas, facts):
    into_thailand = view_of(atlas, flowyears=(2003, 2006), flowcountry="THA", flowdir="in")
    ranked = routes.ranked_flows(into_thailand, facts)
    exact, small, ids = expected_sums(2003, 2006, destination_iso3="THA")
    assert (sum(f.exact for f in ranked.flows), sum(f.small for f in ranked.flows)) == (exact, small)
    region = routes.ranked_flows(view_of(atlas, flowyears=(2003, 2006), flowscale="subregion"), facts)
    everything = expected_sums(2003, 2006)
    assert (sum(f.exact for f in region.flows), sum(f.small for f in region.flows)) == everything[:2]


def test_the_table_lists_every_route_of_the_range_and_no_other(atlas, facts):
    view = view_of(atlas, flowyears=(2003, 2005))
    listed = {i.rsplit(":", 1)[1] for i in routes.ids_in_view(view) if "synthetic-range" in i}
    assert listed == expected_sums(2003, 2005)[2]
    # The roles layer outlines the countries of the routes of the range.
    one_year = roles.role_records(view_of(atlas, year=2003), fl.route_records(view_of(atlas, year=2003)))
    over = roles.role_records(view, fl.route_records(view))
    assert {r["iso3"] for r in one_year} <= {r["iso3"] for r in over}


def test_a_range_of_one_year_is_that_year(atlas, facts):
    pinned = view_of(atlas, year=2007, flowyears=(2004, 2004))
    same = view_of(atlas, year=2004)
    assert routes.ranked_flows(pinned, facts) == routes.ranked_flows(same, facts)
    # Said as that year, whatever the map's year.
    assert routes.describe(pinned, facts).endswith("counted flows between countries, people counted in 2004")
    hovers = [h for t in flow_traces(pinned, facts) for h in t["hovertemplate"] if h]
    assert hovers and all("<br>People counted in 2004: " in h for h in hovers)


# --- the words -------------------------------------------------------------------------------------


def flow_traces(view, facts):
    return [t for t in routes.traces(view, facts) if t.get("legendgroup") == routes.FLOW_GROUP]


def test_the_range_is_said_in_the_sentence_the_hover_and_the_key(atlas, facts):
    view = view_of(atlas, flowyears=(2003, 2006), flows="10")
    sentence = routes.describe(view, facts)
    assert "counted flows between countries, people counted in 2003–2006 and summed" in sentence
    traces = flow_traces(view, facts)
    assert traces[0]["legendgrouptitle"] == {"text": "Counted flows: people, summed over 2003–2006"}
    hovers = [h for t in traces for h in t["hovertemplate"] if h]
    assert hovers and all("<br>People counted in 2003–2006, summed: " in h for h in hovers)
    assert any("(counts for 2003, " in h for h in hovers)
    # One year: the words of one year, unchanged.
    one = view_of(atlas, year=2004)
    assert "people counted in 2004" in routes.describe(one, facts)
    assert flow_traces(one, facts)[0]["legendgrouptitle"] == {"text": "Counted flows: people, one year"}
    sub = routes.describe(view_of(atlas, flowyears=(2003, 2006), flowscale="subregion"), facts)
    assert "counted flows between UN sub-regions, people counted in 2003–2006 and summed" in sub


def test_the_layers_declare_the_range():
    assert "flowyears" in routes.LAYER.reads and "flowyears" in routes.LAYER.key_reads
    assert "flowyears" in roles.LAYER.reads


def test_a_bad_range_in_a_url_draws_the_views_year(atlas, facts):
    choices = replace(CHOICES, layers=("routes", "roles"))
    state, notices = from_query("?flowyears=2019-banana&layers=routes~roles", choices)
    assert len(notices) == 1 and state.flowyears == ()
    view = build_view(atlas, state, region_groups(atlas.countries))
    assert "people counted in 2007" in routes.describe(view, facts)


def test_the_years_control_holds_the_range_as_the_url_writes_it(atlas):
    assert fl.counted_years(atlas) == list(YEARS)
    box = routes.flow_years_input(atlas, ViewState(indicator="tip-tier", year=2007, flowyears=(2003, 2006)))
    assert (box.id, box.value, box.type) == ("flowyears", "2003-2006", "text")
    assert routes.flow_years_input(atlas, ViewState(indicator="tip-tier", year=2007)).value is None
    assert routes.flow_years_help(atlas) == (
        "A year or a range of years, such as 2002-2007: the flows counted in those years are summed."
        " Counted flows in the data: 2002 to 2007."
    )


def test_a_range_without_flows_says_so(atlas, facts):
    sentence = routes.describe(view_of(atlas, flowyears=(1990, 1995)), facts)
    assert sentence.endswith("; no counted flows in 1990–1995")
    assert not [
        t for t in routes.traces(view_of(atlas, flowyears=(1990, 1995)), facts) if t.get("legendgroup") == "flows"
    ]
    assert "no counted flows" not in routes.describe(view_of(atlas, year=1990), facts)  # the map's year: as before


def test_years_with_a_count_are_listed_as_runs():
    assert fl.year_runs([2009, 2003, 2004, 2005, 2006, 2011, 2012, 2004]) == "2003–2006, 2009, 2011–2012"
    assert fl.year_runs([2007]) == "2007"
    assert fl.year_runs(range(2003, 2022)) == "2003–2021"


# --- through the app: a bad range is a notice, never a server error -------------------------------

JUNK = ("banana", "2019-", "-2019", "2019--2020", "9" * 5000, "2007..1997", "<script>", "%ff", "\x00", "2015-2019~2020")


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.mark.parametrize("junk", JUNK)
def test_a_bad_range_never_fails_the_server(client, junk):
    from urllib.parse import quote

    query = f"flowyears={quote(junk, errors='replace')}&layers=roles~routes"
    for path in ("/", "/export/map.html", "/download/routes.csv", "/brief/KHM.html"):
        assert client.get(f"{path}?{query}").status_code < 500, (path, junk)


def test_a_download_says_the_bad_range(client):
    response = client.get("/download/routes.csv?flowyears=banana")
    assert response.status_code == 200
    assert "Unknown range of years 'banana'" in response.headers.get("X-Atlas-Notice", "")
    assert "Unknown range" not in client.get("/download/routes.csv?flowyears=2003-2006").headers.get(
        "X-Atlas-Notice", ""
    )
