"""The app's data access: the loaded atlas, and memoized tables for a view.

Flask-Caching keeps the results of the pure data functions under the normalised URL query of a
view (a short string), not figures: for a view, the positions of its rows in the atlas's tables
(a few small integer arrays, cheap to pickle for any backend); for a map layer, its traces,
under the part of the state the layer reads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask

from dashboard import i18n
from dashboard.cache import fingerprint, init_cache, remember
from dashboard.config import Config
from dashboard.layers import REGISTRY, Facts, Trace, check_needs, facts_of, is_on, reading
from dashboard.state import Choices, ViewState, from_query, to_query
from dashboard.view import RegionGroup, View, build_view, columns_of, make_choices, region_groups, view_rows
from geodata import Atlas, DataError, load_atlas
from geodata.importing import stored_datasets
from geodata.store import Store

T = TypeVar("T")
log = logging.getLogger(__name__)
# How often a process asks the store whether another process imported or removed a dataset.
STORE_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class AtlasData:
    """Everything read once at start-up."""

    atlas: Atlas
    groups: dict[str, RegionGroup]
    choices: Choices
    facts: Facts
    config: Config | None = None
    store: Store | None = None
    revision: int = 0  # the store's revision these tables were loaded at
    digest: str = ""  # of the code and the data (:func:`dashboard.cache.fingerprint`)

    @property
    def fingerprint(self) -> str:
        """What cache keys carry, so that a cached value never outlives the code and data it was made
        from, nor reaches another deployment sharing the cache."""
        return f"{self.digest}r{self.revision}"


_loaded: AtlasData | None = None
_checked = 0.0
_reloading = threading.Lock()


def open_store(config: Config) -> Store | None:
    """The store of imported datasets, or ``None`` (with a logged warning) if it cannot be opened:
    the atlas then runs on its bundled data alone rather than not at all."""
    store = Store(config.database_url or None)
    try:
        store.migrate()
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.warning("store %s cannot be opened (%s): bundled data only", store.where, exc)
        return None
    return store


def build_data(config: Config, store: Store | None) -> AtlasData:
    """Load the bundled data and every stored dataset (raising :class:`geodata.DataError` on bad
    bundled data; a stored dataset that fails the checks is left out and logged)."""
    revision = store.revision() if store is not None else 0
    atlas = load_atlas(
        config.data_dir, stored_datasets(store) if store is not None else (), config.suppression_threshold
    )
    for slug, problems in atlas.skipped.items():
        log.warning("dataset %s left out: %s", slug, "; ".join(map(str, problems[:5])))
    missing = check_needs(atlas)
    if missing:
        raise DataError(missing)
    groups = region_groups(atlas.countries)
    facts = facts_of(atlas, config.suppression_threshold)
    data = AtlasData(
        atlas=atlas,
        groups=groups,
        choices=make_choices(atlas, groups, [key for key, layer in REGISTRY.items() if layer.toggleable]),
        facts=facts,
        config=config,
        store=store,
        revision=revision,
        digest=fingerprint(config.data_dir, atlas.datasets, config.suppression_threshold),
    )
    # What the layers make from the data alone is made now, not on the first visitor's request.
    for layer in REGISTRY.values():
        if layer.prepare is not None:
            layer.prepare(atlas, facts)
    for table in (atlas.indicators, atlas.programs, atlas.routes, atlas.sources):
        columns_of(table).records()
    return data


def init_data(server: Flask, config: Config) -> AtlasData:
    """Load the atlas (raising :class:`geodata.DataError` on bad data) and set up the cache.

    The cache is not cleared (its keys carry the data's fingerprint) nor even reached: a worker
    starts while Redis is down.
    """
    global _loaded
    _loaded = build_data(config, open_store(config))
    init_cache(server, config)
    server.before_request(_refresh_before_request)
    return _loaded


def _refresh_before_request() -> None:
    refresh()


def refresh(force: bool = False) -> AtlasData:
    """Reload if the store changed since these tables were loaded (asked at most once a second).

    Each process checks for itself, so an import through one gunicorn worker is seen by all.
    """
    global _loaded, _checked
    data = loaded()
    now = time.monotonic()
    if data.store is None or data.config is None or (not force and now - _checked < STORE_CHECK_SECONDS):
        return data
    _checked = now
    try:
        revision = data.store.revision()
    except sa.exc.SQLAlchemyError as exc:
        log.warning("store %s cannot be read (%s): keeping the data loaded", data.store.where, exc)
        return data
    if revision == data.revision:
        return data
    with _reloading:
        if loaded().revision != revision:
            _loaded = build_data(data.config, data.store)
    return loaded()


def loaded() -> AtlasData:
    if _loaded is None:
        raise RuntimeError("init_data() has not run")
    return _loaded


def state_from(query: str | Mapping[str, Sequence[str]]) -> tuple[ViewState, list[str]]:
    return from_query(query, loaded().choices)


def query_of(state: ViewState) -> str:
    return to_query(state, loaded().choices)


def memoized(name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache under ``name``, ``key``, the language and the data's fingerprint; computed
    without the cache when it is down (:func:`dashboard.cache.remember`).

    The key is made by the caller from a normalised state, so a lookup costs one ``cache.get``:
    ``cache.memoize`` would add a signature inspection and a version lookup per call, which
    cost more than most of what is cached here (``python -m benchmarks --profile``).
    """
    return remember(f"atlas/{loaded().fingerprint}/{i18n.lang()}/{name}/{key}", compute)


def view_for(query: str) -> View:
    """The view of a normalised query (as :func:`query_of` makes it); its rows come from the cache."""
    data = loaded()
    state, _unused = from_query(query, data.choices)
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
    return memoized("traces", reading(spec, view.state), lambda: spec.traces(view, loaded().facts))
