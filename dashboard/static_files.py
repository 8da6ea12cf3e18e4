"""How the browser gets the app's static files: cache headers, and the map's shapes preloaded.

The first screen waits on plotly.js and then on the country shapes it fetches; the page names the
shapes in its head so that they download alongside the scripts. Files whose URL changes with
their content (Dash adds ``?m=<mtime>`` to assets and a version to component bundles) are kept by
the browser for a year without asking again.
"""

from __future__ import annotations

import flask
from dash import Dash
from dash.fingerprint import check_fingerprint

from dashboard.figure import SHAPES_URL

IMMUTABLE = "public, max-age=31536000, immutable"
# The shapes' URL is fixed by plotly.js (no version in it): kept a day, then revalidated by ETag.
SHAPES_MAX_AGE = "public, max-age=86400"


def preload_shapes(index_string: str) -> str:
    """The page template with the shapes plotly.js will fetch requested first thing in the head.

    ``as="fetch"`` with ``crossorigin`` is what lets plotly.js's own request (a same-origin XHR)
    take the preloaded response instead of downloading the file a second time.
    """
    link = f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{SHAPES_URL}">'
    return index_string.replace("<head>", f"<head>\n        {link}", 1)


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
