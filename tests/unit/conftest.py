"""Fixtures for the data-layer tests: a tiny valid data directory and ways to break it."""

from __future__ import annotations

import csv
import io
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from geodata import BUNDLED_DIR

# The tiny data directory, one string per file. Figures are the bundled ones for these countries
# (label points: Natural Earth; tiers: TIP 2007; population: Gapminder 2007), except two made up
# to exercise the loader: Lake Volta's years (2003-2007, "four years to April 2007") and IDN's
# population, marked suppressed with no value.
TINY_FILES: dict[str, str] = {
    "sources.csv": """\
source_id,publisher,document,date,url,licence,note
prm-2007,U.S. Department of State,Fact sheet: Combating Trafficking in Persons,2007-04-11,,Public domain,
tip-2007,U.S. Department of State,"Trafficking in Persons Report, June 2007",2007-06,,Public domain,
gapminder,Gapminder Foundation,Gapminder data excerpt,2007,https://www.gapminder.org/data/,CC BY 4.0,
natural-earth,Natural Earth,"Admin 0 countries, 1:50m",2024-12,https://www.naturalearthdata.com/,Public domain,
""",
    "countries.csv": """\
iso3,iso_numeric,name,un_region,un_subregion,label_lon,label_lat,bali_process_as_of,rcm_as_of,igc_as_of,source
GHA,288,Ghana,Africa,Western Africa,-1.22,7.95,,,,natural-earth
IDN,360,Indonesia,Asia,South-eastern Asia,114.01,-0.19,2023,,,natural-earth
KHM,116,Cambodia,Asia,South-eastern Asia,104.91,12.72,2023,,,natural-earth
THA,764,Thailand,Asia,South-eastern Asia,101.01,15.13,2023,,,natural-earth
""",
    "indicator_catalogue.csv": """\
indicator,label,unit,kind,categories,colorscale,source,licence
tip-tier,TIP Report tier placement,tier,ordinal,tier-1;tier-2;tier-2-watch-list;tier-3;not-ranked,tip-tiers,tip-2007,
population,Population,people,continuous,,Blues,gapminder,CC BY 4.0
""",  # noqa: E501
    "indicators.csv": """\
iso3,indicator,year,value,category,suppressed,source
GHA,tip-tier,2007,,tier-2,false,tip-2007
IDN,tip-tier,2007,,tier-2,false,tip-2007
KHM,tip-tier,2007,,tier-2-watch-list,,tip-2007
THA,tip-tier,2007,,tier-2,false,tip-2007
GHA,population,2007,22873338,,false,gapminder
IDN,population,2007,,,true,gapminder
""",
    "routes.csv": """\
route_id,origin_iso3,origin_label,destination_iso3,destination_label,form,detail,victims,year_start,year_end,reported_year,count,count_note,source
khm-tha-begging,KHM,,THA,Bangkok,forced-begging,begging on the streets,children,,,2007,,,prm-2007
asia-sea-fishing,,Asia (country not named),,at sea (fishing vessels),forced-labour,fishing vessels,men,,,2007,,,prm-2007
""",
    "programs.csv": """\
program_id,program,types,partner,funder,iso3,site,lon,lat,site_precision,year_start,year_end,reported_year,funding_usd,people_assisted,people_reunited,people_returned,figures_note,source
gha-lake-volta,Lake Volta child fishing project,prevention;protection;return-reintegration,IOM,PRM,GHA,"Yeji, Lake Volta",-0.650,8.217,town,2003,2007,2007,,1500,,,,prm-2007
idn-police-hospitals,Police-hospital wings,protection;return-reintegration,IOM,PRM,IDN,"Kramat Jati Police Hospital, East Jakarta",106.87,-6.27,city,,,2007,,1300,,,,prm-2007
tha-bali-process,U.S. participation in the Bali Process,regional-dialogue,PRM,PRM,THA,Bangkok,100.502,13.756,city,,,2007,,,,,,prm-2007
initiative-50m-khm,President's $50 million initiative,prevention;protection,PRM,U.S. Government,KHM,Cambodia (country only),,,country,,,2007,,,,,,prm-2007
""",  # noqa: E501
    "figures.csv": """\
figure_id,label,value,unit,qualifier,scope,source
people-trafficked-per-year,People trafficked each year,800000,people per year,approximately,worldwide,prm-2007
""",
}

BOUNDARIES = Path("boundaries") / "countries-50m.json"


class DataDir:
    """A data directory on disk that a test may break, one cell, line, column or file at a time.

    Rows count as a spreadsheet does (the header is row 1). Each change returns the directory's
    path, so ``load_atlas(tiny.set_cell("programs.csv", 2, "lat", "48"))`` reads as one step;
    call several changes in turn to break several things.
    """

    def __init__(self, path: Path):
        self.path = path

    def _records(self, file: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO((self.path / file).read_text(encoding="utf-8"))))

    def _write_records(self, file: str, records: list[list[str]]) -> Path:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(records)
        (self.path / file).write_text(out.getvalue(), encoding="utf-8")
        return self.path

    def set_cell(self, file: str, row: int, column: str, value: str) -> Path:
        """Set one cell, found by spreadsheet row and column name."""
        records = self._records(file)
        records[row - 1][records[0].index(column)] = value
        return self._write_records(file, records)

    def set_line(self, file: str, row: int, text: str) -> Path:
        """Replace one line with raw text; the row after the last one appends."""
        lines = (self.path / file).read_text(encoding="utf-8").splitlines()
        lines[row - 1 : row] = [text]
        (self.path / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return self.path

    def drop_column(self, file: str, column: str) -> Path:
        """Remove a column, header and cells."""
        records = self._records(file)
        where = records[0].index(column)
        return self._write_records(file, [record[:where] + record[where + 1 :] for record in records])

    def remove(self, file: str | Path) -> Path:
        """Delete a file."""
        (self.path / file).unlink()
        return self.path


def write_tiny(directory: Path) -> DataDir:
    """Write the tiny data directory (and a copy of the bundled boundaries) to ``directory``."""
    (directory / BOUNDARIES).parent.mkdir(parents=True, exist_ok=True)
    for name, text in TINY_FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    shutil.copyfile(BUNDLED_DIR / BOUNDARIES, directory / BOUNDARIES)
    return DataDir(directory)


@pytest.fixture
def tiny(tmp_path: Path) -> DataDir:
    """A fresh copy of the tiny valid data directory, to load as it is or to break."""
    return write_tiny(tmp_path / "tiny")


@pytest.fixture
def bundled_copy(tmp_path: Path) -> DataDir:
    """A copy of the bundled data directory, to break without touching the real one."""
    return DataDir(Path(shutil.copytree(BUNDLED_DIR, tmp_path / "bundled")))


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Remove every ``ATLAS_*`` environment variable for the test; request it where config is read."""
    for name in list(os.environ):
        if name.startswith("ATLAS_"):
            monkeypatch.delenv(name)
    return monkeypatch


# --- a slightly larger atlas for the dashboard tests ---------------------------------------------

# Rows added to the tiny directory so that every role, a fallback year, small counts and every
# region kind occur. Country rows, populations and tiers are the bundled ones; the routes and the
# Tapachula shelter are made up: an internal route with a count of 5 (suppressed below 11), a
# route with a count of 62 (shown), a route whose origin has no ISO code, and a site assisting 5.
# Roles that follow: KHM origin, MYS destination, THA and IDN both, GHA internal only.
MORE_ROWS: dict[str, tuple[str, ...]] = {
    "countries.csv": (
        "MYS,458,Malaysia,Asia,South-eastern Asia,114.72,3.62,2023,,,natural-earth",
        "USA,840,United States,Americas,Northern America,-99.14,39.53,2023,2023,2023,natural-earth",
        "MEX,484,Mexico,Americas,Central America,-102.51,23.94,,2023,,natural-earth",
    ),
    "indicators.csv": (
        "MYS,tip-tier,2007,,tier-3,false,tip-2007",
        "GHA,population,1997,18418288,,false,gapminder",
        "GHA,population,2002,20550751,,false,gapminder",
        "THA,population,1997,60216677,,false,gapminder",
        "USA,population,2007,301139947,,false,gapminder",
    ),
    "routes.csv": (
        "gha-internal-fishing,GHA,Lake Volta,GHA,Lake Volta,forced-labour,fishing,children,,,2007,5,,prm-2007",
        "idn-mys-sexual,IDN,,MYS,Kuala Lumpur,sexual-exploitation,,women,2005,2006,2007,62,,prm-2007",
        "tha-idn-labour,THA,,IDN,,forced-labour,construction,men,,,2007,,,prm-2007",
        "unnamed-mys-labour,,a neighbouring country,MYS,,forced-labour,plantations,men,,,2007,,,prm-2007;tip-2007",
    ),
    "programs.csv": (
        "mex-shelter,Tapachula shelter,protection,Casa Alianza,PRM,MEX,Tapachula,-92.26,14.9,town,"
        ",,2007,,5,,,,prm-2007",
        "usa-return,Return and reunification,return-reintegration,IOM,PRM,USA,United States (country only),"
        ",,country,2005,,2007,,,62,5,,prm-2007",
    ),
}


def add_rows(data: DataDir, file: str, *lines: str) -> Path:
    """Append raw CSV lines to a file of ``data``; returns the directory's path."""
    for line in lines:
        rows = len((data.path / file).read_text(encoding="utf-8").splitlines())
        data.set_line(file, rows + 1, line)
    return data.path


def write_more(directory: Path) -> DataDir:
    """The tiny data directory with :data:`MORE_ROWS` added."""
    data = write_tiny(directory)
    for file, lines in MORE_ROWS.items():
        add_rows(data, file, *lines)
    return data


@pytest.fixture
def more(tmp_path: Path) -> DataDir:
    """A fresh copy of the tiny directory with :data:`MORE_ROWS`, to load as it is or to change."""
    return write_more(tmp_path / "more")


@pytest.fixture(scope="session")
def more_atlas(tmp_path_factory: pytest.TempPathFactory):
    """The tiny directory with :data:`MORE_ROWS`, loaded once; do not change it."""
    from geodata import load_atlas

    return load_atlas(write_more(tmp_path_factory.mktemp("more")).path)


@pytest.fixture(scope="session")
def more_data(more_atlas):
    """What the app reads at start-up (:class:`dashboard.data.AtlasData`), for :func:`more_atlas`."""
    from dashboard.data import AtlasData
    from dashboard.layers import facts_of
    from dashboard.view import make_choices, region_groups

    groups = region_groups(more_atlas.countries)
    return AtlasData(
        atlas=more_atlas,
        groups=groups,
        choices=make_choices(more_atlas, groups, ["choropleth", "roles", "routes", "programs"]),
        facts=facts_of(more_atlas, 11),
    )


# --- an atlas with an imported dataset --------------------------------------------------------

# A synthetic dataset (made up for tests, as an import would store it): flows counted per year
# (one suppressed by its publisher as "<5"), one indicator value and one program site.
SYNTHETIC_DATASET: dict[str, list[dict[str, object]]] = {
    "routes": [
        {
            "route_id": "khm-tha-2002",
            "origin_iso3": "KHM",
            "destination_iso3": "THA",
            "form": "form-not-given",
            "year_start": 2002,
            "year_end": 2002,
            "reported_year": 2002,
            "count": 40,
        },
        {
            "route_id": "idn-mys-2007",
            "origin_iso3": "IDN",
            "destination_iso3": "MYS",
            "form": "form-not-given",
            "year_start": 2007,
            "year_end": 2007,
            "reported_year": 2007,
            "suppressed": "true",
            "suppressed_below": 5,
        },
        {
            # A partner Indonesia has in 2002 only: a profile's partners follow the year.
            "route_id": "idn-khm-2002",
            "origin_iso3": "IDN",
            "destination_iso3": "KHM",
            "form": "form-not-given",
            "year_start": 2002,
            "year_end": 2002,
            "reported_year": 2002,
            "count": 12,
        },
    ],
    "indicators": [
        {"iso3": "KHM", "indicator": "population", "year": 2007, "value": 14000000, "suppressed": "false"},
    ],
    "programs": [
        {
            "program_id": "gha-synthetic",
            "program": "Synthetic shelter",
            "types": "protection",
            "iso3": "GHA",
            "site": "Accra",
            "lon": -0.19,
            "lat": 5.6,
            "site_precision": "city",
            "reported_year": 2007,
        },
    ],
}


def synthetic_dataset():
    """(Dataset, tables) for :data:`SYNTHETIC_DATASET`, as the store hands them to the loader."""
    import pandas as pd

    from geodata.store import Dataset

    dataset = Dataset(
        "synthetic",
        "Synthetic test dataset",
        "routes",
        "synthetic.csv",
        "0" * 64,
        "Synthetic (tests)",
        "2026-12-02T00:00:00+00:00",
        1,
        {"routes": 3},
    )
    return dataset, {name: pd.DataFrame(rows) for name, rows in SYNTHETIC_DATASET.items()}


@pytest.fixture(scope="session")
def mixed_atlas(tmp_path_factory: pytest.TempPathFactory):
    """:func:`more_atlas` with :data:`SYNTHETIC_DATASET` merged in; do not change it."""
    from geodata import load_atlas

    atlas = load_atlas(write_more(tmp_path_factory.mktemp("mixed")).path, [synthetic_dataset()])
    assert not atlas.skipped, atlas.skipped
    return atlas


# Read once, here: ``clean_env`` removes every ATLAS_* variable during a test.
POSTGRES_URL = os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty store on each backend: a SQLite file, or a schema of its own in
    ``ATLAS_TEST_POSTGRES_URL``'s database (PostGIS found in ``public``), dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    if not POSTGRES_URL:
        pytest.skip("ATLAS_TEST_POSTGRES_URL is not set (.ci/run sets it): no PostgreSQL to test the store on")
    import sqlalchemy as sa

    from geodata.store import normalise_url

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as c:
        c.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(normalise_url(POSTGRES_URL))
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema},public"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as c:
            c.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
