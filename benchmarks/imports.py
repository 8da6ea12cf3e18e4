"""``python -m benchmarks.imports [--quick]``: import speed and peak memory on generated files.

Generates two files, labelled synthetic in their names and never shown as real: a CTDC
2024-layout CSV of 260,000 victim records and a GLOTIP-layout CSV of 50,000 rows (with the
quirks of the published file: "<5", thousands commas, names in four languages, regional
aggregates, duplicates). Each is imported whole (read, checked, stored in a fresh SQLite store)
in a process of its own, several times; the baseline, measured in the same run, is only parsing
the same file with pandas (``read_csv``, or ``read_excel`` with calamine for the workbook; every
cell as text). The GLOTIP rows are measured as CSV and as the XLSX the portal publishes. Prints
the median wall time, the peak resident memory of the process, rows per second and the ratio to
the baseline. Goal on the 2-core machine: under 5 s and 500 MB each.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CTDC_COLUMNS = (
    "yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,traffickMonths,isForcedLabour,"
    "isSexualExploit,isOtherExploit,meansDebtBondageEarnings,meansThreats,meansAbusePsyPhySex,meansFalsePromises,"
    "meansDrugsAlcohol,meansDenyBasicNeeds,meansExcessiveWorkHours,meansWithholdDocs,recruiterRelationIntimatePartner,"
    "recruiterRelationFriend,recruiterRelationFamily,recruiterRelationOther,typeOfLabourAgriculture,"
    "typeOfLabourConstruction,typeOfLabourDomesticWork,typeOfLabourHospitality,typeOfSexProstitution,"
    "typeOfSexPornography"
).split(",")
GLOTIP_COLUMNS = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
COUNTRIES = (
    "UKR MDA ROU BGR ALB NGA GHA SEN MLI NER IDN PHL THA KHM MMR VNM LAO MYS CHN IND NPL BGD PAK AFG "
    "MEX GTM HND SLV NIC CRI COL VEN BRA ARG USA CAN ESP FRA ITA DEU NLD BEL GBR POL CZE HUN SRB BIH "
    "TUR EGY MAR DZA TUN ETH KEN UGA TZA ZAF NAM ZWE"
).split()
CATEGORIES = (
    "Ukraine Alemania Bresil DESCONOCIDA Albanian Nigeria Romania ROMANIA Abroad Nationals Unknown "
    "Philippines Tailandia Viet\u00a0Nam"
).split() + ["M49 Region: Africa", "European Economic Area", "3 maliens", "TOTAL POR AÑO", "Br\u00c3\u00a9sil"]
INDICATORS = ("Detected trafficking victims", "Persons convicted", "Persons prosecuted")
FORMS = ("Sexual exploitation", "Forced labour", "Other forms of exploitation")


def corridors(rng: random.Random, n: int = 1500) -> tuple[list[tuple[str, str]], list[float]]:
    """``n`` (citizenship, country of exploitation) pairs with Zipf-like weights: records in the
    published files gather on a few corridors (GLOTIP has about 2,500 pairs in all)."""
    pairs = sorted({(rng.choice(COUNTRIES), rng.choice(COUNTRIES)) for _ in range(n * 2)})[:n]
    rng.shuffle(pairs)
    return pairs, [1 / (rank + 1) for rank in range(len(pairs))]


def write_ctdc(path: Path, rows: int, seed: int = 7) -> Path:
    """A synthetic CTDC 2024-layout file (random records; not CTDC's data)."""
    rng = random.Random(seed)
    pairs, weights = corridors(rng)
    drawn = rng.choices(pairs, weights, k=rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(CTDC_COLUMNS)
        for origin, destination in drawn:
            flags = [rng.random() < 0.4, rng.random() < 0.5, rng.random() < 0.1]
            record = [
                str(rng.randint(2002, 2023)),
                rng.choice(("Man", "Woman", "Trans/Transgender/NonConforming")),
                rng.choice(("0--8", "09--17", "18--20", "21--23", "48+")),
                origin if rng.random() > 0.1 else "",
                destination if rng.random() > 0.05 else "",
                "",
                *("1" if flag else "0" for flag in flags),
            ]
            record += [rng.choice(("0", "1", "")) for _ in range(len(CTDC_COLUMNS) - len(record))]
            out.writerow(record)
    return path


def write_glotip(path: Path, rows: int, seed: int = 11) -> Path:
    """A synthetic GLOTIP-layout file (random figures; not UNODC's data)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(GLOTIP_COLUMNS)
        for i in range(rows):
            iso3 = rng.choice(COUNTRIES) if rng.random() > 0.01 else rng.choice(("SAM", "EEU", "Aruba/Curacao"))
            dimension = rng.choices(
                ("Total", "by form of exploitation", "by citizenship", "by country of repatriation"), (50, 28, 17, 5)
            )[0]
            category = {"Total": "Total", "by form of exploitation": rng.choice(FORMS)}.get(
                dimension, rng.choice(CATEGORIES)
            )
            value = "<5" if rng.random() < 0.5 else f"{rng.randint(5, 3000):,}"
            record = [
                iso3,
                "",
                "",
                "",
                rng.choice(INDICATORS),
                dimension,
                category,
                rng.choice(("Total", "Total", "Female", "Male")),
                rng.choice(("Total", "Total", "Adult", "Minor")),
                str(2003 + i % 19),
                "Counts",
                value,
                "GLOTIP",
            ]
            out.writerow(record)
            if rng.random() < 0.01:
                out.writerow(record)  # an exact duplicate, as the published file has some
    return path


def write_xlsx(source: Path, path: Path) -> Path:
    """The same rows as a workbook with GLOTIP's sheet name, as the portal publishes it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data_glotip_1")
    with source.open(newline="", encoding="utf-8") as f:
        for record in csv.reader(f):
            sheet.append(record)
    book.save(path)
    return path


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
if mode == "baseline" and path.suffix == ".xlsx":
    import pandas as pd
    rows = len(pd.read_excel(path, dtype=str, keep_default_na=False, engine="calamine"))
    extra = {}
elif mode == "baseline":
    import pandas as pd
    rows = len(pd.read_csv(path, dtype=str, keep_default_na=False))
    extra = {}
else:
    from geodata.importing import import_file
    from geodata.store import Store
    result = import_file(path, Store(db))
    rows = result.report.rows_read
    extra = {"used": result.report.used, "merged": sum(result.report.merged.values()),
             "aside": sum(result.report.set_aside.values()), "stored": dict(result.dataset.counts)}
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": rows, **extra}))
"""


def measure(mode: str, path: Path, repeat: int) -> list[dict[str, object]]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            db = f"sqlite:///{folder}/bench.sqlite"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, mode, str(path), db], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run each instead of three")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        files = {
            "CTDC 2024 layout": write_ctdc(Path(folder) / "synthetic-ctdc-260000.csv", 260_000),
            "GLOTIP layout": write_glotip(Path(folder) / "synthetic-glotip-50000.csv", 50_000),
        }
        files["GLOTIP, as xlsx"] = write_xlsx(files["GLOTIP layout"], Path(folder) / "synthetic-glotip-50000.xlsx")
        print(f"generated synthetic files in {time.perf_counter() - started:.1f} s (not real data)")
        print(
            f"{'file':<18} {'MB':>6} {'rows':>8} {'import s':>9} {'peak MB':>8} {'rows/s':>9} "
            f"{'parse s':>8} {'x parse':>8}  outcome"
        )
        for label, path in files.items():
            imported = measure("import", path, repeat)
            parsed = measure("baseline", path, repeat)
            seconds = statistics.median(float(r["seconds"]) for r in imported)  # type: ignore[arg-type]
            peak = max(float(r["peak_mb"]) for r in imported)  # type: ignore[arg-type]
            base = statistics.median(float(r["seconds"]) for r in parsed)  # type: ignore[arg-type]
            last = imported[-1]
            outcome = (
                f"{last['used']:,} used, {last['merged']:,} merged, {last['aside']:,} set aside; "
                f"stored {last['stored']}"
            )
            size = path.stat().st_size / 1e6
            rows = int(last["rows"])  # type: ignore[call-overload]
            print(
                f"{label:<18} {size:>6.1f} {rows:>8,} {seconds:>9.2f} {peak:>8.0f} {rows / seconds:>9,.0f} "
                f"{base:>8.2f} {seconds / base:>8.1f}  {outcome}"
            )
            goal = "holds" if seconds < 5 and peak < 500 else "MISSED"
            print(f"{'':<18} goal (< 5 s, < 500 MB): {goal}")
    print(f"median of {repeat} run(s) each, every run a process of its own; peak = max resident set size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
