"""The counted-flow controls in a real browser: how many flows, at what scale, into or out of one country.

The flows are SYNTHETIC: a GLOTIP-layout file made by ``tests.integration.synthetic_glotip``
(made-up counts, dataset "Synthetic GLOTIP-layout routes (not real)"), imported through the
importer into the session's store for these tests only, counted in 2007 so that the first view
(tier placement, 2007) shows them. Each change through the UI is checked three ways: the flows
the map draws, the sentence above the map (the server's own sentence for that URL's view) and
the URL. These tests serve the app on port 8087.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.synthetic_glotip import import_synthetic_glotip
from tests.integration.test_map import wait_for_map

PORT = 8087
YEAR = 2007  # the first view's year

# The counted flows the map draws: each arc's ends (lon, lat) and each ring's place, read from
# the figure plotly.js holds (a flow's arc ends at the point before its ``null``).
DRAWN_FLOWS = """
const gd = document.querySelector("#map .js-plotly-plot");
const arcs = [], rings = [];
for (const t of gd.data) {
  if (t.legendgroup !== "flows") continue;
  if (t.mode === "markers") { t.lon.forEach((x, i) => rings.push([x, t.lat[i]])); continue; }
  let start = null;
  t.lon.forEach((x, i) => {
    if (x !== null) { if (start === null) start = i; return; }
    if (start !== null) arcs.push([[t.lon[start], t.lat[start]], [t.lon[i - 1], t.lat[i - 1]]]);
    start = null;
  });
}
return {arcs: arcs, rings: rings};
"""


@pytest.fixture
def counted_flows(atlas_app, tmp_path):
    """The session's app with the synthetic counted routes imported, and an empty store after."""
    from dashboard.data import loaded, refresh

    def empty() -> None:
        store = loaded().store
        assert store is not None
        for dataset in store.datasets():
            store.remove(dataset.slug)
        refresh(force=True)

    empty()
    store = loaded().store
    assert store is not None
    result = import_synthetic_glotip(store, tmp_path, year=YEAR)
    assert result.dataset.counts["routes"] > 300
    refresh(force=True)
    yield atlas_app
    empty()


def expected_sentence(query: str) -> str:
    """The sentence above the map, as the server writes it for the view of ``query``."""
    from dashboard.data import loaded, view_for
    from dashboard.layout import summary_text

    return summary_text(loaded(), view_for(query))


def ranked(query: str):
    """The flows of ``query``'s view, ranked, as the routes layer ranks them."""
    from dashboard.data import loaded, view_for
    from dashboard.layers.routes import ranked_flows, routes_in_view

    view = view_for(query)
    return ranked_flows(view, loaded().facts, routes_in_view(view))


def drawn(dash_duo) -> dict:
    return dash_duo.driver.execute_script(DRAWN_FLOWS)


def wait_sentence(dash_duo, query: str) -> str:
    sentence = expected_sentence(query)
    dash_duo.wait_for_text_to_equal("#summary", sentence, timeout=15)
    return sentence


def query_params(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlsplit(dash_duo.driver.current_url).query)


def pick(dash_duo, dropdown_id: str, label: str, search: bool = False) -> None:
    """Choose the option ``label`` of a one-value Dash dropdown (typed into its search box first if
    ``search``); choosing closes it."""
    dash_duo.find_element(f"#{dropdown_id}").click()
    box = dash_duo.wait_for_element(".dash-dropdown-search", timeout=5) if search else None
    if box is not None:
        box.send_keys(label)
    find = (
        "return [...document.querySelectorAll('[role=option]')]"
        ".find(o => o.textContent.trim() === arguments[0]) || null;"
    )
    for _ in range(20):
        option = WebDriverWait(dash_duo.driver, 5).until(lambda driver: driver.execute_script(find, label))
        try:
            option.click()
            break
        except StaleElementReferenceException:
            continue


def choose_radio(dash_duo, radio_id: str, label: str) -> None:
    labels = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{radio_id} label")
    next(element for element in labels if element.text.strip() == label).click()


def wait_drawn(dash_duo, count: int, timeout: float = 10) -> dict:
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda driver: len(drawn(dash_duo)["arcs"]) + len(drawn(dash_duo)["rings"]) == count
    )
    return drawn(dash_duo)


def test_flow001_number_of_flows_drawn(dash_duo, counted_flows):
    dash_duo.start_server(counted_flows, port=PORT)
    wait_for_map(dash_duo)
    every = ranked("?")
    assert len(every.flows) > 50, "the synthetic data should have more flows than the default 50"
    sentence = wait_sentence(dash_duo, "?")
    assert "(the strongest 50 drawn;" in sentence
    wait_drawn(dash_duo, 50)

    pick(dash_duo, "flows", "strongest 10")
    sentence = wait_sentence(dash_duo, "?flows=10")
    assert "(the strongest 10 drawn;" in sentence
    assert f"{len(every.flows) - 10} other flows not drawn" in sentence
    wait_drawn(dash_duo, 10)
    assert query_params(dash_duo)["flows"] == ["10"]

    pick(dash_duo, "flows", "all")
    sentence = wait_sentence(dash_duo, "?flows=all")
    assert "other flow" not in sentence
    wait_drawn(dash_duo, len(every.flows))
    assert query_params(dash_duo)["flows"] == ["all"]

    # The URL opens the same view: the control shows its value, the map and the sentence follow.
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?flows=25")
    wait_for_map(dash_duo)
    wait_sentence(dash_duo, "?flows=25")
    wait_drawn(dash_duo, 25)
    assert dash_duo.find_element("#flows").text.strip().startswith("strongest 25")
    assert dash_duo.get_logs() == []


def test_flow002_flows_between_sub_regions(dash_duo, counted_flows):
    dash_duo.start_server(counted_flows, port=PORT)
    wait_for_map(dash_duo)
    wait_drawn(dash_duo, 50)
    by_subregion = ranked("?flowscale=subregion")
    assert 0 < len(by_subregion.flows) < len(ranked("?").flows)

    choose_radio(dash_duo, "flowscale", "UN sub-regions")
    sentence = wait_sentence(dash_duo, "?flowscale=subregion")
    assert f"{len(by_subregion.flows)} counted flows between UN sub-regions, people counted in {YEAR}" in sentence
    shown = wait_drawn(dash_duo, len(by_subregion.drawn))
    assert shown["rings"], "flows within one sub-region are drawn as rings"
    assert query_params(dash_duo)["flowscale"] == ["subregion"]
    key = [e.text for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#legend li")]
    assert "Ring: within one sub-region" in key

    choose_radio(dash_duo, "flowscale", "countries")
    wait_sentence(dash_duo, "?")
    wait_drawn(dash_duo, 50)
    assert "flowscale" not in query_params(dash_duo)  # the default is left out of the URL
    assert dash_duo.get_logs() == []


def test_flow003_flows_into_and_out_of_one_country(dash_duo, counted_flows):
    from dashboard.data import loaded

    point = tuple(round(v, 2) for v in loaded().facts.label_points["MYS"])
    dash_duo.start_server(counted_flows, port=PORT)
    wait_for_map(dash_duo)
    wait_drawn(dash_duo, 50)

    pick(dash_duo, "flowcountry", "Malaysia", search=True)
    both = ranked("?flowcountry=MYS")
    sentence = wait_sentence(dash_duo, "?flowcountry=MYS")
    assert "into or out of Malaysia" in sentence
    shown = wait_drawn(dash_duo, len(both.drawn))
    ends = [tuple(round(v, 2) for v in end) for arc in shown["arcs"] for end in arc]
    assert all(point in (tuple(round(v, 2) for v in a), tuple(round(v, 2) for v in b)) for a, b in shown["arcs"]), ends
    assert query_params(dash_duo)["flowcountry"] == ["MYS"]

    choose_radio(dash_duo, "flowdir", "into it")
    into = ranked("?flowcountry=MYS&flowdir=in")
    sentence = wait_sentence(dash_duo, "?flowcountry=MYS&flowdir=in")
    assert "into Malaysia" in sentence and "out of" not in sentence
    shown = wait_drawn(dash_duo, len(into.drawn))
    assert shown["arcs"] and all(tuple(round(v, 2) for v in b) == point for __, b in shown["arcs"])
    assert query_params(dash_duo)["flowdir"] == ["in"]

    choose_radio(dash_duo, "flowdir", "out of it")
    out = ranked("?flowcountry=MYS&flowdir=out")
    sentence = wait_sentence(dash_duo, "?flowcountry=MYS&flowdir=out")
    assert "out of Malaysia" in sentence
    shown = wait_drawn(dash_duo, len(out.drawn))
    assert shown["arcs"] and all(tuple(round(v, 2) for v in a) == point for a, __ in shown["arcs"])
    assert query_params(dash_duo)["flowdir"] == ["out"]

    # Reloaded from its URL, the view is the same, the controls set as they were.
    dash_duo.wait_for_page(dash_duo.driver.current_url)
    wait_for_map(dash_duo)
    wait_sentence(dash_duo, "?flowcountry=MYS&flowdir=out")
    wait_drawn(dash_duo, len(out.drawn))
    assert dash_duo.find_element("#flowcountry").text.strip().startswith("Malaysia")
    checked = dash_duo.driver.find_element(By.CSS_SELECTOR, "#flowdir input:checked")
    assert checked.get_attribute("value") == "out"
    assert dash_duo.get_logs() == []


def test_flow004_flows_from_one_region_to_another(dash_duo, counted_flows):
    """The two region dropdowns: only the flows out of A, then only those from A to B; the URL and
    the sentence say so."""
    from dashboard.data import loaded

    facts, groups = loaded().facts, loaded().groups
    points = {iso3: tuple(round(v, 2) for v in point) for iso3, point in facts.label_points.items()}
    south_east = {points[c] for c in groups["south-eastern-asia"].members if c in points}
    eastern = {points[c] for c in groups["eastern-asia"].members if c in points}
    dash_duo.start_server(counted_flows, port=PORT)
    wait_for_map(dash_duo)
    wait_drawn(dash_duo, 50)

    pick(dash_duo, "flowfrom", "Sub-region: South-eastern Asia", search=True)
    out_of = ranked("?flowfrom=south-eastern-asia")
    assert "flows out of South-eastern Asia" in wait_sentence(dash_duo, "?flowfrom=south-eastern-asia")
    shown = wait_drawn(dash_duo, len(out_of.drawn))
    assert shown["arcs"] and all(tuple(round(v, 2) for v in a) in south_east for a, __ in shown["arcs"])
    assert query_params(dash_duo)["flowfrom"] == ["south-eastern-asia"]

    pick(dash_duo, "flowto", "Sub-region: Eastern Asia", search=True)
    query = "?flowfrom=south-eastern-asia&flowto=eastern-asia"
    between = ranked(query)
    assert "flows from South-eastern Asia to Eastern Asia" in wait_sentence(dash_duo, query)
    shown = wait_drawn(dash_duo, len(between.drawn))
    ends = [(tuple(round(v, 2) for v in a), tuple(round(v, 2) for v in b)) for a, b in shown["arcs"]]
    assert ends and all(a in south_east and b in eastern for a, b in ends), ends
    assert query_params(dash_duo)["flowto"] == ["eastern-asia"]
    assert dash_duo.get_logs() == []
