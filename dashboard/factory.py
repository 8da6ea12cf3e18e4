"""``create_app``: the Dash app on the bundled (or configured) data."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import flask
from dash import Dash

from dashboard import editors, i18n, security
from dashboard.add_data import register_import_downloads
from dashboard.brief import register_brief
from dashboard.config import Config, load_config
from dashboard.data import init_data
from dashboard.downloads import register_downloads
from dashboard.jobs import create_manager
from dashboard.layout import create_layout
from dashboard.static_files import (
    preload_first_screen,
    register_cache_headers,
    register_shapes_script,
    set_page_scripts,
)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
TITLE = i18n.N_("Counter-Trafficking Atlas")  # the page's title, in the page's language


def page_query() -> str | None:
    """The query of the page the layout is for, or ``None`` if it cannot be known here.

    Dash asks for the layout, and posts each callback, with requests of its own (``/_dash-layout``,
    ``/_dash-update-component``); the browser names the page in their ``Referer`` header
    (same-origin requests carry the full URL: ``Referrer-Policy: same-origin``).
    """
    if not flask.has_request_context():
        return None
    request = flask.request
    if "/_dash-" in request.path:
        if not request.referrer:
            return None
        parts = urlsplit(request.referrer)
        return parts.query if parts.netloc == request.host else None
    return request.query_string.decode("utf-8", "replace")


def _layout() -> object:
    return create_layout(page_query())


def create_app(config: Config | None = None) -> Dash:
    """Build the app: load and validate the data, register callbacks and downloads.

    Raises :class:`geodata.DataError` if the data directory does not load whole.
    """
    config = config or load_config()
    app = Dash(
        __name__,
        title=TITLE,
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title="",
        compress=True,  # gzip (flask-compress): a Patch of hover text shrinks about fivefold on the wire
        # Otherwise Dash writes a second copy of the whole first page into the HTML for dev tools
        # to check callbacks against; with debug off nothing reads it (about 100 KB per page load).
        suppress_callback_exceptions=not config.debug,
        # Imports run as background jobs, in a process of their own: no other callback waits. With
        # ATLAS_JOBS_REDIS_URL, Celery workers run them and they outlive a web worker (dashboard.jobs).
        background_callback_manager=create_manager(config),
    )
    set_page_scripts(app)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    _index = app.interpolate_index

    def interpolate_index(**parts: object) -> str:  # the page's language, as its request chose it
        parts["title"] = i18n.gettext(TITLE)
        return _index(**parts).replace('<html lang="en">', f'<html lang="{i18n.lang()}">', 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]
    app.index_string = preload_first_screen(app.index_string, app.config.requests_pathname_prefix)
    register_cache_headers(app)
    register_shapes_script(app)
    editors.install(app.server, config)  # first: a refused request does no other work
    i18n.install(app.server, page_query)
    init_data(app.server, config)
    import dashboard.callbacks  # noqa: F401  (registers the callbacks on import)

    register_downloads(app.server)
    register_brief(app.server)
    register_import_downloads(app.server)
    app.layout = _layout
    # After every callback is registered: the hashes cover Dash's inline scripts and clientside callbacks.
    security.install(app.server, app.csp_hashes(), app.callback_map)
    return app
