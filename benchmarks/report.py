"""Summary statistics and the printed tables. KB here is 1,000 bytes."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

BUDGET_INITIAL_KB = 100.0
BUDGET_CHANGE_KB = 20.0
BUDGET_CHANGE_MS = 10.0


def p90(values: Sequence[float]) -> float:
    """The 90th percentile by nearest rank (a value that was measured, not interpolated)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


@dataclass
class Series:
    """Requests of one kind: server seconds and response bytes (JSON, and on the wire)."""

    name: str
    seconds: list[float] = field(default_factory=list)
    json_bytes: list[int] = field(default_factory=list)
    wire_bytes: list[int] = field(default_factory=list)

    def add(self, seconds: float, json_bytes: int, wire_bytes: int) -> None:
        self.seconds.append(seconds)
        self.json_bytes.append(json_bytes)
        self.wire_bytes.append(wire_bytes)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p90_ms(self) -> float:
        return p90(self.seconds) * 1000

    @property
    def median_kb(self) -> float:
        return statistics.median(self.json_bytes) / 1000

    @property
    def max_kb(self) -> float:
        return max(self.json_bytes) / 1000

    @property
    def wire_median_kb(self) -> float:
        return statistics.median(self.wire_bytes) / 1000 if self.wire_bytes else math.nan

    @property
    def wire_max_kb(self) -> float:
        return max(self.wire_bytes) / 1000 if self.wire_bytes else math.nan


def _kb(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "holds" if ok else "MISSED"


def series_table(rows: Sequence[Series]) -> list[str]:
    """One line per series: n, median and p90 ms, median and max KB (JSON and on the wire)."""
    head = (
        f"{'measured':<44} {'n':>4} {'med ms':>8} {'p90 ms':>8} {'med KB':>8} {'max KB':>8}"
        f" {'wire med':>9} {'wire max':>9}"
    )
    lines = [head, "-" * len(head)]
    for s in rows:
        lines.append(
            f"{s.name:<44} {len(s.seconds):>4} {s.median_ms:>8.2f} {s.p90_ms:>8.2f} {_kb(s.median_kb):>8}"
            f" {_kb(s.max_kb):>8} {_kb(s.wire_median_kb):>9} {_kb(s.wire_max_kb):>9}"
        )
    return lines


def ratio_lines(baseline: Series, apps: Sequence[Series]) -> list[str]:
    lines = []
    for app in apps:
        lines.append(
            f"baseline / {app.name}: time {baseline.median_ms / app.median_ms:,.0f}x,"
            f" JSON bytes {baseline.median_kb / app.median_kb:,.0f}x,"
            f" wire bytes {baseline.wire_median_kb / app.wire_median_kb:,.0f}x (medians)"
        )
    return lines


FILTERS = ("region", "type", "form", "year")  # what narrows what is in view; the indicator recolours


def budget_lines(
    initial_kb: float, apps: Sequence[Series], by_kind: dict[str, dict[str, Series]] | None = None
) -> list[str]:
    lines = [
        f"initial map figure JSON {initial_kb:.1f} KB < {BUDGET_INITIAL_KB:.0f} KB:"
        f" {_verdict(initial_kb < BUDGET_INITIAL_KB)}"
    ]
    for app in apps:
        lines.append(
            f"{app.name}: median {app.median_ms:.2f} ms < {BUDGET_CHANGE_MS:.0f} ms:"
            f" {_verdict(app.median_ms < BUDGET_CHANGE_MS)}"
        )
    app = apps[0]  # the responses are the same whatever the cache does
    lines.append(
        f"response to any change, JSON: median {app.median_kb:.1f} KB, largest {app.max_kb:.1f} KB"
        f" < {BUDGET_CHANGE_KB:.0f} KB: median {_verdict(app.median_kb < BUDGET_CHANGE_KB)},"
        f" every response {_verdict(app.max_kb < BUDGET_CHANGE_KB)}"
    )
    lines.append(
        f"response to any change, on the wire (zstd): median {app.wire_median_kb:.1f} KB, largest"
        f" {app.wire_max_kb:.1f} KB < {BUDGET_CHANGE_KB:.0f} KB: every response"
        f" {_verdict(app.wire_max_kb < BUDGET_CHANGE_KB)}"
    )
    kinds_of = (
        ("a filter change (" + ", ".join(FILTERS) + ")", FILTERS),
        ("an indicator change (recolours the world choropleth)", ("indicator",)),
    )
    for label, kinds in kinds_of:
        sizes = [size for kind in kinds for size in (by_kind or {}).get(kind, {}).get("hit", Series("")).json_bytes]
        if sizes:
            largest = max(sizes) / 1000
            lines.append(
                f"  {label}: largest JSON {largest:.1f} KB < {BUDGET_CHANGE_KB:.0f} KB:"
                f" {_verdict(largest < BUDGET_CHANGE_KB)}"
            )
    return lines
