"""Locked-down responses: security headers on every response, a request size limit, error pages
without a stack trace, and a bounded ``X-Atlas-Notice`` header.

The page needs nothing from outside the app (no CDN, no tiles: see DESIGN.md), so its
Content-Security-Policy names no outside source at all. Downloaded documents (the HTML map, the
brief) set a policy of their own that fits them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from http import HTTPStatus

import flask
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from geodata.importers.files import MAX_BYTES

log = logging.getLogger(__name__)

# The deck upload (1 MB, dashboard/layout.py) base64-encoded, with the page's other state beside
# it, fits well within this; every other callback body is a few kilobytes.
VIEWER_MAX_BYTES = 4 * 2**20
# The largest upload an editor may send: a file of MAX_BYTES grows by 4/3 as base64 in the JSON
# body of the import callback; the callback's other values (name, publisher, URL) are small.
EDITOR_MAX_BYTES = -(-MAX_BYTES * 4 // 3) + VIEWER_MAX_BYTES
# Past this a header can make a proxy refuse the response (nginx's default buffer is 4 KB in all).
NOTICE_MAX_CHARS = 1024

# What every response says, whatever it is.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Same-origin requests keep the full URL: the layout request names its page by it.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
LOCKED = ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'")
LOCKED_DOCUMENT = ("frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'")
# A downloaded document (the HTML map, the brief): its scripts and styles are inline, and it
# loads nothing, not even from this server.
DOCUMENT_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'unsafe-inline'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        *LOCKED_DOCUMENT,
    )
)


def page_csp(script_hashes: Sequence[str]) -> str:
    """The policy of the app's pages, callbacks, assets and error pages.

    Parameters
    ----------
    script_hashes : sequence of str
        ``'sha256-...'`` of the inline scripts Dash writes into the page (``Dash.csp_hashes()``).
    """
    return "; ".join(
        (
            "default-src 'self'",
            # AG Grid compiles its expression functions with new Function(): kept allowed until a
            # browser run without it shows no violation (the page was checked with it).
            " ".join(("script-src 'self'", *script_hashes, "'unsafe-eval'")),
            # Plotly and the React components set style attributes and <style> elements at run time.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            *LOCKED,
        )
    )


def capped_notice(notices: Iterable[str], limit: int = NOTICE_MAX_CHARS) -> str:
    """Notices joined for the ``X-Atlas-Notice`` header: ASCII, at most ``limit`` characters,
    cut at a word with ``...`` (a header is Latin-1 at best; ASCII keeps every proxy content)."""
    text = " ".join(notices).encode("ascii", "replace").decode()
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0]
    return cut + "..."


def install(server: flask.Flask, script_hashes: Sequence[str]) -> None:
    """Add the headers, the size limit and the error pages to ``server``."""
    policy = page_csp(script_hashes)
    server.config["MAX_CONTENT_LENGTH"] = EDITOR_MAX_BYTES

    @server.after_request
    def _locked_down(response: flask.Response) -> flask.Response:
        # Downloads that set a policy of their own (the brief, the HTML map) keep it.
        response.headers.setdefault("Content-Security-Policy", policy)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(error: HTTPException) -> tuple[flask.Response | str, int]:
        limit = flask.request.max_content_length or EDITOR_MAX_BYTES
        message = f"The request is larger than this server accepts ({limit // 2**20} MB)."
        return _error(message, 413)

    @server.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> tuple[flask.Response | str, int]:
        # Flask has logged the exception with its traceback already; the client learns nothing of it.
        return _error("Something went wrong on the server; it has been logged. Please try again.", 500)


def _error(message: str, status: int) -> tuple[flask.Response | str, int]:
    """A short page (or JSON for Dash's own requests) that says what happened, and nothing more."""
    if flask.request.path.startswith("/_dash-") or flask.request.is_json:
        return flask.jsonify(error=message), status
    title = escape(f"{status} {HTTPStatus(status).phrase}")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><h1>{title}</h1><p>{escape(message)}</p><p><a href="/">Back to the atlas</a></p></body></html>',
        status,
    )
