"""Who may change data: anyone may look; importing or removing a dataset takes an editor.

On a laptop (no ``ATLAS_EDITORS``) the person at the keyboard is the editor: a request from the
same machine, to a loopback name, not relayed by a proxy. On a server ``ATLAS_EDITORS`` lists
the editors with password hashes; they sign in at ``/login`` and a signed session cookie
(``ATLAS_SECRET_KEY``) says who they are.

Cross-site request forgery is refused by origin: every request that may change something (any
method but GET, HEAD and OPTIONS, Dash's callbacks included) must come from a page of this
origin when the browser says where it comes from (``Origin``, else ``Referer``). Browsers send
``Origin`` with every POST, and a page of another site cannot forge it. A token would need
Dash's renderer to send it with each callback; the origin check needs nothing from the page, and
it also covers the laptop, where there is no session to steal but a page of another site could
otherwise make the browser post to 127.0.0.1. The session cookie is ``SameSite=Strict`` as well.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import flask
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard import i18n
from dashboard.config import Config
from dashboard.i18n import _
from dashboard.security import EDITOR_MAX_BYTES, VIEWER_MAX_BYTES

# Callback outputs ("id.property") that change the store: the Add data panel's import and removal.
CHANGES_DATA = frozenset({"add-data-result.data", "add-data-reload.href"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HASH_METHODS = ("scrypt:", "pbkdf2:")
# Compared against when the name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password")


class EditorsError(ValueError):
    """``ATLAS_EDITORS`` or ``ATLAS_SECRET_KEY`` cannot be used as given."""


@dataclass(frozen=True)
class Access:
    """The editors of one app (name -> password hash); none: editing from the same machine only."""

    editors: Mapping[str, str] = field(default_factory=dict)


def parse_editors(text: str) -> dict[str, str]:
    """``"ana=scrypt:...$...$... ben=pbkdf2:..."`` to ``{"ana": hash, "ben": hash}``.

    Raises
    ------
    EditorsError
        An entry without ``=``, an empty name, a name given twice or a hash werkzeug did not make.
    """
    editors: dict[str, str] = {}
    for entry in re.split(r"[\s,]+", text.strip()):
        if not entry:
            continue
        name, sep, hashed = entry.partition("=")
        if not sep or not name:
            raise EditorsError(f"ATLAS_EDITORS: {entry[:20]!r}… is not name=hash")
        if name in editors:
            raise EditorsError(f"ATLAS_EDITORS: {name!r} is given twice")
        if not hashed.startswith(HASH_METHODS) or hashed.count("$") != 2:
            raise EditorsError(
                f"ATLAS_EDITORS: the hash of {name!r} is not one werkzeug.security.generate_password_hash makes"
            )
        editors[name] = hashed
    return editors


def is_local(request: flask.Request) -> bool:
    """The request comes from this machine, to a loopback name, and no proxy relayed it.

    A proxy on the same machine connects from 127.0.0.1 for everyone: its forwarding headers
    (or a public host name, as DNS rebinding would give) make the request not local.
    """
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    hostname = urlsplit(f"//{request.host}").hostname or ""
    return (
        address.is_loopback
        and hostname in LOOPBACK_NAMES
        and not any(request.headers.get(name) for name in PROXY_HEADERS)
    )


def _access() -> Access:
    found = flask.current_app.extensions.get("atlas-access")
    return found if isinstance(found, Access) else Access()


def signed_in() -> str:
    """The name of the signed-in editor, or ""."""
    if not flask.has_request_context():
        return ""
    name = flask.session.get("editor") if flask.current_app.secret_key else None
    return name if isinstance(name, str) and name in _access().editors else ""


def may_edit() -> bool:
    """Whether the current request may import or remove datasets."""
    if not flask.has_request_context():
        return False
    if _access().editors:
        return bool(signed_in())
    return is_local(flask.request)


def editors_configured() -> bool:
    return flask.has_request_context() and bool(_access().editors)


def same_origin(request: flask.Request) -> bool:
    """The browser says the request comes from a page of this origin, or says nothing (not a browser)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source is None:
        return True
    parts = urlsplit(source)
    return parts.scheme in ("http", "https") and parts.netloc == request.host


def changes_data(body: Any) -> bool:
    """A Dash callback request for a callback that imports or removes data."""
    output = body.get("output") if isinstance(body, dict) else None
    if not isinstance(output, str):
        return False
    outputs = {part.strip(".").split("@", 1)[0] for part in output.split("...")}
    return bool(outputs & CHANGES_DATA)


def _guard() -> None:
    request = flask.request
    if request.method in SAFE_METHODS:
        return
    if not same_origin(request):
        flask.abort(403, description=_("A request from another site was refused."))
    editor = may_edit()
    request.max_content_length = EDITOR_MAX_BYTES if editor else VIEWER_MAX_BYTES
    if not editor and request.path.endswith("/_dash-update-component"):
        try:
            body = json.loads(request.get_data(cache=True) or b"null")
        except ValueError:
            return  # Dash answers a body it cannot read itself
        if changes_data(body):
            flask.abort(403, description=_("Sign in as an editor to add or remove data."))


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//elsewhere``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 or ord(c) == 127 for c in target):  # a line break would start a header of its own
        return "/"
    return target


# The sign-in page; its words (``t``) in the request's language (:func:`login_texts`), the editor's
# name as it is (``lang=""``: a name is in no language).
LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title><link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
</head><body class="container py-4" style="max-width: 28rem">
<h1 class="h4">{{ t.heading }}</h1>
{% if not configured %}
<p>{{ t.no_editors_1 }} <code>ATLAS_EDITORS</code>{{ t.no_editors_2 }}</p>
{% elif name %}
<p>{{ t.signed_in_1 }}<span lang="">{{ name }}</span>{{ t.signed_in_2 }}</p>
<form method="post" action="/logout{{ query }}">
<button class="btn btn-outline-dark" type="submit">{{ t.sign_out }}</button></form>
{% else %}
{% if failed %}<p class="text-danger" role="alert">{{ t.failed }}</p>{% endif %}
<form method="post" action="/login{{ query }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="mb-2"><label class="form-label" for="name">{{ t.name }}</label>
<input class="form-control" id="name" name="name" autocomplete="username" required></div>
<div class="mb-3"><label class="form-label" for="password">{{ t.password }}</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required>
</div><button class="btn btn-primary" type="submit">{{ t.sign_in }}</button>
</form>
{% endif %}
<p class="mt-3"><a href="{{ next }}">{{ t.back }}</a></p>
</body></html>"""


def _around(sentence: str, placeholder: str) -> tuple[str, str]:
    """The text before and after ``placeholder`` in a translated ``sentence`` (what goes between
    is marked up apart: a name, a code)."""
    before, found, after = sentence.partition(placeholder)
    return (before, after) if found else (sentence + " ", "")


def login_texts() -> dict[str, str]:
    """The sign-in page's words, in the request's language."""
    no_editors = _around(
        _(
            "No editors are set up on this server. On a laptop, anyone using the atlas on the same machine may "
            "add data; on a server, an administrator lists the editors in {setting}."
        ),
        "{setting}",
    )
    signed = _around(_("Signed in as {name}."), "{name}")
    return {
        "title": _("Sign in · Counter-Trafficking Atlas"),
        "heading": _("Sign in to add data"),
        "no_editors_1": no_editors[0].rstrip(" "),
        "no_editors_2": no_editors[1],
        "signed_in_1": signed[0],
        "signed_in_2": signed[1],
        "sign_out": _("Sign out"),
        "failed": _("That name and password do not match an editor."),
        "name": _("Name"),
        "password": _("Password"),
        "sign_in": _("Sign in"),
        "back": _("Back to the atlas"),
    }


def _login_page(failed: bool = False, status: int = 200) -> tuple[str, int]:
    page = flask.render_template_string(
        LOGIN_PAGE,
        lang=i18n.lang(),
        t=login_texts(),
        query="" if i18n.lang() == i18n.DEFAULT else f"?lang={i18n.lang()}",
        configured=bool(_access().editors),
        name=signed_in(),
        failed=failed,
        next=_safe_next(flask.request.values.get("next")),
    )
    return page, status


def install(server: flask.Flask, config: Config) -> None:
    """Add the editors' sign-in, the origin check and the data-changing guard to ``server``.

    Raises
    ------
    EditorsError
        Editors are listed but no secret key is set, or an editor entry does not read.
    """
    editors = parse_editors(config.editors)
    secret = config.secret_key.get_secret_value()
    if editors and len(secret) < 16:
        raise EditorsError(
            "ATLAS_EDITORS is set but ATLAS_SECRET_KEY is not (or is shorter than 16 characters): "
            'set it to a long random value, e.g. python3 -c "import secrets; print(secrets.token_hex(32))"'
        )
    server.extensions["atlas-access"] = Access(editors)
    if secret:
        server.secret_key = secret
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.secure_cookies,
    )
    server.before_request(_guard)

    @server.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        known = _access().editors
        if flask.request.method == "GET" or not known:
            return _login_page()
        name = flask.request.form.get("name", "")
        password = flask.request.form.get("password", "")
        if not check_password_hash(known.get(name, _DUMMY_HASH), password) or name not in known:
            return _login_page(failed=True, status=403)
        flask.session.clear()
        flask.session["editor"] = name
        return flask.redirect(_safe_next(flask.request.form.get("next")), code=303)

    @server.route("/logout", methods=["POST"])
    def logout() -> Any:
        flask.session.clear()
        code = i18n.lang()
        return flask.redirect("/" if code == i18n.DEFAULT else f"/?lang={code}", code=303)
