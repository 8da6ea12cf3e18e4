"""The store of imported datasets, the merge into the atlas, and the import path both doors use."""

from __future__ import annotations

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
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


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
