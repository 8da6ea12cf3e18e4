"""``create_app``: the Dash app on the bundled (or configured) data."""

from __future__ import annotations

from pathlib import Path

import flask
from dash import Dash

from dashboard.config import Config, load_config
from dashboard.data import init_data
from dashboard.downloads import register_downloads
from dashboard.layout import create_layout

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def _layout() -> object:
    query = flask.request.query_string.decode("utf-8", "replace") if flask.has_request_context() else ""
    return create_layout(query)


def create_app(config: Config | None = None) -> Dash:
    """Build the app: load and validate the data, register callbacks and downloads.

    Raises :class:`geodata.DataError` if the data directory does not load whole.
    """
    config = config or load_config()
    app = Dash(
        __name__,
        title="Counter-Trafficking Atlas",
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title="",
        compress=False,
    )
    init_data(app.server, config)
    import dashboard.callbacks  # noqa: F401  (registers the callbacks on import)

    register_downloads(app.server)
    app.layout = _layout
    return app
