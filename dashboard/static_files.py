"""How the browser gets the app's static files: cache headers, and the map's shapes preloaded.

The first screen waits on plotly.js and then on the country shapes it fetches; the page names the
shapes (and the layout) in its head so that they download alongside the scripts, and a small script of the page's
reads them as soon as they arrive and hands them to plotly.js (``window.PlotlyGeoAssets``), which
then draws the map as soon as it is mounted instead of asking for the shapes itself and waiting,
behind the tables' start-up, for its answer. Files whose URL changes with
their content (Dash adds ``?m=<mtime>`` to assets and a version to component bundles) are kept by
the browser for a year without asking again.
"""

from __future__ import annotations

import hashlib

import dash._dash_renderer
import dash.dash_table
import flask
from dash import Dash
from dash.fingerprint import check_fingerprint

from dashboard.figure import SHAPES_URL

IMMUTABLE = "public, max-age=31536000, immutable"
# The shapes' URL is fixed by plotly.js (no version in it): kept a day, then revalidated by ETag.
SHAPES_MAX_AGE = "public, max-age=86400"


# The name plotly.js files the shapes under: ``<scope>_<resolution>m``, the file's own name.
SHAPES_NAME = SHAPES_URL.rsplit("/", 1)[1].removesuffix(".json")
# Read by the page in its head (a file of its own: the CSP allows no inline script). If the shapes
# are not read by the time the map is mounted (or cannot be), plotly.js fetches them as before.
SHAPES_SCRIPT = f"""/* The country shapes, handed to plotly.js as soon as they arrive (dashboard/static_files.py). */
(function () {{
  var assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {{ topojson: {{}} }});
  assets.topojson = assets.topojson || {{}};
  fetch("{SHAPES_URL}")
    .then(function (response) {{ return response.ok ? response.json() : null; }})
    .then(function (shapes) {{
      if (shapes && assets.topojson["{SHAPES_NAME}"] === undefined) assets.topojson["{SHAPES_NAME}"] = shapes;
    }})
    .catch(function () {{}});
}})();
"""
SHAPES_SCRIPT_PATH = "_atlas/shapes.js"
SHAPES_SCRIPT_VERSION = hashlib.sha256(SHAPES_SCRIPT.encode()).hexdigest()[:12]


def preload_first_screen(index_string: str, prefix: str = "/") -> str:
    """The page template with what the first screen needs requested first thing in the head.

    The shapes plotly.js will draw, and the layout and callbacks dash-renderer asks for once every
    script has run (about 0.1 s sooner: the server builds the layout while the browser runs them).
    ``as="fetch"`` with ``crossorigin`` is what lets the page's ``fetch`` calls (and, failing the
    shapes script, plotly.js's own same-origin XHR) take the preloaded responses instead of asking
    a second time. The layout request names its page by its ``Referer`` like dash-renderer's own
    (``dashboard.factory.page_query``). The script that reads the shapes is ``async``: it holds up
    nothing.
    """
    urls = (SHAPES_URL, f"{prefix}_dash-layout", f"{prefix}_dash-dependencies")
    links = [f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{url}">' for url in urls]
    script = f'<script async src="{prefix}{SHAPES_SCRIPT_PATH}?v={SHAPES_SCRIPT_VERSION}"></script>'
    head = "\n        ".join(["<head>", *links, script])
    return index_string.replace("<head>", head, 1)


def register_shapes_script(app: Dash) -> None:
    """Serve :data:`SHAPES_SCRIPT` (its URL names its version: kept a year)."""
    prefix = app.config.routes_pathname_prefix

    @app.server.route(f"{prefix}{SHAPES_SCRIPT_PATH}")
    def shapes_script() -> flask.Response:
        response = flask.Response(SHAPES_SCRIPT, mimetype="text/javascript")
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def set_page_scripts(app: Dash) -> None:
    """The scripts the page loads: what the first screen needs first, nothing it never runs.

    - dcc.Graph's code is a chunk Dash fetches only once the first render has met a graph; it then
      arrives with the tables' AG Grid and the map waits for the grids' start-up (about 0.3 s).
      Taken with the page's scripts (5 KB), the map is mounted in the first render, drawn first.
    - Babel's polyfill (core-js 2, about 0.15 s of start-up on the test machine) fills in builtins
      that every browser able to run React 18 and plotly.js 3 has. The one thing Dash's bundles
      take from it, ``regeneratorRuntime``, is also defined by dash-bootstrap-components' bundle,
      which the page loads before them (tests/integration/test_first_load.py checks it is there).
    - DataTable's bundle: the atlas has no DataTable (its tables are AG Grid); Dash adds it anyway.
      It stays served, on demand, like the other chunks Dash keeps off the page.

    The last two change Dash's own lists of resources, for every app in the process: one app here.
    """
    app.scripts.append_script({"namespace": "dash", "relative_package_path": "dcc/async-graph.js"})
    for dependency in dash._dash_renderer._js_dist_dependencies:
        for mode, paths in dependency["relative_package_path"].items():
            dependency["relative_package_path"][mode] = [path for path in paths if "polyfill@" not in path]
        for mode, urls in dependency.get("external_url", {}).items():
            dependency["external_url"][mode] = [url for url in urls if "polyfill@" not in url]
    for resource in dash.dash_table._js_dist:  # type: ignore[attr-defined]
        if resource["relative_package_path"] == "dash_table/bundle.js":
            resource["dynamic"] = True


def register_cache_headers(app: Dash) -> None:
    """Long-lived ``Cache-Control`` on the static files whose URL names their version."""
    prefix = app.config.routes_pathname_prefix
    assets = f"{prefix}{app.config.assets_url_path.strip('/')}/"
    suites = f"{prefix}_dash-component-suites/"
    shapes = SHAPES_URL.rsplit("/", 1)[0] + "/"

    @app.server.after_request
    def cache_headers(response: flask.Response) -> flask.Response:
        path = flask.request.path
        if response.status_code not in (200, 304):
            return response
        if path.startswith(assets) and "m" in flask.request.args:
            response.headers["Cache-Control"] = IMMUTABLE
        elif path.startswith(suites) and check_fingerprint(path)[1]:
            response.headers["Cache-Control"] = IMMUTABLE
        elif path.startswith(shapes):
            response.headers["Cache-Control"] = SHAPES_MAX_AGE
        return response
