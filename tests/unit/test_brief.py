"""The printable country brief: what it says, that it escapes and links nothing, and its route."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import flask
import pytest
from bs4 import BeautifulSoup

from dashboard import i18n
from dashboard.brief import brief_boundaries, brief_html, make_inset, register_brief
from dashboard.config import load_config
from dashboard.data import init_data
from dashboard.profile import country_profile
from geodata import BUNDLED_DIR, load_atlas
from tests.unit.conftest import DataDir

SCRIPT = "<script>alert(1)</script>"
SVG_NS = "http://www.w3.org/2000/svg"


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def boundaries(atlas):
    return brief_boundaries(atlas)


@pytest.fixture(scope="module")
def idn(atlas, boundaries) -> str:
    return brief_html(atlas, "IDN", 2007, 11, boundaries)


def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def rows(page: str, section: str) -> list[list[str]]:
    """The body rows of the table in one section, as the cells' text."""
    table = soup(page).find("section", attrs={"aria-labelledby": section}).find("table")
    return [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


# --- what the brief says ------------------------------------------------------------------------


def test_brief001_indonesia_says_who_where_and_what(idn):
    page = soup(idn)
    assert page.h1.get_text(" ", strip=True) == "Indonesia IDN"
    header = " ".join(page.header.get_text().split())
    assert "South-eastern Asia, Asia" in header and "Bali Process members (as of 2023)" in header
    indicators = {row[0]: row[1:] for row in rows(idn, "indicators")}
    assert indicators["TIP Report tier placement"] == ["Tier 2", "2007", "tier", "U.S. Department of State (2007-06)"]
    assert indicators["Population"][:3] == ["223.5 million", "2007", "people"]
    assert [row[:3] for row in rows(idn, "routes")] == [
        ["Origin, to", "Malaysia", "Forced labour"],
        ["Origin, to", "Malaysia", "Sexual exploitation"],
    ]
    programs = rows(idn, "programs")
    assert [row[0] for row in programs] == ["1", "2"]
    assert programs[0][1].startswith("Protection, return and reintegration of trafficking victims in Indonesia")
    assert "Kramat Jati Police Hospital" in programs[0][3] and "(city centre)" in programs[0][3]
    assert programs[0][5] == "People assisted: 1,300"
    assert programs[1][1] == "President's $50 million initiative to combat trafficking in persons"
    assert "(country only, no site given)" in programs[1][3]
    assert " ".join(page.footer.get_text().split()).startswith("Counter-Trafficking Atlas — generated ")
    assert page.footer.get_text().strip().endswith("— data as cited")


def test_brief002_lists_every_source_on_the_page_once(atlas, idn):
    items = [" ".join(li.get_text().split()) for li in soup(idn).select("ol.sources li")]
    cited = ["iso-3166", "un-m49", "natural-earth", "bali-process-members", "tip-2007", "gapminder", "prm-2007"]
    cited.append("jakarta-post-2005")
    assert len(items) == len(cited)
    for item, source_id in zip(items, cited, strict=True):
        source = atlas.sources.loc[source_id]
        assert item == f"{source['publisher']}. {source['document']}. {source['date']}."


def test_brief003_an_earlier_year_says_latest_before(atlas, boundaries):
    gone = (atlas.indicators["iso3"] == "IDN") & (atlas.indicators["year"] == 2007)
    thinner = type(atlas)(**{**atlas.__dict__, "indicators": atlas.indicators[~gone]})
    indicators = {row[0]: row[1:] for row in rows(brief_html(thinner, "IDN", 2007, 11, boundaries), "indicators")}
    assert indicators["Population"][:2] == ["211.1 million", "2002 (latest before 2007)"]
    assert indicators["TIP Report tier placement"][:2] == ["no data", "—"]


def test_brief004_small_counts_are_not_shown(atlas, boundaries):
    page = brief_html(atlas, "USA", 2007, 11, boundaries)
    assert rows(page, "programs")[0][5] == "Reunited with family: 62 Returned home: fewer than 11"
    assert "Returned home: 5" not in page


def test_brief005_countries_without_routes_or_programs_say_so(atlas, boundaries):
    page = soup(brief_html(atlas, "FRA", 2007, 11, boundaries))
    assert page.find("section", attrs={"aria-labelledby": "routes"}).find(class_="none") is not None
    assert page.find("section", attrs={"aria-labelledby": "programs"}).find(class_="none") is not None


def test_brief006_unknown_country_raises(atlas, boundaries):
    with pytest.raises(KeyError, match="XXX"):
        brief_html(atlas, "XXX", 2007, 11, boundaries)


def test_brief007_notices_are_shown_and_escaped(atlas, boundaries):
    page = brief_html(atlas, "GHA", 2007, 11, boundaries, notices=[f"No data for year {SCRIPT!r}: showing 2007."])
    assert soup(page).find(class_="notice").get_text(strip=True).startswith("No data for year '<script>")
    assert SCRIPT not in page


# --- the map inset --------------------------------------------------------------------------------


def test_brief010_inset_is_an_inline_svg_with_a_description(idn):
    svgs = soup(idn).find_all("svg")
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg["role"] == "img" and svg["viewbox"] == "0 0 480 360"
    assert svg["aria-label"].startswith("Map of Indonesia and its region")
    assert "route partner Malaysia outlined" in svg["aria-label"]
    assert svg.title.get_text() == svg["aria-label"]
    assert len(svg.select("path.country")) == 1
    assert len(svg.select(".partners path")) == 1
    neighbours = {t.get_text() for t in svg.select(".neighbours title")}
    assert {"Malaysia", "Papua New Guinea", "Timor-Leste", "Australia"} <= neighbours
    assert [g["class"] for g in svg.select("g.site")] == [["site"], ["site", "open"]]
    assert [t.get_text() for t in svg.select("g.site text")] == ["1", "2"]
    assert len(str(svg)) < 40_000  # simplified: Indonesia's 50m outline alone is far bigger


def path_xs(svg_path: str) -> list[float]:
    return [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", svg_path)]


@pytest.mark.parametrize("iso3", ["FJI", "RUS", "NZL"])
def test_brief011_countries_across_180_degrees_are_framed_whole(atlas, boundaries, iso3):
    inset = make_inset(atlas, country_profile(atlas, iso3, 2007, 11), boundaries)
    assert inset is not None
    xs = path_xs(soup(str(inset.svg)).select_one("path.country")["d"])
    # Cut at the antimeridian and framed around its centre, not a sliver at each edge of the world.
    assert max(xs) - min(xs) > 100 and min(xs) >= -1 and max(xs) <= 481


def test_brief012_far_territories_do_not_stretch_the_frame(atlas, boundaries):
    inset = make_inset(atlas, country_profile(atlas, "FRA", 2007, 11), boundaries)
    assert inset is not None
    neighbours = {t.get_text() for t in soup(str(inset.svg)).select(".neighbours title")}
    assert {"Spain", "Germany", "Italy"} <= neighbours
    assert "Brazil" not in neighbours  # French Guiana is left out of the frame


def test_brief013_no_outline_no_map(atlas, boundaries):
    assert "TUV" in atlas.countries.index and "TUV" not in boundaries.index
    page = brief_html(atlas, "TUV", 2007, 11, boundaries)
    assert "<svg" not in page and "No outline of Tuvalu" in page
    assert "<svg" not in brief_html(atlas, "IDN", 2007, 11, None)


def test_brief014_boundaries_are_read_once(atlas):
    assert brief_boundaries(atlas) is brief_boundaries(atlas)


# --- nothing from elsewhere, nothing unescaped ----------------------------------------------------


@pytest.mark.parametrize("iso3", ["IDN", "GHA", "USA", "THA"])
def test_brief020_no_url_but_the_svg_namespace(atlas, boundaries, iso3):
    page = brief_html(atlas, iso3, 2007, 11, boundaries)
    assert re.findall(r"https?://[^\s\"'<>]*", page) == [SVG_NS]
    assert not re.search(r"\b(src|href)\s*=|url\(|@import|<link|<script|<img", page, re.IGNORECASE)
    assert "@page { size: A4; margin: 14mm; }" in page


@pytest.fixture(scope="module")
def hostile(atlas, tmp_path_factory) -> str:
    """The IDN brief from a copy of the bundled data with markup in a program's and two countries' names."""
    data = DataDir(Path(shutil.copytree(BUNDLED_DIR, tmp_path_factory.mktemp("hostile") / "data")))
    programs = data.path / "programs.csv"
    row = next(i for i, line in enumerate(programs.read_text().splitlines(), start=1) if "idn-police-hospitals" in line)
    data.set_cell("programs.csv", row, "program", f"Hospital wings {SCRIPT}")
    countries = (data.path / "countries.csv").read_text().splitlines()
    for iso3, name in (("IDN", 'Indo"nesia <b>bold</b>'), ("MYS", f"Malaysia {SCRIPT}")):
        data.set_cell("countries.csv", next(i for i, c in enumerate(countries, 1) if c.startswith(iso3)), "name", name)
    changed = load_atlas(data.path)
    return brief_html(changed, "IDN", 2007, 11, brief_boundaries(changed))


def test_brief021_markup_in_the_data_is_escaped(hostile):
    assert SCRIPT not in hostile and "<b>bold</b>" not in hostile
    assert "Hospital wings &lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    page = soup(hostile)
    assert page.find("script") is None and page.find("b") is None
    assert rows(hostile, "programs")[0][1] == f"Hospital wings {SCRIPT}"
    svg = page.svg
    assert svg["aria-label"].startswith('Map of Indo"nesia <b>bold</b> and its region')
    assert f"route partner Malaysia {SCRIPT} outlined" in svg["aria-label"]
    assert svg.select_one("text.partner-name").get_text() == f"Malaysia {SCRIPT}"


# --- the route ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    """A bare Flask server with the atlas and the brief's route (no Dash app: one per process)."""
    server = flask.Flask(__name__)
    init_data(server, load_config(data_dir=BUNDLED_DIR, cache_type="SimpleCache", suppression_threshold=11))
    register_brief(server)
    i18n.install(server, lambda: flask.request.query_string.decode())  # as the app does: ?lang=
    return server.test_client()


def test_brief030_route_serves_the_brief(client):
    response = client.get("/brief/IDN.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "X-Atlas-Notice" not in response.headers
    page = response.get_data(as_text=True)
    assert "Indonesia" in page and "Tier 2" in page and soup(page).find(class_="notice") is None
    lower = client.get("/brief/idn.html")
    assert (
        lower.status_code == 200 and soup(lower.get_data(as_text=True)).h1.get_text(" ", strip=True) == "Indonesia IDN"
    )


def test_brief031_unknown_country_is_404(client):
    response = client.get("/brief/XXX.html")
    assert response.status_code == 404
    assert "No country with the ISO 3166 alpha-3 code &#39;XXX&#39; in the atlas." in response.get_data(as_text=True)
    escaped = client.get("/brief/%3Cb%3E.html")
    assert escaped.status_code == 404 and "<b>" not in escaped.get_data(as_text=True)


def test_brief032_bad_year_falls_back_with_a_notice(client):
    response = client.get("/brief/GHA.html?year=1899")
    assert response.status_code == 200
    assert response.headers["X-Atlas-Notice"] == "No tip-tier data for year '1899': showing 2007."
    notice = soup(response.get_data(as_text=True)).find(class_="notice")
    assert notice.get_text(strip=True) == "No tip-tier data for year '1899': showing 2007."
    # In Spanish the page says it in Spanish; the header, read by programs, stays ASCII English.
    spanish = client.get("/brief/GHA.html?year=1899&lang=es")
    assert spanish.headers["X-Atlas-Notice"] == "No tip-tier data for year '1899': showing 2007."
    said = soup(spanish.get_data(as_text=True)).find(class_="notice").get_text(strip=True)
    assert "1899" in said and said != "No tip-tier data for year '1899': showing 2007."
    ok = client.get("/brief/GHA.html?indicator=population&year=1997").get_data(as_text=True)
    assert "indicators for 1997" in ok and soup(ok).find(class_="notice") is None
