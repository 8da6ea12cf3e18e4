"""``python -m benchmarks [--quick | --profile]``: the map's filter callback against a naive baseline.

Measures, in one run: the app's ``render_view`` callback posted to ``/_dash-update-component``
as the browser posts it (Flask-Caching hit, miss, and NullCache in a second process); a
baseline that rebuilds a full-GeoJSON choropleth figure for the same filter states; and the
initial figure. Prints medians, 90th percentiles, bytes, the baseline/app ratios and whether
each budget holds (initial figure < 100 KB; a filter change < 20 KB and < 10 ms median).
The machine is shared and noisy: read medians and ratios, not single requests.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
import warnings

from benchmarks.filter_callback import SEQUENCE, worker_main
from benchmarks.report import budget_lines, ratio_lines, series_table
from benchmarks.suite import Results, profile, run

FULL = {"rounds": 15, "baseline_every": 1, "baseline_rounds": 2}
QUICK = {"rounds": 3, "baseline_every": 3, "baseline_rounds": 1}
KIND_ORDER = ("region", "type", "form", "indicator", "year")


def print_results(results: Results, settings: dict[str, int]) -> None:
    r = results
    print()
    print("\n".join(series_table([r.hit, r.miss, r.null, r.baseline, r.floor, r.layout])))
    print(
        f"\nmedians over {settings['rounds']} rounds of {len(SEQUENCE)} changes (filters and indicator) per app row;"
        f" baseline: {r.baseline_states} of those states x {settings['baseline_rounds']} round(s)."
        "\nms: server time (the Flask test client call); KB: JSON body (1 KB = 1,000 bytes);"
        " wire: as sent (zstd, the browser's Accept-Encoding)."
    )

    print("\nBy kind of change (median ms; KB of the JSON response):")
    print(f"{'change':<10} {'n':>4} {'hit ms':>8} {'miss ms':>8} {'null ms':>8} {'med KB':>8} {'max KB':>8}")
    for kind in KIND_ORDER:
        series = r.by_kind.get(kind)
        if not series:
            continue
        hit, miss, null = series["hit"], series["miss"], series["null"]
        print(
            f"{kind:<10} {len(hit.seconds):>4} {hit.median_ms:>8.2f} {miss.median_ms:>8.2f} {null.median_ms:>8.2f}"
            f" {hit.median_kb:>8.1f} {hit.max_kb:>8.1f}"
        )

    print("\nLargest responses (and their largest outputs, KB):")
    for sample in r.largest:
        parts = sorted(sample.outputs.items(), key=lambda item: item[1], reverse=True)[:4]
        shown = ", ".join(f"{name} {size / 1000:.1f}" for name, size in parts)
        print(f"  {sample.step.label:<32} {sample.json_bytes / 1000:5.1f} KB: {shown}")

    print("\nBaseline / app:")
    print("\n".join("  " + line for line in ratio_lines(r.baseline, [r.hit, r.miss, r.null])))

    dedup = r.null.median_ms - r.miss.median_ms
    reuse = r.miss.median_ms - r.hit.median_ms
    print(
        "\nFlask-Caching, whole callback, same requests (medians):"
        f"\n  NullCache {r.null.median_ms:.2f} ms, SimpleCache miss {r.miss.median_ms:.2f} ms,"
        f" SimpleCache hit {r.hit.median_ms:.2f} ms"
        f"\n  reuse across requests (miss - hit): {reuse:.2f} ms saved when the view was seen before"
        f" ({r.miss.median_ms / r.hit.median_ms:.1f}x)"
        f"\n  on views never seen (NullCache - miss): {dedup:.2f} ms; a layer's traces are cached under"
        " what the layer reads, so a new view reuses the layers it shares with views seen before"
    )
    if r.mismatches:
        print(f"WARNING: responses differed between variants: {r.mismatches[:3]}")

    print("\nBudgets:")
    print("\n".join("  " + line for line in budget_lines(r.initial_figure_kb, [r.hit, r.miss, r.null], r.by_kind)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run: 3 rounds, a third of the baseline states")
    parser.add_argument("--profile", action="store_true", help="cProfile the callback (cache miss, then hit)")
    parser.add_argument("--worker", metavar="CACHE_TYPE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if args.worker:
        worker_main(args.worker)
        return
    if args.profile:
        profile(passes=3 if args.quick else 10, top=22, out=sys.stdout)
        return
    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    print(
        f"python -m benchmarks{' --quick' if args.quick else ''}: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    results = run(progress=sys.stderr if sys.stderr.isatty() else io.StringIO(), **settings)
    print_results(results, settings)
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
