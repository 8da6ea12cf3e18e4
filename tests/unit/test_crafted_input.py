"""No crafted or stale input makes the server fail (5xx): fuzzed URLs, mutated callback bodies,
deck files a user can drop and junk left in the browser's storage.

The callback bodies start from what the page really sends: one per server-side callback, built
from the app's own ``/_dash-dependencies`` with the values of the layout the page receives.
Example counts are bounded (``FEW``, ``SOME``) so that the suite stays fast.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data import loaded
from dashboard.deck import DeckError, load_deck
from tests.unit.callback_bodies import real_bodies

SOME = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
PARAMETERS = ("region", "regions", "type", "form", "indicator", "year", "layers", "country", "select", "datasets")
# Values that broke something once, or that parsers commonly trip on.
NASTY = (
    "\ud800",
    "http://[::1",
    "9" * 5000,
    "~",
    "~~",
    "..",
    "%",
    "%ff",
    "\x00",
    "-1",
    "1e308",
    "2007..1997",
    "none",
    "all",
    "x" * 3000,
    "<script>",
    "tip-tier",
    "2007",
    "KHM",
    "rcm",
)
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.text(st.characters(codec="utf-8"), max_size=10))
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        texts,
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=10,
)


# --- URLs ----------------------------------------------------------------------------------------

queries = st.one_of(
    st.lists(st.tuples(st.sampled_from(PARAMETERS) | texts, texts), max_size=5).map(
        lambda pairs: "&".join(f"{quote(k, errors='replace')}={quote(v, errors='replace')}" for k, v in pairs)
    ),
    texts.map(lambda raw: quote(raw, safe="=&~%", errors="replace")),
)


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


@SOME
@given(query=queries)
def test_the_page_and_its_layout_survive_any_query(client, query):
    assert client.get(f"/?{query}").status_code < 500
    layout = client.get("/_dash-layout", headers={"Referer": f"http://localhost/?{query}"})
    assert layout.status_code < 500


@SOME
@given(table=st.sampled_from(["programs", "routes", "indicators"]) | texts, query=queries)
def test_downloads_survive_any_query(client, table, query):
    response = client.get(f"/download/{quote(table, safe='', errors='replace')}.csv?{query}")
    assert response.status_code < 500
    assert len(response.headers.get("X-Atlas-Notice", "")) <= 1024


@FEW
@given(query=queries)
def test_the_html_map_survives_any_query(client, query):
    assert client.get(f"/export/map.html?{query}").status_code < 500


@FEW
@given(code=st.sampled_from(["KHM", "tha", "GHA ", "XXX"]) | texts, query=queries)
def test_the_brief_survives_any_code_and_query(client, code, query):
    assert client.get(f"/brief/{quote(code, safe='', errors='replace')}.html?{query}").status_code < 500


# --- callback bodies -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bodies(client) -> list[dict[str, Any]]:
    found = real_bodies(client)
    assert len(found) >= 7 and any(b["output"].startswith("..region.value") for b in found)
    return found


def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    flat = []
    for part in ("inputs", "state"):
        items = body.get(part)
        for item in items if isinstance(items, list) else []:
            flat += item if isinstance(item, list) else [item]
    return [item for item in flat if isinstance(item, dict)]


def mutate(body: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """One to three changes of value, type, id, length or shape."""
    body = copy.deepcopy(body)
    for _ in range(data.draw(st.integers(1, 3))):
        entries = _entries(body)
        kind = data.draw(st.sampled_from(["value", "value", "value", "id", "trigger", "length", "key"]))
        if kind == "value" and entries:
            data.draw(st.sampled_from(entries))["value"] = data.draw(json_values)
        elif kind == "id" and entries:
            data.draw(st.sampled_from(entries))["id"] = data.draw(json_values)
        elif kind == "trigger":
            ids = [f"{e['id']}.{e['property']}" for e in entries if isinstance(e.get("id"), str)]
            names = st.lists(st.sampled_from(ids) | texts, max_size=3) if ids else json_values
            body["changedPropIds"] = data.draw(names)
        elif kind == "length":
            part = data.draw(st.sampled_from(["inputs", "state"]))
            items = body.get(part)
            if isinstance(items, list) and items:
                if data.draw(st.booleans()):
                    items.pop(data.draw(st.integers(0, len(items) - 1)))
                else:
                    items.append(copy.deepcopy(data.draw(st.sampled_from(items))))
        elif kind == "key":
            key = data.draw(st.sampled_from(["output", "outputs", "inputs", "state", "changedPropIds"]))
            if data.draw(st.booleans()):
                body.pop(key, None)
            else:
                body[key] = data.draw(json_values)
    return body


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_callback_bodies_never_fail_the_server(client, bodies, data):
    body = mutate(data.draw(st.sampled_from(bodies)), data)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code < 500, (json.dumps(body)[:2000], response.data[:300])


def test_every_real_body_is_answered(client, bodies):
    for body in bodies:
        assert client.post("/_dash-update-component", json=body).status_code in (200, 204)


def test_a_body_that_is_not_json_or_holds_a_huge_number_is_refused(client):
    for raw in (b"{", b"[]", b"null", b'{"output": ' + b"9" * 5000 + b"}", b"\xff\xfe"):
        response = client.post("/_dash-update-component", data=raw, content_type="application/json")
        assert 400 <= response.status_code < 500


# --- decks ---------------------------------------------------------------------------------------

# Files a user can drop on "Load a deck" that once failed with a 500.
BAD_DECKS = {
    "an address that does not read": (
        '{"slides": [{"name": "A", "url": "http://[::1"}]}',
        "Not a deck: an address in it does not read (Invalid IPv6 URL).",
    ),
    "a lone surrogate as a key": (
        '{"version": 1, "views": [{"title": "A", "state": {"\\ud800": "x"}}]}',
        "Not a deck: it holds text that is not valid Unicode (a lone surrogate).",
    ),
    "a 5,000-digit number": (
        '{"version": 1, "views": [{"title": "A", "state": {}}], "n": ' + "9" * 5000 + "}",
        "Not a deck: it holds a number too long to read.",
    ),
}


@pytest.mark.parametrize("name", BAD_DECKS)
def test_a_deck_file_that_once_failed_is_refused_with_a_reason(atlas_app, name):
    text, message = BAD_DECKS[name]
    with pytest.raises(DeckError) as refused:
        load_deck(text, loaded().choices)
    assert str(refused.value) == message


def deck_body(bodies: list[dict[str, Any]], file_text: str) -> dict[str, Any]:
    """The body the page posts when ``file_text`` is dropped on "Load a deck"."""
    body = copy.deepcopy(next(b for b in bodies if b["output"].startswith("..deck.data")))
    encoded = base64.b64encode(file_text.encode("utf-8", "surrogatepass")).decode()
    for item in body["inputs"] + body["state"]:
        if item["id"] == "deck-upload":
            item["value"] = f"data:application/json;base64,{encoded}" if item["property"] == "contents" else "d.json"
    body["changedPropIds"] = ["deck-upload.contents"]
    return body


@pytest.mark.parametrize("name", BAD_DECKS)
def test_dropping_a_bad_deck_says_why_and_keeps_the_deck(client, bodies, name):
    text, message = BAD_DECKS[name]
    response = client.post("/_dash-update-component", json=deck_body(bodies, text))
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert message in answer["deck-message"]["children"] and "deck" not in answer


@pytest.mark.parametrize(
    "stored",
    [
        "not a deck",
        ["a", "list"],
        {"version": 1, "views": [{"title": "A", "state": "region=rcm"}]},
        {"version": 1, "views": [{"title": "\ud800", "state": {"\ud800": 5}}]},
        {"version": 10**20, "views": None},
    ],
)
def test_a_malformed_deck_in_storage_breaks_no_filter_change(client, bodies, stored):
    # The deck dcc.Store is in local storage: what an older version (or anyone) left there
    # arrives as State with every filter change, and after a reload too.
    for body in bodies:
        body = copy.deepcopy(body)
        for item in _entries(body):
            if item["id"] == "deck":
                item["value"] = stored
            if item["id"] == "deck-index":
                item["value"] = 0
        assert client.post("/_dash-update-component", json=body).status_code in (200, 204), body["output"]
