"""Locked-down responses and who may change data, through the app's own server (no browser).

Editors are switched on for a test by giving the session's app an :class:`~dashboard.editors.Access`
of its own (the app is built once per session: Dash hands global callbacks to the first app).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import unquote

import flask
import pandas as pd
import pytest
from werkzeug.security import generate_password_hash

from dashboard import security
from dashboard.config import load_config
from dashboard.data import loaded, refresh
from dashboard.editors import Access, EditorsError, changes_data, install, parse_editors
from dashboard.security import EDITOR_MAX_BYTES, VIEWER_MAX_BYTES, capped_notice
from geodata.store import Store

PASSWORD = "correct horse battery staple"  # a test password, for a test editor
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: not this machine
ROUTES = [
    "/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/assets/atlas.css",
    "/download/programs.csv",
    "/download/template/routes.csv",
    "/export/map.html",
    "/brief/KHM.html",
    "/no-such-page/x",
    "/login",
]


@pytest.fixture
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.fixture
def with_editors(atlas_app) -> Iterator[flask.Flask]:
    """The session's app with one editor, ``ana``, and a secret key, for one test."""
    server = atlas_app.server
    kept = server.extensions["atlas-access"], server.secret_key
    server.extensions["atlas-access"] = Access({"ana": generate_password_hash(PASSWORD)})
    server.secret_key = "a test secret key, long enough"
    yield server
    server.extensions["atlas-access"], server.secret_key = kept


@pytest.fixture
def stored(atlas_app) -> Iterator[Store]:
    """The session's store with the synthetic dataset in it (removed again after the test)."""
    store = Store(loaded().store.url)
    # One synthetic indicator value, as text (as an import stores it).
    row = {"iso3": "KHM", "indicator": "population", "year": "2007", "value": "14000000", "suppressed": "false"}
    store.add(
        name="Synthetic test dataset",
        slug="synthetic",
        layout="indicators",
        file_name="synthetic.csv",
        sha256="0" * 64,
        publisher="Synthetic (tests)",
        tables={"indicators": pd.DataFrame([row])},
        report={},
    )
    refresh(force=True)
    yield store
    store.remove("synthetic")
    refresh(force=True)


@pytest.mark.parametrize("path", ROUTES)
def test_every_response_is_locked_down(client, path):
    response = client.get(path, headers={"Referer": "http://localhost/"})
    assert response.status_code < 500
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy and "*" not in policy  # no outside source, no wildcard
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_page_allows_dash_inline_scripts_by_hash(atlas_app, client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert all(h in policy for h in atlas_app.csp_hashes())
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_downloaded_documents_load_nothing_from_anywhere(client):
    for path in ("/export/map.html", "/brief/KHM.html"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert policy.startswith("default-src 'none'") and "'self'" not in policy


def test_a_server_error_shows_no_trace(caplog):
    server = flask.Flask(__name__)

    @server.route("/boom")
    def boom():
        raise RuntimeError("secret detail of the failure")

    security.install(server, [])
    for path, headers in (("/boom", {}), ("/boom", {"Content-Type": "application/json"})):
        page = server.test_client().get(path, headers=headers)
        assert page.status_code == 500 and page.headers["X-Frame-Options"] == "DENY"
        assert b"secret detail" not in page.data and b"Traceback" not in page.data and b"logged" in page.data
    assert "secret detail" in caplog.text  # logged on the server


def test_a_large_post_is_refused_with_413_before_it_is_read(client):
    body = b"x" * (VIEWER_MAX_BYTES + 1)
    response = client.post("/_dash-update-component", data=body, content_type="application/json", environ_base=REMOTE)
    assert response.status_code == 413
    assert "larger than this server accepts" in response.get_json()["error"]
    assert EDITOR_MAX_BYTES > 150 * 2**20 * 4 // 3  # an editor's largest upload, base64, fits


def test_the_notice_header_is_capped_at_a_word():
    notice = capped_notice(["word"] * 2000)
    assert len(notice) <= 1024 and notice.endswith("word...")
    assert capped_notice(["Ünknown region"]) == "?nknown region"


def test_a_long_junk_url_gives_a_short_notice(client):
    query = "region=" + "~".join(f"junk{i}" for i in range(800))
    response = client.get(f"/download/routes.csv?{query}")
    assert response.status_code == 200 and len(response.headers["X-Atlas-Notice"]) <= 1024


# --- editors ------------------------------------------------------------------------------------


def remove_body(atlas_app, slug: str) -> dict[str, object]:
    """What the page posts when "Remove" is confirmed on a dataset."""
    atlas_app.server.test_client().get("/")  # Dash fills its callback map on the first request
    output = next(key for key in atlas_app.callback_map if key.startswith("add-data-reload.href@"))
    ident = {"slug": slug, "type": "remove-dataset"}
    return {
        "output": output,
        "outputs": {"id": "add-data-reload", "property": output.split(".", 1)[1]},
        "inputs": [[{"id": ident, "property": "submit_n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(ident, separators=(",", ":")) + ".submit_n_clicks"],
        "state": [{"id": "add-data-reload", "property": "href", "value": "http://localhost/"}],
    }


def import_body() -> dict[str, object]:
    """What the page posts when a file is dropped on "Add data" (a two-line CSV)."""
    return {
        "output": "..add-data-result.data...add-data-reload.href..",
        "outputs": [{"id": "add-data-result", "property": "data"}, {"id": "add-data-reload", "property": "href"}],
        "inputs": [{"id": "add-data-upload", "property": "contents", "value": "data:text/csv;base64,YSxiCjEsMgo="}],
        "changedPropIds": ["add-data-upload.contents"],
        "state": [],
    }


def slugs(store: Store) -> list[str]:
    return [d.slug for d in store.datasets()]


def test_a_visitor_from_another_machine_cannot_remove_a_dataset(atlas_app, client, stored):
    before = slugs(stored)
    response = client.post("/_dash-update-component", json=remove_body(atlas_app, "synthetic"), environ_base=REMOTE)
    assert response.status_code == 403
    assert slugs(stored) == before == ["synthetic"]


def test_a_visitor_from_another_machine_cannot_import(client, stored):
    before = slugs(stored)
    response = client.post("/_dash-update-component", json=import_body(), environ_base=REMOTE)
    assert response.status_code == 403
    assert slugs(stored) == before


def test_through_a_proxy_on_this_machine_nobody_is_local(atlas_app, client, stored):
    response = client.post(
        "/_dash-update-component", json=remove_body(atlas_app, "synthetic"), headers={"X-Forwarded-For": "198.51.100.2"}
    )
    assert response.status_code == 403 and slugs(stored) == ["synthetic"]


def test_on_a_laptop_the_person_at_the_keyboard_may_remove(atlas_app, client, stored):
    response = client.post("/_dash-update-component", json=remove_body(atlas_app, "synthetic"))
    assert response.status_code == 200
    assert slugs(stored) == []


def test_with_editors_set_even_this_machine_must_sign_in(atlas_app, client, stored, with_editors):
    assert client.post("/_dash-update-component", json=remove_body(atlas_app, "synthetic")).status_code == 403
    assert client.post("/_dash-update-component", json=import_body()).status_code == 403
    assert slugs(stored) == ["synthetic"]


def test_a_signed_in_editor_may_remove(atlas_app, client, stored, with_editors):
    wrong = client.post("/login", data={"name": "ana", "password": "wrong"}, environ_base=REMOTE)
    assert wrong.status_code == 403 and "editor" not in (wrong.headers.get("Set-Cookie") or "")
    signed = client.post(
        "/login", data={"name": "ana", "password": PASSWORD, "next": "/?year=2007"}, environ_base=REMOTE
    )
    assert signed.status_code == 303 and signed.headers["Location"] == "/?year=2007"
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    response = client.post("/_dash-update-component", json=remove_body(atlas_app, "synthetic"), environ_base=REMOTE)
    assert response.status_code == 200 and slugs(stored) == []
    client.post("/logout", environ_base=REMOTE)
    assert client.post("/_dash-update-component", json=import_body(), environ_base=REMOTE).status_code == 403


def test_the_panel_offers_viewers_a_sign_in_instead_of_the_upload(client, stored, with_editors):
    layout = client.get("/_dash-layout", environ_base=REMOTE).get_data(as_text=True)
    assert "Sign in to add data" in layout and '"remove-dataset"' not in layout
    client.post("/login", data={"name": "ana", "password": PASSWORD}, environ_base=REMOTE)
    layout = client.get("/_dash-layout", environ_base=REMOTE).get_data(as_text=True)
    assert "Sign in to add data" not in layout and "Signed in as ana" in layout and '"remove-dataset"' in layout


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example"])
def test_a_cross_origin_post_is_refused(atlas_app, client, stored, origin):
    response = client.post(
        "/_dash-update-component", json=remove_body(atlas_app, "synthetic"), headers={"Origin": origin}
    )
    assert response.status_code == 403 and slugs(stored) == ["synthetic"]
    referred = client.post("/login", data={}, headers={"Referer": f"{origin}/page"})
    assert referred.status_code == 403


def test_a_same_origin_post_passes(atlas_app, client, stored):
    response = client.post(
        "/_dash-update-component", json=remove_body(atlas_app, "synthetic"), headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 200 and slugs(stored) == []


def test_editors_without_a_secret_key_refuse_to_start(clean_env):
    config = load_config(editors=f"ana={generate_password_hash(PASSWORD)}")
    with pytest.raises(EditorsError, match="ATLAS_SECRET_KEY"):
        install(flask.Flask(__name__), config)


@pytest.mark.parametrize("text", ["ana", "ana=plaintext", "=scrypt:1$a$b", "ana=scrypt:1$a$b ana=scrypt:1$a$b"])
def test_editor_entries_that_do_not_read_are_refused(text):
    with pytest.raises(EditorsError):
        parse_editors(text)


def test_editor_entries_read():
    one, two = generate_password_hash("a"), generate_password_hash("b", method="pbkdf2")
    assert parse_editors(f"ana={one}, ben={two}\n") == {"ana": one, "ben": two}


def test_only_the_import_and_removal_change_data():
    assert changes_data(import_body())
    assert changes_data({"output": "add-data-reload.href@abc123"})
    assert not changes_data({"output": "..map.figure...slots.data.."})
    assert not changes_data({"output": 5}) and not changes_data([]) and not changes_data(None)


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/?region=rcm", "/?region=rcm"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example", "/"),
        ("https://elsewhere.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\r\nSet-Cookie: editor=x", "/"),  # a header of its own, if it reached the redirect
        ('/"><script>alert(1)</script>', '/"><script>alert(1)</script>'),  # a path: kept, escaped in the page
    ],
)
def test_after_sign_in_only_this_site_and_as_text(client, with_editors, asked, goes_to):
    page = client.get("/login", query_string={"next": asked}, environ_base=REMOTE).get_data(as_text=True)
    assert "<script>alert" not in page
    signed = client.post("/login", data={"name": "ana", "password": PASSWORD, "next": asked}, environ_base=REMOTE)
    assert signed.status_code == 303
    assert unquote(signed.headers["Location"]) == goes_to  # as it is, or percent-encoded
    client.post("/logout", environ_base=REMOTE)
