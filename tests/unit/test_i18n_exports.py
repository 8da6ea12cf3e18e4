"""The country brief and the HTML map export in Spanish, French and Indonesian: the atlas's own
words translated, the page's ``lang`` its language, and data (sources, program names, sites) in
elements marked ``lang="en"``, as the source wrote it."""

from __future__ import annotations

import datetime as dt

import folium
import pytest
from bs4 import BeautifulSoup

from dashboard import i18n
from dashboard.brief import brief_boundaries, brief_html
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup
from dashboard.exports.elements import PageData
from dashboard.exports.folium_map import _key, export_view_html
from geodata import load_atlas
from tests.english import data_strings, english_in, english_words, without_data
from tests.unit.test_export_html import Exporter

CODES = ["es", "fr", "id"]
DAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def boundaries(atlas):
    return brief_boundaries(atlas)


@pytest.fixture(scope="module")
def data(atlas) -> list[str]:
    return data_strings(atlas)


@pytest.fixture(scope="module")
def exporter(atlas) -> Exporter:
    return Exporter(atlas)


def brief(atlas, boundaries, iso3: str, code: str) -> str:
    with i18n.language(code):
        return brief_html(atlas, iso3, 2007, 11, boundaries, generated=DAY)


def own_texts(soup: BeautifulSoup, code: str) -> list[str]:
    """The texts a reader gets in the page's language ``code``: data (``lang="en"``) left out."""
    for foreign in soup.select("[lang]"):
        if foreign.name != "html" and foreign.get("lang") != code:
            foreign.decompose()
    for tag in soup(["script", "style"]):
        tag.decompose()
    texts = list(soup.stripped_strings)
    texts += [tag[attr] for attr in ("title", "aria-label", "alt") for tag in soup.select(f"[{attr}]")]
    return texts


def no_english(texts: list[str], code: str, data: list[str]) -> None:
    assert english_in(texts, code) == []
    assert english_words(without_data(texts, data)) == []


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("iso3", ["GTM", "IDN", "FRA", "TUV"])
def test_i18nexp001_brief_has_no_english(atlas, boundaries, data, iso3, code):
    page = brief(atlas, boundaries, iso3, code)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html is not None and soup.html["lang"] == code
    no_english(own_texts(soup, code), code, data)


def test_i18nexp002_brief_speaks_spanish(atlas, boundaries):
    soup = BeautifulSoup(brief(atlas, boundaries, "IDN", "es"), "html.parser")
    assert soup.title.get_text() == "Indonesia: ficha de país, Atlas contra la trata de personas"
    assert soup.find(id="routes").get_text() == "Papel en las rutas de trata"
    headers = [th.get_text() for th in soup.find("section", attrs={"aria-labelledby": "indicators"}).select("th")]
    assert headers == ["Indicador", "Valor", "Año", "Unidad", "Fuente"]
    label = soup.svg["aria-label"]
    assert label.startswith("Mapa de Indonesia y su región: Indonesia en color, países vecinos en gris")
    assert "Malasia, vinculado por rutas, con contorno" in label  # CLDR's name, the partner singular
    assert "Malasia" in {t.get_text() for t in soup.select("svg .neighbours title")}
    assert "menos de 11" in soup.find(class_="aside").get_text()
    assert "4 de diciembre de 2026" in soup.footer.get_text()
    units = [tr.select("td")[3].get_text() for tr in soup.find(id="indicators").find_next("tbody").select("tr")]
    assert "personas" in units and "años" in units
    # Data stays as its source wrote it, marked as English.
    assert soup.select_one("ol.sources")["lang"] == "en"
    program = soup.find("section", attrs={"aria-labelledby": "programs"}).select_one("tbody tr td:nth-of-type(2)")
    assert program["lang"] == "en" and program.get_text().startswith("Protection, return and reintegration")


def test_i18nexp003_french_and_indonesian_briefs(atlas, boundaries):
    fr = BeautifulSoup(brief(atlas, boundaries, "GTM", "fr"), "html.parser")
    assert fr.find(class_="none").get_text() == "Guatemala\u00a0: aucune route de l’atlas n’y commence ni n’y aboutit."
    assert "«\u00a0moins de 11\u00a0»" in fr.find(class_="aside").get_text()
    indonesian = BeautifulSoup(brief(atlas, boundaries, "TUV", "id"), "html.parser")
    assert "Tidak ada garis batas Tuvalu dalam berkas batas: tidak ada peta." in indonesian.get_text()


def test_i18nexp004_english_brief_is_unchanged(atlas, boundaries):
    page = brief(atlas, boundaries, "IDN", "en")
    assert '<html lang="en">' in page and ' lang="en"' not in page.split("<html", 1)[1].split(">", 1)[1]
    assert "<title>Indonesia: country brief, Counter-Trafficking Atlas</title>" in page
    assert "route partner Malaysia outlined" in page
    assert "Counter-Trafficking Atlas — generated 2026-12-04 — data as cited" in page


def overlay(page: str) -> BeautifulSoup:
    """What the export writes itself around the map: the key's frame and the source line (the
    key's groups are the layers' own words, the title the app's)."""
    soup = BeautifulSoup(page, "html.parser")
    foot = soup.select_one(".atlas-foot")
    assert foot is not None
    for group in foot.select(".atlas-legend h3, .atlas-legend ul, .atlas-legend p, .atlas-legend div"):
        group.decompose()
    wrapper = BeautifulSoup(f'<html lang="{soup.html["lang"]}"><body>{foot}</body></html>', "html.parser")
    return wrapper


@pytest.mark.parametrize("code", CODES)
def test_i18nexp010_export_frame_has_no_english(exporter, data, code):
    with i18n.language(code):
        page = exporter.page("?region=rcm&layers=choropleth~roles~routes~programs")
    assert f'<html lang="{code}">' in page
    soup = overlay(page)
    texts = own_texts(soup, code)
    assert texts  # the key's heading, the sources' label
    no_english(texts, code, data)
    citations = BeautifulSoup(page, "html.parser").select(".atlas-sources > span")
    assert len(citations) >= 2 and all(c["lang"] == "en" for c in citations)


def test_i18nexp011_export_speaks_spanish_and_english_stays(exporter):
    with i18n.language("es"):
        page = exporter.page("")
    es = BeautifulSoup(page, "html.parser")
    # Leaflet's own control titles, set in the page's language once the map is made.
    assert '".leaflet-control-zoom-in": "Acercar"' in page and '"Capas"' in page
    assert es.select_one(".atlas-legend h2").get_text() == "Leyenda"
    assert es.select_one(".atlas-legend")["aria-label"] == "Leyenda"
    assert es.select_one(".atlas-sources b").get_text() == "Fuentes:"
    en = exporter.page("")
    assert '<html lang="en">' in en and '<div class="atlas-sources"><b>Sources:</b> U.S.' in en
    assert "var words = " not in en  # Leaflet's English titles stand


def test_i18nexp012_key_and_tooltips_translated_where_shown():
    """A layer declares its key's words in English (``N_``); the export translates them, and a
    country's tooltip is its CLDR name."""
    with i18n.language("es"):
        groups = _key([KeyGroup("Indicators", (KeyEntry("people", "<svg/>"), KeyEntry("Lake Volta", "<svg/>")))])
        canvas = Canvas(folium.Map(tiles=None), PageData(), {"DEU": "Germany"}, ("DEU",))
        tip = canvas.tip("DEU")
    assert groups[0]["title"] == "Indicadores"
    assert [e["label"] for e in groups[0]["entries"]] == ["personas", "Lake Volta"]
    assert tip == "<b>Alemania</b>"


def test_i18nexp013_export_view_html_is_importable_as_before(exporter):
    # The signature the app calls (dashboard/downloads.py) is unchanged.
    view = exporter.view("?region=rcm")
    with i18n.language("fr"):
        page = export_view_html(view, exporter.facts, exporter.boundaries, "Titre")
    assert "<title>Titre</title>" in page and "Sources\u00a0:" in page


def test_i18nexp005_brief_cells_whatever_language_the_profile_writes(atlas):
    """A value's cell holds the number without its unit, written as the language writes it alone
    (Spanish "12,6 millones", where the profile's sentence says "12,6 millones de personas"), and a
    translated label is not taken for English data."""
    from dashboard.brief import _english, _value
    from dashboard.profile import country_profile

    for code, whole, cell in (("es", "millones de personas", "millones"), ("en", "million people", "million")):
        with i18n.language(code):
            (population,) = [r for r in country_profile(atlas, "GTM", 2007, 11).readings if r.indicator == "population"]
            assert population.text.endswith(whole) and _value(population).endswith(cell)
            assert _value(population) == population.text.removesuffix(whole).rstrip() + " " + cell
    with i18n.language("es"):
        assert _english("Población") == "" and _english("Population") == ""  # a message, either language
        assert _english("Kramat Jati Police Hospital") == ' lang="en"'  # data
        assert _english("3.541") == ""  # a number
