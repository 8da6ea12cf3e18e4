"""``python -m geodata check [DATA_DIR]``: validate a data directory and summarise it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from geodata.loader import BUNDLED_DIR, MAIN_TABLES, Atlas, load_atlas
from geodata.problems import DataError


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate a data directory and print a summary")
    check.add_argument("data_dir", nargs="?", type=Path, default=BUNDLED_DIR)
    args = parser.parse_args(argv)

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
