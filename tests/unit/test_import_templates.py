"""The atlas templates (programs, routes, indicators): detection, the tolerant reader, the report.

Fixtures are tiny in-code CSV files. Rows named "synthetic" hold made-up values; the filled
examples in ``geodata/templates/`` are rows of the bundled data and are compared with them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from geodata import schema
from geodata.importers import REGISTRY, read_file
from geodata.importers.report import ImportRefused, ImportReport
from geodata.importers.templates import KINDS, template_file
from geodata.loader import BUNDLED_DIR, read_csv, validate_table


def _import(tmp_path: Path, name: str, text: str, wanted: str | None = None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    importer, imported, report = read_file(path, wanted)
    assert report.balanced
    return importer, imported, report


def _problems(report: ImportReport) -> list[str]:
    return [str(p) for p in report.problems]


# -- programs ------------------------------------------------------------------------------------

# Synthetic programs: one row per case the reader must handle.
PROGRAMS = """\
program_id,program,types,iso3,site,lon,lat,site_precision,reported_year,people_assisted,notes,source
p-ok,Synthetic shelter,protection,GHA,Accra,-0.19,5.6,city,2020,"1,500",x,s
p-name,Synthetic outreach,Protection & assistance;prevention,Ghana,Accra,-0.19,5.6,City,2020,,,
p-unknown,Synthetic program,prevention,XXQ,Somewhere,,,country,2020,,,
p-type,Synthetic program,prevention;outreach,GHA,Accra,-0.19,5.6,city,2020,,,
p-year,Synthetic program,prevention,GHA,Accra,-0.19,5.6,city,20x0,,,
p-lon,Synthetic program,prevention,GHA,Accra,-0.19,,city,2020,,,
p-stray,Synthetic program,prevention,GHA,Paris,2.35,48.85,city,2020,,,
p-ok,Another synthetic shelter,protection,GHA,Kumasi,-1.62,6.69,city,2020,,,
p-ok,Synthetic shelter,protection,GHA,Accra,-0.19,5.6,city,2020,1500,y,
p-formula,"=HYPERLINK(""http://x"")",prevention,GHA,Accra,-0.19,5.6,city,2020,,,
p-script,<script>alert(1)</script>,prevention,GH,Accra,-0.19,5.6,city,2020,,,
,,,,,,,,,,,
p-country,Synthetic initiative,prevention,KHM,Cambodia,,,country,2020,,,
p-region,Synthetic program,prevention,Africa,Accra,-0.19,5.6,city,1900,-3,,
"""


@pytest.fixture
def programs(tmp_path):
    return _import(tmp_path, "programs.csv", PROGRAMS)


def test_programs_detected_and_counted(programs):
    importer, _, report = programs
    assert importer.key == "programs"
    assert report.layout == "Atlas template: programs and sites"
    assert (report.rows_read, report.used) == (14, 4)
    assert dict(report.merged) == {"exact duplicate row, counted once": 1}
    assert dict(report.set_aside) == {
        "unknown country": 1,
        "program type not in the vocabulary": 1,
        "year not readable": 1,
        "fails the atlas's checks": 1,
        "site outside its country": 1,
        "same id or key as an earlier row": 1,
        "spreadsheet formula in a cell": 1,
        "empty row": 1,
        "regional aggregate, not a country": 1,
    }


def test_programs_problem_lines(programs):
    _, _, report = programs
    assert _problems(report) == [
        "programs.csv:3: iso3: 'Ghana' read as GHA (name)",
        "programs.csv:4: iso3: 'XXQ' is not a country the atlas knows",
        "programs.csv:5: types: 'outreach' is not a program type "
        "(prevention, protection, return-reintegration, capacity-building, regional-dialogue)",
        "programs.csv:6: reported_year: '20x0' is not a whole number",
        "programs.csv:7: lat: give both lon and lat, or neither",
        "programs.csv:8: lon/lat: site (48.85, 2.35) is not in GHA: it falls in FRA, 4185 km from GHA",
        "programs.csv:9: program_id: program_id 'p-ok' already given at row 2: the first is kept",
        "programs.csv:10: program_id: same as row 2: counted once",
        "programs.csv:11: program: '=HYPERLINK(\"http://x\")' is a spreadsheet formula, not a value",
        "programs.csv:12: iso3: 'GH' read as GHA (alpha-2)",
        "programs.csv:13: -: empty row",
        # Every problem of a row is listed; the first (in column order) is the reason.
        "programs.csv:15: iso3: 'Africa' names Africa (M49 region), not a country",
        "programs.csv:15: reported_year: year outside 1950-2035 (1900)",
        "programs.csv:15: people_assisted: a count cannot be negative (-3)",
    ]


def test_programs_notes_extra_and_source_columns(programs):
    _, _, report = programs
    assert report.notes == [
        "extra columns ignored: notes, source",
        "the file's source column is ignored: the dataset itself is the source (its publisher)",
    ]


def test_programs_rows_used(programs):
    _, imported, _ = programs
    frame = imported.programs
    assert list(frame.index) == [2, 3, 12, 14]
    assert list(frame["program_id"]) == ["p-ok", "p-name", "p-script", "p-country"]
    assert list(frame["iso3"]) == ["GHA", "GHA", "GHA", "KHM"]
    assert frame.at[3, "types"] == "protection;prevention"  # a label read as its slug
    assert frame.at[3, "site_precision"] == "city"
    assert frame.at[2, "people_assisted"] == 1500  # "1,500"
    assert frame.at[12, "program"] == "<script>alert(1)</script>"  # kept verbatim: escaped at output
    assert pd.isna(frame.at[14, "lon"]) and pd.isna(frame.at[14, "lat"])  # a country-precision site
    assert list(frame.columns) == [*schema.programs_schema(schema.Reference()).columns]
    assert frame["source"].isna().all()
    assert imported.routes is None and imported.indicators is None and imported.catalogue is None


# -- routes --------------------------------------------------------------------------------------

# Synthetic routes.
ROUTES = """\
route_id,origin_iso3,origin_label,destination_iso3,form,reported_year,count,suppressed
r-ok,KHM,,THA,Forced labour,2020,"1,500",no
r-region,Africa,,ESP,forced-labour,2020,,
r-noend,GHA,,,forced-labour,2020,,
r-forms,GHA,,NGA,forced-labour;forced-begging,2020,,
r-form,GHA,,NGA,slavery,2020,,
r-supp,288,,NGA,sexual-exploitation,2020,,yes
r-label,,West Africa (synthetic),NGA,forced-labour,2020,,
"""


def test_routes(tmp_path):
    importer, imported, report = _import(tmp_path, "routes.csv", ROUTES)
    assert importer.key == "routes"
    assert (report.rows_read, report.used, sum(report.merged.values())) == (7, 3, 0)
    assert dict(report.set_aside) == {
        "form of exploitation not in the vocabulary": 2,
        "regional aggregate, not a country": 1,
        "fails the atlas's checks": 1,
    }
    assert _problems(report) == [
        "routes.csv:3: origin_iso3: 'Africa' names Africa (M49 region), not a country; give it in origin_label",
        "routes.csv:4: destination_iso3: give a destination country or a destination label",
        "routes.csv:5: form: 'forced-labour;forced-begging': one form of exploitation per row (give each its own row)",
        "routes.csv:6: form: 'slavery' is not a form of exploitation (sexual-exploitation, forced-labour, "
        "forced-begging, forced-criminality, forced-marriage, organ-removal, other-exploitation, form-not-given)",
        "routes.csv:7: origin_iso3: '288' read as GHA (numeric)",
    ]
    frame = imported.routes
    assert list(frame["route_id"]) == ["r-ok", "r-supp", "r-label"]
    assert frame.at[2, "form"] == "forced-labour"
    assert frame.at[2, "count"] == 1500
    assert list(frame["suppressed"]) == ["false", "true", pd.NA]
    assert frame.at[8, "origin_label"] == "West Africa (synthetic)" and pd.isna(frame.at[8, "origin_iso3"])
    assert "destination_label" in frame and frame["source"].isna().all()


# -- indicators ----------------------------------------------------------------------------------

# Synthetic indicator values (the slugs population and tip-tier are the bundled catalogue's).
INDICATORS = """\
iso3,indicator,year,value,category,label,unit,kind
GHA,population,2020,"1,500",,,,
GHA,Population,2021,1600,,,,
GHA,tip-tier,2020,,Tier 2,,,
KHM,tip-tier,2020,,,,,
GHA,shelter-beds,2020,12,,Shelter beds,beds,
GHA,shelter-beds,2021,14,,,,
GHA,hotline-calls,2020,30,,,,
GHA,risk-level,2020,2,,Risk level,level,ordinal
GHA,Child Labour Rate,2020,3,,Child labour rate,%,
GHA,population,2020,1500,,,,
GHA,population,2020,1700,,,,
THA,tip-tier,2020,tier-3,,,,
"""


def test_indicators(tmp_path):
    importer, imported, report = _import(tmp_path, "indicators.csv", INDICATORS)
    assert importer.key == "indicators"
    assert (report.rows_read, report.used) == (12, 7)
    assert dict(report.merged) == {"exact duplicate row, counted once": 1}
    assert dict(report.set_aside) == {
        "fails the atlas's checks": 2,
        "a new indicator that is not continuous": 1,
        "same id or key as an earlier row": 1,
    }
    assert _problems(report) == [
        "indicators.csv:3: indicator: 'Population' read as population",
        "indicators.csv:4: category: 'Tier 2' read as tier-2",
        "indicators.csv:5: category: category missing or not in the indicator's categories",
        "indicators.csv:9: kind: kind 'ordinal': a template adds continuous indicators only "
        "(an ordinal one needs its categories in the catalogue)",
        "indicators.csv:10: indicator: not a slug ('Child Labour Rate')",
        "indicators.csv:11: iso3/indicator/year: same as row 2: counted once",
        "indicators.csv:12: iso3/indicator/year: GHA, population, 2020 already given at row 2: the first is kept",
        "indicators.csv:13: value: 'tier-3' read as category tier-3",
    ]
    assert report.notes == [
        "new indicator hotline-calls has no label: its label is the slug",
        "new indicator hotline-calls has no unit: shown as '(unit not given)'",
        "new indicator hotline-calls: catalogue entry created (hotline-calls, (unit not given))",
        "new indicator shelter-beds: catalogue entry created (Shelter beds, beds)",
    ]
    rows = imported.indicators
    assert list(zip(rows["iso3"], rows["indicator"], rows["year"], strict=True)) == [
        ("GHA", "population", 2020),
        ("GHA", "population", 2021),
        ("GHA", "tip-tier", 2020),
        ("GHA", "shelter-beds", 2020),
        ("GHA", "shelter-beds", 2021),
        ("GHA", "hotline-calls", 2020),
        ("THA", "tip-tier", 2020),
    ]
    assert rows.at[2, "value"] == 1500
    assert rows.at[4, "category"] == "tier-2" and pd.isna(rows.at[4, "value"])
    assert rows.at[13, "category"] == "tier-3" and pd.isna(rows.at[13, "value"])
    assert rows["source"].isna().all()
    catalogue = imported.catalogue.astype(object).where(imported.catalogue.notna(), None)
    assert catalogue.to_dict("records") == [
        {
            "indicator": "shelter-beds",
            "label": "Shelter beds",
            "unit": "beds",
            "kind": "continuous",
            "categories": None,
            "colorscale": "Viridis",
            "source": None,
            "licence": None,
        },
        {
            "indicator": "hotline-calls",
            "label": "hotline-calls",
            "unit": "(unit not given)",
            "kind": "continuous",
            "categories": None,
            "colorscale": "Viridis",
            "source": None,
            "licence": None,
        },
    ]


def test_existing_indicator_keeps_its_catalogue_entry(tmp_path):
    text = "iso3,indicator,year,value,label,unit\nGHA,population,2020,5,Head count (synthetic),heads\n"
    _, imported, report = _import(tmp_path, "indicators.csv", text)
    assert report.used == 1 and imported.catalogue is None
    assert report.notes == [
        "label, unit and kind describe new indicators only: population keep the atlas's catalogue entry"
    ]


# -- refusing a file, detection ------------------------------------------------------------------


def test_missing_required_column_is_refused(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text("program_id,program,types,iso3,site,reported_year\np1,Synthetic,prevention,GHA,Accra,2020\n")
    with pytest.raises(ImportRefused) as refused:
        read_file(path)
    lines = [p.message for p in refused.value.problems]
    assert "not Atlas template: programs and sites: lacks site_precision" in lines
    assert lines[0].startswith("matches no known layout; its columns: program_id, program, types")


def test_route_without_destination_columns_is_refused(tmp_path):
    path = tmp_path / "routes.csv"
    path.write_text("route_id,origin_iso3,form,reported_year\nr1,GHA,forced-labour,2020\n")
    with pytest.raises(ImportRefused) as refused:
        read_file(path)
    assert "not Atlas template: routes: lacks destination_iso3 or destination_label" in [
        p.message for p in refused.value.problems
    ]


GLOTIP_HEADER = (
    "Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year, "
    "Unit of measurement, txtVALUE, Source"
).split(", ")
CTDC_HEADER = (
    "yearOfRegistration, gender, ageBroad, citizenship, CountryOfExploitation, traffickMonths, isForcedLabour, "
    "isSexualExploit, isOtherExploit"
).split(", ")


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_matches_only_its_own_layout(kind):
    header = template_file(kind, filled=False).decode().strip().split(",")
    assert [key for key, importer in REGISTRY.items() if importer.score(header) == 1.0] == [kind]


@pytest.mark.parametrize("header", [GLOTIP_HEADER, CTDC_HEADER], ids=["glotip", "ctdc"])
def test_published_layouts_match_no_template(header):
    assert all(REGISTRY[kind].score(header) < 1.0 for kind in KINDS)


# -- the templates to download -------------------------------------------------------------------


def _template_path(tmp_path: Path, kind: str, filled: bool, fmt: str) -> Path:
    path = tmp_path / f"{kind}{'-example' if filled else ''}.{fmt}"
    path.write_bytes(template_file(kind, filled, fmt))
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_blank_template_imports(tmp_path, kind, fmt):
    importer, imported, report = read_file(_template_path(tmp_path, kind, False, fmt))
    assert importer.key == kind
    assert (report.rows_read, report.balanced, report.problems) == (0, True, [])
    assert imported.tables() == {}


TABLE_OF = {"programs": "programs", "routes": "routes", "indicators": "indicators"}
KEY_OF = {"programs": ["program_id"], "routes": ["route_id"], "indicators": ["iso3", "indicator", "year"]}
SCHEMA_OF = {
    "programs": schema.programs_schema,
    "routes": schema.routes_schema,
    "indicators": schema.indicators_schema,
}


def _records(frame: pd.DataFrame, key: list[str]) -> list[dict[str, object]]:
    """Rows as plain values (NA as None, numbers as float), in key order, for comparison."""
    out = []
    for record in frame.sort_values(key).to_dict("records"):
        out.append(
            {
                k: None if pd.isna(v) else float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for k, v in record.items()
            }
        )
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_filled_example_reproduces_the_bundled_rows(tmp_path, kind, fmt):
    importer, imported, report = read_file(_template_path(tmp_path, kind, True, fmt))
    assert importer.key == kind
    assert report.balanced and report.set_aside == {} and report.problems == []
    assert report.used == report.rows_read > 1
    ours = getattr(imported, TABLE_OF[kind]).drop(columns="source")

    raw, problems = read_csv(BUNDLED_DIR / f"{kind}.csv")
    assert raw is not None and not problems
    bundled, problems = validate_table(kind, raw, SCHEMA_OF[kind](schema.Reference(sources=None)))
    assert bundled is not None and not problems
    key = KEY_OF[kind]
    chosen = bundled.merge(ours[key], on=key)[list(ours.columns)]
    assert len(chosen) == len(ours)
    assert _records(ours, key) == _records(chosen, key)


def test_template_file_xlsx_holds_the_csv_rows():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_file("routes", filled=True, fmt="xlsx")))
    sheet = book["routes"]
    rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    expected = list(csv.reader(io.StringIO(template_file("routes", filled=True).decode())))
    assert rows == expected


def test_template_file_refuses_unknown_kind_and_format():
    with pytest.raises(ValueError, match="unknown template"):
        template_file("figures", filled=False)
    with pytest.raises(ValueError, match="unknown format"):
        template_file("routes", filled=False, fmt="ods")


def test_blank_templates_keep_the_column_order():
    header = template_file("indicators", filled=False).decode().strip()
    assert header == "iso3,indicator,year,value,category,suppressed,suppressed_below,label,unit,kind"
    routes = template_file("routes", filled=False).decode().strip()
    assert routes.endswith("reported_year,count,count_note,suppressed,suppressed_below")
    assert "source" not in template_file("programs", filled=False).decode()


# -- through the store, into the atlas -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_filled_example_is_accepted_by_the_atlas(tmp_path, kind, store_url):
    from geodata import load_atlas
    from geodata.importing import ADDED, import_file, stored_datasets
    from geodata.store import Store

    store = Store(store_url)
    result = import_file(_template_path(tmp_path, kind, True, "csv"), store, publisher="Synthetic publisher")
    assert result.status == ADDED and result.dataset.layout == kind
    atlas = load_atlas(BUNDLED_DIR, stored_datasets(store))
    assert atlas.skipped == {}
    table = getattr(atlas, TABLE_OF[kind])
    assert (table["dataset"] == result.dataset.slug).sum() == _example_rows(kind)


def _example_rows(kind: str) -> int:
    return len(template_file(kind, filled=True).decode().strip().splitlines()) - 1


def test_new_indicator_is_accepted_by_the_atlas(tmp_path):
    from geodata import load_atlas
    from geodata.importing import import_file, stored_datasets
    from geodata.store import Store

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    path = tmp_path / "beds.csv"
    path.write_text("iso3,indicator,year,value,label,unit\nGhana,shelter-beds,2020,12,Shelter beds,beds\n")  # synthetic
    import_file(path, store, publisher="Synthetic publisher")
    atlas = load_atlas(BUNDLED_DIR, stored_datasets(store))
    assert atlas.catalogue.at["shelter-beds", "label"] == "Shelter beds"
    assert atlas.indicators.query("indicator == 'shelter-beds'")["value"].tolist() == [12.0]


def test_an_old_template_with_higher_is_worse_imports_with_a_note(tmp_path):
    header = "iso3,indicator,year,value,label,unit,kind,higher_is_worse"
    text = f"{header}\nGhana,shelter-beds,2020,12,Shelter beds,beds,,true\n"
    importer, imported, report = _import(tmp_path, "beds.csv", text)  # synthetic
    assert (importer.key, report.used) == ("indicators", 1)
    assert "extra columns ignored: higher_is_worse" in report.notes
    assert "higher_is_worse" not in imported.catalogue.columns


def test_a_stored_catalogue_entry_with_higher_is_worse_still_loads(tmp_path):
    import json

    import sqlalchemy as sa

    from geodata import load_atlas
    from geodata.importing import import_file, stored_datasets
    from geodata.store import Store, rows_table

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    path = tmp_path / "beds.csv"
    path.write_text("iso3,indicator,year,value,label,unit\nGhana,shelter-beds,2020,12,Shelter beds,beds\n")  # synthetic
    import_file(path, store, publisher="Synthetic publisher")
    # As an import stored before the column was dropped wrote its catalogue entry.
    with store.engine.begin() as c:
        for key, record in c.execute(
            sa.select(rows_table.c.seq, rows_table.c.record).where(rows_table.c.tbl == "catalogue")
        ).all():
            old = json.dumps({**json.loads(record), "higher_is_worse": "false"})
            c.execute(
                rows_table.update().where(rows_table.c.tbl == "catalogue", rows_table.c.seq == key).values(record=old)
            )
    datasets = stored_datasets(store)
    assert "higher_is_worse" in next(iter(datasets))[1]["catalogue"].columns
    atlas = load_atlas(BUNDLED_DIR, datasets)
    assert atlas.catalogue.at["shelter-beds", "label"] == "Shelter beds"
    assert "higher_is_worse" not in atlas.catalogue.columns
