"""Add data in a real browser: drop files, watch the report, find the new rows on the map."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import outside_hosts, requested_urls

# Synthetic files (made up for this test, not UNODC's or anyone's figures), in GLOTIP's
# published layout and in the atlas's programs template.
GLOTIP = """\
Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,Unit of measurement,txtVALUE,Source
MYS,Malaysia,Asia,South-eastern Asia,Detected trafficking victims,Total,Total,Total,Total,2018,Counts,"1,282",GLOTIP
MYS,Malaysia,Asia,South-eastern Asia,Detected trafficking victims,by citizenship,Indonesia,Total,Total,2018,Counts,140,GLOTIP
MYS,Malaysia,Asia,South-eastern Asia,Detected trafficking victims,by citizenship,Camboya,Total,Total,2018,Counts,<5,GLOTIP
SAM,,,,Detected trafficking victims,Total,Total,Total,Total,2018,Counts,900,GLOTIP
"""  # noqa: E501
PROGRAMS = """\
program_id,program,types,iso3,site,lon,lat,site_precision,reported_year,people_assisted
syn-accra,Synthetic shelter <script>alert(1)</script>,protection,GHA,Accra,-0.19,5.6,city,2018,40
"""


@pytest.fixture
def clean_store(atlas_app):
    """The session's app with an empty store before and after (other tests expect only bundled data)."""
    from dashboard.data import loaded, refresh

    def empty() -> None:
        store = loaded().store
        assert store is not None
        for dataset in store.datasets():
            store.remove(dataset.slug)
        refresh(force=True)

    empty()
    yield atlas_app
    empty()


def drop(dash_duo, path: Path) -> None:
    dash_duo.driver.execute_script("document.getElementById('add-data').open = true;")
    # dcc.Upload is a lazy component: it may come after the map is drawn.
    field = dash_duo.wait_for_element("#add-data-upload input[type=file]", timeout=20)
    field.send_keys(str(path))


def test_import001_glotip_and_programs_come_in_with_a_report(dash_duo, clean_store, tmp_path):
    glotip = tmp_path / "glotip-synthetic.csv"
    glotip.write_text(GLOTIP, encoding="utf-8")
    programs = tmp_path / "my-programs.csv"
    programs.write_text(PROGRAMS, encoding="utf-8")
    dash_duo.start_server(clean_store)
    dash_duo.wait_for_element("#map .choroplethlayer path", timeout=20)

    drop(dash_duo, glotip)
    # The page reloads on the new data, the report kept for the session and shown again.
    dash_duo.wait_for_contains_text(
        "#add-data-report", "Imported “glotip-synthetic” (1 indicator value, 2 routes).", timeout=60
    )
    report = dash_duo.find_element("#add-data-report").text
    assert "rows read: 4" in report and "rows used: 3" in report
    assert "1 regional aggregate, not a country" in report
    assert "glotip-synthetic.csv:5: Iso3_code:" in report
    assert dash_duo.find_element("#add-data-progress").text in ("done", "")
    assert "glotip-synthetic" in dash_duo.find_element("#dataset-list").text

    drop(dash_duo, programs)
    dash_duo.wait_for_contains_text("#add-data-report", "Imported “my-programs”", timeout=60)
    assert "my-programs" in dash_duo.find_element("#dataset-list").text

    # The new indicator, its year and the new flows: on the map, in the key and in the tables.
    dash_duo.driver.get(dash_duo.server_url + "/?indicator=detected-victims&year=2018")
    dash_duo.wait_for_element("#map .choroplethlayer path", timeout=20)
    dash_duo.wait_for_contains_text("#routes-grid", "Indonesia", timeout=20)
    routes = dash_duo.find_element("#routes-grid").text
    assert "fewer than 5" in routes and "140" in routes  # "<5" stays suppressed, never 0 or 5
    assert "Cambodia" in routes
    dash_duo.wait_for_contains_text("#programs-grid", "Synthetic shelter <script>alert(1)</script>", timeout=20)
    assert "Detected trafficking victims" in dash_duo.find_element("#legend").text
    # On the map: Malaysia coloured by the new indicator, the new flows and the new site drawn.
    drawn = dash_duo.driver.execute_script(
        """
        const data = document.getElementById('map').querySelector('.js-plotly-plot').data;
        const ids = data.flatMap(t => (t.customdata || []).map(c => Array.isArray(c) ? c[c.length - 1] : c))
                        .filter(c => typeof c === 'string');
        const coloured = data.filter(t => t.type === 'choropleth' && t.z)
                             .flatMap(t => t.locations.filter((l, i) => t.z[i] !== null && t.z[i] !== undefined));
        return {ids: ids, coloured: coloured};
        """
    )
    assert "MYS" in drawn["coloured"]
    assert any(i.startswith("route:glotip-synthetic:") for i in drawn["ids"]), drawn["ids"]
    assert "program:my-programs:syn-accra" in drawn["ids"]
    assert "imported from glotip-synthetic.csv" in dash_duo.find_element("#sources").text
    assert outside_hosts(requested_urls(dash_duo.driver)) == []
    assert dash_duo.get_logs() == []


def test_import002_a_bad_file_is_refused_and_nothing_changes(dash_duo, clean_store, tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("when,what\nmonday,meeting\n", encoding="utf-8")
    dash_duo.start_server(clean_store)
    dash_duo.wait_for_element("#map .choroplethlayer path", timeout=20)
    drop(dash_duo, bad)
    dash_duo.wait_for_contains_text("#add-data-report", "notes.csv was not imported; nothing was stored", timeout=60)
    assert (
        "notes.csv:1: -: matches no known layout; its columns: when, what"
        in dash_duo.find_element("#add-data-report").text
    )
    assert "No imported datasets yet." in dash_duo.find_element("#dataset-list").text
    assert dash_duo.get_logs() == []


def test_import003_a_file_over_the_limit_is_named_not_ignored(dash_duo, clean_store, tmp_path):
    big = tmp_path / "big.csv"
    # Over the (lowered) limit the page states; dcc.Upload's own limit is not lowered, so the file
    # still travels: it matches no layout, so that nothing is stored after the test has ended.
    big.write_text("when,what\n2007,a line of text\n" * 20, encoding="utf-8")
    dash_duo.start_server(clean_store)
    dash_duo.wait_for_element("#map .choroplethlayer path", timeout=20)
    # The map is drawn before the other lazy components (dcc.Upload) have come: wait for its input.
    dash_duo.wait_for_element("#add-data-upload input[type=file]", timeout=20)
    # The limit as the page states it, lowered so that a small file is over it.
    dash_duo.driver.execute_script(
        "document.getElementById('add-data-drop').setAttribute('data-max-bytes', '100');"
        "document.querySelector('#add-data-upload input[type=file]').removeAttribute('accept');"
    )
    drop(dash_duo, big)
    dash_duo.wait_for_contains_text(
        "#add-data-too-big", "big.csv is 0 MB; the largest file accepted is 0 MB", timeout=10
    )
    assert "No imported datasets yet." in dash_duo.find_element("#dataset-list").text
