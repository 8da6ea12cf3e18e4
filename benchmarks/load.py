"""``python -m benchmarks.load [--quick]``: the app under many users, as an office runs it, with Redis killed midway.

Starts, on 127.0.0.1 only, a Redis server and the app as the README starts it for an office
(``gunicorn -w 2 app:server`` with ``ATLAS_CACHE_TYPE=RedisCache``), then runs N simulated users
at once (50, then 100) for a fixed time. Each user opens the page as a browser does (the page,
``/_dash-dependencies``, ``/_dash-layout``) and then, one action at a time, changes a filter
(the map callback posted as dash-renderer posts it, carrying what the previous response left:
:class:`benchmarks.filter_callback.BrowserSession`), now and then downloads a CSV (1 action in
20) or the HTML map (1 in 200). Between two actions a user waits 0.5-1.5 s (seeded), as a
person reading the map does. In the middle of the run Redis is killed (SIGKILL) and restarted
15 s later.

Prints, per phase (before, during and after the outage): requests, throughput, errors (any
status but 200, or no answer within 10 s), and p50/p95/p99 latency as the client saw it. The
clients share the machine's two cores with the server: client time is in the figures.
Every loop is bounded in count and time, and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.filter_callback import ACCEPT_ENCODING, SEQUENCE, BrowserSession

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 10.0  # seconds: a request not answered by then counts as an error
DOWNLOADS = (
    "/download/routes.csv?region=bali-process",
    "/download/programs.csv?region=rcm",
    "/download/indicators.csv?indicator=population&year=2002",
)
EXPORT = "/export/map.html?region=rcm"


class Answer:
    """The part of a Flask test response that :class:`BrowserSession` reads."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self._body = body

    def get_data(self) -> bytes:
        return self._body

    def get_json(self) -> Any:
        return json.loads(self._body)


class HttpClient:
    """A keep-alive HTTP/1.1 connection with the surface of Flask's test client that the session uses."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again, once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return Answer(response.status, response.headers, response.read())
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._request("GET", path, headers=headers)

    def post(self, path: str, data: str, headers: dict[str, str]) -> Answer:
        return self._request("POST", path, body=data, headers=headers)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@dataclass(frozen=True)
class Hit:
    at: float  # seconds since the run started, when the request was sent
    kind: str  # "callback" | "download" | "export" | "page"
    seconds: float
    ok: bool


def user(port: int, seed: int, start: float, stop: float, hits: list[Hit], lock: threading.Lock) -> None:
    """One person on the atlas until ``stop`` (a ``time.monotonic`` value)."""
    rng = random.Random(seed)
    client = HttpClient(port)
    session: BrowserSession | None = None
    step = rng.randrange(len(SEQUENCE))
    while time.monotonic() < stop:
        kind, sent = "page", time.monotonic()
        try:
            if session is None:
                session = BrowserSession(client)  # type: ignore[arg-type]
            else:
                draw = rng.random()
                if draw < 0.005:
                    kind = "export"
                    answer = client.get(EXPORT, headers={"Accept-Encoding": ACCEPT_ENCODING})
                    if answer.status_code != 200:
                        raise RuntimeError(answer.status_code)
                elif draw < 0.055:
                    kind = "download"
                    answer = client.get(rng.choice(DOWNLOADS), headers={"Accept-Encoding": ACCEPT_ENCODING})
                    if answer.status_code != 200:
                        raise RuntimeError(answer.status_code)
                else:
                    kind = "callback"
                    session.change(SEQUENCE[step % len(SEQUENCE)])
                    step += 1
            ok = True
        except Exception:  # noqa: BLE001 - any failure is an error the user saw; start the page again
            ok, session = False, None
            client.close()
            client = HttpClient(port)
        now = time.monotonic()
        with lock:
            hits.append(Hit(sent - start, kind, now - sent, ok))
        time.sleep(min(max(0.0, stop - time.monotonic()), rng.uniform(0.5, 1.5)))
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(port: int, path: str = "/", seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if HttpClient(port).get(path).status_code == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"nothing answered on {HOST}:{port}{path} within {seconds:.0f} s")


def start_redis(port: int) -> subprocess.Popen[bytes]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    process = subprocess.Popen(
        [server, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def report(users: int, hits: list[Hit], phases: list[tuple[str, float, float]]) -> list[str]:
    lines = [f"\n{users} users"]
    lines.append(f"{'phase':<28}{'requests':>9}{'req/s':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, begin, end in phases:
        inside = [h for h in hits if begin <= h.at < end]
        times = [h.seconds * 1000 for h in inside if h.ok]
        errors = sum(not h.ok for h in inside)
        lines.append(
            f"{name:<28}{len(inside):>9}{len(inside) / max(end - begin, 1e-9):>8.1f}{errors:>8}"
            f"{percentile(times, 0.5):>9.0f}{percentile(times, 0.95):>9.0f}{percentile(times, 0.99):>9.0f}"
        )
    by_kind = {
        kind: [h.seconds * 1000 for h in hits if h.kind == kind and h.ok]
        for kind in ("callback", "download", "export", "page")
    }
    lines.append(
        "by kind (median ms, whole run): "
        + ", ".join(f"{kind} {statistics.median(v):.0f} ({len(v)})" for kind, v in by_kind.items() if v)
    )
    return lines


def run(users: int, seconds: float, outage: tuple[float, float], workers: int) -> list[str]:
    """One bounded run of ``users`` users for ``seconds``, Redis down during ``outage`` (start, end)."""
    redis_port, app_port = free_port(), free_port()
    redis = start_redis(redis_port)
    store = tempfile.mkdtemp(prefix="atlas-load-")
    env = {
        **os.environ,
        "ATLAS_CACHE_TYPE": "RedisCache",
        "ATLAS_CACHE_REDIS_URL": f"redis://{HOST}:{redis_port}/0",
        "ATLAS_DATABASE_URL": f"sqlite:///{store}/atlas.sqlite",
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{app_port}",
            "--timeout",
            "60",
            "app:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(app_port)
        wait_for(app_port, "/_dash-layout")
        hits: list[Hit] = []
        lock = threading.Lock()
        start = time.monotonic()
        stop = start + seconds
        threads = [
            threading.Thread(target=user, args=(app_port, seed, start, stop, hits, lock), daemon=True)
            for seed in range(users)
        ]
        for thread in threads:
            thread.start()
            time.sleep(1.0 / users)  # users arrive over the first second, not all in one instant
        time.sleep(max(0.0, start + outage[0] - time.monotonic()))
        redis.send_signal(signal.SIGKILL)
        redis.wait()
        time.sleep(max(0.0, start + outage[1] - time.monotonic()))
        redis = start_redis(redis_port)
        for thread in threads:
            thread.join(timeout=seconds + 2 * TIMEOUT)
        phases = [
            (f"before (0-{outage[0]:.0f} s)", 0.0, outage[0]),
            (f"Redis down ({outage[0]:.0f}-{outage[1]:.0f} s)", outage[0], outage[1]),
            (f"after ({outage[1]:.0f}-{seconds:.0f} s)", outage[1], seconds),
            ("whole run", 0.0, seconds),
        ]
        return report(users, hits, phases)
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
        redis.kill()
        redis.wait()
        shutil.rmtree(store, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 s runs, Redis down from 6 to 12 s")
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds, outage = (20.0, (6.0, 12.0)) if args.quick else (60.0, (22.5, 37.5))
    print(
        f"gunicorn -w {args.workers} app:server, RedisCache; {seconds:.0f} s per run, Redis killed at "
        f"{outage[0]:.1f} s and back at {outage[1]:.1f} s; users wait 0.5-1.5 s between actions;"
        f" {os.cpu_count()} cores"
    )
    for users in args.users:
        print("\n".join(run(users, seconds, outage, args.workers)), flush=True)


if __name__ == "__main__":
    main()
