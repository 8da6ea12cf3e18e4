"""The shared cache, failing soft: every cache access of the app goes through :func:`remember`.

The cache only saves time, so when its backend (Redis, in an office) is down or slow the app
computes without it: each access has a short socket timeout, a failure opens a circuit breaker
(pybreaker) that skips the cache for ``cache_retry_seconds`` so that the requests of an outage do
not each wait for the timeout again, and one warning per outage says so. The cache is used again
once a trial access after the pause succeeds.

Keys carry a fingerprint of the code and of the data (:func:`fingerprint`), so that a Redis shared
between deployments, or kept across an upgrade or a data change, never serves a value made by other
code or from other data; nothing is cleared at start, so a worker starts whether Redis is up or not.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import pybreaker
from flask import Flask, current_app, has_app_context
from flask_caching import Cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from dashboard.config import Config
from geodata.store import Dataset

T = TypeVar("T")
log = logging.getLogger(__name__)
cache = Cache()
BREAKER = "atlas_cache_breaker"  # its key in ``app.extensions``
PACKAGES = ("dashboard", "geodata")
# Distributions whose version changes what is pickled into the cache (tables, arrays, traces).
PICKLED_BY = ("counter-trafficking-atlas", "numpy", "pandas", "plotly")


class _OutageLog(pybreaker.CircuitBreakerListener):
    """One warning when the cache is found down, one note when it is back: not one per request."""

    def __init__(self) -> None:
        self.last_error: BaseException | None = None

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.last_error = exc

    def state_change(
        self, cb: pybreaker.CircuitBreaker, old_state: pybreaker.CircuitBreakerState | None, new_state: Any
    ) -> None:
        # Half-open -> open is a failed trial in the same outage: already said.
        old = old_state.name if old_state is not None else None
        if old == pybreaker.STATE_CLOSED and new_state.name == pybreaker.STATE_OPEN:
            log.warning(
                "cache unavailable (%s: %s): computing without it, trying again every %g s",
                type(self.last_error).__name__,
                self.last_error,
                cb.reset_timeout,
            )
        elif old is not None and new_state.name == pybreaker.STATE_CLOSED:
            log.warning("cache available again")


def cache_config(config: Config) -> dict[str, Any]:
    """The Flask-Caching settings for ``config``: backend, default timeout and, for Redis, its URL
    and the client's socket timeouts (with no retries of its own: the breaker is the retry)."""
    settings: dict[str, Any] = {"CACHE_TYPE": config.cache_type, "CACHE_DEFAULT_TIMEOUT": config.cache_timeout}
    if config.cache_redis_url:
        settings["CACHE_REDIS_URL"] = config.cache_redis_url
    if config.cache_type.rsplit(".", 1)[-1] == "RedisCache":
        # Flask-Caching hands CACHE_OPTIONS to redis.from_url (with a URL) or to redis.Redis.
        settings["CACHE_OPTIONS"] = {
            "socket_connect_timeout": config.cache_socket_timeout,
            "socket_timeout": config.cache_socket_timeout,
            "retry": Retry(NoBackoff(), 0),
        }
    return settings


def init_cache(server: Flask, config: Config) -> None:
    """Set up the cache of ``server``; it does not touch the backend, so Redis may be down."""
    cache.init_app(server, config=cache_config(config))
    # One breaker per app, as the backend is; one failure is enough to know.
    server.extensions[BREAKER] = pybreaker.CircuitBreaker(
        fail_max=1, reset_timeout=config.cache_retry_seconds, listeners=[_OutageLog()], name="atlas-cache"
    )


def _soft(operation: Callable[..., T], *args: Any) -> T | None:
    """``operation(*args)``, or ``None`` if the cache failed now or recently (the breaker is open)."""
    # The app whose backend Flask-Caching uses: the current one, else the last one set up.
    app = current_app if has_app_context() else cache.app
    try:
        return app.extensions[BREAKER].call(operation, *args)
    except pybreaker.CircuitBreakerError:  # fail_max=1: every failure opens it, and says so once
        return None


def remember(key: str, compute: Callable[[], T]) -> T:
    """The value cached under ``key``, or ``compute()`` (then cached), whatever state the cache is in.

    ``compute`` must not return ``None`` (``None`` means "not cached").
    """
    found = _soft(cache.get, key)
    if found is None:
        found = compute()
        _soft(cache.set, key, found)
    return found


def clear() -> None:
    """Empty the cache, if it can be reached (the benchmarks measure a cold cache)."""
    _soft(cache.clear)


def _digest_files(digest: Any, root: Path, files: Iterable[Path]) -> None:
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


@functools.cache
def code_digest() -> str:
    """A digest of the app's code (the Python sources and templates of ``dashboard`` and
    ``geodata``) and of the versions of what pickles cached values; made once per process."""
    digest = hashlib.sha256()
    for name in PICKLED_BY:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} not installed\n".encode())
    root = Path(__file__).resolve().parents[1]
    for package in PACKAGES:
        files = (root / package).rglob("*")
        _digest_files(
            digest,
            root,
            (f for f in files if f.is_file() and (f.suffix == ".py" or "templates" in f.relative_to(root).parts)),
        )
    return digest.hexdigest()


def fingerprint(data_dir: Path, datasets: Iterable[Dataset], suppression_threshold: int) -> str:
    """What every cache key carries: a short digest of the code, of the data directory's files, of
    the imported datasets shown (each by its file's digest) and of the suppression threshold (which
    changes what a cached table may show)."""
    digest = hashlib.sha256(code_digest().encode())
    _digest_files(digest, data_dir, (f for f in Path(data_dir).rglob("*") if f.is_file()))
    for dataset in datasets:
        digest.update(f"{dataset.slug}\0{dataset.sha256}\0{dataset.layout}\0{dataset.imported_at}\n".encode())
    digest.update(f"threshold={suppression_threshold}".encode())
    return digest.hexdigest()[:16]
