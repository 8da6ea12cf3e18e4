"""The map's filter callback against a naive baseline, measured in one run.

- **app**: the real ``render_view`` callback, posted to ``/_dash-update-component`` through
  Flask's test client exactly as the browser posts it (a Patch of the layers the change
  touches, panels only when they change), with the Flask-Caching memo warm and cold.
- **baseline**: what a dashboard usually does for the same filter: rebuild a full figure with
  a GeoJSON choropleth of the world (Natural Earth 1:50m, the bundled boundaries) plus the same
  overlays, validated by plotly and serialised as Dash would send it.

Medians and the 90th percentile of server time, response bytes, and baseline/app ratios.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from dashboard.data import cache, layer_traces, loaded, query_of, state_from, view_for
from dashboard.factory import create_app
from dashboard.figure import make_figure
from dashboard.layers import REGISTRY, traces_by_layer
from dashboard.layout import panel_signatures
from geodata.boundaries import read_boundaries
from geodata.loader import BOUNDARIES_FILE

# Each step changes one filter from the state before it: what a user does in a session.
SEQUENCE: list[tuple[str, Any]] = [
    ("region.value", ["rcm"]),
    ("type.value", ["protection"]),
    ("form.value", ["sexual-exploitation"]),
    ("region.value", ["bali-process"]),
    ("type.value", []),
    ("region.value", ["africa"]),
    ("form.value", []),
    ("region.value", ["igc"]),
    ("type.value", ["regional-dialogue", "capacity-building"]),
    ("region.value", ["south-eastern-asia"]),
    ("type.value", []),
    ("region.value", []),
]
INDICATOR_SEQUENCE: list[tuple[str, Any]] = [
    ("indicator.value", "gdp-per-capita"),
    ("indicator.value", "life-expectancy"),
    ("indicator.value", "population"),
    ("indicator.value", "tip-tier"),
]
CONTROL_DEFAULTS: dict[str, Any] = {
    "url.search": "",
    "region.value": [],
    "type.value": [],
    "form.value": [],
    "indicator.value": "tip-tier",
    "year.value": 2007,
    "layers.value": ["choropleth", "roles", "routes", "programs"],
    "country.value": None,
    "map.clickData": None,
    "programs-grid.selectedRows": [],
    "routes-grid.selectedRows": [],
    "profile-close.n_clicks": 0,
}


class Client:
    """Posts the map callback like the browser, keeping the stores the browser would keep."""

    def __init__(self) -> None:
        self.app = create_app()
        self.http = self.app.server.test_client()
        self.http.get("/")  # lets Dash set up its callbacks
        deps = self.http.get("/_dash-dependencies").get_json()
        self.spec = next(d for d in deps if "map.figure" in d["output"])
        self.outputs = [
            {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
            for part in self.spec["output"].strip(".").split("...")
        ]
        self.reset()

    def reset(self) -> None:
        data = loaded()
        self.controls = dict(CONTROL_DEFAULTS)
        state, _ = state_from("")
        _, self.slots = make_figure(view_for(""), data.ctx, lambda layer: layer_traces("", layer))
        self.stores: dict[str, Any] = {
            "slots.data": self.slots,
            "rendered.data": "",
            "sent.data": panel_signatures(data, state, view_for("")),
            "deck.data": None,
            "deck-index.data": -1,
        }

    def change(self, prop: str, value: Any) -> tuple[float, int]:
        """Post one control change; return (server seconds, response bytes)."""
        self.controls[prop] = value
        payload = {
            "output": self.spec["output"],
            "outputs": self.outputs,
            "inputs": [{**i, "value": self.controls.get(f"{i['id']}.{i['property']}")} for i in self.spec["inputs"]],
            "changedPropIds": [prop],
            "state": [{**s, "value": self.stores.get(f"{s['id']}.{s['property']}")} for s in self.spec["state"]],
        }
        started = time.perf_counter()
        response = self.http.post("/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip"})
        elapsed = time.perf_counter() - started
        wire = response.get_data()  # as sent: gzip-compressed when the browser accepts it
        self.wire_bytes = len(wire)
        body = gzip.decompress(wire) if response.headers.get("Content-Encoding") == "gzip" else wire
        if response.status_code != 200:
            raise RuntimeError(f"{prop}={value!r}: HTTP {response.status_code}")
        answer = json.loads(body)["response"]
        for key in ("slots", "rendered", "sent"):
            if key in answer:
                self.stores[f"{key}.data"] = answer[key]["data"]
        return elapsed, len(body)

    def change_on_the_wire(self, prop: str, value: Any) -> tuple[float, int]:
        elapsed, _ = self.change(prop, value)
        return elapsed, self.wire_bytes


class Baseline:
    """Rebuilds a whole GeoJSON choropleth figure per filter, as dashboards commonly do."""

    def __init__(self) -> None:
        atlas = loaded().atlas
        shapes = read_boundaries(atlas.directory / BOUNDARIES_FILE, atlas.countries["iso_numeric"])
        self.geojson = json.loads(shapes.reset_index().to_json())
        for feature in self.geojson["features"]:
            feature["id"] = feature["properties"]["iso3"]

    def render(self, query: str) -> tuple[float, int]:
        started = time.perf_counter()
        data = loaded()
        state, _ = state_from(query)
        view = view_for.uncached(query_of(state))  # the baseline has no cache
        rows = view.indicator
        numeric = rows["value"].notna().any()
        z = rows["value"].astype(float) if numeric else rows["category"].astype("category").cat.codes
        figure = go.Figure(
            go.Choropleth(geojson=self.geojson, locations=rows["iso3"], z=z, featureidkey="id", colorscale="Blues")
        )
        for key, traces in traces_by_layer(view, data.ctx).items():
            if key != "choropleth":
                figure.add_traces(traces)
        figure.update_geos(fitbounds="locations", visible=False)
        body = figure.to_json().encode()
        self.wire_bytes = len(gzip.compress(body, compresslevel=6))
        return time.perf_counter() - started, len(body)


def _query_after(controls: dict[str, Any]) -> str:
    params = {
        "region": controls["region.value"],
        "type": controls["type.value"],
        "form": controls["form.value"],
        "indicator": [controls["indicator.value"]],
    }
    return "?" + "&".join(f"{k}={'~'.join(v)}" for k, v in params.items() if v)


def measure(
    rounds: int,
    steps: list[tuple[str, Any]],
    run: Callable[[str, Any], tuple[float, int]],
    before_round: Callable[[], None],
) -> tuple[list[float], list[int]]:
    seconds, sizes = [], []
    for _ in range(rounds):
        before_round()
        for prop, value in steps:
            elapsed, size = run(prop, value)
            seconds.append(elapsed)
            sizes.append(size)
    return seconds, sizes


def summary(seconds: list[float], sizes: list[int]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))] * 1000,
        "median_kb": statistics.median(sizes) / 1000,
        "max_kb": max(sizes) / 1000,
    }


def run(rounds: int) -> dict[str, dict[str, float]]:
    client = Client()
    baseline = Baseline()
    initial = client.http.get("/_dash-layout").get_json()
    results: dict[str, dict[str, float]] = {}
    results["initial figure"] = {"kb": _figure_bytes(initial) / 1000}

    # Warm-up: imports, first-use caches.
    measure(1, SEQUENCE, client.change, client.reset)

    def app_step(prop: str, value: Any) -> tuple[float, int]:
        return client.change(prop, value)

    def cold_reset() -> None:
        cache.clear()
        client.reset()

    results["app, filters, cache cold"] = summary(*measure(rounds, SEQUENCE, app_step, cold_reset))
    results["app, filters, cache warm"] = summary(*measure(rounds, SEQUENCE, app_step, client.reset))
    results["app, indicator changes"] = summary(*measure(rounds, INDICATOR_SEQUENCE, app_step, client.reset))
    results["app, filters, gzip on the wire"] = summary(
        *measure(rounds, SEQUENCE, client.change_on_the_wire, client.reset)
    )

    controls = dict(CONTROL_DEFAULTS)

    def baseline_step(prop: str, value: Any) -> tuple[float, int]:
        controls[prop] = value
        return baseline.render(_query_after(controls))

    def baseline_reset() -> None:
        controls.clear()
        controls.update(CONTROL_DEFAULTS)

    results["baseline, filters"] = summary(*measure(max(3, rounds // 3), SEQUENCE, baseline_step, baseline_reset))

    def baseline_wire(prop: str, value: Any) -> tuple[float, int]:
        elapsed, _ = baseline_step(prop, value)
        return elapsed, baseline.wire_bytes

    results["baseline, gzip on the wire"] = summary(*measure(1, SEQUENCE, baseline_wire, baseline_reset))

    # What the memo saves per call: the data functions alone, cached against uncached.
    queries = [
        query_of(state_from(q)[0]) for q in ("?region=rcm", "?region=africa&type=protection", "?form=forced-labour")
    ]
    for q in queries:
        view_for(q)
        for layer in REGISTRY:
            layer_traces(q, layer)
    hits, misses = [], []
    for _ in range(rounds * 5):
        for q in queries:
            t = time.perf_counter()
            view_for(q)
            for layer in REGISTRY:
                layer_traces(q, layer)
            hits.append(time.perf_counter() - t)
            t = time.perf_counter()
            view = view_for.uncached(q)
            for layer in REGISTRY.values():
                layer.traces(view, loaded().ctx)
            misses.append(time.perf_counter() - t)
    results["data functions, memo hit"] = {"median_ms": statistics.median(hits) * 1000}
    results["data functions, computed"] = {"median_ms": statistics.median(misses) * 1000}
    return results


def _figure_bytes(layout: Any) -> int:
    """Bytes of the map's figure inside the page layout."""
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "map":
                found.append(len(json.dumps(node["props"]["figure"])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(layout)
    return found[0] if found else 0
