"""Flows between regions A and B (``flowfrom=``, ``flowto=``): exactly the routes from A to B
are kept, the strongest drawn and "other" still add up to what is kept, a bad key gives a
notice, and the sentence says it, in Spanish too."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard import flows as fl
from dashboard import i18n
from dashboard.layers import facts_of, routes
from dashboard.state import ViewState, from_query, to_query
from dashboard.view import build_view, ends_of, make_choices, region_groups, route_positions
from tests.unit.test_flows import THRESHOLD, country, synthetic_routes

YEAR = 2007  # synthetic_routes' year
A = frozenset(f"P{i:02d}" for i in range(0, 12))
B = frozenset(f"P{i:02d}" for i in range(8, 22))  # overlaps A: flows within the overlap are both


def synthetic_table(n=600):
    table = pd.DataFrame(synthetic_routes(n))
    table["suppressed"] = table["suppressed"].astype(bool)
    table["count"] = pd.to_numeric(table["count"])
    return table


def kept(table, origins, destinations):
    state = ViewState(indicator="tip-tier", year=YEAR)
    return table.iloc[route_positions(table, state, None, (origins, destinations))]


@pytest.mark.parametrize(("origins", "destinations"), [(A, B), (A, None), (None, B), (B, A), (None, None)])
def test_exactly_the_flows_from_a_to_b_are_kept(origins, destinations):
    table = synthetic_table()
    got = set(kept(table, origins, destinations)["route_id"])
    expected = {
        r["route_id"]
        for r in table.to_dict("records")
        if (origins is None or r["origin_iso3"] in origins)
        and (destinations is None or r["destination_iso3"] in destinations)
    }
    assert got == expected
    assert 0 < len(got) <= len(table)


@pytest.mark.parametrize("top", ["10", "50", "all"])
def test_the_strongest_and_other_add_up_to_what_is_kept(top):
    records = kept(synthetic_table(), A, B).to_dict("records")
    parts = [fl.part_of(r, THRESHOLD) for r in records]
    ranked = fl.rank(fl.aggregate(records, THRESHOLD, country), top)
    assert sum(f.exact for f in ranked.drawn) + ranked.other_exact == sum(p.exact for p in parts if p)
    assert sum(f.small for f in ranked.drawn) + ranked.other_small == sum(p.small for p in parts if p)
    assert all(f.origin in A and f.destination in B for f in ranked.flows)


def test_ends_of_a_state():
    groups = {"a": type("G", (), {"members": A})(), "b": type("G", (), {"members": B})()}
    assert ends_of(ViewState(indicator="x", year=1), groups) == (None, None)  # type: ignore[arg-type]
    assert ends_of(ViewState(indicator="x", year=1, flowfrom="a", flowto="b"), groups) == (A, B)  # type: ignore[arg-type]
    assert ends_of(ViewState(indicator="x", year=1, flowto="zz"), groups) == (None, frozenset())  # type: ignore[arg-type]


def choices_of(atlas):
    return make_choices(atlas, region_groups(atlas.countries), ["routes"])


def test_a_bad_region_key_gives_a_notice_and_a_good_one_round_trips(mixed_atlas):
    choices = choices_of(mixed_atlas)
    state, notices = from_query("flowfrom=atlantis&flowto=south-eastern-asia", choices)
    assert state.flowfrom == "" and state.flowto == "south-eastern-asia"
    assert notices == ["Unknown region 'atlantis': flows from every region shown."]
    state, notices = from_query("flowto=%3Cscript%3E", choices)
    assert state.flowto == "" and notices == ["Unknown region '<script>': flows to every region shown."]
    assert from_query("flowfrom=&flowto=", choices) == (from_query("", choices)[0], [])
    both = ViewState(indicator="tip-tier", year=2007, flowfrom="bali-process", flowto="rcm")
    assert to_query(both, choices).endswith("flowfrom=bali-process&flowto=rcm")
    assert from_query(to_query(both, choices), choices) == (both, [])


def view_of(atlas, **changes):
    state = ViewState(**{"indicator": "tip-tier", "year": 2002, "layers": ("routes",), **changes})
    return build_view(atlas, state, region_groups(atlas.countries))


def flow_ids(view, facts):
    return {
        i.rsplit(":", 1)[1]
        for t in routes.traces(view, facts)
        if t.get("legendgroup") == routes.FLOW_GROUP
        for i in t["customdata"]
        if i
    }


def test_the_layer_table_and_sentence_follow_the_regions(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    # 2002: KHM -> THA (40) and IDN -> KHM (12), every synthetic country in South-eastern Asia.
    within = view_of(mixed_atlas, flowfrom="south-eastern-asia", flowto="south-eastern-asia")
    assert flow_ids(within, facts) == {"khm-tha-2002", "idn-khm-2002"}
    assert "flows from South-eastern Asia to South-eastern Asia" in routes.describe(within, facts)
    away = view_of(mixed_atlas, flowfrom="south-eastern-asia", flowto="western-africa")
    assert flow_ids(away, facts) == set()
    africa = region_groups(mixed_atlas.countries)["western-africa"].members
    assert all(r["destination_iso3"] in africa for r in fl.route_records(away))
    assert "flows from South-eastern Asia to Western Africa" in routes.describe(away, facts)
    out = view_of(mixed_atlas, flowfrom="western-africa")
    assert flow_ids(out, facts) == set() and "flows out of Western Africa" in routes.describe(out, facts)
    into = view_of(mixed_atlas, flowto="south-eastern-asia")
    assert flow_ids(into, facts) == {"khm-tha-2002", "idn-khm-2002"}
    assert "flows into South-eastern Asia" in routes.describe(into, facts)
    # The table and the downloads (the view's rows) keep only what the filter keeps.
    members = region_groups(mixed_atlas.countries)["south-eastern-asia"].members
    assert set(view_of(mixed_atlas, flowfrom="western-africa").routes["origin_iso3"]) <= {"GHA"} - members


def test_the_sentence_says_it_in_spanish(mixed_atlas):
    facts = facts_of(mixed_atlas, THRESHOLD)
    with i18n.language("es"):
        sentence = routes.describe(view_of(mixed_atlas, flowfrom="south-eastern-asia", flowto="western-africa"), facts)
        assert "flujos de Sudeste asiático a África occidental" in sentence, sentence
        sentence = routes.describe(view_of(mixed_atlas, flowto="western-africa"), facts)
        assert "flujos hacia África occidental" in sentence, sentence


# --- the downloads and the HTML export, on the one app of the session ------------------------------


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


def test_the_downloads_and_the_export_follow_the_regions(client):
    response = client.get("/download/routes.csv?flowfrom=south-eastern-asia&flowto=south-eastern-asia")
    assert response.status_code == 200 and "X-Atlas-Notice" not in response.headers
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype=str, keep_default_na=False)
    assert sorted(frame["route_id"]) == ["idn-mys-domestic", "idn-mys-sexual", "khm-tha-begging"]
    frame = pd.read_csv(io.StringIO(client.get("/download/routes.csv?flowto=south-america").get_data(as_text=True)))
    assert list(frame["route_id"]) == ["dom-arg-sexual"]
    response = client.get("/download/routes.csv?flowfrom=atlantis")
    assert response.status_code == 200
    assert response.headers["X-Atlas-Notice"] == "Unknown region 'atlantis': flows from every region shown."
    page = client.get("/export/map.html?flowfrom=caribbean&flowto=south-america")
    assert page.status_code == 200 and "flows from Caribbean to South America" in page.get_data(as_text=True)


def test_two_labelled_dropdowns_among_the_flow_controls(more_data):
    from dash import dcc, html

    from dashboard.layout import create_flow_controls, region_options

    state = ViewState(indicator="tip-tier", year=2007, flowfrom="bali-process")

    def found(node, out):
        if isinstance(node, dcc.Dropdown) and node.id in ("flowfrom", "flowto"):
            out[node.id] = node
        if isinstance(node, html.Label):
            out.setdefault("labels", []).append(node)
        for child in getattr(node, "children", None) or []:
            if not isinstance(child, str):
                found(child, out)
        return out

    controls: dict = {}
    for field in create_flow_controls(more_data, state):
        found(field, controls)
    assert controls["flowfrom"].value == "bali-process" and controls["flowto"].value is None
    assert controls["flowfrom"].options == controls["flowto"].options == region_options(more_data)
    labelled = {getattr(label, "htmlFor", None) for label in controls["labels"]}
    assert {"flowfrom", "flowto"} <= labelled


def test_the_downloads_follow_the_flows_of_one_country(client):
    """``flowcountry=``/``flowdir=`` cut the view's rows too: the routes download lists what the map draws."""

    def ids(query: str) -> list[str]:
        text = client.get(f"/download/routes.csv?{query}").get_data(as_text=True)
        return sorted(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)["route_id"])

    everything = ids("")
    into = ids("flowcountry=MYS&flowdir=in")
    out = ids("flowcountry=IDN&flowdir=out")
    assert into == ["idn-mys-domestic", "idn-mys-sexual"] and out == into
    assert set(into) < set(everything)
