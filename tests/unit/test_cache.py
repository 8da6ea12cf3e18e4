"""The cache fails soft, against a real Redis server (Debian's ``redis-server``).

Tests that stop, pause and restart Redis start their own ``redis-server`` on a free port; the
others use ``ATLAS_TEST_REDIS_URL`` (which ``.ci/run`` exports) or their own server. Without
either they skip. The tests of a dead Redis need no server at all.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
import redis
from flask_caching.backends.rediscache import RedisCache

import dashboard.data
from dashboard.cache import cache_config, fingerprint, init_cache, remember
from dashboard.config import Config, load_config
from dashboard.data import init_data, memoized
from dashboard.downloads import register_downloads
from tests.unit.callback_bodies import real_bodies
from tests.unit.redis_process import REDIS_SERVER, RedisProcess, free_port

REDIS_URL = os.environ.get("ATLAS_TEST_REDIS_URL", "")
RETRY = 0.5  # seconds without the cache after a failure, in these tests (5 s by default)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    if not REDIS_SERVER:
        pytest.skip("needs Debian's redis-server (apt-get install redis-server)")
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()  # a paused server is killed all the same, but not left stopped
        server.stop()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """``ATLAS_TEST_REDIS_URL``, or a server of the test's own."""
    if REDIS_URL:
        yield REDIS_URL
        return
    if not REDIS_SERVER:
        pytest.skip("needs ATLAS_TEST_REDIS_URL or Debian's redis-server (apt-get install redis-server)")
    server = RedisProcess(tmp_path)
    server.start()
    yield server.url
    server.stop()


def redis_config(url: str, **more: Any) -> Config:
    return load_config(cache_type="RedisCache", cache_redis_url=url, cache_retry_seconds=RETRY, **more)


@pytest.fixture
def with_cache() -> Iterator[Callable[[Config], flask.Flask]]:
    """A Flask app with the cache of ``config``, its app context pushed for the test."""
    contexts = []

    def make(config: Config) -> flask.Flask:
        server = flask.Flask(__name__)
        init_cache(server, config)
        context = server.app_context()
        context.push()
        contexts.append(context)
        return server

    yield make
    for context in reversed(contexts):
        context.pop()


class Counted:
    """A compute function that counts its calls; its value is always the same."""

    VALUE = {"rows": [3, 1, 4, 1, 5], "note": "synthetic test value"}

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return dict(self.VALUE)


def stored(url: str, key: str) -> Any:
    """What Redis holds under ``key`` (Flask-Caching's prefix added), read with a client of its own."""
    raw = redis.Redis.from_url(url).get(f"flask_cache_{key}")
    return None if raw is None else RedisCache.serializer.loads(raw)


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "cache unavailable" in r.getMessage()]


def test_redis_gets_short_timeouts_and_other_backends_none(clean_env):
    clean_env.setenv("ATLAS_CACHE_SOCKET_TIMEOUT", "0.5")
    options = cache_config(redis_config("redis://cache:6379/0"))["CACHE_OPTIONS"]
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (0.5, 0.5)
    assert options["retry"].get_retries() == 0  # the breaker retries, not each request
    assert "CACHE_OPTIONS" not in cache_config(load_config())  # SimpleCache takes no socket options


def test_a_value_is_kept_in_redis(redis_url, with_cache):
    with_cache(redis_config(redis_url))
    key, compute = f"test/{uuid.uuid4().hex}", Counted()
    assert remember(key, compute) == Counted.VALUE
    assert stored(redis_url, key) == Counted.VALUE
    assert remember(key, compute) == Counted.VALUE
    assert compute.calls == 1


def test_redis_stopped_mid_run(own_redis, with_cache, caplog):
    caplog.set_level(logging.WARNING, logger="dashboard.cache")
    with_cache(redis_config(own_redis.url))
    compute = Counted()
    assert remember("test/before", compute) == Counted.VALUE
    assert stored(own_redis.url, "test/before") == Counted.VALUE

    own_redis.stop()
    started = time.perf_counter()
    for i in range(20):
        assert remember(f"test/during-{i}", compute) == Counted.VALUE
    assert remember("test/before", compute) == Counted.VALUE  # computed again, not an error
    assert time.perf_counter() - started < 1.0
    assert compute.calls == 1 + 21
    assert len(outage_warnings(caplog)) == 1

    own_redis.start()  # on the same port, empty
    time.sleep(RETRY + 0.1)  # the breaker's pause
    assert remember("test/after", compute) == Counted.VALUE
    assert stored(own_redis.url, "test/after") == Counted.VALUE
    assert remember("test/after", compute) == Counted.VALUE
    assert compute.calls == 1 + 21 + 1
    assert len(outage_warnings(caplog)) == 1
    assert any("cache available again" in r.getMessage() for r in caplog.records)


def test_a_slow_redis_costs_one_timeout_per_pause(own_redis, with_cache, caplog):
    # A server that accepts connections but never answers: each access would wait for the socket
    # timeout (0.25 s, twice per value: get and set), 10 s for these 20 values without the breaker.
    caplog.set_level(logging.WARNING, logger="dashboard.cache")
    with_cache(redis_config(own_redis.url))
    compute = Counted()
    assert remember("test/warm", compute) == Counted.VALUE  # a pooled connection, as in a running app
    own_redis.pause()
    started = time.perf_counter()
    for i in range(20):
        assert remember(f"test/slow-{i}", compute) == Counted.VALUE
    elapsed = time.perf_counter() - started
    own_redis.resume()
    assert elapsed < 1.0
    assert compute.calls == 21
    warnings = outage_warnings(caplog)
    assert len(warnings) == 1 and "Timeout" in warnings[0]


def test_the_fingerprint_changes_with_data_code_inputs_and_threshold(tiny):
    first = fingerprint(tiny.path, (), 11)
    assert fingerprint(tiny.path, (), 11) == first
    assert fingerprint(tiny.path, (), 5) != first
    from tests.unit.conftest import synthetic_dataset

    assert fingerprint(tiny.path, [synthetic_dataset()[0]], 11) != first
    tiny.set_cell("routes.csv", 2, "detail", "begging near the markets")
    assert fingerprint(tiny.path, (), 11) != first


@pytest.fixture
def keep_loaded() -> Iterator[None]:
    """``init_data`` sets the process's loaded atlas: put back the one the session's app uses."""
    before = dashboard.data._loaded
    yield
    dashboard.data._loaded = before


def test_two_fingerprints_never_share_a_key(redis_url, tiny, keep_loaded):
    # Three deployments on one Redis: the tiny data, the same with one cell changed, and the same
    # data with another suppression threshold. Each computes its own value; none reads another's.
    probe = f"probe-{uuid.uuid4().hex}"  # a fresh name, should the Redis be kept between runs
    server = flask.Flask(__name__)
    made = {}
    for deployment, (threshold, change) in enumerate([(11, None), (11, "an edited note"), (5, "an edited note")]):
        if change:
            tiny.set_cell("routes.csv", 2, "detail", change)
        data = init_data(server, redis_config(redis_url, data_dir=tiny.path, suppression_threshold=threshold))
        with server.app_context():
            assert memoized(probe, "q", lambda d=deployment: d) == deployment
            assert memoized(probe, "q", lambda: -1) == deployment
        made[data.fingerprint] = deployment
    assert len(made) == 3
    for key, deployment in made.items():
        assert stored(redis_url, f"atlas/{key}/en/{probe}/q") == deployment


# --- the app, with Redis down ---------------------------------------------------------------------


def dead_redis_config(**more: Any) -> Config:
    return redis_config(f"redis://127.0.0.1:{free_port()}/0", **more)


def test_downloads_and_export_answer_while_redis_is_down(tiny, keep_loaded, caplog):
    caplog.set_level(logging.WARNING, logger="dashboard.cache")
    server = flask.Flask(__name__)
    init_data(server, dead_redis_config(data_dir=tiny.path))  # starts: nothing is cleared or reached
    register_downloads(server)
    client = server.test_client()
    for url in ("/download/routes.csv", "/download/programs.csv", "/export/map.html", "/download/routes.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "khm-tha-begging" in client.get("/download/routes.csv").get_data(as_text=True)
    assert len(outage_warnings(caplog)) == 1


def test_the_page_and_the_map_callback_answer_while_redis_is_down(atlas_app, caplog):
    caplog.set_level(logging.WARNING, logger="dashboard.cache")
    server = atlas_app.server
    init_cache(server, dead_redis_config())
    try:
        client = server.test_client()
        assert client.get("/?region=rcm").status_code == 200
        layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/?region=africa"})
        assert layout.status_code == 200
        # The map's callback, posted as dash-renderer posts it after a region change.
        changed = {"region.value": ["bali-process"], "url.search": ""}
        body = next(
            b
            for b in real_bodies(client, "http://localhost/?region=africa", changed)
            if "...map.figure..." in b["output"]
        )
        body["changedPropIds"] = ["region.value"]
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.get_data()[:500]
        assert "map" in response.get_json()["response"]
        assert len(outage_warnings(caplog)) == 1
    finally:
        init_cache(server, load_config())  # the session's app goes back to its own cache
