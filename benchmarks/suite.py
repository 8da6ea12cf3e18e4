"""The whole run: the app's filter callback (cache hit, miss, none) against the GeoJSON baseline.

Measured in one run, interleaved round by round so that the load of the shared machine falls on
every variant alike:

- **SimpleCache miss**: the cache is cleared, then a pass of the sequence (every view is new:
  computed, then pickled into the cache).
- **SimpleCache hit**: the same pass again (every view comes from the cache).
- **NullCache**: the same pass in a second process whose app has ``cache_type="NullCache"``
  (Dash hands global callbacks to the first app of a process, so the second app needs its own).

Miss minus hit is what the cache saves when a view was asked for before; NullCache minus miss is
what it saves on views never seen, as a layer's traces are cached under what the layer reads (the
choropleth of one indicator and year serves every region and program type).
- **baseline**: :class:`benchmarks.baseline.GeoJSONBaseline` for the states the app rendered.
- **Dash floor**: a callback that does next to nothing (the table search), for what Flask and
  Dash cost per request whatever the callback does.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from benchmarks.baseline import GeoJSONBaseline
from benchmarks.filter_callback import PROTOCOL_PREFIX, SEQUENCE, BrowserSession, Sample, build_session, zstd
from benchmarks.report import Series
from dashboard import cache
from dashboard.data import loaded

ROOT = Path(__file__).resolve().parents[1]
ZSTD_LEVEL = 3  # flask-compress's default (COMPRESS_ZSTD_LEVEL), for the baseline's wire bytes


@dataclass
class Results:
    """Everything one run measured."""

    initial_figure_kb: float
    layout: Series
    miss: Series
    hit: Series
    null: Series
    baseline: Series
    floor: Series
    baseline_states: int
    boundary_features: int
    by_kind: dict[str, dict[str, Series]] = field(default_factory=dict)
    largest: list[Sample] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


class Worker:
    """The NullCache app in a child process, one pass of the sequence per request."""

    def __init__(self, cache_type: str) -> None:
        self.stderr: IO[str] = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks", "--worker", cache_type],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )

    def _read(self) -> object:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(PROTOCOL_PREFIX):
                return json.loads(line[len(PROTOCOL_PREFIX) :])
        self.stderr.seek(0)
        raise RuntimeError(f"the benchmark worker stopped:\n{self.stderr.read()[-3000:]}")

    def ready(self) -> None:
        self._read()

    def run_pass(self) -> list[tuple[float, int, int, str]]:
        """One pass of the sequence: (server seconds, JSON bytes, wire bytes, rendered query) per step."""
        assert self.process.stdin is not None
        self.process.stdin.write("pass\n")
        self.process.stdin.flush()
        rows = self._read()
        assert isinstance(rows, list)
        return [(float(seconds), int(size), int(wire), str(rendered)) for seconds, size, wire, rendered in rows]

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()  # our own child, by its handle
            self.process.wait()
        self.stderr.close()


def _miss_pass(session: BrowserSession, detail: bool = False) -> list[Sample]:
    cache.clear()
    return session.run_pass(detail=detail)


def run(rounds: int, baseline_every: int, baseline_rounds: int, progress: IO[str]) -> Results:
    """Measure everything; ``baseline_every``: the baseline renders every n-th state of the sequence."""
    worker = Worker("NullCache")  # starts (and warms up) while this process builds its app
    try:
        return _run(worker, rounds, baseline_every, baseline_rounds, progress)
    finally:
        worker.close()


def _run(worker: Worker, rounds: int, baseline_every: int, baseline_rounds: int, progress: IO[str]) -> Results:
    _, session = build_session("SimpleCache")
    data = loaded()
    layout = Series("GET /_dash-layout (first request, cold)")
    layout.add(session.layout_seconds, session.layout_json_bytes, session.layout_wire_bytes)
    initial_kb = len(json.dumps(session.initial_figure, separators=(",", ":"))) / 1000

    for _ in range(2):  # warm-up: imports, first-use caches, the indicator slices
        _miss_pass(session)
        session.run_pass()
    worker.ready()

    miss = Series("app, SimpleCache miss (1st pass)")
    hit = Series("app, SimpleCache hit (2nd pass)")
    null = Series("app, NullCache (own process)")
    floor = Series("Dash floor: a trivial callback (table search)")
    kinds: dict[str, dict[str, Series]] = defaultdict(dict)
    mismatches: list[str] = []
    first: list[Sample] = []  # the first measured pass with cache hits, with bytes per output
    for number in range(rounds):
        progress.write(f"\rround {number + 1}/{rounds}")
        progress.flush()
        missed = _miss_pass(session)
        hits = session.run_pass(detail=number == 0)
        nulls = worker.run_pass()
        for index in range(len(SEQUENCE)):
            floor.add(*session.floor(f"{number}-{index}"))
        if number == 0:
            first = hits
        for m, h, n in zip(missed, hits, nulls, strict=True):
            miss.add(m.seconds, m.json_bytes, m.wire_bytes)
            hit.add(h.seconds, h.json_bytes, h.wire_bytes)
            null.add(*n[:3])
            if not (m.json_bytes == h.json_bytes == n[1] and m.rendered == h.rendered == n[3]):
                mismatches.append(f"{h.step.label}: {m.json_bytes}/{h.json_bytes}/{n[1]} bytes")
            of_kind = kinds[h.step.kind]
            for name, sample in (("miss", m), ("hit", h)):
                of_kind.setdefault(name, Series(name)).add(sample.seconds, sample.json_bytes, sample.wire_bytes)
            of_kind.setdefault("null", Series("null")).add(*n[:3])

    # The baseline, for the states the app rendered in that sequence.
    progress.write("\rbaseline: reading the boundaries")
    progress.flush()
    baseline = GeoJSONBaseline(data)
    states = [sample.rendered for sample in first][::baseline_every]
    baseline.render(states[0])  # warm-up
    base = Series(f"baseline, full GeoJSON figure ({baseline.features} shapes)")
    wire: dict[str, int] = {}
    for number in range(baseline_rounds):
        for index, query in enumerate(states):
            progress.write(f"\rbaseline round {number + 1}/{baseline_rounds}, state {index + 1}/{len(states)}  ")
            progress.flush()
            seconds, body = baseline.render(query)
            raw = body.encode()
            if query not in wire:
                wire[query] = len(zstd.compress(raw, level=ZSTD_LEVEL))
            base.add(seconds, len(raw), wire[query])
    progress.write("\r" + " " * 60 + "\r")
    progress.flush()
    return Results(
        initial_figure_kb=initial_kb,
        layout=layout,
        miss=miss,
        hit=hit,
        null=null,
        baseline=base,
        floor=floor,
        baseline_states=len(states),
        boundary_features=baseline.features,
        by_kind=dict(kinds),
        largest=sorted(first, key=lambda s: s.json_bytes, reverse=True)[:4],
        mismatches=mismatches,
    )


# Named costs for the profile summary: label, the end of the file's path, the function's name.
# Times are inclusive (a cost contains those it calls), so the lines overlap and do not add up.
PROFILE_COSTS: tuple[tuple[str, str, str], ...] = (
    ("whole request (Flask, Dash dispatch, callback)", "flask/app.py", "wsgi_app"),
    ("render_view, the callback itself", "callbacks/view.py", "render_view"),
    ("Dash serialising the response (plotly to_json)", "plotly/io/_json.py", "to_json_plotly"),
    ("cached data functions, with the cache (memoized)", "dashboard/data.py", "memoized"),
    ("  cache lookups (Flask-Caching get)", "flask_caching/__init__.py", "get"),
    ("  unpickling cached values (pickle.loads)", "~", "<built-in method _pickle.loads>"),
    ("  pickling values into the cache (pickle.dumps)", "~", "<built-in method _pickle.dumps>"),
    ("view_for (the view's rows, then its tables)", "dashboard/data.py", "view_for"),
    ("  view_rows (computing the rows)", "dashboard/view.py", "view_rows"),
    ("layer_traces (the map's traces)", "dashboard/data.py", "layer_traces"),
    ("panels_for (summary, strip, sources ...)", "dashboard/layout.py", "panels_for"),
    ("figure_patch (the map's Patch)", "dashboard/figure.py", "figure_patch"),
    ("create_key (the key's parts)", "dashboard/layout.py", "create_key"),
    ("pandas take (cutting tables from the atlas)", "pandas/core/indexing.py", "__getitem__"),
    ("pandas DataFrame.to_dict", "pandas/core/methods/to_dict.py", "to_dict"),
    ("Dash component trees (Component.__init__)", "dash/development/base_component.py", "__init__"),
)


def _named_costs(stats: pstats.Stats, requests: int) -> list[str]:
    table = stats.stats  # type: ignore[attr-defined]
    lines = []
    for label, path, names in PROFILE_COSTS:
        wanted = set(names.split("|"))
        seconds = sum(
            row[3]
            for (file, _, name), row in table.items()
            if name in wanted and file.replace("\\", "/").endswith(path)
        )
        lines.append(f"  {label:<52} {seconds / requests * 1000:8.2f} ms")
    return lines


def profile(passes: int, top: int, out: IO[str]) -> None:
    """cProfile the callback over ``passes`` passes with the cache missing, then hitting.

    cProfile adds a cost to every Python call, so code made of many small calls looks dearer
    than it is: read the shares, and the unprofiled medians of the benchmark for the times.
    """
    _, session = build_session("SimpleCache")
    for _ in range(2):
        _miss_pass(session)
        session.run_pass()
    for title, run_once in (("SimpleCache miss", _miss_pass), ("SimpleCache hit", BrowserSession.run_pass)):
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(passes):
            run_once(session)
        profiler.disable()
        elapsed = time.perf_counter() - started
        requests = passes * len(SEQUENCE)
        out.write(f"\n=== {title}: {requests} requests, {elapsed / requests * 1000:.1f} ms each under cProfile ===\n")
        out.write("Where the time goes (inclusive, per request):\n")
        stats = pstats.Stats(profiler)
        out.write("\n".join(_named_costs(stats, requests)) + "\n")
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.strip_dirs().sort_stats("tottime").print_stats(top)
        text = buffer.getvalue()
        out.write("Top functions by own time:\n" + text[text.find("   ncalls") :])
