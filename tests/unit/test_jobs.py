"""Background jobs: in-process on a laptop, on Celery workers in an office (``dashboard.jobs``).

The Celery test is real end to end: its own ``redis-server`` and a ``celery -A dashboard.worker``
subprocess, and the web side in two processes of its own, one after the other, so that a web
worker restart is a real one. The first web process takes an upload, as the page posts it, and
exits with the job still waiting in Redis (no Celery worker runs yet). Then the Celery worker
starts and a fresh web process, which never saw the upload, polls the job with the handles the
page holds, gets the result and sees the new dataset. Skipped without ``redis-server`` (or
``ATLAS_TEST_REDIS_URL``) or without Celery.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import CeleryManager, DiskcacheManager

from dashboard.config import load_config
from dashboard.jobs import create_manager
from geodata import BUNDLED_DIR
from geodata.store import Store
from tests.unit.redis_process import REDIS_SERVER, RedisProcess

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ATLAS_TEST_REDIS_URL", "")
HAS_CELERY = importlib.util.find_spec("celery") is not None
DEADLINE = 60.0  # seconds any one step may take before the test fails

# One web worker's life: build the app from the environment, then either take the upload of the
# template's example file as the page posts it and print the job's handles ("submit"), or poll the
# job with those handles as the page does until its result comes, and print it with the datasets
# this app then shows ("poll").
WEB = r"""
import base64, json, sys, time
from dashboard.data import loaded
from dashboard.factory import create_app
from geodata.importers.templates import template_file

app = create_app()
client = app.server.test_client()
client.get("/")  # Dash fills its callback map on the first request
output = next(key for key in app.callback_map if key.startswith("..add-data-result.data"))
contents = "data:text/csv;base64," + base64.b64encode(template_file("indicators", True, "csv")).decode()
body = {
    "output": output,
    "outputs": [{"id": "add-data-result", "property": "data"}, {"id": "add-data-reload", "property": "href"}],
    "inputs": [{"id": "add-data-upload", "property": "contents", "value": contents}],
    "changedPropIds": ["add-data-upload.contents"],
    "state": [
        {"id": "add-data-upload", "property": "filename", "value": "indicators-example.csv"},
        {"id": "add-data-layout", "property": "value", "value": ""},
        {"id": "add-data-name", "property": "value", "value": "Jobs test"},
        {"id": "add-data-publisher", "property": "value", "value": None},
        {"id": "add-data-reload", "property": "href", "value": "http://localhost/"},
    ],
}
manager = type(app._background_manager).__name__
if sys.argv[1] == "submit":
    before = [d.slug for d in loaded().atlas.datasets]
    response = client.post("/_dash-update-component", json=body)
    print(json.dumps({"manager": manager, "status": response.status_code, "handles": response.get_json(),
                      "before": before}))
    sys.exit()
handles = json.loads(sys.argv[2])
progress, deadline = [], time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline:
    answer = client.post("/_dash-update-component", json=body, query_string=handles).get_json()
    progress.append(answer.get("progress"))
    if "response" in answer:
        break
    time.sleep(0.2)
time.sleep(1.1)  # a web worker asks the store for its revision at most once a second
client.get("/")
print(json.dumps({"manager": manager, "answer": answer, "progress": progress,
                  "datasets": [d.slug for d in loaded().atlas.datasets]}))
"""


@pytest.fixture
def jobs_redis(tmp_path: Path) -> Iterator[str]:
    """A Redis for the queue: a ``redis-server`` of the test's own, else ``ATLAS_TEST_REDIS_URL``."""
    if not HAS_CELERY:
        pytest.skip("celery is not installed (pip install 'celery[redis]')")
    if REDIS_SERVER is None:
        if not REDIS_URL:
            pytest.skip("needs Debian's redis-server or a Redis at ATLAS_TEST_REDIS_URL")
        yield REDIS_URL
        return
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def environment(redis_url: str, database_url: str) -> dict[str, str]:
    """What the web workers and the Celery worker share: the settings, and this worktree's code."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ATLAS_")}
    env.update(
        ATLAS_JOBS_REDIS_URL=redis_url,
        ATLAS_DATABASE_URL=database_url,
        ATLAS_DATA_DIR=str(BUNDLED_DIR),
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def web(env: dict[str, str], *args: str) -> dict:  # type: ignore[type-arg]
    """One web worker's life (``WEB``), in a process of its own; what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", WEB, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE + 30
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_jobs_redis_url_jobs_run_in_process(clean_env):
    assert isinstance(create_manager(load_config()), DiskcacheManager)


def test_with_a_jobs_redis_url_jobs_go_to_celery_on_it(clean_env):
    clean_env.setenv("ATLAS_JOBS_REDIS_URL", "redis://127.0.0.1:1/3")  # nothing is sent, so nothing listens
    manager = create_manager(load_config())
    assert isinstance(manager, CeleryManager)
    assert manager.handle.conf.broker_url == manager.handle.conf.result_backend == "redis://127.0.0.1:1/3"


def test_an_import_outlives_the_web_worker_that_took_it(jobs_redis, tmp_path):
    import redis

    database_url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    env = environment(jobs_redis, database_url)
    queue = redis.Redis.from_url(jobs_redis)
    queue.delete("celery")  # Celery's default queue: a shared Redis may hold another run's job

    submitted = web(env, "submit")
    assert submitted["manager"] == "CeleryManager"
    assert submitted["status"] == 200 and {"cacheKey", "job"} <= set(submitted["handles"])
    assert "jobs-test" not in submitted["before"]
    # The web worker that took the upload is gone, and no Celery worker runs: the job waits in Redis.
    assert queue.llen("celery") == 1
    assert [d.slug for d in Store(database_url).datasets()] == []

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dashboard.worker", "worker"]
        + ["--pool", "solo", "--concurrency", "1", "-l", "warning", "--without-mingle", "--without-gossip"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        polled = web(env, "poll", json.dumps(submitted["handles"]), str(DEADLINE))
    finally:
        worker.kill()  # our own child, by its handle
        _, errors = worker.communicate(timeout=30)

    assert polled["manager"] == "CeleryManager"
    assert "response" in polled["answer"], f"no result within {DEADLINE} s; the worker said: {errors[-3000:]}"
    result = polled["answer"]["response"]["add-data-result"]["data"]
    assert (result["ok"], result["status"], result["slug"]) == (True, "added", "jobs-test")
    assert polled["answer"]["response"]["add-data-reload"]["href"].startswith("http://localhost/")  # the page reloads
    # Progress came from the worker through Redis, ending in "done".
    reported = [p for p in polled["progress"] if p]
    assert reported[-1] == {"add-data-progress.value": 100, "add-data-progress.label": "done"}
    # Stored, and seen by the fresh web worker through the store's revision.
    assert [d.slug for d in Store(database_url).datasets()] == ["jobs-test"]
    assert "jobs-test" in polled["datasets"]
    assert queue.llen("celery") == 0
