"""The HTML export draws the counted flows as the map does: the strongest ``flows=`` with their
class's width, the others said as "other flows" in the key, sub-regions with ``flowscale=``,
and the range of years; tested as markup (SYNTHETIC routes, :mod:`test_flows_range`'s)."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import flows as fl
from dashboard.exports.boundaries import export_boundaries
from dashboard.exports.folium_map import export_view_html
from dashboard.layers import facts_of, routes
from tests.unit.test_flows_range import THRESHOLD, view_of
from tests.unit.test_flows_range import atlas as atlas  # noqa: F401  (the module's fixture, shared)


@pytest.fixture(scope="module")
def facts(atlas):  # noqa: F811
    return facts_of(atlas, THRESHOLD)


@pytest.fixture(scope="module")
def boundaries(atlas):  # noqa: F811
    return export_boundaries(atlas)


def page_of(atlas, facts, boundaries, **changes) -> str:  # noqa: F811
    return export_view_html(view_of(atlas, **changes), facts, boundaries, "Flows")


def flow_options(page: str) -> list[dict]:
    """The Leaflet options of each flow drawn (a line or a ring), in the page's order."""
    return [json.loads(m) for m in re.findall(r"(\{[^{}]*\"className\": \"atlas-flow [^{}]*\})", page)]


def key_part(page: str, title: str) -> str:
    start = page.index(title)
    return page[start : page.index("</div>", start)]


@pytest.mark.parametrize("top", ["3", "10"])
def test_the_export_draws_the_strongest_flows_and_says_the_others(atlas, facts, boundaries, top):  # noqa: F811
    changes = {"flowyears": (2003, 2006), "flows": top}
    page = page_of(atlas, facts, boundaries, **changes)
    ranked = routes.ranked_flows(view_of(atlas, **changes), facts)
    drawn = flow_options(page)
    assert len(drawn) == len(ranked.drawn) == int(top) and ranked.other
    # Each with its class's width (withheld counts thin and dotted), in rank order.
    for options, flow in zip(drawn, ranked.drawn, strict=True):
        key = routes.flow_key(flow, THRESHOLD)
        assert options["weight"] == routes.key_width(key)
        assert options["className"].split()[1] == ("atlas-flow--withheld" if key < 0 else f"atlas-flow--class-{key}")
        assert (options["dashArray"] is not None) == (key < 0)
        assert ("atlas-flow-internal" in options["className"]) == flow.internal
    # The key: the range, every class of the flows in view, and the others summed as the map says them.
    key = key_part(page, "Counted flows: people, summed over 2003–2006")
    for flow_class in {routes.flow_key(f, THRESHOLD) for f in ranked.flows}:
        label = routes.class_label(flow_class, 5, THRESHOLD)
        assert f"<span>{label}</span>" in key
        assert f'stroke-width="{routes.key_width(flow_class):g}"' in key
    assert f"<p>{ranked.other_text()}</p>" in key
    assert re.search(r"other flows not drawn: [\d,]+ people, and \d+ counts of fewer than 11 \(withheld\)", key)
    # No counted route is drawn on its own: only the flows (and the named routes, apart).
    assert "atlas-route--synthetic" not in page


def test_the_export_sums_the_others_as_the_sentence_does(atlas, facts, boundaries):  # noqa: F811
    view = view_of(atlas, flows="5")
    page = page_of(atlas, facts, boundaries, flows="5")
    ranked = routes.ranked_flows(view, facts)
    total = sum(f.exact for f in ranked.drawn) + ranked.other_exact
    assert total == sum(f.exact for f in ranked.flows)
    assert ranked.other_text() in routes.describe(view, facts)
    assert ranked.other_text() in page
    assert "Counted flows: people, one year" in page


def test_the_export_draws_sub_regions_at_their_centres(atlas, facts, boundaries):  # noqa: F811
    changes = {"flowyears": (2002, 2007), "flowscale": "subregion", "flows": "all"}
    page = page_of(atlas, facts, boundaries, **changes)
    view = view_of(atlas, **changes)
    ranked = routes.ranked_flows(view, facts)
    assert not ranked.other and len(flow_options(page)) == len(ranked.flows)
    centres = routes.subregion_points(atlas, facts)
    assert {f.origin for f in ranked.flows} <= set(centres)
    # A line between sub-regions starts at its origin's centre (lat, lon), as the map's arc does.
    line = next(f for f in ranked.drawn if not f.internal)
    lon, lat = centres[line.origin]
    assert f"[[{round(lat, 3)}, {round(lon, 3)}]," in page
    # Within a sub-region: a ring, named so in the key.
    assert any(f.internal for f in ranked.flows) and "Ring: within one sub-region" in page
    assert "atlas-flow-internal" in page
    # The popups say the sub-regions and the range.
    assert "People counted in 2002–2007, summed: " in page
    assert "South-eastern Asia" in page


def test_the_export_keeps_the_flow_filter(atlas, facts, boundaries):  # noqa: F811
    changes = {"flowcountry": "THA", "flowdir": "in", "flows": "all"}
    view = view_of(atlas, **changes)
    ranked = routes.ranked_flows(view, facts)
    assert ranked.flows and all(f.destination == "THA" for f in ranked.flows)
    assert len(flow_options(page_of(atlas, facts, boundaries, **changes))) == len(ranked.flows)


def test_withheld_counts_are_never_a_number_in_the_export(mixed_atlas):
    # The conftest's synthetic dataset: in 2007, Indonesia -> Malaysia "fewer than 5", alone.
    facts = facts_of(mixed_atlas, THRESHOLD)
    page = page_of(mixed_atlas, facts, export_boundaries(mixed_atlas), year=2007)
    (options,) = flow_options(page)
    assert options["weight"] == fl.SUPPRESSED_WIDTH and options["dashArray"]
    assert "atlas-flow--withheld" in options["className"]
    assert "People counted in 2007: fewer than 5" in page
    assert "<span>fewer than 5 (suppressed)</span>" in page
    # Over 2002-2007, the withheld count is said apart from the people summed, never added in.
    ranged = page_of(mixed_atlas, facts, export_boundaries(mixed_atlas), flowyears=(2002, 2007), flows="1")
    assert "<p>2 other flows not drawn: 12 people, and 1 count of fewer than 5 (withheld)</p>" in ranged
