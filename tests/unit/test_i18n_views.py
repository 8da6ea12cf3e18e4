"""The views' own words in Spanish, French and Indonesian: dialogue and role labels, the notices
of a link's unknown values, the deck's messages and a deck file's errors, the example deck's
titles, the page's title and a download's error (the map's sentence, headline figures, region
names and the browser script's words are the screen's: tests/unit/test_i18n_screen.py).

Each text is checked with tests/english.py: no catalog English left (``english_in``) and nothing
that reads as English (``english_words``); one assertion per part names a word it must show.
"""

from __future__ import annotations

import base64
import copy
import html
import json
from typing import Any

import pytest

from dashboard import i18n
from dashboard.data import loaded
from dashboard.deck import DeckError, add_view, example_deck_path, load_deck
from dashboard.state import from_query
from dashboard.view import ROLE_LABELS
from geodata.vocabulary import DIALOGUES
from tests.english import english_in, english_words
from tests.unit.callback_bodies import real_bodies

LANGUAGES = ("es", "fr", "id")


def no_english(texts: list[str], code: str) -> None:
    assert texts
    assert english_in(texts, code) == []
    assert english_words(texts) == []


# --- Labels: dialogues and roles ---------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_dialogue_and_role_labels_are_in_the_language(code):
    with i18n.language(code):
        labels = [i18n.gettext(label) for label, _column in DIALOGUES.values()] + list(ROLE_LABELS.values())
    no_english(labels, code)


def test_role_labels_are_read_in_the_requests_language():
    assert ROLE_LABELS["internal"] == "Internal trafficking only"  # English stays as it was
    assert ROLE_LABELS.english["origin"] == "Origin country"  # type: ignore[attr-defined]
    with i18n.language("es"):
        assert ROLE_LABELS["origin"] == "País de origen"
        assert i18n.gettext("RCM members") == "Miembros de la CRM"
    with i18n.language("fr"):
        assert dict(ROLE_LABELS)["destination"] == "Pays de destination"


# --- Notices of a link's unknown values -------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_notices_of_a_link_are_in_the_language(atlas_app, code):
    query = (
        "region=atlantis&type=x&form=y&indicator=z&layers=q&country=XXX&select=w&datasets=v"
        "&flows=7&flowscale=s&flowcountry=ZZZ&flowdir=up&lang=xx&colour=red"
    )
    with i18n.language(code):
        _state, notices = from_query(query, loaded().choices)
    assert len(notices) == 14
    no_english(notices, code)
    if code == "es":
        assert "Región desconocida 'atlantis': se omite." in notices


# --- Decks: file errors, messages, the example ------------------------------------------------------

BAD_FILES = [
    "",
    "not json",
    "[1, 2]",
    '{"version": -1, "views": []}',
    '{"version": "one", "views": []}',
    '{"version": 9, "views": []}',
    '{"views": []}',
    '{"title": "x"}',
    '{"slides": "x"}',
    '{"version": 1, "views": {}}',
    '{"version": 1, "views": [], "extra": 1}',
    '{"version": 1, "views": [5]}',
    '{"version": 1, "views": [{"state": {}}]}',
    '{"version": 1, "views": [{"title": 5}]}',
    '{"version": 1, "views": [{"title": "   "}]}',
    '{"version": 1, "views": [{"title": "' + "x" * 200 + '"}]}',
    '{"version": 1, "views": [{"title": "a\\u0007b"}]}',
    '{"version": 1, "views": [{"title": "A", "colour": 1}]}',
    '{"version": 1, "views": [{"title": "A", "state": []}]}',
    '{"version": 1, "views": [{"title": "A", "state": {"region": 5}}]}',
    '{"version": 1, "views": [{"title": "A", "state": {"regio": "rcm"}}]}',
    '{"version": 1, "views": [{"title": "A", "state": {"zzzzzz": "rcm"}}]}',
    '{"slides": [5]}',
    '{"slides": [{"url": "?region=rcm"}]}',
    '{"slides": [{"name": "A", "url": 5}]}',
    '{"slides": [{"name": "A", "url": "http://[::1"}]}',
    '{"version": 1, "views": [{"title": "A", "state": {"\\ud800": "x"}}]}',
    '{"n": ' + "9" * 5000 + "}",
    "[" * 100_000,
    '{"version": 1, "views": [' + ",".join(['{"title": "A"}'] * 201) + "]}",
    b"\xff\xfe",
    "x" * 1_000_001,
]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_deck_file_is_refused_in_the_language(atlas_app, code):
    messages = []
    with i18n.language(code):
        for text in BAD_FILES:
            with pytest.raises(DeckError) as refused:
                load_deck(text, loaded().choices)
            messages.append(str(refused.value))
        _deck, notices = load_deck(
            '{"version": 1, "views": [{"title": "A", "state": {"region": "atlantis"}}]}', loaded().choices
        )
        full = load_deck(
            json.dumps({"version": 1, "views": [{"title": str(i)} for i in range(200)]}), loaded().choices
        )[0]
        with pytest.raises(DeckError) as refused:
            add_view(full, full.views[0])
        messages.append(str(refused.value))
    assert len(set(messages)) == len(messages)  # each says its own problem
    no_english(messages + notices, code)


def test_a_deck_files_error_says_where_in_spanish(atlas_app):
    with i18n.language("es"), pytest.raises(DeckError) as refused:
        load_deck('{"version": 1, "views": [{"title": "A", "state": {"regio": "rcm"}}]}', loaded().choices)
    assert str(refused.value) == 'Vista 1 («A»): parámetro desconocido "regio" (¿quiso decir "region"?).'
    with pytest.raises(DeckError) as refused:
        load_deck('{"version": 1, "views": [{"title": "A", "state": {"regio": "rcm"}}]}', loaded().choices)
    assert str(refused.value) == 'View 1 ("A"): unknown parameter "regio" (did you mean "region"?).'


def test_the_example_decks_titles_are_all_marked():
    from dashboard.callbacks.deck import EXAMPLE_TITLES

    shipped = json.loads(example_deck_path().read_text(encoding="utf-8"))
    assert [view["title"] for view in shipped["views"]] == list(EXAMPLE_TITLES)


def _post(client: Any, bodies: list[dict[str, Any]], code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The response of the deck callback to ``changes`` (``"id.property": value``), the first changed."""
    body = copy.deepcopy(next(b for b in bodies if b["output"].startswith("..deck.data")))
    for item in body["inputs"] + body["state"]:
        key = f"{item['id']}.{item['property']}"
        if key in changes:
            item["value"] = changes[key]
    body["changedPropIds"] = [next(iter(changes))]
    response = client.post("/_dash-update-component", json=body, headers={"Referer": f"http://localhost/?lang={code}"})
    assert response.status_code == 200
    return response.get_json()["response"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_deck_says_what_it_did_in_the_language(atlas_app, code):
    client = atlas_app.server.test_client()
    bodies = real_bodies(client, f"http://localhost/?lang={code}")
    loaded_example = _post(client, bodies, code, {"deck-example.n_clicks": 1})
    titles = [view["title"] for view in loaded_example["deck"]["data"]["views"]]
    saved = _post(client, bodies, code, {"deck-save.n_clicks": 1})
    texts = [
        loaded_example["deck-message"]["children"],
        *titles,
        saved["deck-message"]["children"],
        saved["deck"]["data"]["views"][0]["title"],  # "View 1", in the language
    ]
    for dropped in ("not json", "x"):
        encoded = base64.b64encode(dropped.encode()).decode()
        answer = _post(
            client,
            bodies,
            code,
            {"deck-upload.contents": f"data:application/json;base64,{encoded}", "deck-upload.filename": "d.json"},
        )
        texts.append(answer["deck-message"]["children"])
    asked = _post(client, bodies, code, {"deck-example.n_clicks": 1, "deck.data": loaded_example["deck"]["data"]})
    texts.append(asked["deck-confirm-text"]["children"])
    kept = _post(client, bodies, code, {"deck-cancel.n_clicks": 1, "deck.data": loaded_example["deck"]["data"]})
    texts.append(kept["deck-message"]["children"])
    no_english(texts, code)
    if code == "es":
        assert "Lago Volta: niños y niñas en la pesca de Ghana" in titles
        assert texts[0] == "Cargado desde la presentación de ejemplo: 10 vistas."


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_empty_deck_list_and_undo_speak_the_language(atlas_app, code):
    from dashboard.callbacks import deck as callbacks

    with i18n.language(code):
        (empty,) = callbacks.list_deck(None, -1, -1)
        texts = [empty.children, callbacks._views(1), callbacks._views(1300)]
    no_english(texts, code)
    if code == "fr":
        assert texts[2] == "1\u202f300 vues"


# --- The page's title, the browser's words, a download's error ---------------------------------------


def test_the_pages_title_is_in_the_language(atlas_app):
    client = atlas_app.server.test_client()
    assert "<title>Counter-Trafficking Atlas</title>" in client.get("/").get_data(as_text=True)
    page = client.get("/?lang=es").get_data(as_text=True)
    assert "<title>Atlas contra la trata de personas</title>" in page


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_missing_tables_error_is_in_the_language(atlas_app, code):
    client = atlas_app.server.test_client()
    missing = client.get(f"/download/nothing.csv?lang={code}").get_data(as_text=True)
    assert "programs.csv" in missing and "try programs.csv" not in missing
    with i18n.language(code):
        said = i18n.gettext("No table {table}: try programs.csv, routes.csv or indicators.csv.")
    assert html.unescape(missing).count(said.format(table="'nothing'")) == 1


def test_a_downloads_notice_header_stays_english_and_its_columns_too(atlas_app):
    client = atlas_app.server.test_client()
    response = client.get("/download/routes.csv?lang=es&region=atlantis")
    assert response.headers["X-Atlas-Notice"] == "Unknown region 'atlantis' ignored."
    header = response.get_data(as_text=True).splitlines()[0]
    assert header.startswith("route_id,") or "origin_iso3" in header  # machine-stable English columns


def test_an_unknown_language_is_ignored_and_the_page_keeps_the_browsers(atlas_app):
    client = atlas_app.server.test_client()
    page = client.get("/?lang=xx", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    with i18n.language("fr"):
        _state, notices = from_query("lang=xx", loaded().choices)
    assert notices == ["Langue inconnue 'xx'\u00a0: ignorée."]
