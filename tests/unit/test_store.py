"""The store of imported datasets, the merge into the atlas, and the import path both doors use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geodata import load_atlas
from geodata.importers import REGISTRY, Imported, Importer
from geodata.importers.report import ImportRefused, ImportReport
from geodata.importing import ADDED, REPLACED, UNCHANGED, import_file
from geodata.store import Store, default_url
from tests.unit.conftest import synthetic_dataset, write_more


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, on SQLite and on PostgreSQL (see ``store_url``)."""
    store = Store(store_url)
    yield store
    store.engine.dispose()


def read_flows(table, report: ImportReport) -> Imported:
    """A throwaway layout for these tests: origin,destination,year,count -> routes (synthetic)."""
    frame = table.frame()
    report.read(len(frame))
    report.use(len(frame))
    routes = pd.DataFrame(
        {
            "route_id": [f"r{i}" for i in frame.index],
            "origin_iso3": frame["origin"],
            "destination_iso3": frame["destination"],
            "form": "form-not-given",
            "year_start": frame["year"],
            "year_end": frame["year"],
            "reported_year": frame["year"],
            "count": frame["count"],
        }
    )
    return Imported(routes=routes)


@pytest.fixture
def flows_layout(monkeypatch):
    importer = Importer(
        "test-flows", "Test flows", "Synthetic publisher", ("origin", "destination", "year", "count"), read_flows
    )
    monkeypatch.setitem(REGISTRY, importer.key, importer)
    return importer


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_store_is_in_the_user_data_dir(clean_env, tmp_path):
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/counter-trafficking-atlas/atlas.sqlite"
    clean_env.setenv("ATLAS_DATABASE_URL", "sqlite:////elsewhere.sqlite")
    assert default_url() == "sqlite:////elsewhere.sqlite"


def test_a_dataset_is_stored_listed_and_removed(store):
    dataset, tables = synthetic_dataset()
    assert store.revision() == 0
    kept = store.add(
        name=dataset.name,
        layout="routes",
        file_name="synthetic.csv",
        sha256="ab",
        publisher="P",
        tables=tables,
        report={"file": "synthetic.csv"},
    )
    assert kept.slug == "synthetic-test-dataset" and kept.counts == {"routes": 3, "indicators": 1, "programs": 1}
    assert [d.slug for d in store.datasets()] == [kept.slug]
    back = store.tables(kept.slug)
    assert back["routes"]["route_id"].tolist() == ["khm-tha-2002", "idn-mys-2007", "idn-khm-2002"]
    assert store.revision() == 1
    assert store.remove(kept.slug) and store.datasets() == [] and store.revision() == 2
    assert not store.remove(kept.slug) and store.revision() == 2


def test_a_merged_dataset_cites_itself_and_keeps_bundled_rows(more):
    atlas = load_atlas(more.path, [synthetic_dataset()])
    own = atlas.routes[atlas.routes["dataset"] == "synthetic"]
    assert own["route_id"].tolist() == ["synthetic:khm-tha-2002", "synthetic:idn-mys-2007", "synthetic:idn-khm-2002"]
    assert set(own["source"]) == {"dataset-synthetic"}
    assert atlas.sources.loc["dataset-synthetic", "document"] == "Synthetic test dataset (imported from synthetic.csv)"
    suppressed = own.iloc[1]
    assert bool(suppressed["suppressed"]) and pd.isna(suppressed["count"]) and suppressed["suppressed_below"] == 5
    bundled = load_atlas(more.path)
    assert (atlas.routes[atlas.routes["dataset"] == "bundled"].index == bundled.routes.index).all()
    # The dataset's value for KHM's 2007 population is shown; the bundled file had none.
    assert atlas.indicators.query("iso3 == 'KHM' and indicator == 'population'")["value"].tolist() == [14000000]


def test_a_dataset_that_no_longer_passes_is_left_out_not_fatal(more):
    dataset, tables = synthetic_dataset()
    tables["routes"].loc[0, "origin_iso3"] = "XXX"
    atlas = load_atlas(more.path, [(dataset, tables)])
    assert "synthetic" in atlas.skipped and atlas.datasets == ()
    problems = map(str, atlas.skipped["synthetic"])
    assert "synthetic/routes:2: origin_iso3: unknown ISO 3166 alpha-3 code ('XXX')" in problems
    assert "dataset-synthetic" not in atlas.sources.index


def test_import_is_idempotent_and_replaces_by_name(store, flows_layout, tmp_path):
    path = write(tmp_path / "flows.csv", "origin,destination,year,count\nKHM,THA,2002,40\n")
    first = import_file(path, store)
    assert first.status == ADDED and first.dataset.slug == "flows" and first.dataset.layout == "test-flows"
    assert first.dataset.publisher == "Synthetic publisher"
    again = import_file(path, store)
    assert again.status == UNCHANGED and store.revision() == 1
    write(path, "origin,destination,year,count\nKHM,THA,2002,41\n")
    replaced = import_file(path, store)
    assert replaced.status == REPLACED and store.revision() == 2
    assert store.tables("flows")["routes"]["count"].tolist() == ["41"]
    assert len(store.datasets()) == 1


def test_a_file_the_atlas_would_not_accept_stores_nothing(store, flows_layout, tmp_path):
    path = write(tmp_path / "flows.csv", "origin,destination,year,count\nKHM,THA,2002,-4\n")
    before = path.read_bytes()
    with pytest.raises(ImportRefused) as refused:
        import_file(path, store)
    assert "flows/routes:2: count: a count cannot be negative (-4)" in map(str, refused.value.problems)
    assert store.datasets() == [] and store.revision() == 0
    assert path.read_bytes() == before  # the file imported is only read


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "flows.csv:0: -: file is empty"),
        (b"\x00\x01\x02junk", "flows.csv:0: -: is not a text file (it holds NUL bytes): save it as UTF-8 CSV or XLSX"),
        (b"a,b\n1,2\n", "flows.csv:1: -: matches no known layout; its columns: a, b"),
    ],
)
def test_bad_files_are_refused_with_the_reason(store, flows_layout, tmp_path, content, message):
    path = tmp_path / "flows.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as refused:
        import_file(path, store)
    assert message in map(str, refused.value.problems)
    assert store.datasets() == []


def test_a_layout_that_does_not_match_says_what_it_lacks(store, flows_layout, tmp_path):
    path = write(tmp_path / "flows.csv", "origin,destination,year\nKHM,THA,2002\n")
    with pytest.raises(ImportRefused) as refused:
        import_file(path, store, layout="test-flows")
    assert "flows.csv:1: -: not Test flows: lacks count" in map(str, refused.value.problems)


def test_cli_imports_lists_and_removes(store, flows_layout, tmp_path, capsys):
    from geodata.__main__ import main

    path = write(tmp_path / "flows.csv", "origin,destination,year,count\nKHM,THA,2002,40\n")
    report = tmp_path / "report.csv"
    assert main(["import", str(path), "--database", store.url, "--name", "Flows 2002", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "rows read: 1" in out and "imported as 'flows-2002' (1 routes)" in out
    assert report.read_text().startswith("file,row,column,problem\n")
    assert main(["datasets", "--database", store.url]) == 0
    assert "flows-2002: Flows 2002 [test-flows] from flows.csv" in capsys.readouterr().out
    assert main(["remove", "flows-2002", "--database", store.url]) == 0
    assert main(["remove", "flows-2002", "--database", store.url]) == 1
    bad = write(tmp_path / "bad.csv", "a,b\n1,2\n")
    assert main(["import", str(bad), "--database", store.url]) == 1
    assert "bad.csv:1: -: matches no known layout" in capsys.readouterr().out


def test_the_app_sees_what_another_process_imported(store, flows_layout, tmp_path):
    from dashboard import data as app_data
    from dashboard.config import load_config

    config = load_config(database_url=store.url, cache_type="NullCache")
    data = app_data.build_data(config, store)
    assert data.atlas.datasets == ()
    import_file(write(tmp_path / "flows.csv", "origin,destination,year,count\nKHM,THA,2002,40\n"), store)
    again = app_data.build_data(config, store)
    assert [d.slug for d in again.atlas.datasets] == ["flows"] and again.revision == 1
    assert "flows" in again.choices.datasets and again.fingerprint != data.fingerprint


def test_more_fixture_is_unchanged_by_imports(tmp_path):
    # Imports never modify the bundled data directory.
    data = write_more(tmp_path / "d")
    before = {p.name: p.read_bytes() for p in data.path.glob("*.csv")}
    load_atlas(data.path, [synthetic_dataset()])
    assert before == {p.name: p.read_bytes() for p in data.path.glob("*.csv")}


def test_a_note_that_tells_a_suppressed_count_is_refused(store, tmp_path):
    # The atlas's own programs template: a note saying "three victims" beside people_returned = 3.
    path = write(
        tmp_path / "programs.csv",
        "program_id,program,types,iso3,site,lon,lat,site_precision,reported_year,people_returned,figures_note\n"
        "syn-1,Synthetic program,protection,GHA,Accra,-0.19,5.6,city,2018,3,three victims went home\n",
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(path, store)
    assert any(
        str(p).startswith("programs/programs:2: figures_note: states 'three'") for p in refused.value.problems
    ), refused.value.problems
    assert store.datasets() == []


# -- one store for a whole office: PostgreSQL, several processes --------------------------------

ROOT = Path(__file__).resolve().parents[2]
# The atlas's own programs template, two synthetic sites: Accra, and one given in Ghana that lies
# in Kumasi (~200 km from Accra), neither far from Ghana (label point -1.22, 7.95 in the bundled data).
PROGRAMS_CSV = (
    "program_id,program,types,iso3,site,lon,lat,site_precision,reported_year\n"
    "syn-accra,Synthetic shelter,protection,GHA,Accra,-0.19,5.6,city,2018\n"
    "syn-kumasi,Synthetic hotline,prevention,GHA,Kumasi,-1.62,6.69,city,2018\n"
    "syn-none,Synthetic fund,prevention,GHA,Ghana (country only),,,country,2018\n"
)


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    """Another OS process (as another gunicorn worker would be), running this worktree's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", code, *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen[str]]) -> list[str]:
    outs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outs.append(out)
    return outs


def test_postgres_urls_use_psycopg_and_passwords_are_not_shown():
    assert Store("postgresql://u:secret@db:5432/atlas").url == "postgresql+psycopg://u:secret@db:5432/atlas"
    assert Store("postgres://u@db/atlas").url == "postgresql+psycopg://u@db/atlas"
    assert Store("postgresql+psycopg://u@db/atlas").url == "postgresql+psycopg://u@db/atlas"
    assert Store("sqlite:////tmp/x.sqlite").url == "sqlite:////tmp/x.sqlite"
    assert Store("postgresql://u:secret@db/atlas").where == "postgresql+psycopg://u:***@db/atlas"


def test_an_import_by_one_process_is_seen_by_another(store, tmp_path):
    assert store.revision() == 0 and store.datasets() == []  # this process has read the store already
    path = write(tmp_path / "programs.csv", PROGRAMS_CSV)
    code = "import sys; from geodata.__main__ import main; sys.exit(main(sys.argv[1:]))"
    finish([run_python(code, "import", str(path), "--database", store.url, "--name", "Shelters")])
    assert store.revision() == 1
    assert [(d.slug, d.counts["programs"]) for d in store.datasets()] == [("shelters", 3)]


def test_workers_starting_together_migrate_once_and_writers_all_bump(store_url):
    # Two processes wait for the same moment, open the fresh store (migrating it) and each add five
    # datasets: every write must count, and none may fail on the other's migration or bump.
    code = """
import sys, time
import pandas as pd
from geodata.store import Store
url, who, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
store = Store(url)
store.migrate()
frame = pd.DataFrame({"iso3": ["GHA"], "indicator": ["population"], "year": [2007], "value": [1]})
for i in range(5):
    store.add(name=f"{who}-{i}", layout="x", file_name="synthetic.csv", sha256="0", publisher="Synthetic",
              tables={"indicators": frame}, report={})
"""
    start = f"{time.time() + 3:.3f}"  # both interpreters have started and imported by then
    finish([run_python(code, store_url, who, start) for who in ("a", "b")])
    store = Store(store_url)
    assert store.revision() == 10
    found = store.datasets()
    assert sorted(d.slug for d in found) == sorted(f"{w}-{i}" for w in "ab" for i in range(5))
    assert [d.position for d in found] == list(range(1, 11))  # writers queued: no position taken twice
    store.engine.dispose()


def test_a_store_of_the_first_version_keeps_its_revision(store_url):
    from alembic import command
    from alembic.config import Config

    from geodata.store import MIGRATIONS, meta_table

    store = Store(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, "0001")
        c.execute(meta_table.insert().values(key="revision", value=7))
    assert store.revision() == 7
    assert store.remove("none") is False and store.revision() == 7
    dataset, tables = synthetic_dataset()
    store.add(name="x", layout="routes", file_name="f.csv", sha256="0", publisher="P", tables=tables, report={})
    assert store.revision() == 8
    store.engine.dispose()


def test_sites_far_from_their_label_point_are_measured_in_postgis(store, tmp_path, capsys):
    from pyproj import Geod

    from geodata.__main__ import main

    countries = load_atlas().countries
    import_file(write(tmp_path / "programs.csv", PROGRAMS_CSV), store, name="Shelters")
    if not store.spatial:
        with pytest.raises(NotImplementedError):
            store.sites_far_from(countries, 100)
        assert main(["datasets", "--database", store.url, "--sites-beyond", "100"]) == 2
        return
    label = countries.loc["GHA", ["label_lon", "label_lat"]].astype(float).tolist()
    geod = Geod(ellps="WGS84")
    expected = {seq: geod.inv(*label, lon, lat)[2] / 1000 for seq, lon, lat in [(0, -0.19, 5.6), (1, -1.62, 6.69)]}
    assert 100 < expected[1] < expected[0] < 400  # a cut between the two sites
    far = store.sites_far_from(countries, (expected[0] + expected[1]) / 2)
    assert far[["dataset", "seq", "iso3", "lon", "lat"]].values.tolist() == [["shelters", 0, "GHA", -0.19, 5.6]]
    assert far["distance_km"].iloc[0] == pytest.approx(expected[0], abs=0.01)  # on the spheroid, as pyproj
    assert store.sites_far_from(countries, 100)["seq"].tolist() == [0, 1]  # farthest first; no point, no row
    assert store.sites_far_from(countries, 1000).empty
    assert main(["datasets", "--database", store.url, "--sites-beyond", "100"]) == 0
    out = capsys.readouterr().out
    assert "program sites farther than 100 km from their country's label point: 2" in out
    assert f"shelters/programs:2: GHA site (5.6000, -0.1900) is {expected[0]:,.0f} km from its label point" in out
    store.remove("shelters")
    assert store.sites_far_from(countries, 100).empty  # the points went with the dataset
