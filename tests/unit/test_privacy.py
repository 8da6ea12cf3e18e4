"""Small counts of people stay hidden: in free-text notes (``geodata.privacy``) and in every export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import dashboard.data
from geodata import load_atlas
from geodata.privacy import FREE_TEXT, RevealingNote, numbers_in, revealing_notes
from tests.unit.conftest import DataDir, add_rows
from tests.unit.test_injection import Exported, export_all

OLD_NOTE = (
    "62 people reunited with their families in the United States; five victims returned voluntarily to their "
    "countries of origin."
)
NEW_NOTE = (
    "62 people reunited with their families in the United States; a small number of victims (fewer than 11) "
    "returned voluntarily to their countries of origin."
)
COUNTS = ("people_assisted", "people_reunited", "people_returned")


def programs(*rows: tuple[object, object, object, str]) -> pd.DataFrame:
    """A programs table of (people_assisted, people_reunited, people_returned, figures_note) rows."""
    frame = pd.DataFrame(rows, columns=[*COUNTS, "figures_note"], index=[f"p{i}" for i in range(len(rows))])
    return frame.astype({c: "Int64" for c in COUNTS})


# --- the rule -------------------------------------------------------------------------------------


def test_the_old_usa_note_gives_the_suppressed_count_away():
    found = revealing_notes(programs((None, 62, 5, OLD_NOTE)), COUNTS, ["figures_note"], 11)
    assert found == [RevealingNote("p0", "figures_note", found[0].message)]
    assert "'five'" in found[0].message and "people_returned" in found[0].message


def test_the_new_usa_note_passes():
    assert revealing_notes(programs((None, 62, 5, NEW_NOTE)), COUNTS, ["figures_note"], 11) == []


@pytest.mark.parametrize(
    "note",
    [
        "Some 1,500 children assisted in four years (to April 2007).",
        "Over 1,300 victims assisted; the recovery centre opened 10 June 2005.",
        "Part of the $50 million initiative; the sheet gives no site, type or figure per country.",
        "children, some as young as six",
        "Someone said it ran 2003-2007, at 5% of the budget, with 1.5 staff.",
    ],
)
def test_notes_that_state_no_small_count_pass(note: str):
    assert revealing_notes(programs((1500, None, 4, note)), COUNTS, ["figures_note"], 11) == []


@pytest.mark.parametrize(
    ("note", "written"),
    [
        ("5 returned home.", "5"),  # equals a suppressed count of the row
        ("Three trafficked women were sheltered.", "Three"),  # a small number of people
        ("one of the girls testified", "one"),
        ("twenty-one boys", None),  # 21 is above the threshold: fine
        ("7 victims", "7"),
    ],
)
def test_notes_that_state_a_small_count_are_found(note: str, written: str | None):
    found = revealing_notes(programs((None, None, 5, note)), COUNTS, ["figures_note"], 11)
    assert [f.message.split("'")[1] for f in found] == ([written] if written else [])


def test_a_count_at_or_above_the_threshold_is_not_hidden():
    assert revealing_notes(programs((11, None, None, "11 people assisted")), COUNTS, ["figures_note"], 11) == []
    assert revealing_notes(programs((12, None, None, "12 returned")), COUNTS, ["figures_note"], 20) != []


def test_missing_columns_and_empty_cells_are_skipped():
    table = pd.DataFrame({"figures_note": [None, float("nan")], "other": ["five victims", ""]})
    assert revealing_notes(table, ["people_assisted"], ["figures_note", "absent"], 11) == []


def test_number_reading():
    assert [(w, v) for w, v, _ in numbers_in("Some 1,500 and Twenty-one, nineteen; ten 10th $5 5%")] == [
        ("1,500", 1500),
        ("Twenty-one", 21),
        ("nineteen", 19),
        ("ten", 10),
    ]


def test_the_bundled_notes_reveal_nothing():
    atlas = load_atlas()
    for name, table in (("programs.csv", atlas.programs), ("routes.csv", atlas.routes)):
        assert revealing_notes(table, *FREE_TEXT[name], threshold=11) == []
    note = atlas.programs.set_index("program_id").at["usa-return-reunification", "figures_note"]
    assert note == NEW_NOTE


# --- the exports: counts below the threshold never show exact ---------------------------------------

WITHHELD = "khm-mys-withheld,KHM,,MYS,,forced-labour,brick kilns,men,,,2007,,,prm-2007,true,5"


def with_withheld_route(data: DataDir) -> Path:
    """Add the optional suppression columns to routes.csv and a route the publisher withheld as "<5"."""
    path = data.path / "routes.csv"
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    records = [[*records[0], "suppressed", "suppressed_below"], *([*r, "", ""] for r in records[1:])]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    path.write_text(out.getvalue(), encoding="utf-8")
    return add_rows(data, "routes.csv", WITHHELD)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """The exports of the tiny directory with MORE_ROWS (a route of 5, a site assisting 5, 5 returned)
    and a withheld route, for the world and for the briefs of Ghana, Mexico, the USA and Cambodia."""
    from tests.unit.conftest import write_more

    before = dashboard.data._loaded
    directory = with_withheld_route(write_more(tmp_path_factory.mktemp("small")))
    briefs = {f"brief-{c}": f"/brief/{c}.html" for c in ("GHA", "MEX", "USA", "KHM")}
    yield export_all(directory, extra=briefs)
    dashboard.data._loaded = before


def csv_rows(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_the_map_export_says_fewer_than(small: Exported):
    page = small.body["map"]
    assert small.status["map"] == 200
    assert "Count: fewer than 11" in page  # Ghana's internal route: 5
    assert "Count: fewer than 5" in page  # the withheld route: the publisher's bound
    assert "People assisted: fewer than 11" in page  # the Tapachula shelter: 5
    assert "Returned home: fewer than 11" in page
    assert "Reunited with family: 62" in page
    assert not re.search(r"(Count|People assisted|Returned home): 5\b", page)
    withheld = re.findall(r"brick kilns.*?Count: ([^\\\"]*)", page)
    assert withheld and set(withheld) == {"fewer than 5"}


def test_the_brief_says_fewer_than(small: Exported):
    for country in ("MEX", "USA"):
        page = small.body[f"brief-{country}"]
        assert small.status[f"brief-{country}"] == 200
        assert "fewer than 11" in page
        assert not re.search(r"(People assisted|Returned home): 5\b", page)
    # Routes in the brief carry no count: the withheld one reads as any other, with no number.
    table = BeautifulSoup(small.body["brief-KHM"], "html.parser").find("section", attrs={"aria-labelledby": "routes"})
    cells = [td.get_text(" ", strip=True) for td in table.find_all("td")]
    assert "Malaysia" in cells and not any(re.search(r"\b5\b", cell) for cell in cells)


def test_the_downloads_write_less_than(small: Exported):
    routes = csv_rows(small.body["routes.csv"]).set_index("route_id")
    assert routes.at["gha-internal-fishing", "count"] == "<11"
    assert routes.at["khm-mys-withheld", "count"] == "<5"
    assert routes.at["idn-mys-sexual", "count"] == "62"
    sites = csv_rows(small.body["programs.csv"]).set_index("program_id")
    assert sites.at["mex-shelter", "people_assisted"] == "<11"
    assert sites.at["usa-return", "people_returned"] == "<11"
    assert sites.at["usa-return", "people_reunited"] == "62"
    for column in ("people_assisted", "people_reunited", "people_returned"):
        assert "5" not in set(sites[column])
    assert "5" not in set(routes["count"])
