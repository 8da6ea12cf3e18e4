"""``python -m benchmarks [--quick]``: the map callback against a naive baseline, in one run.

Prints medians, 90th percentiles, bytes, the baseline/app ratios and whether each budget holds
(initial figure < 100 KB; a filter change < 20 KB and < 10 ms median server time).
The machine is shared and noisy: read medians and ratios, not single runs.
"""

from __future__ import annotations

import argparse
import os
import platform

from benchmarks.callback import run

BUDGETS = {"initial_kb": 100.0, "change_kb": 20.0, "change_ms": 10.0}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args()
    rounds = 3 if args.quick else 15
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; rounds: {rounds}"
    )
    results = run(rounds)

    print(f"\n{'measured':<30} {'median ms':>10} {'p90 ms':>8} {'median KB':>10} {'max KB':>8}")
    for name, figures in results.items():
        if name == "initial figure":
            continue
        print(
            f"{name:<30} {figures.get('median_ms', float('nan')):>10.2f} {figures.get('p90_ms', float('nan')):>8.2f}"
            f" {figures.get('median_kb', float('nan')):>10.1f} {figures.get('max_kb', float('nan')):>8.1f}"
        )
    initial = results["initial figure"]["kb"]
    app = results["app, filters, cache warm"]
    cold = results["app, filters, cache cold"]
    base = results["baseline, filters"]
    memo_hit = results["data functions, memo hit"]["median_ms"]
    memo_miss = results["data functions, computed"]["median_ms"]
    print(
        f"\ninitial figure JSON: {initial:.1f} KB (budget {BUDGETS['initial_kb']:.0f} KB):"
        f" {'holds' if initial < BUDGETS['initial_kb'] else 'MISSED'}"
    )
    print(
        f"baseline / app (warm), server time: {base['median_ms'] / app['median_ms']:.1f}x;"
        f" bytes: {base['median_kb'] / app['median_kb']:.0f}x"
    )
    print(f"baseline / app (cold), server time: {base['median_ms'] / cold['median_ms']:.1f}x")
    print(
        f"Flask-Caching memo: data functions {memo_miss:.2f} ms computed vs {memo_hit:.2f} ms from the memo"
        f" ({memo_miss / memo_hit:.1f}x)"
    )
    wire = results["app, filters, gzip on the wire"]
    for label, figures in (("warm", app), ("cold", cold)):
        ms_ok = figures["median_ms"] < BUDGETS["change_ms"]
        print(
            f"filter change ({label} cache): median {figures['median_ms']:.1f} ms"
            f" ({'holds' if ms_ok else 'MISSED'} < {BUDGETS['change_ms']:.0f} ms)"
        )
    for label, figures in (("JSON", app), ("on the wire, gzip", wire)):
        kb_ok = figures["max_kb"] < BUDGETS["change_kb"]
        print(
            f"filter change response ({label}): median {figures['median_kb']:.1f} KB,"
            f" largest {figures['max_kb']:.1f} KB ({'holds' if kb_ok else 'MISSED'} < {BUDGETS['change_kb']:.0f} KB)"
        )


if __name__ == "__main__":
    main()
