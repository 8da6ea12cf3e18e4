"""The views' own words in Spanish, French and Indonesian: region and dialogue labels, the notices
of a link's unknown values, the sentence above the map, the deck's messages and a deck file's
errors, the example deck's titles, the page's title and the words handed to the browser's script.

Each text is checked with tests/english.py: no catalog English left (``english_in``) and nothing
that reads as English (``english_words``); one assertion per part names a word it must show.
"""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dashboard import i18n
from dashboard.data import loaded
from dashboard.deck import DeckError, add_view, example_deck_path, load_deck
from dashboard.state import from_query
from dashboard.view import (
    DIALOGUE_LABELS,
    M49_CODES,
    ROLE_LABELS,
    dialogue_label,
    map_sentence,
    region_name,
    strip_labels,
)
from geodata.vocabulary import DIALOGUES
from tests.english import english_in, english_words
from tests.unit.callback_bodies import real_bodies

LANGUAGES = ("es", "fr", "id")


def no_english(texts: list[str], code: str) -> None:
    assert texts
    assert english_in(texts, code) == []
    assert english_words(texts) == []


# --- Labels: dialogues, regions, roles -------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_region_and_dialogue_labels_are_in_the_language(atlas_app, code):
    groups = loaded().groups
    with i18n.language(code):
        labels = [group.label for group in groups.values()]
        roles = list(ROLE_LABELS.values())
    no_english(labels + roles, code)
    assert len(set(labels)) == len(labels)  # CLDR's names keep the groups apart


def test_a_dialogue_label_names_its_years_and_a_region_its_cldr_name(atlas_app):
    groups = loaded().groups
    assert groups["rcm"].label == "RCM members (as of 2023)"  # English stays as it was
    with i18n.language("es"):
        assert groups["rcm"].label == "Miembros de la CRM (a 2023)"
        assert groups["western-africa"].label == "África occidental"
        assert ROLE_LABELS["origin"] == "País de origen"
    with i18n.language("fr"):
        assert (
            dialogue_label("Bali Process members", ["2019", "2023"]) == "Membres du Processus de Bali (en 2019, 2023)"
        )
        assert region_name("Micronesia") == "Région micronésienne"
    with i18n.language("id"):
        assert groups["south-eastern-asia"].label == "Asia Tenggara"
    assert ROLE_LABELS["internal"] == "Internal trafficking only"


def test_the_marked_dialogue_labels_are_the_vocabularys():
    assert set(DIALOGUE_LABELS) == {label for label, _column in DIALOGUES.values()}


def test_every_region_of_the_bundled_data_has_an_m49_code(atlas_app):
    countries = loaded().atlas.countries
    named = set(countries["un_region"].dropna()) | set(countries["un_subregion"].dropna())
    assert named <= set(M49_CODES)


# --- The sentence above the map and the headline figures ------------------------------------------


def test_the_map_sentence_and_headline_labels_keep_their_english():
    assert map_sentence([], []) == "Map of the world: no layer switched on."
    assert map_sentence(["RCM members (as of 2023)"], ["3 programs at 3 sites in 3 countries", "1 route"]) == (
        "Map of RCM members (as of 2023): 3 programs at 3 sites in 3 countries; 1 route."
    )
    labels = strip_labels(programs=3, sites=3, countries=3, routes=1, with_figure=0)
    assert labels == {
        "programs": "programs at 3 sites",
        "countries": "countries with programs or routes",
        "routes": "route",
        "people": "people assisted (0 of 3 programs give a figure)",
    }


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_map_sentence_and_headline_labels_are_in_the_language(atlas_app, code):
    with i18n.language(code):
        rcm = loaded().groups["rcm"].label
        texts = [
            map_sentence([], []),
            map_sentence([rcm], []),
            *(
                strip_labels(programs=n, sites=n * 2, countries=n, routes=n, with_figure=n - 1).values()
                for n in (1, 3, 1300)
            ),
        ]
    flat = [t for item in texts for t in ([item] if isinstance(item, str) else item)]
    no_english(flat, code)


def test_headline_numbers_are_written_the_languages_way():
    with i18n.language("es"):
        assert strip_labels(1300, 2500, 3, 2, 1200)["people"] == (
            "personas asistidas (1.200 de 1.300 programas dan una cifra)"
        )
        assert map_sentence([], []) == "Mapa del mundo: ninguna capa activada."


# --- Notices of a link's unknown values -------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_notices_of_a_link_are_in_the_language(atlas_app, code):
    query = (
        "region=atlantis&type=x&form=y&indicator=z&layers=q&country=XXX&select=w&datasets=v"
        "&flows=7&flowscale=s&flowcountry=ZZZ&flowdir=up&colour=red"
    )
    with i18n.language(code):
        _state, notices = from_query(query, loaded().choices)
    assert len(notices) == 13
    no_english(notices, code)


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
def test_the_words_for_the_browser_and_a_downloads_error_are_translated(atlas_app, code):
    from dashboard.callbacks import present

    client = atlas_app.server.test_client()
    missing = client.get(f"/download/nothing.csv?lang={code}").get_data(as_text=True)
    with i18n.language(code):
        texts = [i18n.gettext(m) for m in (present.PRESENT, present.LEAVE, present.IMAGE_FAILED, present.DECK_FILE)]
    no_english(texts, code)
    assert "programs.csv" in missing and "try programs.csv" not in missing


def test_a_downloads_notice_header_stays_english_and_its_columns_too(atlas_app):
    client = atlas_app.server.test_client()
    response = client.get("/download/routes.csv?lang=es&region=atlantis")
    assert response.headers["X-Atlas-Notice"] == "Unknown region 'atlantis' ignored."
    header = response.get_data(as_text=True).splitlines()[0]
    assert header.startswith("route_id,") or "origin_iso3" in header  # machine-stable English columns


# --- The words assets/atlas.js writes, in the page's language -----------------------------------------

ATLAS_JS = Path(__file__).resolve().parents[2] / "assets" / "atlas.js"
# Runs a clientside callback of dashboard/callbacks with atlas.js and stand-ins for the browser.
RUN_CALLBACK = """
const fs = require("fs");
const [path, lang, source, argsJson] = process.argv.slice(1);
const noop = () => {};
global.document = {
  addEventListener: noop, querySelectorAll: () => [], querySelector: () => null, documentElement: { lang: lang },
};
global.MutationObserver = function () { this.observe = noop; };
global.window = {
  addEventListener: noop, setTimeout: noop,
  dash_clientside: { no_update: null, callback_context: { triggered: [] } },
  Plotly: { relayout: noop, downloadImage: () => Promise.reject(new Error("no canvas")) },
};
eval(fs.readFileSync(path, "utf8"));
const callback = eval("(" + source + ")");
Promise.resolve(callback(...JSON.parse(argsJson))).then((out) => process.stdout.write(JSON.stringify(out)));
"""


def run_callback(lang: str, source: str, *args: object) -> object:
    out = subprocess.run(
        ["node", "-e", RUN_CALLBACK, str(ATLAS_JS), lang, source, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run assets/atlas.js")
def test_the_present_and_play_buttons_and_the_image_export_speak_the_pages_language():
    from dashboard.callbacks import present

    show = present.wrapped("\nconst out = window.dash_clientside.atlas.present(...args);\nreturn say(out[2]);")
    play = present.wrapped("\nconst out = window.dash_clientside.atlas.play(...args);\nreturn say(out[2]);")
    image = present.wrapped("\nreturn Promise.resolve(window.dash_clientside.atlas.exportImage(...args)).then(say);")
    figure = {"data": [], "layout": {}}
    assert run_callback("en", show, 1, False) == "Leave (P)"
    assert run_callback("es", show, 1, False) == "Salir (P)"
    assert run_callback("fr", show, 2, True) == "Présenter (P)"
    assert run_callback("id", play, 1, 0, 2007, [{"value": 2007}], True) == "▶ Putar"
    assert run_callback("es", image, 1, 0, figure, "T", "S") == "No se pudo generar la imagen: Error: no canvas"
    assert run_callback("en", image, 1, 0, figure, "T", "S") == "Could not draw the image: Error: no canvas"
    words = json.loads(present.browser_words())
    for code in LANGUAGES:
        no_english(list(words[code].values()), code)
