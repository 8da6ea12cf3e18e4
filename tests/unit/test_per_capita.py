"""Detected victims per 100,000 people: derived where a count and a population are loaded."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import load_atlas
from geodata.per_capita import MAX_GAP, PER
from geodata.store import Dataset
from tests.unit.conftest import write_tiny

POPULATION_GHA_2007 = 22_873_338  # the tiny data's (Gapminder's) Ghana, 2007

# Synthetic counts (labelled so), in the layout the GLOTIP importer writes.
COUNTS = [
    ("GHA", 2007, 150, "false", None),  # a rate, on the same year's population
    ("GHA", 2012, 100, "false", None),  # on 2007's population: five years before
    ("GHA", 2013, 100, "false", None),  # six years after the last population: no rate
    ("GHA", 2011, None, "true", 5),  # withheld by its publisher: no rate
    ("IDN", 2007, 40, "false", None),  # its population is suppressed in the tiny data: no rate
    ("THA", 2007, 8, "false", None),  # under the threshold (11): a rate would give it back
]


def dataset_with_counts() -> tuple[Dataset, dict[str, pd.DataFrame]]:
    dataset = Dataset(
        "synthetic-glotip",
        "Synthetic GLOTIP-like counts (tests)",
        "glotip",
        "synthetic.csv",
        "0" * 64,
        "Synthetic (tests)",
        "2026-12-03T00:00:00+00:00",
        1,
        {"indicators": len(COUNTS), "catalogue": 1},
    )
    catalogue = pd.DataFrame(
        [
            {
                "indicator": "detected-victims",
                "label": "Detected trafficking victims",
                "unit": "people",
                "kind": "continuous",
                "colorscale": "Reds",
                "source": "",  # the dataset's own source is filled in by the loader
            }
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "iso3": iso3,
                "indicator": "detected-victims",
                "year": year,
                "value": value,
                "suppressed": suppressed,
                "suppressed_below": bound,
            }
            for iso3, year, value, suppressed, bound in COUNTS
        ]
    )
    return dataset, {"catalogue": catalogue, "indicators": indicators}


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory):
    return load_atlas(write_tiny(tmp_path_factory.mktemp("rates")).path, [dataset_with_counts()], 11)


def rates(atlas) -> dict[tuple[str, int], float]:
    rows = atlas.indicators[atlas.indicators["indicator"] == "detected-victims-per-100k"]
    return {(r.iso3, int(r.year)): float(r.value) for r in rows.itertuples()}


def test_a_rate_where_a_count_and_a_population_allow_it(atlas):
    assert atlas.skipped == {}
    assert rates(atlas) == {
        ("GHA", 2007): pytest.approx(150 / POPULATION_GHA_2007 * PER, abs=0.001),
        ("GHA", 2012): pytest.approx(100 / POPULATION_GHA_2007 * PER, abs=0.001),  # 2007's population
    }
    assert MAX_GAP == 5  # 2013 is six years from 2007: no rate


def test_no_rate_gives_back_a_withheld_or_small_count(atlas):
    keys = set(rates(atlas))
    assert ("GHA", 2011) not in keys  # withheld by its publisher
    assert ("THA", 2007) not in keys  # 8 < 11
    assert ("IDN", 2007) not in keys  # no population to divide by


def test_the_rate_cites_both_sources_and_says_its_method(atlas):
    rows = atlas.indicators[atlas.indicators["indicator"] == "detected-victims-per-100k"]
    count_source = atlas.catalogue.loc["detected-victims", "source"]
    assert set(rows["source"]) == {f"{count_source};gapminder"}
    assert set(rows["dataset"]) == {"synthetic-glotip"}  # hidden with the counts' dataset
    meta = atlas.catalogue.loc["detected-victims-per-100k"]
    assert meta["label"] == "Detected trafficking victims per 100,000 people"
    assert "population of the same year or up to 5 years before" in meta["unit"]
    assert "under 11" in meta["unit"] and meta["kind"] == "continuous"
    assert meta["source"] == f"{count_source};gapminder"


def test_no_rate_without_counts():
    bundled = load_atlas()
    assert "detected-victims-per-100k" not in bundled.catalogue.index
