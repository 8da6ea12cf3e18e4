"""The app's filter callback, posted to ``/_dash-update-component`` as the browser posts it.

A :class:`BrowserSession` keeps what the browser keeps: the props of the page (read from
``GET /_dash-layout``) and the outputs of every response, so that each request carries the
``slots``, ``rendered`` and ``sent`` stores the previous response left. The payload is the one
``dash-renderer`` builds (``output``, ``outputs``, ``inputs``, ``changedPropIds``,
``parsedChangedPropsIds``, ``state``; a value the page does not have is left out, as
``JSON.stringify`` leaves out ``undefined``), with the browser's ``Accept-Encoding``.

Run as ``python -m benchmarks --worker CACHE_TYPE``, this module serves passes of the sequence
to the main process over stdin/stdout, so that a second app (with another cache backend) can be
measured in its own process, interleaved with the main one.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import brotli
from dash import Dash
from flask.testing import FlaskClient

from dashboard.config import load_config
from dashboard.factory import create_app

try:  # Python 3.14 has zstd in the standard library; earlier ones need the backport.
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[no-redef]

# What Chromium sends; flask-compress then picks zstd, as it would for a real visitor.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
PROTOCOL_PREFIX = "@@ "  # worker lines that carry results (anything else on stdout is ignored)


@dataclass(frozen=True)
class Step:
    """One user action: set a control to a value (from the state the previous step left)."""

    kind: str  # "region" | "type" | "form" | "indicator" | "year"
    prop: str  # the Dash prop id, e.g. "region.value"
    value: Any

    @property
    def label(self) -> str:
        shown = "~".join(self.value) if isinstance(self.value, list) else str(self.value)
        return f"{self.kind}={shown or '(all)'}"


# A session: narrow by dialogue and region, tick program types and forms, then switch the
# indicator and step through years. It ends where it starts (the default view), so passes chain.
SEQUENCE: tuple[Step, ...] = (
    Step("region", "region.value", ["rcm"]),
    Step("type", "type.value", ["protection"]),
    Step("form", "form.value", ["sexual-exploitation"]),
    Step("region", "region.value", ["bali-process"]),
    Step("type", "type.value", []),
    Step("region", "region.value", ["africa"]),
    Step("form", "form.value", []),
    Step("region", "region.value", ["igc"]),
    Step("type", "type.value", ["regional-dialogue", "capacity-building"]),
    Step("region", "region.value", ["south-eastern-asia"]),
    Step("form", "form.value", ["forced-labour"]),
    Step("type", "type.value", []),
    Step("region", "region.value", []),
    Step("form", "form.value", []),
    Step("indicator", "indicator.value", "gdp-per-capita"),
    Step("year", "year.value", 1997),
    Step("indicator", "indicator.value", "life-expectancy"),
    Step("year", "year.value", 1977),
    Step("indicator", "indicator.value", "population"),
    Step("year", "year.value", 2002),
    Step("region", "region.value", ["africa"]),
    Step("region", "region.value", []),
    Step("indicator", "indicator.value", "tip-tier"),  # 2002 has no tiers: the callback sets 2007
)


@dataclass
class Sample:
    """One request: server seconds, JSON bytes (decoded body), bytes on the wire, the state it rendered."""

    step: Step
    seconds: float
    json_bytes: int
    wire_bytes: int
    rendered: str
    outputs: dict[str, int] = field(default_factory=dict)  # bytes per output, when asked for


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "zstd":
        return zstd.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def _component_props(layout: Any) -> dict[str, dict[str, Any]]:
    """Props of every component with a string id in a serialised Dash layout."""
    found: dict[str, dict[str, Any]] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                found[props["id"]] = props
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


class BrowserSession:
    """One browser tab on the app: the page's props, and the ``render_view`` callback as it posts it.

    Parameters
    ----------
    client : flask.testing.FlaskClient
        A test client of the one app of this process.
    page : str
        The page's query (``"?lang=es"``): the browser names the page in the ``Referer`` of each
        request Dash makes, and the app answers in the page's language.
    """

    def __init__(self, client: FlaskClient, page: str = "") -> None:
        self.client = client
        self.headers = {"Accept-Encoding": ACCEPT_ENCODING, "Referer": f"http://localhost/{page}"}
        client.get(f"/{page}")  # Dash sets its callbacks up on the first request it serves
        deps = client.get("/_dash-dependencies").get_json()
        self.spec = next(d for d in deps if "...map.figure..." in d["output"])
        # The table search: a callback that does next to nothing, so its time is Dash's own cost.
        self.floor_spec = next(d for d in deps if "programs-grid.dashGridOptions" in d["output"])
        started = time.perf_counter()
        response = client.get("/_dash-layout", headers=self.headers)
        self.layout_seconds = time.perf_counter() - started
        self.layout_wire_bytes = len(response.get_data())
        body = _decode(response.get_data(), response.headers.get("Content-Encoding", ""))
        self.layout_json_bytes = len(body)
        components = _component_props(json.loads(body))
        self.initial_figure = components["map"]["figure"]
        self.props: dict[str, Any] = {}
        for spec in (self.spec, self.floor_spec):
            for dep in (*spec["inputs"], *spec["state"]):
                props = components.get(dep["id"], {})
                if dep["property"] in props:
                    self.props[f"{dep['id']}.{dep['property']}"] = props[dep["property"]]
        self.props.setdefault("url.search", "")  # dcc.Location reports the page's query on mount

    def _values(self, deps: list[dict[str, str]]) -> list[dict[str, Any]]:
        out = []
        for dep in deps:
            key = f"{dep['id']}.{dep['property']}"
            out.append({**dep, "value": self.props[key]} if key in self.props else dict(dep))
        return out

    def payload(self, changed: str, spec: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON body dash-renderer posts when ``changed`` (``"id.prop"``) has a new value.

        ``spec`` is the callback's entry in ``/_dash-dependencies`` (the map's by default).
        """
        spec = spec or self.spec
        output = spec["output"]
        # dash-renderer: output[2:-2].split("..."), each split at its last "." (keeping "@<hash>").
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in parts]
        return {
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": self._values(spec["inputs"]),
            "changedPropIds": [changed],
            "parsedChangedPropsIds": [changed],
            "state": self._values(spec["state"]) if spec["state"] else None,
        }

    def _post(self, payload: dict[str, Any]) -> tuple[float, bytes, bytes]:
        body = json.dumps({k: v for k, v in payload.items() if v is not None})  # undefined is left out
        headers = {**self.headers, "Content-Type": "application/json"}
        started = time.perf_counter()
        response = self.client.post("/_dash-update-component", data=body, headers=headers)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(
                f"{payload['changedPropIds']}: HTTP {response.status_code}: {response.get_data()[:300]!r}"
            )
        wire = response.get_data()
        return seconds, wire, _decode(wire, response.headers.get("Content-Encoding", ""))

    def floor(self, text: str) -> tuple[float, int, int]:
        """Type ``text`` in the table search: (server seconds, JSON bytes, wire bytes) of a trivial callback."""
        self.props["table-search.value"] = text
        seconds, wire, decoded = self._post(self.payload("table-search.value", self.floor_spec))
        return seconds, len(decoded), len(wire)

    def change(self, step: Step, detail: bool = False) -> Sample:
        """Set one control as a user would, post the callback, and keep what the response sets.

        Only the test client call is timed (the app's whole server side: Flask, Dash's dispatch,
        the callback, serialisation and compression). ``detail`` also records bytes per output.
        """
        self.props[step.prop] = step.value
        seconds, wire, decoded = self._post(self.payload(step.prop))
        answer = json.loads(decoded)["response"]
        for component, props in answer.items():
            for prop, value in props.items():
                if isinstance(value, dict) and "__dash_patch_update" in value:
                    continue  # a Patch (the map figure): not an input or state of the callback
                self.props[f"{component}.{prop.split('@')[0]}"] = value
        sizes = {}
        if detail:
            sizes = {
                f"{component}.{prop}": len(json.dumps(value, separators=(",", ":")))
                for component, props in answer.items()
                for prop, value in props.items()
            }
        return Sample(step, seconds, len(decoded), len(wire), str(self.props.get("rendered.data", "")), sizes)

    def run_pass(self, steps: tuple[Step, ...] = SEQUENCE, detail: bool = False) -> list[Sample]:
        return [self.change(step, detail) for step in steps]


def build_session(cache_type: str) -> tuple[Dash, BrowserSession]:
    """The one app of this process, with ``cache_type``, and a browser session on it."""
    app = create_app(load_config(cache_type=cache_type))
    return app, BrowserSession(app.server.test_client())


def worker_main(cache_type: str) -> None:
    """Serve passes of :data:`SEQUENCE` over stdin/stdout (``pass``, ``quit``), one JSON line each."""
    _, session = build_session(cache_type)
    session.run_pass()  # warm-up: imports, first-use caches
    print(PROTOCOL_PREFIX + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() != "pass":
            break
        samples = session.run_pass()
        rows = [[s.seconds, s.json_bytes, s.wire_bytes, s.rendered] for s in samples]
        print(PROTOCOL_PREFIX + json.dumps(rows), flush=True)
