"""The map figure: a light layout and the registry's traces.

The layout is sent once, with the first page. A filter change sends a ``dash.Patch`` that
replaces only the traces of the layers the change touches (a program-type change redraws the
program sites and nothing else) and, when the regions change, the view window. The figure's
traces are kept in registry order; ``slots`` (layer -> number of traces) says where each
layer's traces sit. Country shapes never travel in the figure: plotly.js reads them once from
``assets/topojson/``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import babel.numbers
from dash import Patch

from dashboard import i18n
from dashboard.layers import REGISTRY, Facts, Trace, is_on, reading, traces_by_layer
from dashboard.palette import OUTSIDE_COLOUR
from dashboard.state import ViewState
from dashboard.view import View

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif"
TOPOJSON_URL = "/assets/topojson/"
RESOLUTION = 50  # Natural Earth 1:50m; plotly.js reads world_<resolution>m.json from TOPOJSON_URL
SHAPES_URL = f"{TOPOJSON_URL}world_{RESOLUTION}m.json"
WORLD_LAT_RANGE = [-57, 84]  # leave Antarctica out of the world view
SCREEN_ASPECT = 1.8  # width / height of the map's frame on a laptop or projector

Slots = dict[str, int]
# Traces of one layer (by registry key) for the view at hand; lets the app serve them from its cache.
TracesOf = Callable[[str], list[Trace]]


def number_separators() -> str:
    """plotly's ``separators`` (decimal mark, then thousands) in the language of the request:
    the numbers plotly.js writes itself (a colour bar's ticks) then read as the hover texts do."""
    locale = i18n.locale(i18n.lang())
    return babel.numbers.get_decimal_symbol(locale) + babel.numbers.get_group_symbol(locale)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def window_around(points: list[tuple[float, float]]) -> dict[str, object]:
    """A map window around the bulk of ``points`` (lon, lat).

    With many countries the outermost tenth on each side is left out, so that a dialogue with a
    few far-flung members (the Bali Process counts the United States and Turkey) still opens on
    its region. Longitudes are taken across the antimeridian when that is the shorter way.
    """
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    shifted = [lon + 360 if lon < 0 else lon for lon in lons]
    if max(shifted) - min(shifted) < max(lons) - min(lons):
        lons = shifted
    trim = 0.1 if len(points) >= 8 else 0.0
    west, east = _quantile(lons, trim) - 8, _quantile(lons, 1 - trim) + 8
    south, north = _quantile(lats, trim) - 6, _quantile(lats, 1 - trim) + 6
    if east - west < 40:
        middle = (east + west) / 2
        west, east = middle - 20, middle + 20
    if north - south < 25:
        middle = (north + south) / 2
        south, north = middle - 12.5, middle + 12.5
    south, north = max(south, WORLD_LAT_RANGE[0]), min(north, WORLD_LAT_RANGE[1])
    # Widen (or heighten) the box to the shape of a screen, so that the map fills its frame.
    squeeze = max(0.35, math.cos(math.radians((south + north) / 2)))
    wide = SCREEN_ASPECT * (north - south) / squeeze
    if east - west < wide:
        middle = (east + west) / 2
        west, east = middle - wide / 2, middle + wide / 2
    else:
        tall = (east - west) * squeeze / SCREEN_ASPECT
        middle = (south + north) / 2
        south, north = max(middle - tall / 2, WORLD_LAT_RANGE[0]), min(middle + tall / 2, WORLD_LAT_RANGE[1])
    centre = (west + east) / 2
    return {
        "fitbounds": False,
        "projection": {"type": "natural earth", "rotation": {"lon": round(centre, 2)}, "scale": 1},
        "center": {"lon": round(centre, 2), "lat": round((south + north) / 2, 2)},
        "lonaxis": {"range": [round(west, 2), round(east, 2)]},
        "lataxis": {"range": [round(south, 2), round(north, 2)]},
    }


def framed(view: View, facts: Facts) -> list[tuple[float, float]]:
    """The points the top layer that asks for a window wants shown (the profile's country), if any."""
    for layer in reversed(REGISTRY.values()):
        if layer.frame is not None and is_on(layer, view):
            points = layer.frame(view, facts)
            if points:
                return points
    return []


def geo_window(view: View, facts: Facts) -> dict[str, object]:
    """The window a layer asks for (the country in profile and its partners), else the world or,
    with regions chosen, the window around the chosen countries."""
    asked = framed(view, facts)
    if asked:
        return window_around(asked)
    points = [facts.label_points[c] for c in sorted(view.countries or ()) if c in facts.label_points]
    if view.countries is None or not points:
        return {
            "fitbounds": False,
            "projection": {"type": "natural earth", "rotation": {"lon": 0}, "scale": 1},
            "center": {"lon": 10, "lat": 12},
            "lonaxis": {"range": [-180, 180]},
            "lataxis": {"range": WORLD_LAT_RANGE},
        }
    return window_around(points)


def make_figure(view: View, facts: Facts, traces_of: TracesOf | None = None) -> tuple[dict[str, object], Slots]:
    """The whole figure for the first page load, and its slots."""
    geo = {
        "resolution": RESOLUTION,
        "showframe": False,
        "showcoastlines": False,
        "showcountries": True,
        "countrycolor": "#ffffff",
        "countrywidth": 0.5,
        "showland": True,
        "landcolor": OUTSIDE_COLOUR,
        "showocean": True,
        "oceancolor": "#f3f7fa",
        "showlakes": False,
        "bgcolor": "rgba(0,0,0,0)",
    }
    geo.update(geo_window(view, facts))
    by_layer = {key: traces_of(key) for key in REGISTRY} if traces_of else traces_by_layer(view, facts)
    figure: dict[str, object] = {
        "data": [trace for traces in by_layer.values() for trace in traces],
        "layout": {
            "geo": geo,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": "#ffffff",
            "font": {"family": FONT, "size": 15, "color": "#1a1a1a"},
            "hoverlabel": {"font": {"size": 15, "family": FONT}, "align": "left"},
            # The key is HTML beside the map (dashboard.legend); image exports switch this one on.
            "showlegend": False,
            "legend": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 0,
                "yanchor": "top",
                "font": {"size": 14},
                "grouptitlefont": {"size": 15},
                "groupclick": "toggleitem",
                "tracegroupgap": 4,
                "itemwidth": 30,
            },
            "uirevision": ui_revision(view.state),
            "dragmode": "pan",
        },
    }
    separators = number_separators()
    if separators != ".,":  # plotly.js's own
        figure["layout"]["separators"] = separators  # type: ignore[index]
    return figure, {key: len(traces) for key, traces in by_layer.items()}


def layers_touched(old: ViewState, new: ViewState) -> set[str]:
    """The layers whose traces differ between two states: those whose ``reads`` (or switch) changed."""
    return {key for key, layer in REGISTRY.items() if reading(layer, old) != reading(layer, new)}


def figure_patch(
    old: ViewState,
    view: View,
    facts: Facts,
    slots: Slots,
    traces_of: TracesOf | None = None,
    old_view: View | None = None,
    old_traces_of: TracesOf | None = None,
) -> tuple[Patch, Slots]:
    """The patch from the figure of ``old`` to that of ``view``, and the new slots.

    With the old view (or its traces), a layer's traces are patched property by property, last
    to last: only what differs is sent (a filter change then moves the program sites'
    coordinates and leaves their hover text where it is).
    """
    patch = Patch()
    touched = layers_touched(old, view.state)
    if traces_of:
        fresh = {key: traces_of(key) for key in REGISTRY if key in touched}
    else:
        fresh = traces_by_layer(view, facts, only=touched)
    if old_traces_of is None and old_view is not None:
        before = traces_by_layer(old_view, facts, only=touched)
        old_traces_of = before.__getitem__
    new_slots = dict(slots)
    keys = list(REGISTRY)
    if touched >= set(keys) and old_traces_of is None:  # everything changes: one assignment
        patch["data"] = [trace for key in keys for trace in fresh[key]]
        return _with_window(patch, old, view, facts), {key: len(fresh[key]) for key in keys}
    # Last layer first, so that the positions of the layers before it stay put.
    for key in reversed(keys):
        if key not in fresh:
            continue
        start = sum(slots.get(k, 0) for k in keys[: keys.index(key)])
        previous = old_traces_of(key) if old_traces_of else None
        if previous is None or len(previous) != slots.get(key, 0):
            previous = None  # not known: every old trace goes, every new one comes whole
        _patch_layer(patch["data"], start, slots.get(key, 0), previous, fresh[key])
        new_slots[key] = len(fresh[key])
    return _with_window(patch, old, view, facts), new_slots


def _identities(traces: list[Trace]) -> list[str]:
    """Each trace's identity: its ``uid``, or else its place counted from the layer's end (so the
    last traces of two versions of a layer pair up)."""
    return [str(t["uid"]) if "uid" in t else f"#{i - len(traces)}" for i, t in enumerate(traces)]


def _patch_layer(data: Patch, start: int, count: int, previous: list[Trace] | None, traces: list[Trace]) -> None:
    """Turn a layer's ``count`` traces at ``start`` (``previous``, when known) into ``traces``.

    Old and new traces of the same identity are patched property by property; the others are
    deleted or inserted. Pairs must keep their order, else the layer is replaced whole.
    """
    old_ids = _identities(previous) if previous is not None else []
    new_ids = _identities(traces)
    common = set(old_ids) & set(new_ids)
    if [i for i in old_ids if i in common] != [i for i in new_ids if i in common]:
        common = set()
    for position in reversed(range(count)):
        if previous is None or old_ids[position] not in common:
            del data[start + position]
    for position, identity in enumerate(new_ids):
        if identity not in common:
            data.insert(start + position, traces[position])
    was = dict(zip(old_ids, previous or [], strict=False))
    for position, identity in enumerate(new_ids):
        if identity in common:
            _patch_trace(data, start + position, was[identity], traces[position])


def _patch_trace(data: Patch, position: int, was: Trace, now: Trace) -> None:
    """Assign the properties of ``now`` that differ from ``was`` and delete those it lacks, or,
    when most of them differ and no long list stays, the whole trace."""
    changed = [name for name, value in now.items() if name not in was or was[name] != value]
    gone = [name for name in was if name not in now]
    # Keeping a long list the page has (names, coordinates) always beats resending the trace.
    kept = [value for name, value in now.items() if name not in changed]
    keeps_a_list = any(isinstance(value, list) and len(value) > 16 for value in kept)
    if not keeps_a_list and 2 * (len(changed) + len(gone)) > len(now):
        data[position] = now
        return
    target = data[position]
    for name in changed:
        target[name] = now[name]
    for name in gone:
        del target[name]


def ui_revision(state: ViewState) -> str:
    """What the map's window follows: the regions, and the country in profile. While it stays the
    same, plotly keeps the user's own pan and zoom across updates."""
    return ("|".join(state.regions) or "world") + (f"|{state.country}" if state.country else "")


def _with_window(patch: Patch, old: ViewState, view: View, facts: Facts) -> Patch:
    if ui_revision(old) != ui_revision(view.state):
        for name, value in geo_window(view, facts).items():
            patch["layout"]["geo"][name] = value
        patch["layout"]["uirevision"] = ui_revision(view.state)
    return patch
