"""The standalone HTML export, tested as markup: offline, complete for the view, escaped."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from folium.plugins import Fullscreen
from shapely.geometry import Polygon, box

from dashboard.exports.boundaries import cut_at_antimeridian, export_boundaries, simplify_boundaries
from dashboard.exports.folium_map import export_view_html
from dashboard.exports.offline import LEAFLET_VERSION, OfflineError, outside_references, render_offline
from dashboard.layers import REGISTRY, facts_of, source_ids_in_view
from dashboard.state import from_query
from dashboard.view import View, build_view, make_choices, region_groups
from geodata import BUNDLED_DIR, Atlas, load_atlas
from geodata.boundaries import read_boundaries
from geodata.loader import BOUNDARIES_FILE

SCRIPT_NAME = "<script>alert(1)</script>"
CDN_HOSTS = ("cdn.jsdelivr", "cdnjs", "code.jquery", "unpkg", "bootstrapcdn", "openstreetmap", "fontawesome.com")


class Exporter:
    """An atlas with everything the export needs, and a way to export a view given as a URL query."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self.groups = region_groups(atlas.countries)
        self.choices = make_choices(atlas, self.groups, [k for k, layer in REGISTRY.items() if layer.toggleable])
        self.facts = facts_of(atlas)
        self.boundaries = export_boundaries(atlas)

    def view(self, query: str) -> View:
        state, notices = from_query(query, self.choices)
        assert notices == []
        return build_view(self.atlas, state, self.groups)

    def page(self, query: str, title: str = "Counter-Trafficking Atlas") -> str:
        return export_view_html(self.view(query), self.facts, self.boundaries, title)


@pytest.fixture(scope="module")
def bundled() -> Exporter:
    return Exporter(load_atlas())


@pytest.fixture(scope="module")
def world(bundled: Exporter) -> str:
    return bundled.page("")


@pytest.fixture(scope="module")
def rcm(bundled: Exporter) -> str:
    return bundled.page("?region=rcm")


def with_program_name(tmp_path: Path, program_id: str, name: str) -> Path:
    """A copy of the bundled data directory in which one program is called ``name``."""
    directory = tmp_path / "data"
    shutil.copytree(BUNDLED_DIR, directory)
    path = directory / "programs.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert any(row["program_id"] == program_id for row in rows)
    for row in rows:
        if row["program_id"] == program_id:
            row["program"] = name
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return directory


def legend(page: str) -> str:
    match = re.search(r'<div class="atlas-legend".*?</ul>(?:<p>[^<]*</p>)?</div>', page, re.S)
    assert match, "no legend"
    return match.group(0)


def sources_line(page: str) -> str:
    match = re.search(r'<div class="atlas-sources">(.*?)</div>', page, re.S)
    assert match, "no sources line"
    return match.group(1)


@pytest.mark.parametrize("name", ["world", "rcm"])
def test_export_references_nothing_outside(name: str, request: pytest.FixtureRequest) -> None:
    page: str = request.getfixturevalue(name)
    assert page.startswith("<!DOCTYPE html>")
    assert outside_references(page) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, re.I)
    assert not re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", page, re.I)
    assert "@import" not in page
    assert not any(host in page for host in CDN_HOSTS)
    # Leaflet itself is in the page, at the version folium writes its code for.
    assert f"Leaflet {LEAFLET_VERSION}" in page
    assert "L.map(" in page


def test_vendored_leaflet_is_the_version_folium_expects() -> None:
    leaflet = dict(folium.Map.default_js)["leaflet"]
    assert f"leaflet@{LEAFLET_VERSION}/" in leaflet


def test_world_export_holds_every_program_site_and_drawable_route(bundled: Exporter, world: str) -> None:
    view = bundled.view("")
    assert len(view.programs) == 13
    for program_id in view.programs["program_id"]:
        assert f'data-id=\\"program:{program_id}\\"' in world
    # Routes: five with two countries drawn (one of them internal: a ring), one without any not drawn.
    for route_id in ("gha-internal-fisheries", "khm-tha-begging", "dom-arg-sexual", "idn-mys-domestic"):
        assert f"atlas-route--{route_id}" in world
    assert "atlas-route-internal" in world
    assert "asia-sea-fishing" not in world
    assert "1 route without two named countries not drawn." in legend(world)
    # The country shapes are the base layer: no tiles.
    assert "L.tileLayer(" not in world
    assert world.count('"type": "Feature"') > 200


def test_region_export_leaves_out_what_is_out_of_view(bundled: Exporter, rcm: str) -> None:
    view = bundled.view("?region=rcm")
    assert set(view.programs["program_id"]) == {
        "usa-return-reunification",
        "rcm-capacity-building",
        "initiative-50m-mex",
    }
    for program_id in view.programs["program_id"]:
        assert f"program:{program_id}" in rcm
    for program_id in ("gha-lake-volta", "idn-police-hospitals", "dialogue-igc", "initiative-50m-khm"):
        assert f"program:{program_id}" not in rcm
    assert "atlas-route--dom-arg-sexual" in rcm
    for route_id in ("khm-tha-begging", "idn-mys-sexual", "gha-internal-fisheries"):
        assert route_id not in rcm
    assert "Outside the chosen regions" in legend(rcm)


@pytest.mark.parametrize("query", ["", "?region=rcm"])
def test_export_has_the_legend_and_the_sources_of_the_view(bundled: Exporter, query: str) -> None:
    page = bundled.page(query)
    key = legend(page)
    assert "TIP Report tier placement, 2007" in key
    assert "Tier 2 Watch List" in key
    assert "Sexual exploitation" in key
    assert "Program sites, by type" in key
    assert "Open: country only, no site named" in key
    line = sources_line(page)
    view = bundled.view(query)
    cited = bundled.atlas.sources.loc[source_ids_in_view(view)]
    assert len(cited) >= 2
    for _, source in cited.iterrows():
        assert f"({source['date']})" in line
    assert "Trafficking in Persons Report" in line  # the tiers' source
    assert "Natural Earth" in line  # the shapes'


def test_continuous_indicator_gets_a_colour_bar(bundled: Exporter) -> None:
    page = bundled.page("?indicator=population")
    key = legend(page)
    assert "Population, 2007" in key
    assert "linear-gradient" in key
    assert "Log scale (people)" in key
    assert "Tier 1" not in key


def test_layers_switched_off_are_left_out(bundled: Exporter) -> None:
    page = bundled.page("?layers=choropleth")
    assert "program:" not in page
    assert "atlas-route" not in page.split("</style>")[-1]
    assert "L.control.layers" not in page
    assert "Routes, by form of exploitation" not in legend(page)


def test_program_name_with_a_script_is_escaped(tmp_path: Path) -> None:
    exporter = Exporter(load_atlas(with_program_name(tmp_path, "gha-lake-volta", SCRIPT_NAME)))
    page = exporter.page("")
    assert SCRIPT_NAME not in page
    assert "<script>alert" not in page
    # In the popup and the tooltip: HTML-escaped, then written as a JSON string (which escapes "&").
    escaped = "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;"
    assert page.count(escaped) >= 2
    assert page.count("alert(1)") == page.count(escaped)


def test_title_is_escaped(bundled: Exporter) -> None:
    page = bundled.page("?region=rcm", title="RCM <b>members</b> & more")
    assert "<title>RCM &lt;b&gt;members&lt;/b&gt; &amp; more</title>" in page
    assert "<b>members</b>" not in page


def test_world_export_stays_small(world: str) -> None:
    assert len(world.encode()) < 1_200_000


def test_a_library_the_export_does_not_bundle_is_an_error() -> None:
    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(OfflineError, match="Fullscreen"):
        render_offline(m)


def test_polygon_across_the_antimeridian_is_cut_in_two() -> None:
    # Ten degrees either side of 180°, written as a ring that jumps from +175 to -175.
    crossing = Polygon([(175, -20), (-175, -20), (-175, -10), (175, -10)])
    cut = cut_at_antimeridian(crossing)
    assert cut.geom_type == "MultiPolygon"
    bounds = sorted(part.bounds for part in cut.geoms)
    assert bounds == [(-180.0, -20.0, -175.0, -10.0), (175.0, -20.0, 180.0, -10.0)]
    assert cut.area == pytest.approx(100)


@pytest.mark.parametrize("iso3", ["RUS", "FJI"])
def test_bundled_outlines_across_180_degrees_are_cut_and_valid(iso3: str) -> None:
    atlas = load_atlas(BUNDLED_DIR)
    numeric = atlas.countries.set_index("iso3").loc[[iso3], "iso_numeric"]
    raw = read_boundaries(BUNDLED_DIR / BOUNDARIES_FILE, numeric, repair=set()).geometry[iso3]
    cut = cut_at_antimeridian(raw)
    assert cut.is_valid
    assert cut.bounds[0] == -180 and cut.bounds[2] == 180  # parts on both sides, none beyond
    for part in cut.geoms:
        for ring in [part.exterior, *part.interiors]:
            assert np.all(np.abs(np.diff(np.asarray(ring.coords)[:, 0])) <= 180)
    # Nothing lost in the cut: the same area as the outline drawn east of 0° throughout.
    east = shapely.make_valid(shapely.transform(raw, lambda xy: np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy)))
    assert cut.area == pytest.approx(east.area, rel=1e-6)


def test_simplified_boundaries_keep_every_ring_on_one_side() -> None:
    shapes = gpd.GeoDataFrame(
        geometry=[box(10, 0, 20, 10), Polygon([(170, 60), (-170, 60), (-170, 70), (170, 70)]), box(0, -80, 10, -70)],
        index=["AAA", "RUS", "ATA"],
        crs="EPSG:4326",
    )
    out = simplify_boundaries(shapes)
    assert list(out.index) == ["AAA", "RUS"]  # Antarctica left out
    assert out.crs == shapes.crs
    for geometry in out.geometry:
        for part in getattr(geometry, "geoms", [geometry]):
            lons = np.asarray(part.exterior.coords)[:, 0]
            assert np.all(np.abs(np.diff(lons)) <= 180)
    assert out.geometry["RUS"].bounds == (-180.0, 60.0, 180.0, 70.0)


def test_roles_layer_is_drawn_in_the_export(bundled: Exporter) -> None:
    # The roles layer had no code in the export: ?layers=roles drew no source/destination markers.
    page = bundled.page("?layers=roles")
    view = bundled.view("?layers=roles")
    roles = dict(zip(view.roles["iso3"], view.roles["role"], strict=True))
    assert roles  # the bundled routes give countries every role
    for iso3, role in roles.items():
        assert f'data-id=\\"country:{iso3}\\"' in page
        assert f"atlas-role-{role}" in page
    key = re.search(r'<div class="atlas-legend".*?</div>', page, re.S)
    assert key and "Countries on routes" in key.group(0)
    assert "Destination country" in key.group(0) or "destination" in key.group(0).lower()
    # Each of those countries is outlined; no other is.
    outlined = re.findall(r'"id": "([A-Z]{3})", "properties": \{[^{}]*"edge"', page)
    assert sorted(outlined) == sorted(roles)
    # Switched off, none of it.
    off = bundled.page("?layers=choropleth~routes~programs")
    assert "atlas-role-" not in off and 'data-id=\\"country:' not in off and '"edge"' not in off
