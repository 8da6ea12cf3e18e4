"""What is in view: region groups, the filters, roles, indicator slices, and the sources cited."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from dashboard.layers import source_ids_in_view
from dashboard.state import ViewState
from dashboard.view import (
    RegionGroup,
    View,
    build_view,
    countries_in,
    derive_roles,
    indicator_slice,
    make_choices,
    region_groups,
    slugify,
)


def state(**changes) -> ViewState:
    return ViewState(**{"indicator": "tip-tier", "year": 2007, **changes})


def ids(frame: pd.DataFrame, column: str) -> set[str]:
    return set(frame[column])


@pytest.fixture(scope="module")
def groups(more_atlas):
    return region_groups(more_atlas.countries)


# --- region groups ----------------------------------------------------------------------------


@pytest.fixture
def countries() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "iso3": ["GHA", "IDN", "THA", "USA", "MEX", "ATA", "NZL"],
            "un_region": ["Africa", "Asia", "Asia", "Americas", "Americas", None, "Oceania"],
            "un_subregion": [
                "Western Africa",
                "South-eastern Asia",
                "South-eastern Asia",
                "Northern America",
                "Latin America and the Caribbean",
                None,
                "Australia and New Zealand",
            ],
            "bali_process_as_of": [None, "2023", "2023", "2019", None, None, "2023"],
            "rcm_as_of": [None, None, None, "2023", "2023", None, None],
            "igc_as_of": [None] * 7,
        }
    )
    return frame.set_index("iso3", drop=False)


def test_region_groups_in_order(countries):
    groups = region_groups(countries)
    assert list(groups) == [
        "bali-process",
        "rcm",
        "igc",
        "africa",
        "americas",
        "asia",
        "oceania",
        "australia-and-new-zealand",
        "latin-america-and-the-caribbean",
        "northern-america",
        "south-eastern-asia",
        "western-africa",
    ]
    assert all(slug == group.slug for slug, group in groups.items())


def test_dialogue_groups(countries):
    groups = region_groups(countries)
    assert groups["bali-process"] == RegionGroup(
        "bali-process", "Bali Process members (as of 2019, 2023)", "dialogue", frozenset({"IDN", "THA", "USA", "NZL"})
    )
    assert groups["rcm"] == RegionGroup("rcm", "RCM members (as of 2023)", "dialogue", frozenset({"USA", "MEX"}))
    # A dialogue without members in the data is still offered, with no date.
    assert groups["igc"] == RegionGroup("igc", "IGC participants", "dialogue", frozenset())


def test_m49_groups(countries):
    groups = region_groups(countries)
    assert groups["asia"] == RegionGroup("asia", "Asia", "region", frozenset({"IDN", "THA"}))
    assert groups["americas"].members == {"USA", "MEX"}
    assert groups["south-eastern-asia"] == RegionGroup(
        "south-eastern-asia", "South-eastern Asia", "subregion", frozenset({"IDN", "THA"})
    )
    assert groups["latin-america-and-the-caribbean"].label == "Latin America and the Caribbean"
    # A country without an M49 region (Antarctica) is in no region group.
    assert not any("ATA" in g.members for g in groups.values())


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("South-eastern Asia", "south-eastern-asia"),
        ("Latin America and the Caribbean", "latin-america-and-the-caribbean"),
        ("  Côte d'Ivoire ", "c-te-d-ivoire"),
        ("Bali Process", "bali-process"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_countries_in(groups):
    assert countries_in(state(), groups) is None
    assert countries_in(state(regions=("rcm",)), groups) == {"USA", "MEX"}
    assert countries_in(state(regions=("rcm", "western-africa")), groups) == {"USA", "MEX", "GHA"}


def test_choices_from_the_atlas(more_atlas, groups):
    choices = make_choices(more_atlas, groups, ["choropleth", "programs"])
    assert list(choices.regions)[:3] == ["bali-process", "rcm", "igc"]
    assert choices.indicator_years == {"tip-tier": [2007], "population": [1997, 2002, 2007]}
    assert choices.default_indicator == "tip-tier"
    assert choices.countries == sorted(["GHA", "IDN", "KHM", "THA", "MYS", "USA", "MEX"])
    assert "program:mex-shelter" in choices.selectable and "route:unnamed-mys-labour" in choices.selectable


# --- programs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {"gha-lake-volta", "idn-police-hospitals", "tha-bali-process", "initiative-50m-khm", "mex-shelter",
              "usa-return"}),
        ({"regions": ("rcm",)}, {"mex-shelter", "usa-return"}),
        ({"types": ("regional-dialogue",)}, {"tha-bali-process"}),
        # Any of the chosen types, not all of them.
        ({"types": ("return-reintegration", "regional-dialogue")},
         {"gha-lake-volta", "idn-police-hospitals", "tha-bali-process", "usa-return"}),
        ({"types": ("protection",), "regions": ("south-eastern-asia",)}, {"idn-police-hospitals",
                                                                          "initiative-50m-khm"}),
        ({"types": ("capacity-building",)}, set()),
        # Programs show in the years they ran; unknown years never hide one.
        ({"year": 2002}, {"idn-police-hospitals", "tha-bali-process", "initiative-50m-khm", "mex-shelter"}),
        ({"year": 2004}, {"gha-lake-volta", "idn-police-hospitals", "tha-bali-process", "initiative-50m-khm",
                          "mex-shelter"}),
    ],
)  # fmt: skip
def test_programs_in_view(more_atlas, groups, changes, expected):
    chosen = state(**changes)
    programs = build_view(more_atlas, chosen, groups).programs
    assert ids(programs, "program_id") == expected
    # The rows are the atlas's own, untouched.
    pd.testing.assert_frame_equal(programs, more_atlas.programs.loc[programs.index])


def test_programs_in_view_with_no_countries(more_atlas):
    assert in_view(more_atlas, state(), frozenset()).programs.empty


# --- routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("countries", "forms", "expected"),
    [
        (None, (), {"khm-tha-begging", "asia-sea-fishing", "gha-internal-fishing", "idn-mys-sexual",
                    "tha-idn-labour", "unnamed-mys-labour"}),
        # Either end in the region: MYS is only ever a destination, one route has no origin code.
        (frozenset({"MYS"}), (), {"idn-mys-sexual", "unnamed-mys-labour"}),
        (frozenset({"KHM"}), (), {"khm-tha-begging"}),
        (frozenset({"USA", "MEX"}), (), set()),
        (None, ("forced-labour",), {"asia-sea-fishing", "gha-internal-fishing", "tha-idn-labour",
                                    "unnamed-mys-labour"}),
        (None, ("forced-begging", "sexual-exploitation"), {"khm-tha-begging", "idn-mys-sexual"}),
        (frozenset({"IDN"}), ("forced-labour",), {"tha-idn-labour"}),
    ],
)  # fmt: skip
def test_routes_in_view(more_atlas, countries, forms, expected):
    routes = in_view(more_atlas, state(forms=forms), countries).routes
    assert ids(routes, "route_id") == expected


def test_routes_do_not_depend_on_the_year(more_atlas):
    # idn-mys-sexual ran 2005-2006; routes are what a source reported, shown whatever the year.
    assert "idn-mys-sexual" in ids(in_view(more_atlas, state(year=1997)).routes, "route_id")


def test_routes_in_view_by_region_group(more_atlas, groups):
    chosen = state(regions=("western-africa",))
    assert ids(build_view(more_atlas, chosen, groups).routes, "route_id") == {"gha-internal-fishing"}


# --- roles ------------------------------------------------------------------------------------


def roles_of(more_atlas, *route_ids: str) -> dict[str, tuple[str, bool]]:
    routes = more_atlas.routes[more_atlas.routes["route_id"].isin(route_ids)]
    roles = derive_roles(routes, more_atlas.countries)
    return {row.iso3: (row.role, row.internal) for row in roles.itertuples()}


def test_roles_of_all_routes(more_atlas):
    roles = derive_roles(more_atlas.routes, more_atlas.countries)
    assert list(roles.columns) == ["iso3", "name", "role", "internal", "lon", "lat"]
    assert list(roles["iso3"]) == ["GHA", "IDN", "KHM", "MYS", "THA"]
    assert {row.iso3: (row.role, row.internal) for row in roles.itertuples()} == {
        "KHM": ("origin", False),
        "MYS": ("destination", False),
        "THA": ("both", False),
        "IDN": ("both", False),
        "GHA": ("internal", True),
    }
    mys = roles.set_index("iso3").loc["MYS"]
    assert (mys["name"], mys["lon"], mys["lat"]) == ("Malaysia", 114.72, 3.62)


@pytest.mark.parametrize(
    ("route_ids", "expected"),
    [
        (("khm-tha-begging",), {"KHM": ("origin", False), "THA": ("destination", False)}),
        (("khm-tha-begging", "tha-idn-labour"), {"KHM": ("origin", False), "THA": ("both", False),
                                                 "IDN": ("destination", False)}),
        (("gha-internal-fishing",), {"GHA": ("internal", True)}),
        # An origin without an ISO code gives no row; its destination keeps its role.
        (("unnamed-mys-labour",), {"MYS": ("destination", False)}),
        (("asia-sea-fishing",), {}),
        ((), {}),
    ],
)  # fmt: skip
def test_roles(more_atlas, route_ids, expected):
    assert roles_of(more_atlas, *route_ids) == expected


def test_internal_and_cross_border_country_keeps_its_cross_border_role(more_atlas):
    routes = pd.concat(
        [
            more_atlas.routes[more_atlas.routes["route_id"] == "khm-tha-begging"],
            more_atlas.routes[more_atlas.routes["route_id"] == "gha-internal-fishing"].assign(
                origin_iso3="KHM", destination_iso3="KHM"
            ),
        ]
    )
    roles = derive_roles(routes, more_atlas.countries).set_index("iso3")
    assert (roles.loc["KHM", "role"], roles.loc["KHM", "internal"]) == ("origin", True)


# --- indicator values -------------------------------------------------------------------------


def in_view(atlas, chosen, countries=None) -> View:
    """The app's view of ``chosen``, with ``countries`` as its one region (the world if None)."""
    if countries is None:
        return build_view(atlas, chosen, {})
    group = RegionGroup("chosen", "Chosen", "region", frozenset(countries))
    return build_view(atlas, replace(chosen, regions=("chosen",)), {"chosen": group})


def values_of(atlas, indicator, year, countries=None) -> dict[str, tuple]:
    rows = in_view(atlas, state(indicator=indicator, year=year), countries).indicator
    return {
        r.iso3: (r.year, None if pd.isna(r.value) else r.value, r.fallback, r.name, r.suppressed)
        for r in rows.itertuples()
    }


def test_indicator_values_for_a_year(more_atlas):
    assert values_of(more_atlas, "population", 2007) == {
        "GHA": (2007, 22873338, False, "Ghana", False),
        "IDN": (2007, None, False, "Indonesia", True),
        "USA": (2007, 301139947, False, "United States", False),
        # Thailand's latest earlier value stands in, and says so.
        "THA": (1997, 60216677, True, "Thailand", False),
    }


def test_indicator_values_of_an_earlier_year(more_atlas):
    assert values_of(more_atlas, "population", 2002) == {
        "GHA": (2002, 20550751, False, "Ghana", False),
        "THA": (1997, 60216677, True, "Thailand", False),
    }
    assert values_of(more_atlas, "population", 1997) == {
        "GHA": (1997, 18418288, False, "Ghana", False),
        "THA": (1997, 60216677, False, "Thailand", False),
    }
    assert values_of(more_atlas, "population", 1990) == {}


def test_indicator_values_of_one_indicator_in_the_countries_in_view(more_atlas):
    got = values_of(more_atlas, "tip-tier", 2007, frozenset({"KHM", "MYS", "MEX"}))
    assert set(got) == {"KHM", "MYS"}
    rows = in_view(more_atlas, state(), frozenset({"KHM", "MYS"})).indicator
    assert dict(zip(rows["iso3"], rows["category"], strict=True)) == {"KHM": "tier-2-watch-list", "MYS": "tier-3"}
    assert set(rows["indicator"]) == {"tip-tier"}


def test_indicator_slice_is_not_fooled_by_a_reused_address(monkeypatch):
    # CPython hands a freed object's address to the next object of its size: in a plain
    # interpreter, a table made right after another one is freed gets the same id() almost every
    # time. Make that certain here by giving both tables one address.
    from dashboard import derived

    monkeypatch.setattr(derived, "id", lambda _: 1, raising=False)

    def table(iso3: str) -> pd.DataFrame:
        return pd.DataFrame({"iso3": [iso3], "indicator": ["x"], "year": [2000], "value": [1.0]})

    assert list(indicator_slice(table("AAA"), "x", 2000)["iso3"]) == ["AAA"]
    assert list(indicator_slice(table("BBB"), "x", 2000)["iso3"]) == ["BBB"]


# --- the whole view ---------------------------------------------------------------------------


def test_build_view(more_atlas, groups):
    chosen = state(regions=("bali-process",), forms=("forced-labour", "sexual-exploitation"), types=("protection",))
    view = build_view(more_atlas, chosen, groups)
    assert view.state == chosen
    assert view.countries == {"IDN", "KHM", "THA", "MYS", "USA"}
    assert ids(view.programs, "program_id") == {"idn-police-hospitals", "initiative-50m-khm"}
    assert ids(view.routes, "route_id") == {"idn-mys-sexual", "tha-idn-labour", "unnamed-mys-labour"}
    # Roles come from the routes in view, not from all routes.
    assert dict(zip(view.roles["iso3"], view.roles["role"], strict=True)) == {
        "IDN": "both",
        "THA": "origin",
        "MYS": "destination",
    }
    assert set(view.indicator["iso3"]) == {"IDN", "KHM", "THA", "MYS"}


def test_build_view_of_the_world(more_atlas, groups):
    view = build_view(more_atlas, state(), groups)
    assert view.countries is None
    assert len(view.programs) == len(more_atlas.programs)
    assert len(view.routes) == len(more_atlas.routes)
    assert set(view.indicator["iso3"]) == {"GHA", "IDN", "KHM", "THA", "MYS"}


@pytest.mark.parametrize(
    ("changes", "layers", "expected"),
    [
        ({}, ("programs",), ["prm-2007"]),
        ({}, ("routes",), ["prm-2007", "tip-2007"]),
        ({"regions": ("rcm",)}, ("routes",), []),
        ({"regions": ("rcm",)}, ("roles", "programs"), ["prm-2007"]),
        ({}, ("choropleth",), ["tip-2007"]),
        # The catalogue's source is cited even where no country in view has a value.
        ({"indicator": "population", "regions": ("rcm",)}, ("choropleth",), ["gapminder"]),
        ({"indicator": "population"}, ("choropleth", "routes"), ["prm-2007", "tip-2007", "gapminder"]),
        ({}, (), []),
    ],
)
def test_sources_in_view(more_atlas, groups, changes, layers, expected):
    view = build_view(more_atlas, state(**changes, layers=layers), groups)
    sources = more_atlas.sources.loc[source_ids_in_view(view)]
    assert list(sources.index) == expected  # in the order of sources.csv
    pd.testing.assert_frame_equal(sources, more_atlas.sources.loc[expected])


# --- datasets ---------------------------------------------------------------------------------


def test_hiding_a_dataset_hides_its_rows(mixed_atlas):
    from dashboard.state import ViewState
    from dashboard.view import build_view, region_groups

    groups = region_groups(mixed_atlas.countries)

    def view(**changes):
        return build_view(mixed_atlas, ViewState(indicator="population", year=2007, **changes), groups)

    every = view()
    assert {r["dataset"] for r in every.route_records} == {"bundled", "synthetic"}
    assert "synthetic:gha-synthetic" in {r["program_id"] for r in every.program_records}
    only_bundled = view(datasets=("bundled",))
    assert {r["dataset"] for r in only_bundled.route_records} == {"bundled"}
    assert {r["dataset"] for r in only_bundled.program_records} == {"bundled"}
    assert "KHM" not in set(only_bundled.indicator["iso3"])  # KHM's 2007 population came with the dataset
    only_imported = view(datasets=("synthetic",))
    assert [r["route_id"] for r in only_imported.route_records] == ["synthetic:idn-mys-2007"]  # counted in 2007
    assert list(only_imported.indicator["iso3"]) == ["KHM"]
    nothing = view(datasets=("none",))
    assert nothing.route_records == [] and nothing.program_records == [] and nothing.indicator.empty


def test_a_flow_counted_in_one_year_shows_in_that_year_only(mixed_atlas):
    from dashboard.state import ViewState
    from dashboard.view import build_view, region_groups

    groups = region_groups(mixed_atlas.countries)
    ids = {
        year: {r["route_id"] for r in build_view(mixed_atlas, ViewState("population", year), groups).route_records}
        for year in (2002, 2007)
    }
    assert "synthetic:khm-tha-2002" in ids[2002] and "synthetic:khm-tha-2002" not in ids[2007]
    assert "synthetic:idn-mys-2007" in ids[2007] and "synthetic:idn-mys-2007" not in ids[2002]
    assert "idn-mys-sexual" in ids[2002] & ids[2007]  # a range of years and a count: a report, shown always
