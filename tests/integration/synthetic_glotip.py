"""A SYNTHETIC file in GLOTIP's published layout, for browser tests and screenshots of counted flows.

The layout and the kinds of cell are GLOTIP's (as ``tests/unit/test_import_glotip.py`` writes
them); the numbers are made up by a seeded generator (plausible, not UNODC's or anyone's
figures), and the dataset is named "Synthetic GLOTIP-layout routes (not real)" wherever it shows.
Each reporting country is a member of the Bali Process or the RCM; its victims' citizenships are
mostly fellow members, a few from anywhere, counts spread over every width class, one in eight
withheld as "<5".
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd

from geodata import Atlas
from geodata.importing import ImportResult, import_file
from geodata.store import Store
from tests.unit.test_import_glotip import HEADER  # the published layout's columns

NAME = "Synthetic GLOTIP-layout routes (not real)"
YEAR = 2018
GROUPS = ("bali_process_as_of", "rcm_as_of")


def glotip_rows(atlas: Atlas, seed: int = 13, per_country: int = 6, year: int = YEAR) -> list[list[str]]:
    """Rows of victims by citizenship (and each reporting country's total), SYNTHETIC counts."""
    rng = random.Random(seed)
    countries = atlas.countries.dropna(subset=["label_lon", "label_lat"])
    everyone = sorted(countries.index)
    rows: list[list[str]] = []
    for column in GROUPS:
        members = sorted(countries.index[countries[column].notna()])
        for iso3 in members:
            c = countries.loc[iso3]
            origins = rng.sample([m for m in members if m != iso3], min(per_country, len(members) - 1))
            origins += rng.sample(everyone, 1)
            total = 0
            for origin in dict.fromkeys(o for o in origins if o != iso3):
                count = int(10 ** rng.uniform(0, 4.3))
                withheld = count < 5 or rng.random() < 0.125
                total += count
                value = "<5" if withheld else f"{count:,}"
                rows.append(_row(c, "by citizenship", str(countries.loc[origin, "name"]), value, year))
            rows.append(_row(c, "Total", "Total", f"{total:,}", year))
    return rows


def _row(country: pd.Series, dimension: str, category: str, value: str, year: int) -> list[str]:
    return [
        str(country.name),
        str(country["name"]),
        str(country["un_region"]),
        str(country["un_subregion"]),
        "Detected trafficking victims",
        dimension,
        category,
        "Total",
        "Total",
        str(year),
        "Counts",
        value,
        "GLOTIP",
    ]


def write_glotip_csv(path: Path, atlas: Atlas, seed: int = 13, year: int = YEAR) -> Path:
    """Write the SYNTHETIC GLOTIP-layout file to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(glotip_rows(atlas, seed, year=year))
    return path


def import_synthetic_glotip(store: Store, directory: Path, seed: int = 13, year: int = YEAR) -> ImportResult:
    """Write the file in ``directory`` and import it into ``store`` as GLOTIP (named as synthetic)."""
    from geodata import load_atlas

    path = write_glotip_csv(directory / "synthetic-glotip-layout.csv", load_atlas(), seed, year)
    return import_file(path, store, layout="glotip", name=NAME, publisher="Synthetic test data (not UNODC)")
