"""The app's data access: the loaded atlas, and memoized tables for a view.

Flask-Caching keeps the results of the pure data functions under the normalised URL query of a
view (a short string), not figures: for a view, the positions of its rows in the atlas's tables
(a few small integer arrays, cheap to pickle for any backend); for a map layer, its traces,
under the part of the state the layer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask
from flask_caching import Cache

from dashboard.config import Config
from dashboard.layers import REGISTRY, LayerContext, Trace, is_on, reading
from dashboard.state import Choices, ViewState, from_query, to_query
from dashboard.view import RegionGroup, View, build_view, columns_of, make_choices, region_groups, view_rows
from geodata import Atlas, load_atlas

cache = Cache()
T = TypeVar("T")


@dataclass(frozen=True)
class AtlasData:
    """Everything read once at start-up."""

    atlas: Atlas
    groups: dict[str, RegionGroup]
    choices: Choices
    ctx: LayerContext


_loaded: AtlasData | None = None


def init_data(server: Flask, config: Config) -> AtlasData:
    """Load the atlas (raising :class:`geodata.DataError` on bad data) and set up the cache."""
    global _loaded
    atlas = load_atlas(config.data_dir)
    groups = region_groups(atlas.countries)
    _loaded = AtlasData(
        atlas=atlas,
        groups=groups,
        choices=make_choices(atlas, groups, [key for key, layer in REGISTRY.items() if layer.toggleable]),
        ctx=LayerContext(atlas, config.suppression_threshold),
    )
    cache_config = {"CACHE_TYPE": config.cache_type, "CACHE_DEFAULT_TIMEOUT": config.cache_timeout}
    if config.cache_redis_url:
        cache_config["CACHE_REDIS_URL"] = config.cache_redis_url
    cache.init_app(server, config=cache_config)
    cache.clear()
    # Text that depends only on the data is made now, not on the first visitor's request.
    for warm in ("names", "label_points", "route_hover", "program_hover", "region_medians", "route_arcs"):
        getattr(_loaded.ctx, warm)
    for table in (atlas.indicators, atlas.programs, atlas.routes, atlas.sources):
        columns_of(table).records()
    return _loaded


def loaded() -> AtlasData:
    if _loaded is None:
        raise RuntimeError("init_data() has not run")
    return _loaded


def state_from(query: str) -> tuple[ViewState, list[str]]:
    return from_query(query, loaded().choices)


def query_of(state: ViewState) -> str:
    return to_query(state, loaded().choices)


def memoized(name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the Flask-Caching backend under ``name`` and ``key``.

    The key is made by the caller from a normalised state, so a lookup costs one ``cache.get``:
    ``cache.memoize`` would add a signature inspection and a version lookup per call, which
    cost more than most of what is cached here (``python -m benchmarks --profile``).
    """
    cache_key = f"atlas/{name}/{key}"
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found)
    return found  # type: ignore[no-any-return]


def view_for(query: str) -> View:
    """The view of a normalised query (as :func:`query_of` makes it); its rows come from the cache."""
    data = loaded()
    state, _ = from_query(query, data.choices)
    rows = memoized("rows", query, lambda: view_rows(data.atlas, state, data.groups))
    return build_view(data.atlas, state, data.groups, rows)


def layer_traces(layer: str, view: View) -> list[Trace]:
    """The traces of one layer for ``view`` (empty if the layer is off).

    Cached under what the layer reads of the state (:func:`dashboard.layers.reading`), so the
    choropleth of one indicator and year is made once whatever the regions or program types.
    """
    spec = REGISTRY[layer]
    if not is_on(spec, view):
        return []
    return memoized("traces", reading(spec, view.state), lambda: spec.traces(view, loaded().ctx))
