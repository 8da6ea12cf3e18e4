"""Every program marker the map and the HTML export draw lies in its site's country.

Checked against the atlas's own boundaries (Natural Earth 1:50m) with the loader's tolerance,
for the bundled sites and for a generated set of sites with one to five types each, spread over
small and large countries (a marker set a fixed distance around its site used to land in a
neighbouring country or at sea: Costa Rica's in Nicaragua, Moldova's in Ukraine).
"""

from __future__ import annotations

import random
import re

import folium
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard.exports.canvas import Canvas
from dashboard.exports.elements import PageData, SvgMarker
from dashboard.layers import facts_of, programs
from dashboard.state import ViewState
from dashboard.view import build_view, region_groups
from geodata import BUNDLED_DIR, Atlas, load_atlas
from geodata.boundaries import read_boundaries, sites_outside_country
from geodata.loader import BOUNDARIES_FILE
from geodata.vocabulary import PROGRAM_TYPES

# Small countries first: where an offset marker most easily leaves its country.
GENERATED_IN = ("CRI", "SLV", "MDA", "SLE", "LBN", "RWA", "BEL", "TTO", "IDN", "MYS", "GHA", "CHL", "NOR", "VNM")


@pytest.fixture(scope="module")
def bundled() -> Atlas:
    return load_atlas()


@pytest.fixture(scope="module")
def boundaries(bundled: Atlas):
    return read_boundaries(BUNDLED_DIR / BOUNDARIES_FILE, bundled.countries["iso_numeric"])


def generated(atlas: Atlas, boundaries, seed: int = 7, per_country: int = 3) -> Atlas:
    """The atlas with its programs replaced by synthetic sites (labelled so): random points inside
    each of :data:`GENERATED_IN`, each with a random set of one to five program types."""
    rng = random.Random(seed)
    template = atlas.programs.iloc[0]
    rows = []
    for iso3 in GENERATED_IN:
        shape = boundaries.geometry[iso3]
        west, south, east, north = shape.bounds
        placed = 0
        while placed < per_country:
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            if not shape.contains(Point(lon, lat)):
                continue
            types = tuple(t for t in PROGRAM_TYPES if rng.random() < 0.6) or ("protection",)
            rows.append(
                {
                    **template.to_dict(),
                    "program_id": f"synthetic-{iso3.lower()}-{placed}",
                    "program": f"Synthetic test site {iso3} {placed}",
                    "iso3": iso3,
                    "site": "synthetic test point",
                    "site_precision": "city",
                    "types": types,
                    "lon": lon,
                    "lat": lat,
                    "map_lon": lon,
                    "map_lat": lat,
                    "year_start": pd.NA,
                    "year_end": pd.NA,
                }
            )
            placed += 1
    frame = pd.DataFrame(rows, index=pd.RangeIndex(2, 2 + len(rows))).astype(atlas.programs.dtypes.to_dict())
    return type(atlas)(**{**atlas.__dict__, "programs": frame})


def plotly_markers(atlas: Atlas) -> pd.DataFrame:
    view = build_view(atlas, ViewState("tip-tier", 2007, layers=("programs",)), region_groups(atlas.countries))
    sites = atlas.programs.set_index("program_id")["iso3"]
    drawn = [
        {"iso3": sites[data[-1].removeprefix("program:")], "lon": x, "lat": y}
        for trace in programs.traces(view, facts_of(atlas))
        if trace.get("customdata")
        for data, x, y in zip(trace["customdata"], trace["lon"], trace["lat"], strict=True)
        if x is not None
    ]
    return pd.DataFrame(drawn)


def folium_markers(atlas: Atlas) -> pd.DataFrame:
    view = build_view(atlas, ViewState("tip-tier", 2007, layers=("programs",)), region_groups(atlas.countries))
    facts = facts_of(atlas)
    canvas = Canvas(folium.Map(tiles=None), PageData(), facts.names, tuple(atlas.countries.index))
    programs.draw_folium(view, facts, canvas)
    sites = atlas.programs.set_index("program_id")["iso3"]
    drawn = []
    for group in canvas.map._children.values():
        for marker in getattr(group, "_children", {}).values():
            if isinstance(marker, SvgMarker):
                found = re.search(r'data-id="program:([^"]+)"', canvas.data.texts[marker.svg])
                assert found
                drawn.append({"iso3": sites[found.group(1)], "lon": marker.location[1], "lat": marker.location[0]})
    return pd.DataFrame(drawn)


@pytest.mark.parametrize("draw", [plotly_markers, folium_markers])
@pytest.mark.parametrize("data", ["bundled", "generated"])
def test_every_marker_is_in_its_country(bundled: Atlas, boundaries, draw, data: str) -> None:
    atlas = bundled if data == "bundled" else generated(bundled, boundaries)
    drawn = draw(atlas)
    several = atlas.programs["types"].map(len).gt(1).sum()
    assert several >= 5  # sites with several types, each drawn as several markers
    assert len(drawn) == atlas.programs["types"].map(len).sum()
    outside = sites_outside_country(drawn, boundaries)
    assert outside.empty, outside.to_string()
