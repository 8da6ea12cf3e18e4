"""Locked-down responses: security headers on every response, a request size limit, error pages
without a stack trace, and a bounded ``X-Atlas-Notice`` header.

The page needs nothing from outside the app (no CDN, no tiles: see DESIGN.md), so its
Content-Security-Policy names no outside source at all. Downloaded documents (the HTML map, the
brief) set a policy of their own that fits them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import flask
from markupsafe import escape
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError, NotFound, RequestEntityTooLarge

from dashboard import i18n
from dashboard.i18n import N_, _
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


# Why a callback request does not fit (:func:`callback_mismatch`), shown in the 400 page.
NOT_A_CALLBACK = N_("not a callback request")
NO_SUCH_CALLBACK = N_("no such callback")
PARTS_MISMATCH = {
    "inputs": N_("its inputs do not match the callback"),
    "state": N_("its state do not match the callback"),
}
OUTPUTS_MISMATCH = N_("its outputs do not match the callback")
CHANGED_NOT_NAMES = N_("its changed properties are not a list of names")
# The error pages' titles, after the status code.
STATUS_NAMES = {
    400: N_("Bad Request"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    413: N_("Request Entity Too Large"),
    500: N_("Internal Server Error"),
}


def _same_entry(given: Any, wanted_id: Any, prop: str) -> bool:
    return isinstance(given, dict) and given.get("id") == wanted_id and given.get("property") == prop


def _pattern_entry(given: Any, pattern: dict[str, Any], prop: str) -> bool:
    ident = given.get("id") if isinstance(given, dict) else None
    return (
        isinstance(ident, dict)
        and given.get("property") == prop
        and set(ident) == set(pattern)
        and all(isinstance(v, str | int) and not isinstance(v, bool) for v in ident.values())
        and all(ident[k] == v for k, v in pattern.items() if not isinstance(v, list))
    )


def callback_mismatch(body: Any, callbacks: Mapping[str, Any]) -> str:
    """Why a ``/_dash-update-component`` body does not fit a callback of this app, or "".

    Dash itself fails with a 500 on such a body (a page from before an update, or a crafted
    request); refused here, it gets a 400 that says to reload. The reason is English (a constant
    marked ``N_``), translated where it is shown.
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return NOT_A_CALLBACK
    spec = callbacks.get(body["output"])
    if spec is None:
        return NO_SUCH_CALLBACK
    for part in ("inputs", "state"):
        given, wanted = body.get(part, []), spec.get(part, [])
        if not isinstance(given, list) or len(given) != len(wanted):
            return PARTS_MISMATCH[part]
        for item, want in zip(given, wanted, strict=True):
            ident, prop = want["id"], want["property"]
            if ident.startswith("{"):
                pattern = json.loads(ident)
                if not isinstance(item, list) or not all(_pattern_entry(e, pattern, prop) for e in item):
                    return PARTS_MISMATCH[part]
            elif not _same_entry(item, ident, prop):
                return PARTS_MISMATCH[part]
    outputs = body.get("outputs")
    count = len(spec["output"]) if isinstance(spec.get("output"), list) else 1
    listed = outputs if isinstance(outputs, list) else [outputs]
    if len(listed) != count or not all(isinstance(o, dict) and isinstance(o.get("property"), str) for o in listed):
        return OUTPUTS_MISMATCH
    if isinstance(outputs, list) != isinstance(spec.get("output"), list):
        return OUTPUTS_MISMATCH
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return CHANGED_NOT_NAMES
    return ""


def install(server: flask.Flask, script_hashes: Sequence[str], callbacks: Mapping[str, Any] | None = None) -> None:
    """Add the headers, the size limit and the error pages to ``server``.

    ``callbacks`` is the Dash app's ``callback_map``: callback requests that do not fit it are refused.
    """
    policy = page_csp(script_hashes)
    server.config["MAX_CONTENT_LENGTH"] = EDITOR_MAX_BYTES

    @server.before_request
    def _fitting_callback() -> tuple[flask.Response | str, int] | None:
        request = flask.request
        if callbacks is None or request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        # Parsed once: Flask keeps it, and Dash's own get_json() reads it back instead of parsing again
        # (an import's upload travels in the body, as base64).
        body = request.get_json(force=True, silent=True)
        if body is None:  # not JSON, not UTF-8, a number too long to read, or null
            return _error(_("The request is not a callback request this page sends."), 400)
        why = callback_mismatch(body, callbacks)
        if why:
            return _error(_("This request does not fit the app ({why}): reload the page.").format(why=_(why)), 400)
        return None

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
        message = _("The request is larger than this server accepts ({size} MB).").format(
            size=i18n.integer(limit // 2**20)
        )
        return _error(message, 413)

    @server.errorhandler(Forbidden)
    def _forbidden(error: HTTPException) -> tuple[flask.Response | str, int]:
        # The refusals of dashboard.editors say why (in the request's language); Werkzeug's page would not.
        said = error.description if error.description != Forbidden.description else ""
        return _error(said or _("This request is not allowed."), 403)

    @server.errorhandler(NotFound)
    def _not_found(error: HTTPException) -> tuple[flask.Response | str, int]:
        # A route's own reason where it gives one (the brief's, a download's); else ours, not Werkzeug's.
        said = error.description if error.description != NotFound.description else ""
        return _error(said or _("There is nothing at this address."), 404)

    @server.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> tuple[flask.Response | str, int]:
        # Flask has logged the exception with its traceback already; the client learns nothing of it.
        return _error(_("Something went wrong on the server; it has been logged. Please try again."), 500)


def _error(message: str, status: int) -> tuple[flask.Response | str, int]:
    """A short page (or JSON for Dash's own requests) that says what happened, and nothing more."""
    if flask.request.path.startswith("/_dash-") or flask.request.is_json:
        return flask.jsonify(error=message), status
    phrase = _(STATUS_NAMES[status]) if status in STATUS_NAMES else HTTPStatus(status).phrase
    title = escape(f"{status} {phrase}")
    back = escape(_("Back to the atlas"))
    home = "/" if i18n.lang() == i18n.DEFAULT else f"/?lang={i18n.lang()}"
    return (
        f'<!doctype html><html lang="{i18n.lang()}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><h1>{title}</h1><p>{escape(message)}</p><p><a href="{home}">{back}</a></p></body></html>',
        status,
    )
