"""Loading a data directory into an Atlas: the tiny fixture, the bundled data, and what loading must not do."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import geodata
from geodata import MAIN_TABLES, Atlas, DataError, load_atlas

INITIATIVE_50M = {"KHM", "IND", "IDN", "MEX", "MDA", "SLE", "TZA"}


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``directory`` with its bytes and modification time."""
    return {
        str(path.relative_to(directory)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def bundled() -> Atlas:
    return load_atlas()


# --- the tiny fixture -------------------------------------------------------------------------


def test_tiny_loads_into_an_atlas(tiny):
    atlas = load_atlas(tiny.path)

    assert isinstance(atlas, Atlas)
    assert atlas.directory == tiny.path
    assert len(atlas.countries) == 4
    assert len(atlas.indicators) == 6
    assert len(atlas.routes) == 2
    assert len(atlas.programs) == 4
    assert len(atlas.figures) == 1


def test_tiny_indexes(tiny):
    atlas = load_atlas(tiny.path)

    assert list(atlas.countries.index) == ["GHA", "IDN", "KHM", "THA"]
    assert list(atlas.catalogue.index) == ["tip-tier", "population"]
    assert list(atlas.sources.index) == ["prm-2007", "tip-2007", "gapminder", "natural-earth"]
    # The other tables are indexed by spreadsheet row: header is row 1, first record row 2.
    assert list(atlas.indicators.index) == [2, 3, 4, 5, 6, 7]
    assert list(atlas.routes.index) == [2, 3]
    assert list(atlas.programs.index) == [2, 3, 4, 5]
    assert atlas.programs.loc[5, "program_id"] == "initiative-50m-khm"
    # Key columns stay available as columns too.
    assert atlas.countries.loc["KHM", "iso3"] == "KHM"


def test_tiny_program_types_are_tuples(tiny):
    types = load_atlas(tiny.path).programs["types"]

    assert types[2] == ("prevention", "protection", "return-reintegration")
    assert types[4] == ("regional-dialogue",)


def test_tiny_catalogue_categories(tiny):
    catalogue = load_atlas(tiny.path).catalogue

    assert catalogue.loc["tip-tier", "categories"] == ("tier-1", "tier-2", "tier-2-watch-list", "tier-3", "not-ranked")
    assert catalogue.loc["population", "categories"] == ()


def test_a_catalogue_with_the_retired_higher_is_worse_column_still_loads(tiny):
    # Data directories written before the column was dropped: read as before, the column unread.
    path = tiny.path / "indicator_catalogue.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",higher_is_worse", lines[1] + ",true", lines[2] + ",false"]) + "\n")
    catalogue = load_atlas(tiny.path).catalogue
    assert list(catalogue.index) == ["tip-tier", "population"]
    assert "higher_is_worse" not in catalogue.columns


def test_tiny_country_site_is_drawn_at_the_country_label_point(tiny):
    programs = load_atlas(tiny.path).programs

    khm = programs.loc[5]
    assert khm["site_precision"] == "country"
    assert pd.isna(khm["lon"]) and pd.isna(khm["lat"])
    assert (khm["map_lon"], khm["map_lat"]) == (104.91, 12.72)  # KHM's label point in countries.csv
    # A site with coordinates is drawn at them.
    assert (programs.loc[2, "map_lon"], programs.loc[2, "map_lat"]) == (-0.65, 8.217)
    assert str(programs["map_lon"].dtype) == "Float64"


def test_tiny_suppressed_is_boolean(tiny):
    indicators = load_atlas(tiny.path).indicators

    assert indicators["suppressed"].dtype == bool
    # "false", empty and "true" in the file.
    assert list(indicators["suppressed"]) == [False, False, False, False, False, True]


def test_tiny_typed_columns(tiny):
    atlas = load_atlas(tiny.path)

    assert atlas.countries.loc["GHA", "iso_numeric"] == 288
    assert atlas.indicators.loc[6, "value"] == 22873338
    assert atlas.programs.loc[2, "people_assisted"] == 1500
    assert atlas.programs.loc[2, "year_start"] == 2003
    assert str(atlas.programs["people_assisted"].dtype) == "Int64"
    assert pd.isna(atlas.programs.loc[3, "year_start"])


def test_tiny_maritime_route_keeps_its_labels(tiny):
    route = load_atlas(tiny.path).routes.loc[3]

    assert pd.isna(route["origin_iso3"]) and pd.isna(route["destination_iso3"])
    assert route["origin_label"] == "Asia (country not named)"
    assert route["destination_label"] == "at sea (fishing vessels)"


# --- the bundled data -------------------------------------------------------------------------


def test_bundled_main_tables(bundled):
    assert MAIN_TABLES == ("countries", "indicators", "routes", "programs")
    assert bundled.directory == geodata.BUNDLED_DIR
    assert {table: len(getattr(bundled, table)) for table in MAIN_TABLES} == {
        "countries": 249,
        "indicators": 5265,
        "routes": 6,
        "programs": 13,
    }


def test_bundled_tip_2007_tiers(bundled):
    tiers = bundled.indicators.query("indicator == 'tip-tier' and year == 2007")

    assert tiers["iso3"].is_unique
    ranked = tiers[tiers["category"] != "not-ranked"]
    assert ranked["iso3"].nunique() == 149
    assert set(ranked["category"]) == {"tier-1", "tier-2", "tier-2-watch-list", "tier-3"}
    assert sorted(tiers.loc[tiers["category"] == "not-ranked", "iso3"]) == ["HTI", "IRL", "KOR", "USA"]


def test_bundled_programs(bundled):
    programs = bundled.programs

    assert len(programs) == 13
    assert programs["program"].nunique() == 7
    assert programs["program_id"].is_unique


def test_bundled_50m_initiative_is_placed_by_country_only(bundled):
    initiative = bundled.programs[bundled.programs["program"].str.contains("50 million")]

    assert set(initiative["iso3"]) == INITIATIVE_50M
    assert len(initiative) == 7
    assert set(initiative["site_precision"]) == {"country"}
    assert initiative["lon"].isna().all() and initiative["lat"].isna().all()
    labels = bundled.countries.loc[initiative["iso3"], ["label_lon", "label_lat"]].to_numpy()
    assert (initiative[["map_lon", "map_lat"]].to_numpy() == labels).all()


def test_bundled_maritime_route_has_no_invented_origin(bundled):
    at_sea = bundled.routes[bundled.routes["destination_label"].str.contains("at sea", na=False)]

    assert len(at_sea) == 1
    route = at_sea.iloc[0]
    assert pd.isna(route["origin_iso3"])
    assert route["origin_label"] == "Asia (country not named)"
    assert pd.isna(route["destination_iso3"])


@pytest.mark.parametrize("table", ["countries", "indicators", "catalogue", "routes", "programs", "figures"])
def test_bundled_every_row_cites_a_known_source(bundled, table):
    cited = getattr(bundled, table)["source"]

    assert cited.notna().all()
    unknown = {part.strip() for cell in cited for part in cell.split(";")} - set(bundled.sources.index)
    assert unknown == set()


# --- what loading must not do -----------------------------------------------------------------


def test_loading_does_not_modify_the_bundled_files():
    before = snapshot(geodata.BUNDLED_DIR)
    load_atlas()
    assert snapshot(geodata.BUNDLED_DIR) == before


def test_loading_does_not_modify_files_even_when_it_fails(tiny):
    tiny.set_cell("programs.csv", 2, "lat", "48")
    before = snapshot(tiny.path)
    with pytest.raises(DataError):
        load_atlas(tiny.path)
    assert snapshot(tiny.path) == before


def test_a_broken_reference_table_stops_the_whole_load(tiny):
    # Only figures.csv is wrong; the four main tables are fine, yet nothing comes back.
    tiny.set_cell("figures.csv", 2, "value", "-1")
    atlas = None
    with pytest.raises(DataError) as raised:
        atlas = load_atlas(tiny.path)
    assert atlas is None
    assert [str(p) for p in raised.value.problems] == ["figures.csv:2: value: a figure cannot be negative (-1.0)"]


def test_a_missing_main_table_stops_the_whole_load(tiny):
    tiny.remove("programs.csv")
    atlas = None
    with pytest.raises(DataError) as raised:
        atlas = load_atlas(tiny.path)
    assert atlas is None
    assert [str(p) for p in raised.value.problems] == ["programs.csv:0: -: file is missing"]


def test_an_indicator_without_rows_is_refused_at_check_time(tiny):
    # tip-tier, the indicator the map opens on, left without rows: refused at load (and so by
    # ``geodata check`` and at start-up) rather than failing on every request later.
    lines = (tiny.path / "indicators.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if ",tip-tier," not in line]
    (tiny.path / "indicators.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_atlas(tiny.path)
    assert [str(p) for p in raised.value.problems] == [
        "indicator_catalogue.csv:2: indicator: 'tip-tier' has no rows in indicators.csv"
    ]
