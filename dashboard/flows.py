"""Counted flows: routes with a number of people, classed, summed by place pair, ranked.

Pure functions of route records (``dashboard.view``'s) and the suppression threshold; the routes
layer draws what they return. A *flow* is the sum of the routes in view from one place to
another (a country, or a UN sub-region at world scale), over the forms of exploitation in view,
and over the years in view: the view's year, or the range ``flowyears=`` names (GLOTIP's and
CTDC's routes each count one year; a range sums them).

Privacy: a count below the threshold, or one its publisher withheld, is never added to an exact
sum. It is counted apart (``small``), with the largest "fewer than" bound among such counts, so
that no total, difference of totals, width or label can give it away.

Every text here is in the language of the request (:mod:`dashboard.i18n`), numbers too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.derived import derived
from dashboard.i18n import _, ngettext
from dashboard.state import ViewState
from dashboard.view import View, columns_of, ends_of, groups_of, route_positions
from geodata import Atlas


@dataclass(frozen=True)
class FlowClass:
    """A width class: counts from ``lower`` to ``upper`` (``None``: no upper bound) people."""

    lower: int
    upper: int | None
    width: float  # line width in px, legible on a projector

    def label(self, threshold: int) -> str:
        """``1,000–9,999 people``; the first class starts at the threshold (no count below it is shown)."""
        lower = i18n.integer(max(self.lower, threshold))
        if self.upper is None:
            return _("{lower} or more people").format(lower=lower)
        return _("{lower}–{upper} people").format(lower=lower, upper=i18n.integer(self.upper))


# Powers of ten: round bounds a room reads at a glance, and a scale that spans the 1-to-70,000
# range of GLOTIP's and CTDC's yearly counts in five steps. Widths grow by about 1.5 a step, so
# each class stays apart from its neighbours from the back of a room (2.5 px is the thinnest line
# a projector keeps crisp; 12 px is as wide as a line can be without hiding the countries).
FLOW_CLASSES: tuple[FlowClass, ...] = (
    FlowClass(1, 9, 2.5),
    FlowClass(10, 99, 4.0),
    FlowClass(100, 999, 6.0),
    FlowClass(1_000, 9_999, 8.5),
    FlowClass(10_000, None, 12.0),
)
SUPPRESSED_WIDTH = 1.5  # a thin dotted line: a count withheld has no width of its own
UNKNOWN_WIDTH = 2.5  # a route without a count (the fact sheet's): today's look


def class_of(exact: int, threshold: int) -> int | None:
    """The index in :data:`FLOW_CLASSES` of an exact count, or ``None`` below the threshold (or zero)."""
    if exact < max(threshold, 1):
        return None
    return next(i for i, c in enumerate(FLOW_CLASSES) if c.upper is None or exact <= c.upper)


def width_of(exact: int, small: int, threshold: int) -> float:
    """A flow's line width: its class's, the suppressed width when all its counts are withheld,
    or today's width when it has no count at all."""
    index = class_of(exact, threshold)
    if index is not None:
        return FLOW_CLASSES[index].width
    return SUPPRESSED_WIDTH if small else UNKNOWN_WIDTH


@dataclass(frozen=True)
class Part:
    """What one route adds to a flow: an exact count, or a withheld one (``small``, below ``bound``)."""

    exact: int
    small: int
    bound: int


def part_of(route: Mapping[str, Any], threshold: int) -> Part | None:
    """A route's count as a :class:`Part`; ``None`` if it has none (a route the sources name, uncounted)."""
    count = route.get("count")
    if fmt.is_missing(count):
        if fmt.is_true(route.get("suppressed")):
            bound = route.get("suppressed_below")
            return Part(0, 1, threshold if fmt.is_missing(bound) else int(bound))  # type: ignore[arg-type]
        return None
    number = int(count)  # type: ignore[arg-type]
    if 0 < number < threshold:
        return Part(0, 1, threshold)
    return Part(number, 0, 0)


def is_counted_flow(route: Mapping[str, Any]) -> bool:
    """Whether a route is a counted flow: a count (or a withheld one) for one year (``view._counted_in``)."""
    counted = not fmt.is_missing(route.get("count")) or fmt.is_true(route.get("suppressed"))
    start, end = route.get("year_start"), route.get("year_end")
    return counted and not fmt.is_missing(start) and start == end


def flow_years(state: ViewState) -> tuple[int, int]:
    """The first and last year the counted flows of ``state`` are summed over: ``flowyears=``,
    else the view's one year."""
    if state.flowyears:
        return state.flowyears[0], state.flowyears[-1]
    return state.year, state.year


def is_range(state: ViewState) -> bool:
    """Whether ``state`` sums its flows over more than one year."""
    first, last = flow_years(state)
    return first != last


def years_said(state: ViewState) -> str:
    """The years of the flows as a sentence names them: ``2007``, or ``2015–2019``."""
    first, last = flow_years(state)
    if first == last:
        return str(first)
    return f"{first}–{last}"  # years in digits, as every language here writes a span of years


def year_runs(years: Iterable[int]) -> str:
    """Years as runs, in order: ``2003–2006, 2009, 2011–2012`` (a hover lists the years of a
    range that had a count: runs keep 19 of them short)."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def counted_years(atlas: Atlas) -> list[int]:
    """The years the atlas has counted flows in (made once per routes table)."""
    routes = atlas.routes

    def make() -> list[int]:
        columns = columns_of(routes)
        start, end = columns.numbers("year_start"), columns.numbers("year_end")
        counted = ~np.isnan(columns.numbers("count")) | columns.array("suppressed").astype(bool)
        return sorted({int(y) for y in start[counted & (start == end)]})

    return derived(routes, "flows.years", make)  # type: ignore[no-any-return]


def route_records(view: View) -> list[dict[str, Any]]:
    """The route records in view, with the counted flows of every year of its range.

    The view holds the counted flows of its own year (:func:`dashboard.view.route_positions`);
    over a range (``flowyears=``) the flows of each year in it are cut with the same filters
    (regions, forms, datasets) and put in the atlas's order, the named routes unchanged.
    """
    state = view.state
    first, last = flow_years(state)
    if first == last == state.year:
        return view.route_records

    def make() -> list[dict[str, Any]]:
        routes = view.atlas.routes
        ends = ends_of(state, groups_of(view.atlas))
        positions = set(view.rows.routes.tolist())
        for year in counted_years(view.atlas):
            if first <= year <= last:
                positions.update(route_positions(routes, replace(state, year=year), view.countries, ends).tolist())
        records = columns_of(routes).records()
        return [
            records[i]
            for i in sorted(positions)
            if not is_counted_flow(records[i]) or first <= int(records[i]["year_start"]) <= last
        ]

    return derived(view, "flows.records", make)  # the layers ask for them several times a view


@dataclass(frozen=True)
class Flow:
    """The routes in view from one place to another, summed.

    ``exact`` sums the counts at or above the threshold; ``small`` counts the others (each
    fewer than ``bound`` at most); ``routes`` are their records, largest part first.
    """

    origin: str  # an ISO3 code, or a sub-region's name
    destination: str
    exact: int
    small: int
    bound: int
    routes: tuple[Mapping[str, Any], ...]

    @property
    def internal(self) -> bool:
        return self.origin == self.destination

    def count_text(self) -> str:
        """``1,234``, ``fewer than 5`` or ``1,234, and 2 counts of fewer than 5 each``: never a small number."""
        exact, bound, n = i18n.integer(self.exact), i18n.integer(self.bound), self.small
        if not n:
            return exact
        if not self.exact:
            if n == 1:
                return _("fewer than {bound}").format(bound=bound)
            text = ngettext("{count} count of fewer than {bound}", "{count} counts of fewer than {bound} each", n)
            return text.format(count=i18n.integer(n), bound=bound)
        if n == 1:
            return _("{exact}, and fewer than {bound}").format(exact=exact, bound=bound)
        text = ngettext(
            "{exact}, and {count} count of fewer than {bound}",
            "{exact}, and {count} counts of fewer than {bound} each",
            n,
        )
        return text.format(exact=exact, count=i18n.integer(n), bound=bound)


def aggregate(routes: Iterable[Mapping[str, Any]], threshold: int, place: Callable[[str], str | None]) -> list[Flow]:
    """The flows of ``routes`` between the places ``place`` puts their ends in, strongest first.

    A route whose end has no place (no country, or one the map cannot draw) or that has no count
    is left out; every other route is in exactly one flow, so the flows' sums are the routes'.
    Ranked by exact count, then by the number of withheld counts, then by place (a stable order).
    """
    sums: dict[tuple[str, str], list[Any]] = {}
    for route in routes:
        part = part_of(route, threshold)
        origin = place(route["origin_iso3"]) if isinstance(route["origin_iso3"], str) else None
        destination = place(route["destination_iso3"]) if isinstance(route["destination_iso3"], str) else None
        if part is None or origin is None or destination is None:
            continue
        entry = sums.setdefault((origin, destination), [0, 0, 0, []])
        entry[0] += part.exact
        entry[1] += part.small
        entry[2] = max(entry[2], part.bound)
        entry[3].append((part.exact, route))
    flows = [
        Flow(o, d, exact, small, bound, tuple(r for __, r in sorted(parts, key=lambda p: -p[0])))
        for (o, d), (exact, small, bound, parts) in sums.items()
    ]
    return sorted(flows, key=lambda f: (-f.exact, -f.small, f.origin, f.destination))


@dataclass(frozen=True)
class Ranked:
    """The flows a view draws (the ``top`` strongest) and those it sums as "other flows"."""

    drawn: tuple[Flow, ...]
    other: tuple[Flow, ...]

    @property
    def flows(self) -> tuple[Flow, ...]:
        return self.drawn + self.other

    @property
    def other_exact(self) -> int:
        return sum(f.exact for f in self.other)

    @property
    def other_small(self) -> int:
        return sum(f.small for f in self.other)

    @property
    def other_bound(self) -> int:
        return max((f.bound for f in self.other), default=0)

    def other_text(self) -> str:
        """The "other flows" figure: exact people, and the withheld counts apart (never summed)."""
        if not self.other:
            return ""
        people = _("{people} people").format(people=i18n.integer(self.other_exact))
        withheld = ngettext(
            "{count} count of fewer than {bound} (withheld)",
            "{count} counts of fewer than {bound} (withheld)",
            self.other_small,
        ).format(count=i18n.integer(self.other_small), bound=i18n.integer(self.other_bound))
        if not self.other_small:
            what = people
        elif not self.other_exact:
            what = withheld
        else:
            what = _("{people} people, and {withheld}").format(people=i18n.integer(self.other_exact), withheld=withheld)
        n = len(self.other)
        return ngettext("{count} other flow not drawn: {what}", "{count} other flows not drawn: {what}", n).format(
            count=i18n.integer(n), what=what
        )


def top_of(top: str) -> int | None:
    """The number of flows ``flows=`` asks for (``None``: all); a number it does not list still reads."""
    return int(top) if top.isdigit() else None


def rank(flows: list[Flow], top: str) -> Ranked:
    """The ``top`` strongest of ``flows`` (ranked already, :func:`aggregate`) drawn, the rest "other"."""
    n = top_of(top)
    if n is None:
        return Ranked(tuple(flows), ())
    return Ranked(tuple(flows[:n]), tuple(flows[n:]))


def centroids(points: Mapping[str, tuple[float, float]], groups: Mapping[str, str]) -> dict[str, tuple[float, float]]:
    """Each group's centre: the mean of its members' points, on the sphere (a group across the
    antimeridian, Polynesia say, is centred among its members, not on the other side of the world).

    ``points``: ISO3 -> (lon, lat); ``groups``: ISO3 -> group name.
    """
    sums: dict[str, list[float]] = {}
    for iso3, group in groups.items():
        if iso3 not in points:
            continue
        lon, lat = (math.radians(v) for v in points[iso3])
        entry = sums.setdefault(group, [0.0, 0.0, 0.0])
        entry[0] += math.cos(lat) * math.cos(lon)
        entry[1] += math.cos(lat) * math.sin(lon)
        entry[2] += math.sin(lat)
    out = {}
    for group, (x, y, z) in sums.items():
        out[group] = (
            round(math.degrees(math.atan2(y, x)), 2),
            round(math.degrees(math.atan2(z, math.hypot(x, y))), 2),
        )
    return out
