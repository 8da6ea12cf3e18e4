"""The "Add data" panel, the import's report and progress, the sign-in page and the error pages
in Spanish, French and Indonesian: no English left of the atlas's own words (data excluded)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from csv import reader
from dataclasses import replace
from pathlib import Path
from typing import Any

import flask
import pytest
from bs4 import BeautifulSoup
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.development.base_component import Component
from werkzeug.security import generate_password_hash

from dashboard import add_data, i18n
from dashboard.callbacks.imports import job_language, refused_result, rows_read
from dashboard.data import AtlasData
from dashboard.editors import Access
from dashboard.layers import facts_of
from dashboard.security import VIEWER_MAX_BYTES
from dashboard.state import ViewState
from dashboard.view import make_choices, region_groups
from geodata import load_atlas
from geodata.importers.report import EMPTY_ROW, UNKNOWN_COUNTRY, ImportReport
from geodata.problems import Message, Problem
from tests.english import english_in, english_words
from tests.unit.conftest import synthetic_dataset, write_more

CODES = ["es", "fr", "id"]
PASSWORD = "correct horse battery staple"  # a test password, for a test editor
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # a documentation address: not this machine
TEXT_PROPS = ("title", "placeholder", "aria-label", "label", "message", "data-too-big")


def texts_of(node: Any, out: list[str]) -> list[str]:
    """Every text of a Dash component tree a reader sees or hears, leaving out data (any subtree
    with a ``lang`` attribute: a dataset's name, a file's, a publisher's)."""
    if isinstance(node, list | tuple):
        for item in node:
            texts_of(item, out)
    elif isinstance(node, str):
        if node.strip():
            out.append(node)
    elif isinstance(node, Component):
        props = node.to_plotly_json()["props"]
        if props.get("lang") is not None:
            return out
        for name in TEXT_PROPS:
            if isinstance(props.get(name), str) and props[name].strip():
                out.append(props[name])
        for option in props.get("options") or []:
            if isinstance(option, dict) and isinstance(option.get("label"), str):
                out.append(option["label"])
        texts_of(props.get("children"), out)
    return out


@pytest.fixture(scope="module")
def panel_data(tmp_path_factory) -> AtlasData:
    """An atlas with one imported dataset shown (no publisher given) and one no longer passing the
    checks (a count that is not a whole number)."""
    good, tables = synthetic_dataset()
    bad_dataset, bad_tables = synthetic_dataset()
    good = replace(good, publisher="")
    bad_dataset = replace(bad_dataset, slug="broken", name="Broken test dataset", position=2)
    bad_tables = {"routes": bad_tables["routes"].assign(count=["many", "12", "3"])}
    atlas = load_atlas(
        write_more(tmp_path_factory.mktemp("i18n-add")).path, [(good, tables), (bad_dataset, bad_tables)]
    )
    assert "broken" in atlas.skipped
    groups = region_groups(atlas.countries)
    return AtlasData(
        atlas=atlas,
        groups=groups,
        choices=make_choices(atlas, groups, ["choropleth", "roles", "routes", "programs"]),
        facts=facts_of(atlas, 11),
    )


def panel_texts(data: AtlasData, code: str) -> list[str]:
    server = flask.Flask(__name__)
    # The laptop case: a request from this machine may add data (the upload and Remove are shown).
    with server.test_request_context("/", base_url="http://localhost", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        with i18n.language(code):
            state = ViewState(indicator="population", year=2007)
            return texts_of([add_data.create_datasets_control(data, state), add_data.create_add_data_panel(data)], [])


def result_of_an_import() -> dict[str, Any]:
    """What run_import keeps of an import (as the browser's session keeps it: JSON)."""
    report = ImportReport("flows.csv", "TIP Report tier placements by year (e.g. Kelley & Heiss map_tiers.csv)")
    report.read(5)
    report.use(2)
    report.aside(EMPTY_ROW, 3, "-", EMPTY_ROW)
    report.aside(UNKNOWN_COUNTRY, 4, "country", UNKNOWN_COUNTRY)
    report.aside(UNKNOWN_COUNTRY, 5, "year", Message("{value} is not a whole number", value="'20x7'"))
    for row in range(6, 6 + add_data.PANEL_PROBLEMS + 3):
        report.problem(row, "-", "value is missing")
    result = {
        "ok": True,
        "status": "added",
        "slug": "flows",
        "name": "Flows (tests)",
        "counts": {"routes": 2, "indicators": 1, "catalogue": 1},
        "report": report.to_dict(),
        "csv": True,
        "file": "flows",
        "file_name": "flows.csv",
    }
    return json.loads(json.dumps(result))


@pytest.mark.parametrize("code", CODES)
def test_the_panel_speaks_the_page_language(panel_data, code):
    texts = panel_texts(panel_data, code)
    assert english_in(texts, code) == []
    assert english_words(texts) == []
    assert any("map_tiers.csv" in t and "TIP" in t for t in texts)  # the layouts' labels, translated
    skipped = next(t for t in texts if "'many'" in t)  # the loader's problem, translated
    assert "many" in skipped and "whole number" not in skipped


def test_the_panel_in_spanish_says_it_in_spanish(panel_data):
    texts = panel_texts(panel_data, "es")
    assert "Añadir datos" in texts and "Eliminar" in texts
    assert any(t.startswith("Editor desconocido; ") for t in texts)
    assert any("routes.csv" not in t and "'many' no es un número entero" in t for t in texts)
    # English stays as it was.
    english = panel_texts(panel_data, "en")
    assert "Add data" in english and "Untick a dataset to hide its rows." in english


@pytest.mark.parametrize("code", CODES)
def test_the_import_report_is_written_in_the_page_language(code):
    result = result_of_an_import()
    with i18n.language(code):
        children = add_data.report_children(result)
        csv = add_data.report_csv(result)
        refused = add_data.report_children(
            json.loads(json.dumps(refused_result("notes.csv", [Problem("notes.csv", 0, "-", "file is missing")])))
        )
        progress = [rows_read(1), rows_read(12_000)]
    texts = texts_of(children, []) + texts_of(refused, []) + progress
    lines = [line for text in texts for line in text.split("\n")]
    assert english_in(lines, code) == []
    assert english_words(lines) == []
    rows = list(reader(io.StringIO(csv)))
    said = [row[3].replace("flows.csv", "") for row in rows]  # the problem, without the file's name
    assert rows[0] != ["file", "row", "column", "problem"]
    assert english_in(said, code) == [] and english_words(said) == []
    with i18n.language(code):
        assert progress[1].startswith(i18n.integer(12_000) + " ") and i18n.integer(12_000) != "12,000"


def test_the_import_report_in_french():
    with i18n.language("fr"):
        children = add_data.report_children(result_of_an_import())
        progress = rows_read(12_000)
    texts = texts_of(children, [])
    # The dataset's name between the quotes is data, in an element of its own.
    assert texts[:2] == ["Importé\u00a0: «\u00a0", "\u00a0» (2 routes, 1 valeur d'indicateur)."]
    assert "lignes lues\u00a0: 5" in texts and "  2 pays inconnu" in texts
    assert " '20x7' n'est pas un nombre entier" in texts
    assert texts[-1] == "… et 6 de plus dans le rapport téléchargeable."
    assert progress == "12\u202f000 lignes lues"


def test_the_import_report_in_english_is_as_before():
    with i18n.language("en"):
        english_is_as_before()


def english_is_as_before():
    result = result_of_an_import()
    texts = texts_of(add_data.report_children(result), [])
    assert texts[:2] == ["Imported “", "” (2 routes, 1 indicator value)."]
    assert texts[2] == ": TIP Report tier placements by year (e.g. Kelley & Heiss map_tiers.csv)"
    assert "rows read: 5" in texts and " '20x7' is not a whole number" in texts
    assert texts[-1] == "… and 6 more in the downloadable report."
    assert add_data.report_csv(result).startswith("file,row,column,problem")
    assert rows_read(12_000) == "12,000 rows read"


def test_a_job_takes_the_language_of_the_page_that_started_it():
    assert job_language("http://localhost/?view=rcm&lang=fr") == "fr"
    assert job_language("http://localhost/?lang=xx") == "en"  # no request: nothing else to go by
    assert job_language(None) == "en"
    # In a job, Dash hands over the callback request's headers (the page in Referer, the browser's languages).
    headers = {"Referer": "http://localhost/?lang=id", "Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}
    token = context_value.set(AttributeDict(headers=headers))
    try:
        assert job_language(None) == "id"
        assert job_language("http://localhost/?view=rcm") == "fr"  # the page says nothing: the browser's
        assert job_language("http://localhost/?lang=es") == "es"
    finally:
        context_value.reset(token)


@pytest.fixture
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.fixture
def with_editors(atlas_app) -> Iterator[None]:
    """The session's app with one editor, ``ana`` (as tests/unit/test_security.py sets it up)."""
    server = atlas_app.server
    kept = server.extensions["atlas-access"], server.secret_key
    server.extensions["atlas-access"] = Access({"ana": generate_password_hash(PASSWORD)})
    server.secret_key = "a test secret key, long enough"
    yield
    server.extensions["atlas-access"], server.secret_key = kept


def page_texts(html: str, code: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == code
    for element in soup.select("[lang]"):
        if element.name != "html":
            element.decompose()
    return [t for t in soup.stripped_strings if t]


@pytest.mark.parametrize("code", CODES)
def test_the_sign_in_page_and_the_refusals_speak_the_request_language(client, code, with_editors):
    for page in (
        client.get(f"/login?lang={code}"),  # the form
        client.post(f"/login?lang={code}", data={"name": "ana", "password": "wrong"}, environ_base=REMOTE),
        client.post(f"/login?lang={code}", data={"name": "ana", "password": PASSWORD}, environ_base=REMOTE),
        client.get(f"/login?lang={code}", environ_base=REMOTE),  # signed in
    ):
        if page.status_code != 303:
            texts = page_texts(page.get_data(as_text=True), code)
            assert texts and english_in(texts, code) == [] and english_words(texts) == [], texts
    client.post("/logout", environ_base=REMOTE)
    refused = client.post(f"/login?lang={code}", data={}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    texts = page_texts(refused.get_data(as_text=True), code)
    assert english_in(texts, code) == [] and english_words(texts) == [], texts
    unfit = client.post(
        "/_dash-update-component", json={"output": "nothing"}, headers={"Referer": f"http://localhost/?lang={code}"}
    )
    assert unfit.status_code == 400
    said = unfit.get_json()["error"]
    assert english_in([said], code) == [] and english_words([said]) == []


def test_the_refusals_in_spanish(client, with_editors):
    refused = client.post("/login?lang=es", data={}, headers={"Origin": "https://evil.example"})
    assert "Se rechazó una solicitud procedente de otro sitio." in refused.get_data(as_text=True)
    assert "403 Prohibido" in refused.get_data(as_text=True)
    unfit = client.post(
        "/_dash-update-component", json={"output": "x"}, headers={"Referer": "http://localhost/?lang=es"}
    )
    assert unfit.get_json()["error"] == (
        "Esta solicitud no corresponde a la aplicación (ese callback no existe): vuelva a cargar la página."
    )
    large = client.post(
        "/_dash-update-component",
        data=b"x" * (VIEWER_MAX_BYTES + 1),
        content_type="application/json",
        headers={"Referer": "http://localhost/?lang=es"},
        environ_base=REMOTE,  # a viewer, not this machine
    )
    assert large.status_code == 413 and "supera el tamaño que acepta este servidor" in large.get_json()["error"]
    missing = client.get("/download/report/no-such-dataset.csv?lang=es")
    assert missing.status_code == 404 and "No hay nada en esta dirección." in missing.get_data(as_text=True)
    assert '<html lang="es">' in missing.get_data(as_text=True) and "Volver al atlas" in missing.get_data(as_text=True)
    login = client.get("/login?lang=es").get_data(as_text=True)
    assert "Iniciar sesión" in login and "Contraseña" in login


def test_upload_js_gets_its_words_in_the_page_language():
    with i18n.language("id"):
        attributes = add_data.upload_texts()
    assert attributes["data-lang"] == "id"
    assert attributes["data-too-big"].startswith("{name} berukuran {size} MB")
    assert "{limit}" in attributes["data-too-big"]
    with i18n.language("en"):
        assert add_data.upload_texts()["data-too-big"] == add_data.TOO_BIG


def test_loader_problems_keep_their_english_and_are_said_translated(tmp_path: Path):
    from geodata.loader import read_csv

    (tmp_path / "routes.csv").write_text("route_id,count\nkhm-tha,40,extra\n", encoding="utf-8")
    problem = read_csv(tmp_path / "routes.csv")[1][0]
    assert str(problem) == "routes.csv:2: -: expected 2 fields, found 3"
    with i18n.language("es"):
        assert add_data.problem_text(problem) == "routes.csv:2: -: se esperaban 2 campos, hay 3"
    with i18n.language("fr"):
        missing = add_data.problem_text(read_csv(tmp_path / "none.csv")[1][0])
    assert missing == "none.csv:0: -: le fichier est manquant"
