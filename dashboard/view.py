"""What is in view: region groups, and the tables filtered by a :class:`ViewState`.

Pure functions of the atlas and a state; the layers draw from a :class:`View` and the downloads
write its tables. Nothing here knows about Dash.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from dashboard.derived import derived
from dashboard.i18n import N_, _
from dashboard.state import Choices, ViewState
from geodata import Atlas
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS, PROGRAM_TYPES


class Translated(Mapping[str, str]):
    """Labels declared in English (marked with ``N_``), read in the current language: each lookup
    translates, so a label is in the language of the request that shows it."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.english = dict(labels)

    def __getitem__(self, key: str) -> str:
        return _(self.english[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)


ROLE_LABELS: Mapping[str, str] = Translated(
    {
        "origin": N_("Origin country"),
        "destination": N_("Destination country"),
        "both": N_("Origin and destination"),
        "internal": N_("Internal trafficking only"),
    }
)


@dataclass(frozen=True)
class RegionGroup:
    """A selectable set of countries: a dialogue's members, an M49 region or sub-region.

    ``label`` is in English, as the data and geodata.vocabulary write it: the page shows it in
    its language (dashboard.layout.group_name: a dialogue's label through the catalogs, a
    region's name from CLDR).
    """

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


def groups_of(atlas: Atlas) -> dict[str, RegionGroup]:
    """The atlas's region groups (:func:`region_groups`), made once per countries table: what the
    layers read a region key (``flowfrom=``, ``flowto=``) with."""
    countries = atlas.countries
    return derived(countries, "view.groups", lambda: region_groups(countries))  # type: ignore[no-any-return]


def make_choices(atlas: Atlas, groups: dict[str, RegionGroup], layers: list[str]) -> Choices:
    years = atlas.indicators.groupby("indicator")["year"].unique()
    return Choices(
        regions=list(groups),
        types=list(PROGRAM_TYPES),
        forms=list(EXPLOITATION_FORMS),
        layers=layers,
        indicator_years={ind: sorted(int(y) for y in years[ind]) for ind in atlas.catalogue.index if ind in years},
        # An indicator without rows cannot be the default (geodata's check refuses such a catalogue).
        default_indicator="tip-tier"
        if "tip-tier" in years
        else next((str(i) for i in atlas.catalogue.index if i in years), ""),
        countries=sorted(atlas.countries.index),
        selectable=[f"program:{p}" for p in atlas.programs["program_id"]]
        + [f"route:{r}" for r in atlas.routes["route_id"]],
        datasets=["bundled", *(d.slug for d in atlas.datasets)],
    )


@dataclass(frozen=True)
class Rows:
    """Which rows of the atlas's tables one view shows: positions (``iloc``), not labels.

    What the cache stores for a view: a few small integer arrays, cheap to pickle and the same
    for any cache backend. The tables themselves are cut from the atlas when first read.
    """

    programs: np.ndarray
    routes: np.ndarray
    indicator: np.ndarray | None  # positions in the indicator's slice; None: all of it


@dataclass(frozen=True)
class View:
    """The tables behind one view of the map, cut from the atlas when first read.

    ``countries`` is the set of ISO3 codes the region filter allows (``None``: the world).
    ``indicator`` has one row per country in view with data for the chosen indicator and year.
    ``roles`` has one row per country that routes in view start or end in. The ``*_records``
    are the same rows as plain dicts (``row`` is the table's index label), made once per atlas:
    the map's layers and panels read those, as pandas costs more than the work on so few rows.
    """

    state: ViewState
    countries: frozenset[str] | None
    atlas: Atlas = field(repr=False, compare=False)
    rows: Rows = field(repr=False, compare=False)

    @cached_property
    def programs(self) -> pd.DataFrame:
        return columns_of(self.atlas.programs).take(self.rows.programs)

    @cached_property
    def routes(self) -> pd.DataFrame:
        return columns_of(self.atlas.routes).take(self.rows.routes)

    @cached_property
    def indicator(self) -> pd.DataFrame:
        world = named_slice(self.atlas, self.state.indicator, self.state.year)
        return world if self.rows.indicator is None else columns_of(world).take(self.rows.indicator)

    @cached_property
    def program_records(self) -> list[dict[str, Any]]:
        records = columns_of(self.atlas.programs).records()
        return [records[i] for i in self.rows.programs]

    @cached_property
    def route_records(self) -> list[dict[str, Any]]:
        records = columns_of(self.atlas.routes).records()
        return [records[i] for i in self.rows.routes]

    @cached_property
    def role_records(self) -> list[dict[str, Any]]:
        return roles_of(self.route_records, self.atlas.countries)

    @cached_property
    def roles(self) -> pd.DataFrame:
        return pd.DataFrame(self.role_records, columns=ROLE_COLUMNS)

    @property
    def indicator_count(self) -> int:
        if self.rows.indicator is None:
            return len(slice_positions(self.atlas.indicators, self.state.indicator, self.state.year))
        return len(self.rows.indicator)


def countries_in(state: ViewState, groups: dict[str, RegionGroup]) -> frozenset[str] | None:
    if not state.regions:
        return None
    return frozenset().union(*(groups[slug].members for slug in state.regions))


class _Columns:
    """Plain columns of one table, read once: filtering then costs a few array operations instead
    of a dozen pandas calls (the tables change only when the atlas is reloaded)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self._table = weakref.ref(table)  # not held: the table owns this (dashboard.derived)
        self.rows = len(table)
        self.positions_of: dict[str, dict[object, list[int]]] = {}
        self.arrays: dict[str, np.ndarray] = {}

    @property
    def table(self) -> pd.DataFrame:
        table = self._table()
        if table is None:
            raise ReferenceError("the table these columns were read from is gone")
        return table

    def array(self, column: str) -> np.ndarray:
        if column not in self.arrays:
            self.arrays[column] = self.table[column].to_numpy()
        return self.arrays[column]

    def numbers(self, column: str) -> np.ndarray:
        """A column as floats, missing values as NaN."""
        key = f"{column}:float"
        if key not in self.arrays:
            self.arrays[key] = self.table[column].to_numpy(dtype=float, na_value=np.nan)
        return self.arrays[key]

    def positions(self, column: str) -> dict[object, list[int]]:
        """Value -> row positions; a list-valued cell (program types) files its row under each value."""
        if column not in self.positions_of:
            found: dict[object, list[int]] = {}
            for position, cell in enumerate(self.table[column]):
                for value in cell if isinstance(cell, list | tuple) else (cell,):
                    found.setdefault(value, []).append(position)
            self.positions_of[column] = found
        return self.positions_of[column]

    def having(self, column: str, values: Iterable[object]) -> np.ndarray:
        """A row mask: the cell (or one of its values) is among ``values``."""
        mask = np.zeros(self.rows, dtype=bool)
        index = self.positions(column)
        for value in values:
            mask[index.get(value, [])] = True
        return mask

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        return self.table if len(positions) == self.rows else self.table.iloc[positions]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts, with the index label as ``row``."""
        if "_records" not in self.__dict__:
            self.__dict__["_records"] = self.table.reset_index(names="row").to_dict("records")
        return self.__dict__["_records"]  # type: ignore[no-any-return]


def columns_of(table: pd.DataFrame) -> _Columns:
    """The plain columns of ``table``, read once per table (:func:`dashboard.derived.derived`)."""
    return derived(table, "columns", lambda: _Columns(table))


def program_positions(programs: pd.DataFrame, state: ViewState, countries: frozenset[str] | None) -> np.ndarray:
    """Positions of the program sites in the chosen countries with one of the chosen types, run that year."""
    columns = columns_of(programs)
    keep = _ran_in(columns, state.year)
    if countries is not None:
        keep &= columns.having("iso3", countries)
    if state.types:
        keep &= columns.having("types", state.types)
    if state.datasets:
        keep &= columns.having("dataset", state.datasets)
    return np.flatnonzero(keep)


def _ran_in(columns: _Columns, year: int) -> np.ndarray:
    start = columns.numbers("year_start")
    end = columns.numbers("year_end")
    return (np.isnan(start) | (start <= year)) & (np.isnan(end) | (end >= year))


def _counted_in(columns: _Columns, first: int, last: int) -> np.ndarray:
    start = columns.numbers("year_start")
    counted = ~np.isnan(columns.numbers("count")) | columns.array("suppressed").astype(bool)
    yearly = counted & (start == columns.numbers("year_end"))
    return ~yearly | ((start >= first) & (start <= last))


Ends = tuple[frozenset[str] | None, frozenset[str] | None]
ANYWHERE: Ends = (None, None)


def ends_of(state: ViewState, groups: Mapping[str, RegionGroup]) -> Ends:
    """The countries a route must start in and end in, ``flowfrom=``'s and ``flowto=``'s region
    or dialogue (``None``: anywhere). A key not in ``groups`` holds no country (the state drops those)."""

    def members(slug: str) -> frozenset[str] | None:
        if not slug:
            return None
        group = groups.get(slug)
        return group.members if group else frozenset()

    return members(state.flowfrom), members(state.flowto)


def route_positions(
    routes: pd.DataFrame, state: ViewState, countries: frozenset[str] | None, ends: Ends = ANYWHERE
) -> np.ndarray:
    """Positions of the routes of the chosen forms and datasets that start or end in the chosen
    countries, into or out of ``flowcountry`` (as ``flowdir`` says), and that start in
    ``ends[0]`` and end in ``ends[1]`` (the flows between regions A
    and B, :func:`ends_of`; ``None``: anywhere). A route that counts people in one year (GLOTIP's
    and CTDC's flows) shows in that year only (or in the view's range of years, ``flowyears``);
    any other route is what a source reported, shown whatever the year."""
    columns = columns_of(routes)
    first, last = (state.flowyears[0], state.flowyears[-1]) if state.flowyears else (state.year, state.year)
    keep = _counted_in(columns, first, last)
    if countries is not None:
        keep &= columns.having("origin_iso3", countries) | columns.having("destination_iso3", countries)
    if state.flowcountry:  # the routes into (in), out of (out) or into or out of (both) one country
        one = frozenset([state.flowcountry])
        into = columns.having("destination_iso3", one) & (state.flowdir in ("in", "both"))
        keep &= into | (columns.having("origin_iso3", one) & (state.flowdir in ("out", "both")))
    origins, destinations = ends
    if origins is not None:
        keep &= columns.having("origin_iso3", origins)
    if destinations is not None:
        keep &= columns.having("destination_iso3", destinations)
    if state.forms:
        keep &= columns.having("form", state.forms)
    if state.datasets:
        keep &= columns.having("dataset", state.datasets)
    return np.flatnonzero(keep)


def named_slice(atlas: Atlas, indicator: str, year: int) -> pd.DataFrame:
    """:func:`indicator_slice` with each country's name (memoized alike)."""

    def make() -> pd.DataFrame:
        rows = indicator_slice(atlas.indicators, indicator, year)
        return rows.assign(name=rows["iso3"].map(atlas.countries["name"]))

    return derived(atlas, ("named slice", indicator, int(year)), make)


def _slices_of(indicators: pd.DataFrame) -> dict[str, Any]:
    """The memo of one indicators table: its index by indicator, and the slices made from it."""
    return derived(indicators, "slices", lambda: {"index": {}, "positions": {}, "slices": {}, "records": {}})


def slice_positions(indicators: pd.DataFrame, indicator: str, year: int) -> np.ndarray:
    """Positions of each country's row of ``indicator`` for ``year``, or of its latest earlier one,
    in year order (memoized per table; a few array operations on an index made once per indicator)."""
    memo = _slices_of(indicators)
    key = (indicator, int(year))
    if key not in memo["positions"]:
        if indicator not in memo["index"]:
            mine = np.flatnonzero(indicators["indicator"].to_numpy() == indicator)
            iso3 = indicators["iso3"].to_numpy()[mine]
            years = np.asarray(indicators["year"].to_numpy()[mine], dtype=np.int64)
            order = np.lexsort((mine, years, iso3))  # by country, then year, then row
            memo["index"][indicator] = (mine[order], iso3[order], years[order])
        rows, iso3, years = memo["index"][indicator]
        upto = np.flatnonzero(years <= year)
        last = np.ones(len(upto), dtype=bool)  # the latest row of each country up to ``year``
        last[:-1] = iso3[upto][1:] != iso3[upto][:-1]
        chosen = rows[upto[last]]
        chosen_years = years[upto[last]]
        memo["positions"][key] = chosen[np.lexsort((chosen, chosen_years))]
    return memo["positions"][key]  # type: ignore[no-any-return]


def slice_records(indicators: pd.DataFrame, indicator: str, year: int) -> list[dict[str, Any]]:
    """The rows of :func:`indicator_slice` as records (shared with the table's own; do not change them)."""
    memo = _slices_of(indicators)
    key = (indicator, int(year))
    if key not in memo["records"]:
        records = columns_of(indicators).records()
        memo["records"][key] = [records[i] for i in slice_positions(indicators, indicator, year)]
    return memo["records"][key]  # type: ignore[no-any-return]


def indicator_slice(indicators: pd.DataFrame, indicator: str, year: int) -> pd.DataFrame:
    """Each country's row of ``indicator`` for ``year``, or its latest earlier one (memoized per table)."""
    memo = _slices_of(indicators)
    key = (indicator, int(year))
    if key not in memo["slices"]:
        latest = indicators.iloc[slice_positions(indicators, indicator, year)]
        memo["slices"][key] = latest.assign(fallback=latest["year"] != year)
    return memo["slices"][key]  # type: ignore[no-any-return]


ROLE_COLUMNS = ["iso3", "name", "role", "internal", "lon", "lat"]


def derive_roles(routes: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Each country's role in ``routes``: origin, destination, both, or internal only."""
    pairs = routes[["origin_iso3", "destination_iso3"]].to_dict("records")
    return pd.DataFrame(roles_of(pairs, countries), columns=ROLE_COLUMNS)


def roles_of(routes: Iterable[dict[str, Any]], countries: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`derive_roles` on route records, as records (in ISO3 order)."""
    origins: set[str] = set()
    destinations: set[str] = set()
    internals: set[str] = set()
    for route in routes:
        origin, destination = route["origin_iso3"], route["destination_iso3"]
        if origin == destination and isinstance(origin, str):
            internals.add(origin)
            continue
        if isinstance(origin, str):
            origins.add(origin)
        if isinstance(destination, str):
            destinations.add(destination)
    place = columns_of(countries)
    rows = []
    for iso3 in sorted(origins | destinations | internals):
        at = countries.index.get_loc(iso3)
        if iso3 in origins and iso3 in destinations:
            role = "both"
        elif iso3 in origins:
            role = "origin"
        elif iso3 in destinations:
            role = "destination"
        else:
            role = "internal"
        rows.append(
            {
                "iso3": iso3,
                "name": place.array("name")[at],
                "role": role,
                "internal": iso3 in internals,
                "lon": place.array("label_lon")[at],
                "lat": place.array("label_lat")[at],
            }
        )
    return rows


def view_rows(atlas: Atlas, state: ViewState, groups: dict[str, RegionGroup]) -> Rows:
    """The rows of each table a state shows (the pure function the app memoizes)."""
    countries = countries_in(state, groups)
    world = slice_records(atlas.indicators, state.indicator, state.year)
    shown = set(state.datasets)
    return Rows(
        programs=program_positions(atlas.programs, state, countries),
        routes=route_positions(atlas.routes, state, countries, ends_of(state, groups)),
        indicator=None
        if countries is None and not shown
        else np.array(
            [
                i
                for i, row in enumerate(world)
                if (countries is None or row["iso3"] in countries) and (not shown or row["dataset"] in shown)
            ],
            dtype=np.int64,
        ),
    )


def every_row(atlas: Atlas) -> Rows:
    """The rows of a view of everything the atlas holds, whatever the year (what the key is drawn from)."""
    return Rows(programs=np.arange(len(atlas.programs)), routes=np.arange(len(atlas.routes)), indicator=None)


def build_view(atlas: Atlas, state: ViewState, groups: dict[str, RegionGroup], rows: Rows | None = None) -> View:
    """The view of ``state``; ``rows`` when they are known already (from the cache)."""
    return View(state, countries_in(state, groups), atlas, rows or view_rows(atlas, state, groups))


def source_records(atlas: Atlas) -> dict[str, dict[str, Any]]:
    """Each source's row as a dict, by id (made once per atlas)."""
    return {str(record["row"]): record for record in columns_of(atlas.sources).records()}
