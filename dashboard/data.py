"""The app's data access: the loaded atlas, and memoized tables for a view.

Flask-Caching memoizes the pure data functions on the normalised URL query of a view (a short
string), not figures: a cached view is a few small tables, cheap to unpickle.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_caching import Cache

from dashboard.config import Config
from dashboard.layers import REGISTRY, LayerContext, Trace, is_on
from dashboard.state import Choices, ViewState, from_query, to_query
from dashboard.view import RegionGroup, View, build_view, make_choices, region_groups
from geodata import Atlas, load_atlas

cache = Cache()


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
    for warm in ("names", "label_points", "route_hover", "program_hover", "region_medians"):
        getattr(_loaded.ctx, warm)
    return _loaded


def loaded() -> AtlasData:
    if _loaded is None:
        raise RuntimeError("init_data() has not run")
    return _loaded


def state_from(query: str) -> tuple[ViewState, list[str]]:
    return from_query(query, loaded().choices)


def query_of(state: ViewState) -> str:
    return to_query(state, loaded().choices)


@cache.memoize()
def view_for(query: str) -> View:
    """The tables in view for a normalised query (as :func:`query_of` makes it)."""
    data = loaded()
    state, _ = from_query(query, data.choices)
    return build_view(data.atlas, state, data.groups)


@cache.memoize()
def layer_traces(query: str, layer: str) -> list[Trace]:
    """The traces of one layer for a normalised query (empty if the layer is off)."""
    view = view_for(query)
    return REGISTRY[layer].traces(view, loaded().ctx) if is_on(REGISTRY[layer], view) else []
