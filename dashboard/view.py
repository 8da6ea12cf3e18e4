"""What is in view: region groups, and the tables filtered by a :class:`ViewState`.

Pure functions of the atlas and a state; the layers draw from a :class:`View` and the downloads
write its tables. Nothing here knows about Dash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.state import Choices, ViewState
from geodata import Atlas
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS, PROGRAM_TYPES

ROLE_LABELS = {
    "origin": "Origin country",
    "destination": "Destination country",
    "both": "Origin and destination",
    "internal": "Internal trafficking only",
}


@dataclass(frozen=True)
class RegionGroup:
    """A selectable set of countries: a dialogue's members, an M49 region or sub-region."""

    slug: str
    label: str
    kind: str  # "dialogue" | "region" | "subregion"
    members: frozenset[str]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def region_groups(countries: pd.DataFrame) -> dict[str, RegionGroup]:
    """Dialogue memberships first, then M49 regions, then sub-regions (alphabetical)."""
    groups: dict[str, RegionGroup] = {}
    for slug, (label, column) in DIALOGUES.items():
        members = countries.index[countries[column].notna()]
        as_of = sorted(set(countries.loc[members, column].dropna()))
        suffix = f" (as of {', '.join(as_of)})" if as_of else ""
        groups[slug] = RegionGroup(slug, label + suffix, "dialogue", frozenset(members))
    for kind, column in (("region", "un_region"), ("subregion", "un_subregion")):
        for name, members in countries.groupby(column).groups.items():
            groups[slugify(str(name))] = RegionGroup(slugify(str(name)), str(name), kind, frozenset(members))
    return groups


def make_choices(atlas: Atlas, groups: dict[str, RegionGroup], layers: list[str]) -> Choices:
    years = atlas.indicators.groupby("indicator")["year"].unique()
    return Choices(
        regions=list(groups),
        types=list(PROGRAM_TYPES),
        forms=list(EXPLOITATION_FORMS),
        layers=layers,
        indicator_years={ind: sorted(int(y) for y in years[ind]) for ind in atlas.catalogue.index if ind in years},
        default_indicator="tip-tier" if "tip-tier" in years else str(atlas.catalogue.index[0]),
        countries=sorted(atlas.countries.index),
        selectable=[f"program:{p}" for p in atlas.programs["program_id"]]
        + [f"route:{r}" for r in atlas.routes["route_id"]],
    )


@dataclass(frozen=True)
class View:
    """The tables behind one view of the map.

    ``countries`` is the set of ISO3 codes the region filter allows (``None``: the world).
    ``indicator`` has one row per country in view with data for the chosen indicator and year.
    ``roles`` has one row per country that routes in view start or end in.
    """

    state: ViewState
    countries: frozenset[str] | None
    indicator: pd.DataFrame
    programs: pd.DataFrame
    routes: pd.DataFrame
    roles: pd.DataFrame


def countries_in(state: ViewState, groups: dict[str, RegionGroup]) -> frozenset[str] | None:
    if not state.regions:
        return None
    return frozenset().union(*(groups[slug].members for slug in state.regions))


def filter_programs(programs: pd.DataFrame, state: ViewState, countries: frozenset[str] | None) -> pd.DataFrame:
    """Program sites in the chosen countries with at least one of the chosen program types."""
    keep = pd.Series(True, index=programs.index)
    if countries is not None:
        keep &= programs["iso3"].isin(countries)
    if state.types:
        wanted = set(state.types)
        keep &= programs["types"].map(lambda types: bool(wanted.intersection(types)))
    keep &= ran_in(programs, state.year)
    return programs[keep]


def ran_in(table: pd.DataFrame, year: int) -> pd.Series:
    """Rows active in ``year``: started by then and not ended before. Unknown years do not hide a row."""
    started = table["year_start"].isna() | (table["year_start"] <= year)
    going = table["year_end"].isna() | (table["year_end"] >= year)
    return (started & going).astype(bool)


def filter_routes(routes: pd.DataFrame, state: ViewState, countries: frozenset[str] | None) -> pd.DataFrame:
    """Routes of the chosen forms that start or end in the chosen countries."""
    keep = pd.Series(True, index=routes.index)
    if countries is not None:
        keep &= routes["origin_iso3"].isin(countries) | routes["destination_iso3"].isin(countries)
    if state.forms:
        keep &= routes["form"].isin(state.forms)
    return routes[keep]


def indicator_values(atlas: Atlas, state: ViewState, countries: frozenset[str] | None) -> pd.DataFrame:
    """One row per country in view with a value of the chosen indicator in the chosen year.

    Where a country lacks that year, its latest earlier value stands in: ``year`` then says
    which year it is and ``fallback`` is true.
    """
    rows = indicator_slice(atlas.indicators, state.indicator, state.year)
    if countries is not None:
        rows = rows[rows["iso3"].isin(countries)]
    names = atlas.countries["name"]
    return rows.assign(name=rows["iso3"].map(names))


# The table the slices were cut from (held, so that its address cannot be reused) and the slices.
_SLICES: dict[str, Any] = {}


def indicator_slice(indicators: pd.DataFrame, indicator: str, year: int) -> pd.DataFrame:
    """Each country's row of ``indicator`` for ``year``, or its latest earlier one (memoized per table)."""
    if _SLICES.get("table") is not indicators:
        _SLICES["table"], _SLICES["slices"] = indicators, {}
    slices: dict[tuple[str, int], pd.DataFrame] = _SLICES["slices"]
    key = (indicator, int(year))
    if key not in slices:
        rows = indicators[(indicators["indicator"] == indicator) & (indicators["year"] <= year)]
        latest = rows.sort_values("year", kind="stable").drop_duplicates("iso3", keep="last")
        slices[key] = latest.assign(fallback=latest["year"] != year)
    return slices[key]


def derive_roles(routes: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Each country's role in ``routes``: origin, destination, both, or internal only."""
    located = routes.dropna(subset=["origin_iso3", "destination_iso3"], how="all")
    internal = located["origin_iso3"] == located["destination_iso3"]
    origins = set(located.loc[~internal, "origin_iso3"].dropna())
    destinations = set(located.loc[~internal, "destination_iso3"].dropna())
    internals = set(located.loc[internal, "origin_iso3"].dropna())
    rows = []
    for iso3 in sorted(origins | destinations | internals):
        if iso3 in origins and iso3 in destinations:
            role = "both"
        elif iso3 in origins:
            role = "origin"
        elif iso3 in destinations:
            role = "destination"
        else:
            role = "internal"
        country = countries.loc[iso3]
        rows.append(
            {
                "iso3": iso3,
                "name": country["name"],
                "role": role,
                "internal": iso3 in internals,
                "lon": country["label_lon"],
                "lat": country["label_lat"],
            }
        )
    return pd.DataFrame(rows, columns=["iso3", "name", "role", "internal", "lon", "lat"])


def build_view(atlas: Atlas, state: ViewState, groups: dict[str, RegionGroup]) -> View:
    countries = countries_in(state, groups)
    routes = filter_routes(atlas.routes, state, countries)
    return View(
        state=state,
        countries=countries,
        indicator=indicator_values(atlas, state, countries),
        programs=filter_programs(atlas.programs, state, countries),
        routes=routes,
        roles=derive_roles(routes, atlas.countries),
    )


def sources_in_view(atlas: Atlas, view: View, layers: tuple[str, ...]) -> pd.DataFrame:
    """The sources cited by the rows the view shows, in the order of ``sources.csv``."""
    cells: set[str] = set()
    # The choropleth is drawn for the whole world (a veil marks the regions): cite all of it.
    world = indicator_slice(atlas.indicators, view.state.indicator, view.state.year)
    frames = {"choropleth": world, "routes": view.routes, "roles": view.routes, "programs": view.programs}
    for layer, frame in frames.items():
        if layer in layers:
            cells.update(frame["source"].unique())
    if "choropleth" in layers:
        cells.add(atlas.catalogue.loc[view.state.indicator, "source"])
    cited = {source for cell in cells for source in cell.split(";")}
    return atlas.sources[[source in cited for source in atlas.sources.index]]
