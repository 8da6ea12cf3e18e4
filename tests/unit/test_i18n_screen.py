"""The main screen's own words in Spanish, French and Indonesian: the controls, the header, the
deck panel, the downloads, the tables' frame, the headline figures, the fact sheet, the sources
and an open country profile (dashboard/layout.py, table.py, profile.py, formatting.py), and the
words assets/atlas.js writes (given to it in the page's language). Data stays as its source
wrote it, in ``lang="en"`` elements, and is left out of the check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard import formatting as fmt
from dashboard import i18n
from tests.english import data_strings, english_in, english_words, without_data

VIEW = "region=rcm&layers=choropleth~roles~routes~programs&country=IDN&type=protection"
LANGUAGES = ["es", "fr", "id"]
# Parts of the page other modules write (the key, the sentence above the map, the datasets and
# add-data panels, notices): their own tests check them.
OTHERS = {"legend", "summary", "add-data", "datasets", "dataset-list", "notice", "layers"}
# AG Grid's rows and its columns' field names are data and keys, not words shown as such.
GRID_DATA = {"rowData", "columnDefs", "selectedRows", "getRowId", "dashGridOptions", "defaultColDef"}


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.fixture(scope="module")
def data(atlas_app):
    from dashboard.data import loaded

    with atlas_app.server.test_request_context("/"):
        return data_strings(loaded().atlas)


def page(client, code: str, view: str = VIEW) -> dict[str, Any]:
    response = client.get("/_dash-layout", headers={"Referer": f"http://localhost/?{view}&lang={code}"})
    assert response.status_code == 200
    return json.loads(response.get_data())


def texts_of(node: Any, out: list[str], shown: bool = True) -> list[str]:
    """The texts a reader or a screen reader meets in a Dash layout, without data (``lang="en"``
    subtrees), without the map's figure and without the parts :data:`OTHERS` write."""
    if isinstance(node, list):
        for item in node:
            texts_of(item, out, shown)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if props.get("lang") == "en" or props.get("id") == "map" or props.get("id") in OTHERS:
            return out
        for name in ("title", "placeholder", "aria-label", "label"):
            if isinstance(props.get(name), str):
                out.append(props[name])
        for key, value in props.items():
            if key in GRID_DATA and key != "dashGridOptions":
                continue
            if key == "dashGridOptions":
                out.extend(value.get("localeText", {}).values())
            elif isinstance(value, dict | list):
                texts_of(value, out, shown)
            elif isinstance(value, str) and key == "children":
                out.append(value)
    elif isinstance(node, dict):
        # An option's value is a key (``all``, a slug), not a word shown.
        for key, value in node.items():
            if key not in ("value", "search"):
                texts_of(value, out, shown)
    elif isinstance(node, str):
        out.append(node)
    return out


def vocabulary() -> set[str]:
    """Labels other parts declare and mark (geodata.vocabulary, the layers' names, the tables'
    titles and headers): this part shows them through ``_``; their own tests check their words."""
    from dashboard.layers import REGISTRY
    from geodata.vocabulary import EXPLOITATION_FORMS, PROGRAM_TYPES, TIP_TIERS

    words = {*PROGRAM_TYPES.values(), *TIP_TIERS.values(), *(form.label for form in EXPLOITATION_FORMS.values())}
    for layer in REGISTRY.values():
        words.add(layer.label)
        if layer.table is not None:
            words.add(layer.table.title)
            words.update(column.get("headerName", "") for column in layer.table.columns)
    # dashboard/add_data.py's datasets control (hidden while only the bundled dataset exists).
    words |= {"Datasets", "Untick a dataset to hide its rows."}
    return words | {word.lower() for word in words}


def mine(texts: list[str]) -> list[str]:
    others = vocabulary()
    return [text for text in texts if text.strip() and text.strip() not in others]


def find(node: Any, ident: str) -> dict[str, Any]:
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ident:
            return node
        values: Any = node.values()
    elif isinstance(node, list):
        values = node
    else:
        return {}
    for value in values:
        found = find(value, ident)
        if found:
            return found
    return {}


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18nscreen001_main_screen_has_no_english(client, data, code):
    layout = page(client, code)
    texts = mine(texts_of(layout, []))
    assert len(texts) > 100
    assert english_in(texts, code) == []
    assert english_words(without_data(texts, data)) == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_i18nscreen002_profile_is_translated(client, data, code):
    profile = find(page(client, code), "profile")
    texts = mine(texts_of(profile, []))
    assert english_in(texts, code) == []
    assert english_words(without_data(texts, data)) == []
    with i18n.language(code):
        expected = [i18n._("Dialogues"), i18n._("Role in routes"), i18n._("Close the profile (Esc)")]
    assert set(expected) <= set(texts)


def test_i18nscreen003_spanish_words_are_there(client):
    layout = page(client, "es")
    texts = [text.strip() for text in texts_of(layout, [])]
    for spanish in (
        "Filtros y capas",
        "Capas",
        "Año",
        "Descargar lo que se ve:",
        "Ninguna marcada: todas las formas.",
        "Varios a la vez: los países de cualquiera de ellos.",
        "O haga clic en un país del mapa.",
        "Vistas guardadas (presentación)",
        "Título de esta vista",
        "Deshacer el último cambio de la presentación",
        "Mundo (todos los países)",
        "Cerrar el perfil (Esc)",
        "Atlas contra la trata de personas",
    ):
        assert spanish in texts, spanish
    assert find(layout, "legend")["props"]["aria-label"] == "Leyenda del mapa"
    # The sentence above the map: the world has a sentence of its own ("del mundo", not "de el mundo").
    assert find(layout, "summary")["props"]["children"].startswith("Mapa de Miembros de la CRM (en 2023): ")
    world = find(page(client, "es", "layers=routes"), "summary")["props"]["children"]
    assert world.startswith("Mapa del mundo: "), world
    # The country picker names countries as CLDR does, in Spanish order.
    country = find(layout, "country")["props"]
    labels = [option["label"] for option in country["options"]]
    assert "Malasia" in labels and "Estados Unidos" in labels


def test_i18nscreen004_french_punctuation_and_numbers(client):
    layout = page(client, "fr")
    texts = texts_of(layout, [])
    assert "Filtres et couches" in texts
    # Regions named by CLDR, capitalised, in French alphabetical order after the dialogues.
    regions = [option["label"] for option in find(layout, "region")["props"]["options"]]
    assert regions[0] == "Membres du Processus de Bali (en 2023)"
    assert "Sous-région\u00a0: Région micronésienne" in regions
    assert regions.index("Région\u00a0: Afrique") < regions.index("Région\u00a0: Amériques")
    assert any(t.startswith("Télécharger ce qui est affiché\u00a0:") for t in texts)
    with i18n.language("fr"):
        assert fmt.count(1300, 11) == "1\u202f300"
        assert fmt.count(5, 11) == "moins de 11"
        assert fmt.number(22_873_338, "people") == "22,9 millions de personnes"
        assert fmt.years(2005, None) == "depuis 2005"
        assert fmt.number(82_100_000) == "82,1 millions"
    with i18n.language("id"):
        assert fmt.count(1300, 11) == "1.300"
        assert fmt.number(82_100_000) == "82,1 juta"
        assert fmt.number(1_318_683_096, "people") == "1,32 miliar orang"


def test_i18nscreen005_the_script_gets_its_words(client):
    words = find(page(client, "id"), "atlas-words")
    assert words["props"]["hidden"] is True
    table = json.loads(words["props"]["data-words"])
    assert table["Present (P)"] == "Presentasi (P)"
    assert table["Counter-Trafficking Atlas"] == "Atlas Penanggulangan Perdagangan Orang"
    assert all(english != shown for english, shown in table.items() if english != "OK")
    english = json.loads(find(page(client, "en"), "atlas-words")["props"]["data-words"])
    assert all(key == value for key, value in english.items())
    script = open("assets/atlas.js", encoding="utf-8").read()
    for key in table:
        assert json.dumps(key, ensure_ascii=False) in script, key


def test_i18nscreen006_data_is_marked_english(client):
    layout = page(client, "es")
    sources = find(layout, "sources")
    items = sources["props"]["children"][1]["props"]["children"]
    assert items and all(
        item["props"]["children"][0]["props"].get("lang") == "en"
        if isinstance(item["props"]["children"], list)
        else item["props"]["children"]["props"].get("lang") == "en"
        for item in items
    )


def test_i18nscreen007_english_is_unchanged(client):
    texts = texts_of(page(client, "en"), [])
    for english in (
        "Filters and layers",
        "Download what is in view: ",  # as before
        "None ticked: all forms.",
        "Saved views (deck)",
        "Close the profile (Esc)",
        "Present (P)",
    ):
        assert english in texts, english
