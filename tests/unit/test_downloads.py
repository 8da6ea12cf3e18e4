"""``/download/<table>.csv``: the pure parts on the tiny atlas, then the routes of the one app."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.data import AtlasData
from dashboard.downloads import _defuse, suppress_small_counts, table_in_view, with_sources
from dashboard.layers import facts_of
from dashboard.state import ViewState
from dashboard.view import build_view, make_choices, region_groups
from geodata import load_atlas

SOURCE_COLUMNS = ["source_publisher", "source_document", "source_date"]


@pytest.fixture(scope="module")
def data(more_data) -> AtlasData:
    return more_data


def table(data: AtlasData, name: str, **changes) -> pd.DataFrame:
    state = ViewState(**{"indicator": "tip-tier", "year": 2007, **changes})
    return table_in_view(data, build_view(data.atlas, state, data.groups), name)


# --- the tables in view -----------------------------------------------------------------------


def test_programs_in_view(data):
    frame = table(data, "programs", regions=("rcm",))
    assert list(frame["program_id"]) == ["mex-shelter", "usa-return"]
    assert "map_lon" not in frame and "map_lat" not in frame
    assert list(frame.columns[-3:]) == SOURCE_COLUMNS
    assert list(table(data, "programs", types=("prevention",))["types"]) == [
        "prevention;protection;return-reintegration",
        "prevention;protection",
    ]


def test_routes_in_view(data):
    frame = table(data, "routes", forms=("forced-labour",), regions=("bali-process",))
    assert list(frame["route_id"]) == ["tha-idn-labour", "unnamed-mys-labour"]
    assert list(frame["source_publisher"]) == [
        "U.S. Department of State",
        "U.S. Department of State | U.S. Department of State",
    ]
    assert list(frame["source_date"]) == ["2007-04-11", "2007-04-11 | 2007-06"]


def test_indicators_in_view(data):
    frame = table(data, "indicators", indicator="population", regions=("bali-process",))
    assert list(frame.columns) == [
        "iso3", "name", "indicator", "label", "year", "value", "unit", "category", "suppressed", "source", "note",
        *SOURCE_COLUMNS,
    ]  # fmt: skip
    rows = frame.set_index("iso3")
    assert set(rows.index) == {"IDN", "THA", "USA"}
    assert rows.loc["THA", "year"] == 1997 and rows.loc["THA", "value"] == 60216677
    # A suppressed value stays out, and says why.
    assert pd.isna(rows.loc["IDN", "value"]) and rows.loc["IDN", "note"] == "fewer than 11"
    assert rows.loc["USA", "note"] == "" and rows.loc["USA", "label"] == "Population"
    assert set(frame["source_publisher"]) == {"Gapminder Foundation"}


def test_a_suppressed_value_is_left_out_of_the_table(more):
    more.set_cell("indicators.csv", 7, "value", "8")  # IDN population 2007, suppressed=true
    atlas = load_atlas(more.path)
    groups = region_groups(atlas.countries)
    data = AtlasData(atlas, groups, make_choices(atlas, groups, ["choropleth"]), facts_of(atlas, 11))
    rows = table(data, "indicators", indicator="population").set_index("iso3")
    assert pd.isna(rows.loc["IDN", "value"]) and rows.loc["IDN", "note"] == "fewer than 11"
    assert rows.loc["GHA", "value"] == 22873338


def test_no_such_table(data):
    with pytest.raises(KeyError):
        table(data, "figures")


# --- sources, suppression, CSV injection ------------------------------------------------------


def test_with_sources(more_atlas):
    frame = pd.DataFrame({"row": [1, 2, 3], "source": ["prm-2007", "tip-2007;gapminder", "nowhere"]})
    out = with_sources(frame, more_atlas.sources)
    assert list(out["source_publisher"]) == [
        "U.S. Department of State",
        "U.S. Department of State | Gapminder Foundation",
        "",
    ]
    assert list(out["source_document"]) == [
        "Fact sheet: Combating Trafficking in Persons",
        "Trafficking in Persons Report, June 2007 | Gapminder data excerpt",
        "",
    ]
    assert list(out["source_date"]) == ["2007-04-11", "2007-06 | 2007", ""]
    assert list(frame.columns) == ["row", "source"]  # the input is left alone


def test_suppress_small_counts():
    frame = pd.DataFrame(
        {
            "people_assisted": pd.array([5, 62, None, 0, 10, 11], dtype="Int64"),
            "count": pd.array([1, None, 1500, 12, 3, 100], dtype="Int64"),
            "year": pd.array([5, 5, 5, 5, 5, 5], dtype="Int64"),
        }
    )
    out = suppress_small_counts(frame, 11)
    assert list(out["people_assisted"].astype(object).fillna("NA")) == ["<11", "62", "NA", "0", "<11", "11"]
    assert list(out["count"].astype(object).fillna("NA")) == ["<11", "NA", "1500", "12", "<11", "100"]
    assert list(out["year"]) == [5] * 6  # not a count of people
    assert list(frame["people_assisted"].fillna(-1)) == [5, 62, -1, 0, 10, 11]


def test_suppress_small_counts_with_another_threshold():
    frame = pd.DataFrame({"people_returned": pd.array([5, 2], dtype="Int64")})
    assert list(suppress_small_counts(frame, 3)["people_returned"]) == ["5", "<3"]


def test_defuse_formulas():
    frame = pd.DataFrame(
        {
            "text": ["=cmd()", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", None],
            "number": [-5, 1, 2, 3, 4, 5, 6, 7, 8],
            "real": [-0.65, 1.5, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = _defuse(frame)
    assert list(out["text"][:8]) == ["'=cmd()", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b"]
    assert out["text"].isna().iloc[8]
    pd.testing.assert_series_equal(out["number"], frame["number"])
    pd.testing.assert_series_equal(out["real"], frame["real"])
    assert frame["text"].iloc[0] == "=cmd()"  # the input is left alone


def test_defuse_string_dtype():
    frame = pd.DataFrame({"text": pd.array(["=HYPERLINK(x)", pd.NA, "ok"], dtype="string")})
    assert list(_defuse(frame)["text"].astype(object).fillna("NA")) == ["'=HYPERLINK(x)", "NA", "ok"]


# --- the real routes, on the one app of the session ---------------------------------------------


@pytest.fixture(scope="module")
def client(atlas_app):
    return atlas_app.server.test_client()


@pytest.fixture(scope="module")
def bundled():
    return load_atlas()


def csv_of(response) -> pd.DataFrame:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    return pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype=str, keep_default_na=False)


def test_programs_of_a_dialogue(client):
    response = client.get("/download/programs.csv?region=rcm")
    assert response.headers["Content-Disposition"] == 'attachment; filename="atlas-programs.csv"'
    assert "X-Atlas-Notice" not in response.headers
    frame = csv_of(response)
    assert sorted(frame["iso3"]) == ["CRI", "MEX", "USA"]
    assert sorted(frame["program_id"]) == ["initiative-50m-mex", "rcm-capacity-building", "usa-return-reunification"]
    assert set(SOURCE_COLUMNS) <= set(frame.columns) and "map_lon" not in frame
    assert all(frame["source_publisher"].str.startswith("U.S. Department of State"))
    assert all(frame["source_date"].str.startswith("2007-04-11"))
    usa = frame.set_index("program_id").loc["usa-return-reunification"]
    # Small counts are written as GLOTIP writes them; larger ones and coordinates stay numbers.
    assert (usa["people_reunited"], usa["people_returned"], usa["lon"]) == ("62", "<11", "-77.037")
    assert usa["types"] == "return-reintegration"


def test_routes_of_a_form(client, bundled):
    frame = csv_of(client.get("/download/routes.csv?form=sexual-exploitation"))
    assert sorted(frame["route_id"]) == ["dom-arg-sexual", "idn-mys-sexual"]
    assert set(frame["form"]) == {"sexual-exploitation"}
    assert set(frame["source_document"]) == {bundled.sources.loc["prm-2007", "document"]}
    # The count the source gives only in words travels with the row.
    assert frame.set_index("route_id").loc["idn-mys-sexual", "count_note"].startswith("several hundred")


def test_indicators_of_a_region_and_year(client, bundled):
    frame = csv_of(client.get("/download/indicators.csv?indicator=life-expectancy&year=1997&region=africa"))
    africa = set(bundled.countries.index[bundled.countries["un_region"] == "Africa"])
    rows = bundled.indicators[
        (bundled.indicators["indicator"] == "life-expectancy") & (bundled.indicators["year"] <= 1997)
    ]
    rows = rows[rows["iso3"].isin(africa)]
    latest = rows.loc[rows.groupby("iso3")["year"].idxmax()].set_index("iso3")
    assert len(latest) > 40
    got = frame.set_index("iso3")
    assert set(got.index) == set(latest.index)
    for iso3, row in latest.iterrows():
        assert int(got.loc[iso3, "year"]) == row["year"]
        assert float(got.loc[iso3, "value"]) == pytest.approx(float(row["value"]))
    assert set(frame["label"]) == {"Life expectancy at birth"} and set(frame["unit"]) == {"years"}
    assert set(frame["source_publisher"]) == {"Gapminder Foundation"}


def test_junk_parameters_fall_back_with_a_notice(client):
    response = client.get("/download/programs.csv?region=atlantis&type=<script>&colour=red")
    frame = csv_of(response)
    assert response.headers["X-Atlas-Notice"] == (
        "Unknown parameter 'colour' ignored. Unknown region 'atlantis' ignored."
        " Unknown program type '<script>' ignored."
    )
    assert frame.equals(csv_of(client.get("/download/programs.csv")))
    assert len(frame) == 13


def test_a_notice_header_stays_ascii(client):
    response = client.get("/download/routes.csv?region=%C3%A5land")
    csv_of(response)
    assert response.headers["X-Atlas-Notice"] == "Unknown region '?land' ignored."


def test_no_such_table_is_404(client):
    assert client.get("/download/nothing.csv").status_code == 404
    assert client.get("/download/figures.csv").status_code == 404


def test_a_year_of_superscript_digits_is_junk_not_an_error(client):
    response = client.get("/download/programs.csv?year=%C2%B2")
    assert response.status_code == 200
    assert response.headers["X-Atlas-Notice"].startswith("No tip-tier data for year")


def test_the_html_map_opens_in_the_browser_and_can_still_be_saved(client, atlas_app):
    response = client.get("/export/map.html?region=rcm")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'inline; filename="atlas-map.html"'
    # The page's two links: one opens it in a new tab, the other saves it.
    from dashboard.layout import create_downloads

    links = {
        link.id: link
        for link in create_downloads("?region=rcm").children
        if str(getattr(link, "id", "")).startswith("export-html")
    }
    assert links["export-html"].target == "_blank" and links["export-html"].rel == "noopener"
    assert links["export-html-download"].download == "atlas-map.html"
    assert {link.href for link in links.values()} == {"/export/map.html?region=rcm"}
