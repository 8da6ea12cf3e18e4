"""The panels beside the map, as the filter callback updates them: sent as changes, not whole."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.data import AtlasData
from dashboard.layout import create_sources, sources_patch
from dashboard.state import ViewState
from dashboard.table import in_view
from dashboard.view import build_view
from tests.unit.test_figure import apply_patch


@pytest.fixture(scope="module")
def data(more_data) -> AtlasData:
    return more_data


def wire(value):
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def test_the_sources_list_is_patched_item_by_item(data):
    ids = list(data.atlas.sources.index)
    assert len(ids) >= 4
    cases = [(ids[:3], ids[1:4]), (ids, ids[::2]), (ids[::2], ids), ([], ids[:2]), (ids[:2], [])]
    for had, now in cases:
        page = {"children": wire(create_sources(data, had))}
        patch = wire(sources_patch(data, had, now))
        got = apply_patch(page, {**patch, "operations": [
            {**op, "location": ["children", *op["location"]]} for op in patch["operations"]
        ]})  # fmt: skip
        assert got["children"] == wire(create_sources(data, now)), (had, now)
        # Only what changed travels: an unchanged item is never sent.
        sent = json.dumps(patch)
        for kept in set(had) & set(now):
            row = data.atlas.sources.loc[kept]
            assert str(row["document"]) not in sent


def test_the_tables_are_told_the_ids_in_view(data):
    state = ViewState(indicator="tip-tier", year=2007, regions=("rcm",), layers=("programs", "routes"))
    view = build_view(data.atlas, state, data.groups)
    ids = in_view(view)
    assert ids == [f"program:{p}" for p in view.programs["program_id"]] + [
        f"route:{r}" for r in view.routes["route_id"]
    ]
    assert {i.split(":")[0] for i in ids} <= {"program", "route"}
