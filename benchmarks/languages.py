"""``python3 -m benchmarks.languages``: what a filter change costs in each language, against English.

One app (SimpleCache), one browser session per language, each on its page (``?lang=es``: the app
answers Dash's requests in the language of the page the ``Referer`` names). Each round runs the
23-step session of :data:`benchmarks.filter_callback.SEQUENCE` in every language in turn, once
with the cache cleared (every view computed: the hover texts, the key and the sentence made in that
language) and once again (cache hits). Prints the median server time and response size per
language and kind, and the ratio to English in the same run; the goal is a ratio of about 1 (the
machine is shared and noisy: compare the ratios, not the times).
"""

from __future__ import annotations

import argparse
import statistics
import sys

from benchmarks.filter_callback import BrowserSession
from dashboard.cache import cache
from dashboard.config import load_config
from dashboard.factory import create_app
from dashboard.i18n import LANGUAGES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    app = create_app(load_config(cache_type="SimpleCache"))
    sessions = {code: BrowserSession(app.server.test_client(), f"?lang={code}") for code in LANGUAGES}
    seconds: dict[tuple[str, str], list[float]] = {}
    sizes: dict[tuple[str, str], list[int]] = {}
    for code, session in sessions.items():  # warm-up: imports, first-use caches, the catalogs
        cache.clear()
        session.run_pass()
        session.run_pass()
        assert all(f"lang={code}" in s.rendered or code == "en" for s in session.run_pass()), code
    for number in range(args.rounds):
        print(f"\rround {number + 1}/{args.rounds}", end="", file=sys.stderr, flush=True)
        for code, session in sessions.items():
            cache.clear()
            for kind in ("miss", "hit"):
                for sample in session.run_pass():
                    seconds.setdefault((code, kind), []).append(sample.seconds)
                    sizes.setdefault((code, kind), []).append(sample.json_bytes)
    print("\r" + " " * 30 + "\r", end="", file=sys.stderr)
    print(f"Filter change, {args.rounds} rounds x 23 steps per language (median server ms, median KB JSON)")
    print(f"{'language':<18} {'miss ms':>8} {'x en':>6} {'hit ms':>8} {'x en':>6} {'KB':>6}")
    english = {kind: statistics.median(seconds[("en", kind)]) for kind in ("miss", "hit")}
    for code, name in LANGUAGES.items():
        miss = statistics.median(seconds[(code, "miss")])
        hit = statistics.median(seconds[(code, "hit")])
        kb = statistics.median(sizes[(code, "miss")]) / 1000
        print(
            f"{name:<18} {miss * 1000:8.2f} {miss / english['miss']:6.2f} "
            f"{hit * 1000:8.2f} {hit / english['hit']:6.2f} {kb:6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
