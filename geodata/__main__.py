"""The data layer's command line.

``python -m geodata check [DATA_DIR]``: validate a data directory and summarise it.
``python -m geodata import FILE [--as LAYOUT] [--name NAME]``: import a file into the store, with a report.
``python -m geodata datasets [--sites-beyond KM]``: list the imported datasets (and, in a PostGIS store,
the program sites farther than KM from their country's label point); ``python -m geodata remove NAME``: remove one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from geodata.importers import REGISTRY
from geodata.importers.report import ImportRefused
from geodata.importing import import_file
from geodata.loader import BUNDLED_DIR, MAIN_TABLES, Atlas, load_atlas
from geodata.problems import DataError
from geodata.store import Store


def summarise(atlas: Atlas, seconds: float) -> str:
    """A short human summary of a loaded atlas."""
    lines = [f"data: {atlas.directory}", f"loaded and validated in {seconds * 1000:.0f} ms", "tables:"]
    for table in MAIN_TABLES:
        lines.append(f"  {table:<11} {len(getattr(atlas, table)):>6} rows")
    lines.append(
        f"  (reference: {len(atlas.sources)} sources, {len(atlas.catalogue)} indicators in the catalogue, "
        f"{len(atlas.figures)} headline figures)"
    )
    ind = atlas.indicators
    covered = set(ind["iso3"]) | set(atlas.programs["iso3"])
    covered |= set(atlas.routes["origin_iso3"].dropna()) | set(atlas.routes["destination_iso3"].dropna())
    lines.append(f"countries: {len(atlas.countries)} defined, {len(covered)} with data")
    lines.append("indicators:")
    for name, entry in atlas.catalogue.iterrows():
        rows = ind[ind["indicator"] == name]
        years = sorted(rows["year"].unique())
        span = ", ".join(map(str, years)) if len(years) <= 3 else f"{years[0]}-{years[-1]} ({len(years)} years)"
        detail = f"{rows['iso3'].nunique()} countries"
        if entry["kind"] == "ordinal":
            ranked = rows[rows["category"] != "not-ranked"]
            detail = f"{ranked['iso3'].nunique()} countries ranked, {len(rows) - len(ranked)} not ranked in source"
        lines.append(f"  {name:<15} {span:<22} {detail}")
    programs = atlas.programs
    lines.append(
        f"programs: {programs['program'].nunique()} programs at {len(programs)} sites in "
        f"{programs['iso3'].nunique()} countries"
    )
    for program, sites in programs.groupby("program", sort=False):
        cited = sorted(set(";".join(sites["source"]).split(";")))
        lines.append(f"  - {program} [{', '.join(sites['iso3'])}] (source: {', '.join(cited)})")
    lines.append(f"routes: {len(atlas.routes)} ({atlas.routes['form'].nunique()} forms of exploitation)")
    lines.append("sources cited:")
    for _, src in atlas.sources.iterrows():
        lines.append(f"  [{src['source_id']}] {src['publisher']}, {src['document']}, {src['date']}")
    return "\n".join(lines)


def _progress(stream: TextIO) -> Callable[[int], None] | None:
    if not stream.isatty():
        return None

    def show(rows: int) -> None:
        stream.write(f"\rrows read: {rows:,}")
        stream.flush()

    return show


def run_import(args: argparse.Namespace) -> int:
    store = Store(args.database)
    progress = _progress(sys.stderr)
    try:
        result = import_file(
            args.file, store, layout=args.layout, name=args.name, publisher=args.publisher, on_read=progress
        )
    except ImportRefused as exc:
        if progress:
            sys.stderr.write("\n")
        for problem in exc.problems:
            print(problem)
        print(f"{args.file}: not imported; nothing was stored", file=sys.stderr)
        return 1
    if progress:
        sys.stderr.write("\n")
    for line in result.report.lines(limit=args.show):
        print(line)
    if args.report:
        Path(args.report).write_text(result.report.to_csv(), encoding="utf-8")
        print(f"report written to {args.report}")
    d = result.dataset
    counts = ", ".join(f"{n:,} {table}" for table, n in d.counts.items())
    what = {"added": "imported as", "replaced": "replaced dataset", "unchanged": "already imported, unchanged:"}
    print(f"{what[result.status]} {d.slug!r} ({counts}) in {store.where}")
    return 0


def run_datasets(args: argparse.Namespace) -> int:
    store = Store(args.database)
    found = store.datasets()
    if not found:
        print(f"no imported datasets in {store.where}")
    for d in found:
        counts = ", ".join(f"{n:,} {table}" for table, n in d.counts.items())
        print(f"{d.slug}: {d.name} [{d.layout}] from {d.file_name}, {d.publisher}, imported {d.imported_at} ({counts})")
    if args.sites_beyond is None:
        return 0
    if not store.spatial:
        print(f"--sites-beyond measures sites in PostGIS; {store.where} is not PostgreSQL", file=sys.stderr)
        return 2
    far = store.sites_far_from(load_atlas(BUNDLED_DIR).countries, args.sites_beyond)
    print(f"program sites farther than {args.sites_beyond:,g} km from their country's label point: {len(far)}")
    for site in far.itertuples():
        print(
            f"  {site.dataset}/programs:{site.seq + 2}: {site.iso3} site ({site.lat:.4f}, {site.lon:.4f}) "
            f"is {site.distance_km:,.0f} km from its label point"
        )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    store = Store(args.database)
    if store.remove(args.name):
        print(f"removed {args.name!r} from {store.where}")
        return 0
    known = ", ".join(d.slug for d in store.datasets()) or "none"
    print(f"no dataset {args.name!r} in {store.where} (datasets: {known})", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m geodata", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a data directory and print a summary")
    check.add_argument("data_dir", nargs="?", type=Path, default=BUNDLED_DIR)
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database",
        default=None,
        help="SQLAlchemy URL of the store (default: ATLAS_DATABASE_URL or the user's data dir)",
    )
    imp = commands.add_parser("import", parents=[database], help="import a file (CSV or XLSX) into the store")
    imp.add_argument("file", type=Path)
    imp.add_argument("--as", dest="layout", choices=sorted(REGISTRY), help="the file's layout (default: detected)")
    imp.add_argument("--name", help="the dataset's name (default: the file's name)")
    imp.add_argument("--publisher", help="who published the file (default: the layout's publisher)")
    imp.add_argument("--report", metavar="CSV", help="also write the whole report to this CSV file")
    imp.add_argument("--show", type=int, default=50, help="problems to print (default 50; the CSV has all)")
    listing = commands.add_parser("datasets", parents=[database], help="list the imported datasets")
    listing.add_argument(
        "--sites-beyond",
        type=float,
        metavar="KM",
        help="also list program sites farther than KM from their country's label point (PostGIS stores)",
    )
    rm = commands.add_parser("remove", parents=[database], help="remove an imported dataset")
    rm.add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "import":
        return run_import(args)
    if args.command == "datasets":
        return run_datasets(args)
    if args.command == "remove":
        return run_remove(args)

    started = time.perf_counter()
    try:
        atlas = load_atlas(args.data_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {args.data_dir}", file=sys.stderr)
        return 1
    print(summarise(atlas, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
