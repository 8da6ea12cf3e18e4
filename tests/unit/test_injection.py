"""Hostile text in every text field of the data, through every export the server makes.

Each payload is written into every text field of the tiny data directory at once, tagged with
the field's name (``{{7*7331}}~routes.detail``), and the server's exports are made once per
payload: the folium map (``/export/map.html``, for the tiers and for a continuous indicator),
the country brief (``/brief/KHM.html``), the three CSV downloads, and what the PNG/SVG exports
draw (the plotly figure with its key, title and source line). Each (field, payload, export) is
then its own case: nothing from the data is evaluated (no ``51317``, no process id, no ``XXX``
from the loop), no export fails, no ``<script>`` or ``<img`` from the data reaches HTML
unescaped, a CSV cell never starts a formula, and the field shows where the export shows it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import flask
import pytest
from bs4 import BeautifulSoup

import dashboard.data
from dashboard.brief import register_brief
from dashboard.config import load_config
from dashboard.data import AtlasData, init_data
from dashboard.downloads import register_downloads
from dashboard.figure import make_figure
from dashboard.layers import source_ids_in_view
from dashboard.layout import source_line, view_title
from dashboard.legend import create_legend_section, legend_groups
from dashboard.state import from_query
from dashboard.view import build_view
from geodata.spreadsheet import FORMULA_START
from tests.unit.conftest import write_tiny

PID = os.getpid()
PAYLOADS: dict[str, str] = {
    "jinja-expression": "{{7*7331}}",
    "jinja-quoted": "{{'x'}}",
    "jinja-loop": "{% for x in range(3) %}X{% endfor %}",
    "jinja-globals": "PID={{ cycler.__init__.__globals__.os.getpid() }}",
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "formula-equals": "=cmd|' /C calc'!A0",
    "formula-plus": "+cmd|' /C calc'!A0",
    "formula-minus": "-cmd|' /C calc'!A0",
    "formula-at": "@cmd|' /C calc'!A0",
}
# What each payload would print if it were run as a template.
EVALUATED = {
    "jinja-expression": "51317",
    "jinja-quoted": "x~",
    "jinja-loop": "XXX",
    "jinja-globals": f"PID={PID}",
}

# field -> (file, spreadsheet rows, column). Rows of the tiny directory that every export shows:
# Cambodia (KHM), its route to Thailand, its program, the fact sheet and the TIP report.
FIELDS: dict[str, tuple[str, tuple[int, ...], str]] = {
    "countries.name": ("countries.csv", (4,), "name"),
    "countries.un_subregion": ("countries.csv", (4,), "un_subregion"),
    "indicator_catalogue.label": ("indicator_catalogue.csv", (2, 3), "label"),
    "indicator_catalogue.unit": ("indicator_catalogue.csv", (2, 3), "unit"),
    "sources.publisher": ("sources.csv", (2, 3), "publisher"),
    "sources.document": ("sources.csv", (2, 3), "document"),
    "sources.note": ("sources.csv", (2, 3), "note"),
    "sources.licence": ("sources.csv", (2, 3), "licence"),
    "routes.origin_label": ("routes.csv", (2,), "origin_label"),
    "routes.destination_label": ("routes.csv", (2,), "destination_label"),
    "routes.detail": ("routes.csv", (2,), "detail"),
    "routes.victims": ("routes.csv", (2,), "victims"),
    "routes.count_note": ("routes.csv", (2,), "count_note"),
    "routes.route_id": ("routes.csv", (2,), "route_id"),
    "programs.program": ("programs.csv", (5,), "program"),
    "programs.partner": ("programs.csv", (5,), "partner"),
    "programs.funder": ("programs.csv", (5,), "funder"),
    "programs.site": ("programs.csv", (5,), "site"),
    "programs.figures_note": ("programs.csv", (5,), "figures_note"),
    "programs.program_id": ("programs.csv", (5,), "program_id"),
}

EXPORTS = ("map", "map-population", "map-profile", "brief", "programs.csv", "routes.csv", "indicators.csv", "figure")
URLS = {
    "map": "/export/map.html",
    "map-population": "/export/map.html?indicator=population",
    # A profile open: its outline and key entry, the roles' hovers naming the partners.
    "map-profile": "/export/map.html?country=KHM",
    "brief": "/brief/KHM.html",
    "programs.csv": "/download/programs.csv",
    "routes.csv": "/download/routes.csv",
    "indicators.csv": "/download/indicators.csv",
}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # a negative longitude is a number, not a formula
CSV_EXPORTS = ("programs.csv", "routes.csv", "indicators.csv")
HTML_EXPORTS = ("map", "map-population", "map-profile", "brief")

# Where each field shows (the others it must still pass through harmlessly): checked, so that a
# case cannot pass because the field never reached the export.
SHOWN: dict[str, set[str]] = {
    "map": {
        "countries.name",
        "countries.un_subregion",
        "indicator_catalogue.label",
        "sources.publisher",
        "sources.document",
        "sources.licence",
        "routes.origin_label",
        "routes.destination_label",
        "routes.detail",
        "routes.victims",
        "routes.count_note",
        "routes.route_id",
        "programs.program",
        "programs.partner",
        "programs.site",
        "programs.program_id",
    },
    "brief": {
        "countries.name",
        "countries.un_subregion",
        "indicator_catalogue.label",
        "indicator_catalogue.unit",
        "sources.publisher",
        "sources.document",
        "routes.victims",
        "programs.program",
        "programs.site",
    },
    "programs.csv": {
        "sources.publisher",
        "sources.document",
        "programs.program",
        "programs.partner",
        "programs.funder",
        "programs.site",
        "programs.figures_note",
        "programs.program_id",
    },
    "routes.csv": {
        "sources.publisher",
        "sources.document",
        "routes.origin_label",
        "routes.destination_label",
        "routes.detail",
        "routes.victims",
        "routes.count_note",
        "routes.route_id",
    },
    "indicators.csv": {
        "countries.name",
        "indicator_catalogue.label",
        "indicator_catalogue.unit",
        "sources.publisher",
        "sources.document",
    },
    "figure": {
        "countries.name",
        "countries.un_subregion",
        "indicator_catalogue.label",
        "sources.publisher",
        "routes.origin_label",
        "routes.destination_label",
        "routes.detail",
        "routes.victims",
        "routes.count_note",
        "routes.route_id",
        "programs.program",
        "programs.partner",
        "programs.site",
        "programs.program_id",
    },
}
# Cambodia has no population figure, so no sub-region median in its tooltip; the unit shows instead.
SHOWN["map-population"] = SHOWN["map"] - {"countries.un_subregion"} | {"indicator_catalogue.unit"}
SHOWN["map-profile"] = SHOWN["map"]


def hostile(payload: str, field: str) -> str:
    return f"{payload}~{field}"


@dataclass
class Exported:
    """What the server answered for each export, for one payload."""

    status: dict[str, int]
    body: dict[str, str]
    figure: dict[str, object]


def _figure_text(data: AtlasData) -> tuple[str, dict[str, object]]:
    """Everything the PNG/SVG export draws from the data: the figure (traces, hover texts), the
    HTML key beside it, the title and the source line, as one JSON text."""
    state, notices = from_query("?country=KHM", data.choices)  # a profile open: its layer drawn too
    assert notices == []
    view = build_view(data.atlas, state, data.groups)
    figure, _ = make_figure(view, data.facts)
    traces = figure["data"]
    assert isinstance(traces, list)
    key = create_legend_section(legend_groups(traces)).to_plotly_json()
    sources = source_ids_in_view(view)
    parts = {
        "figure": figure,
        "key": key,
        "title": view_title(data, state),
        "sources": source_line(data, sources),
    }
    text = json.dumps(parts, default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))
    return text, figure


def export_all(directory: Path, extra: dict[str, str] | None = None) -> Exported:
    """Every export of ``directory`` (and of the ``extra`` URLs, by name), from a server of its own."""
    server = flask.Flask(__name__)
    data = init_data(server, load_config(data_dir=directory, cache_type="SimpleCache", suppression_threshold=11))
    register_downloads(server)
    register_brief(server)
    client = server.test_client()
    status, body = {}, {}
    for export, url in {**URLS, **(extra or {})}.items():
        response = client.get(url)
        status[export] = response.status_code
        body[export] = response.get_data(as_text=True)
    status["figure"] = 200
    body["figure"], figure = _figure_text(data)
    return Exported(status, body, figure)


@pytest.fixture(scope="module")
def keep_loaded() -> Iterator[None]:
    """``init_data`` sets the process's loaded atlas: put back the one the session's app uses."""
    before = dashboard.data._loaded
    yield
    dashboard.data._loaded = before


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, keep_loaded: None) -> dict[str, Exported]:
    """The exports of the clean tiny directory ("clean") and of each payload in every field."""
    out = {}
    for name, payload in {"clean": "", **PAYLOADS}.items():
        tiny = write_tiny(tmp_path_factory.mktemp(f"inject-{name}"))
        if payload:
            for field, (file, rows, column) in FIELDS.items():
                for row in rows:
                    tiny.set_cell(file, row, column, hostile(payload, field))
        out[name] = export_all(tiny.path)
    return out


CASES = [
    pytest.param(field, payload, export, id=f"{field}-{payload}-{export}")
    for payload in PAYLOADS
    for field in FIELDS
    for export in EXPORTS
]


@pytest.mark.parametrize(("field", "payload", "export"), CASES)
def test_data_text_is_never_run_nor_markup(exported: dict[str, Exported], field: str, payload: str, export: str):
    result = exported[payload]
    assert result.status[export] == 200, result.body[export][:1000]
    body = result.body[export]
    clean = exported["clean"].body[export]
    tag = f"~{field}"

    # The field reached the export where the export shows it (and only then is this case telling).
    assert (tag in body) == (field in SHOWN[export]), f"{field} {'not ' if tag not in body else ''}in {export}"

    # Not run as a template: not by the export's own templates, nor by folium's and branca's.
    if payload in EVALUATED:
        assert EVALUATED[payload] + (field if payload == "jinja-quoted" else "") not in body
        assert body.count(EVALUATED[payload]) == clean.count(EVALUATED[payload])

    if export in HTML_EXPORTS:
        assert "<script>alert" not in body
        assert not re.search(r"<img\b[^>]*onerror", body, re.IGNORECASE)
        if export == "brief":
            page = BeautifulSoup(body, "html.parser")
            assert page.find("script") is None and page.find("img") is None
        else:
            # Only the page's own scripts: Leaflet, the data (a JSON value) and the map's code.
            assert body.count("<script") == clean.count("<script")

    if export in CSV_EXPORTS:
        for row in csv.reader(io.StringIO(body)):
            for cell in row:
                assert NUMBER.fullmatch(cell) or not cell.startswith(FORMULA_START), cell
        if field in SHOWN[export] and payload.startswith(("=", "+", "-", "@")):
            assert "'" + hostile(payload, field) in body  # kept, defused


def test_the_clean_exports_hold_none_of_what_the_checks_look_for(exported: dict[str, Exported]):
    clean = exported["clean"]
    for export in EXPORTS:
        assert clean.status[export] == 200
        assert "~" not in "".join(re.findall(r"~[a-z_]+\.[a-z_]+", clean.body[export]))
        for evaluated in EVALUATED.values():
            assert evaluated not in clean.body[export] or evaluated == "x~"


def _drawn_text(figure: dict[str, object]) -> Iterator[str]:
    """The figure's text that plotly draws as its HTML-like markup: hover texts, labels, colour bars."""
    traces = figure["data"]
    assert isinstance(traces, list)
    for trace in traces:
        for key in ("hovertemplate", "text", "hovertext"):
            value = trace.get(key)
            yield from (value if isinstance(value, list) else [value] if isinstance(value, str) else [])
        for cell in trace.get("customdata") or []:
            for item in cell if isinstance(cell, list) else [cell]:
                # ids (what a click selects) are not drawn; the rest fills the hover template
                if isinstance(item, str) and not item.startswith(("route:", "program:")):
                    yield item
        title = ((trace.get("colorbar") or {}).get("title") or {}).get("text")
        if title:
            yield title


@pytest.mark.parametrize("payload", ["script", "attribute"])
def test_the_figure_draws_data_text_escaped(exported: dict[str, Exported], payload: str):
    drawn = list(_drawn_text(exported[payload].figure))
    assert any("~routes.detail" in text for text in drawn)  # the texts are there...
    for text in drawn:
        assert "<script" not in text and "<img" not in text, text  # ...and escaped


def test_the_image_key_is_escaped_and_the_panels_are_not_twice(exported: dict[str, Exported]):
    result = exported["script"]
    traces = result.figure["data"]
    assert isinstance(traces, list)
    titles = [str((t.get("legendgrouptitle") or {}).get("text", "")) for t in traces]
    names = [str(t.get("name", "")) for t in traces]
    assert any("~indicator_catalogue.label" in text for text in titles)  # the texts are there...
    for text in [*titles, *names]:
        assert "<script" not in text, text  # ...and escaped for plotly.js (its key, in image exports)
    # The HTML key, the title and the source line are plain text, which Dash escapes itself.
    parts = json.loads(result.body["figure"])
    label = hostile(PAYLOADS["script"], "indicator_catalogue.label")
    assert label in json.dumps(parts["key"]) and "&lt;" not in json.dumps(parts["key"])
    assert label in parts["title"] and hostile(PAYLOADS["script"], "sources.publisher") in parts["sources"]


ATLAS_JS = Path(__file__).resolve().parents[2] / "assets" / "atlas.js"
# Runs atlas.js's exportImage with stand-ins for the browser; prints the layout it gives plotly.js.
EXPORT_IMAGE = """
const fs = require("fs");
const [path, input] = process.argv.slice(1);
const { title, sources } = JSON.parse(input);
const noop = () => {};
global.document = { addEventListener: noop, querySelectorAll: () => [], documentElement: {} };
global.MutationObserver = function () { this.observe = noop; };
global.window = {
  addEventListener: noop,
  dash_clientside: { callback_context: { triggered: [] } },
  Plotly: { downloadImage: (spec) => { process.stdout.write(JSON.stringify(spec.layout)); return Promise.resolve(); } },
};
eval(fs.readFileSync(path, "utf8"));
window.dash_clientside.atlas.exportImage(1, 0, { data: [], layout: {} }, title, sources);
"""


def image_layout(title: str, sources: str) -> dict[str, object]:
    """The layout atlas.js's PNG/SVG export hands to plotly.js for this title and source line."""
    out = subprocess.run(
        ["node", "-e", EXPORT_IMAGE, str(ATLAS_JS), json.dumps({"title": title, "sources": sources})],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    layout: dict[str, object] = json.loads(out.stdout)
    return layout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run assets/atlas.js")
def test_the_image_title_and_sources_are_escaped(exported: dict[str, Exported]):
    parts = json.loads(exported["script"].body["figure"])
    title, sources = parts["title"] + " %{lon}", parts["sources"]
    layout = image_layout(title, sources)
    drawn = [layout["title"]["text"], layout["annotations"][0]["text"]]  # type: ignore[index]
    for text in drawn:
        assert "<script" not in text and "%{" not in text, text
    assert html.unescape(drawn[0]) == title
    assert html.unescape(drawn[1].replace("<br>", " ")) == f"{sources} Counter-Trafficking Atlas."
