"""The languages: catalogs complete and compiled, the language of a request, numbers and names by locale."""

from __future__ import annotations

import re
from pathlib import Path

import flask
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dashboard import graph_locale, i18n

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}


def marked() -> set[tuple[str | None, str]]:
    """(context, message) of every string the code and templates mark, as the catalog tool finds them."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[tuple[str | None, str]] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def catalog(code: str):
    with open(i18n.LOCALE_DIR / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


@pytest.fixture(scope="module")
def strings() -> set[tuple[str | None, str]]:
    return marked()


@pytest.mark.parametrize("code", SHIPPED)
def test_i18n001_catalog_holds_every_marked_string(code, strings):
    held = {
        (message.context, message.id if isinstance(message.id, str) else message.id[0]) for message in catalog(code)
    }
    missing = sorted(message for _context, message in strings - held)
    assert not missing, (
        f"{code}: {len(missing)} marked strings not in the catalog (run scripts/catalogs): {missing[:10]}"
    )


@pytest.mark.parametrize("code", SHIPPED)
def test_i18n002_every_string_translated_with_its_placeholders(code, strings):
    untranslated, broken = [], []
    for message in catalog(code):
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(texts) or message.fuzzy:
            untranslated.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"\{\w*\}", " ".join(ids)))
        for text in texts:
            if set(re.findall(r"\{\w*\}", text)) != wanted and "{n}" not in wanted:
                broken.append((message.id, text))
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not broken, f"{code}: placeholders differ from the English: {broken[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_i18n003_compiled_catalog_matches_its_source(code):
    """The .mo the app reads says what the .po says (scripts/catalogs compiles it)."""
    compiled = i18n.Translations.load(str(i18n.LOCALE_DIR), [code], i18n.DOMAIN)
    stale = [
        message.id
        for message in catalog(code)
        if message.id
        and isinstance(message.id, str)
        and message.string
        and not message.context
        and compiled.gettext(message.id) != message.string
    ]
    assert not stale, f"{code}: messages.mo is older than messages.po (run scripts/catalogs): {stale[:5]}"


def test_i18n004_language_of_a_request():
    assert i18n.request_language("lang=es&region=rcm", ["fr"]) == "es"
    assert i18n.request_language("lang=ES", []) == "es"
    assert i18n.request_language("region=rcm", ["es-SV", "en"]) == "es"
    assert i18n.request_language("", ["de-DE", "fr-CA", "en"]) == "fr"
    assert i18n.request_language("lang=xx", ["id"]) == "id"
    assert i18n.request_language(None, []) == "en"


@pytest.mark.parametrize(("code", "written"), [("en", "1,300"), ("es", "1.300"), ("fr", "1\u202f300"), ("id", "1.300")])
def test_i18n005_numbers_written_by_locale(code, written):
    with i18n.language(code):
        assert i18n.integer(1300) == written
        assert i18n.integer(2_500_000).replace("\u202f", " ").replace(".", ",").replace(" ", ",") == "2,500,000"


def test_i18n006_country_names_from_cldr():
    with i18n.language("fr"):
        assert i18n.country_name("DEU", "Germany") == "Allemagne"
        assert i18n.country_name("XKX", "Kosovo (as the data says)") == "Kosovo (as the data says)"  # not ISO 3166
    with i18n.language("es"):
        assert i18n.country_name("SLV", "El Salvador") == "El Salvador"
        assert i18n.country_name("MYS", "Malaysia") == "Malasia"
    with i18n.language("en"):
        assert i18n.country_name("MYS", "Malaysia (data)") == "Malaysia (data)"


def test_i18n007_language_outside_a_block_is_english():
    with i18n.language("id"):
        assert i18n.lang() == "id"
        with i18n.language("zz"):
            assert i18n.lang() == "en"
        assert i18n.lang() == "id"
    assert i18n.lang() == "en"


def test_i18n008_plotly_words_in_the_page_language():
    """plotly.js's own mode bar words come from the catalogs, with Babel's separators for its ticks;
    each is a word the vendored plotly.js really asks for (an upgrade that renames one fails here)."""
    bundle = (ROOT / "assets" / "vendor" / "plotly-geo.min.js").read_text(encoding="utf-8")
    for english in graph_locale.PLOTLY_WORDS:
        assert f'"{english}"' in bundle
    assert graph_locale.graph_locale() == {"locale": "en"}
    with i18n.language("es"):
        config = graph_locale.graph_locale()
    spanish = config["locales"]["es"]
    assert config["locale"] == "es"
    assert spanish["dictionary"]["Zoom in"] == "Acercar"
    assert all(english != said for english, said in spanish["dictionary"].items())
    assert spanish["format"] == {"decimal": ",", "thousands": "."}
    with i18n.language("fr"):
        assert graph_locale.graph_locale()["locales"]["fr"]["format"]["thousands"] == "\u202f"


def test_i18n009_a_request_leaves_no_language_behind():
    """A Spanish request sets Spanish for its own work only: after it, the thread is English again."""
    server = flask.Flask(__name__)
    seen: list[str] = []
    i18n.install(server, lambda: flask.request.query_string.decode())

    @server.route("/")
    def page() -> str:
        seen.append(i18n.lang())
        return i18n.gettext("Language")

    client = server.test_client()
    with client:
        assert client.get("/?lang=es").get_data(as_text=True) == "Idioma"
        assert seen == ["es"]
    assert i18n.lang() == "en"
    assert client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True) == "Langue"
    assert i18n.lang() == "en"
