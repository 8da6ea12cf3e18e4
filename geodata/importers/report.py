"""What an import did with every row of a file: a value built while reading.

Each input row has exactly one outcome: *used* (it became part of a table), *merged* (it was
folded into another row under a stated rule, e.g. duplicate keys summed) or *set aside* (for a
named reason: unknown country, a regional aggregate, an empty row, ...). :attr:`ImportReport.balanced`
checks that the outcomes add up to the rows read; problems are kept as
``file:row: column: what`` (:class:`~geodata.problems.Problem`, rows counted as a spreadsheet
counts them: the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from geodata.i18n import N_
from geodata.problems import Message, Problem, decode, encode, say
from geodata.spreadsheet import defused

# Reasons a row is set aside, shared by every importer so that reports read alike.
EMPTY_ROW = N_("empty row")
UNKNOWN_COUNTRY = N_("unknown country")
NOT_A_COUNTRY = N_("regional aggregate, not a country")
NO_VALUE = N_("no value")
BAD_VALUE = N_("value not readable")
BAD_YEAR = N_("year not readable")
FORMULA = N_("spreadsheet formula in a cell")
OUT_OF_SCOPE = N_("not a figure the atlas shows")
INVALID = N_("fails the atlas's checks")


def _english(message: str) -> str:
    return message


def _digits(n: int) -> str:
    return f"{n:,}"


class ImportRefused(Exception):
    """A file that cannot be imported at all (unreadable, empty, no known layout, ...).

    ``problems`` says what and where; nothing is stored from such a file.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class ImportReport:
    """Rows read, used, merged and set aside, with every problem, for one imported file."""

    file: str
    layout: str = ""
    rows_read: int = 0
    used: int = 0
    merged: Counter[str] = field(default_factory=Counter)
    set_aside: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Called with the rows read so far, after each batch: the CLI's and the browser's progress.
    on_read: Callable[[int], None] | None = field(default=None, repr=False, compare=False)

    # -- while reading -------------------------------------------------------------------------
    def read(self, n: int = 1) -> None:
        self.rows_read += n
        if self.on_read is not None and n > 1:
            self.on_read(self.rows_read)

    def use(self, n: int = 1) -> None:
        self.used += n

    def merge(self, rule: str, n: int = 1) -> None:
        """``n`` rows folded into rows already counted as used, under ``rule``."""
        if n:
            self.merged[rule] += n

    def aside(self, reason: str, row: int, column: str, message: str) -> None:
        """One row set aside for ``reason``, with the problem that says where and why."""
        self.set_aside[reason] += 1
        self.problems.append(Problem(self.file, row, column, message))

    def aside_many(self, reason: str, rows: Iterable[int], column: str, message: str) -> None:
        """Several rows set aside for one reason and one message (one problem line each)."""
        for row in rows:
            self.aside(reason, int(row), column, message)

    def problem(self, row: int, column: str, message: str) -> None:
        """A problem with a row that was still used (a value repaired, a spelling recognised, ...)."""
        self.problems.append(Problem(self.file, row, column, message))

    def note(self, text: str) -> None:
        """Something about the file as a whole (extra columns ignored, encoding repaired, ...)."""
        if text not in self.notes:
            self.notes.append(text)

    # -- after reading -------------------------------------------------------------------------
    @property
    def balanced(self) -> bool:
        """Every row read has exactly one outcome."""
        return self.rows_read == self.used + sum(self.merged.values()) + sum(self.set_aside.values())

    def summary(
        self,
        translate: Callable[[str], str] = _english,
        number: Callable[[int], str] = _digits,
        country: Callable[[str, str], str] | None = None,
    ) -> list[str]:
        """The report's head: what was read and what became of it (in the language of ``translate``,
        a gettext, with numbers written by ``number`` and countries named by ``country(iso3, name)``;
        English by default)."""

        def said(text: str) -> str:
            return say(text, translate, number, country)

        merged = sum(self.merged.values())
        aside = sum(self.set_aside.values())
        layout = translate(self.layout) if self.layout else translate(N_("unknown layout"))
        lines = [
            f"{self.file}: {layout}",
            said(Message(N_("rows read: {count}"), count=self.rows_read)),
            said(Message(N_("rows used: {count}"), count=self.used)),
            said(Message(N_("rows merged: {count}"), count=merged)),
        ]
        lines += [f"  {number(n)} {said(rule)}" for rule, n in self.merged.most_common()]
        lines.append(said(Message(N_("rows set aside: {count}"), count=aside)))
        lines += [f"  {number(n)} {said(reason)}" for reason, n in self.set_aside.most_common()]
        lines += [said(Message(N_("note: {note}"), note=said(note))) for note in self.notes]
        return lines

    def lines(
        self,
        limit: int | None = None,
        translate: Callable[[str], str] = _english,
        number: Callable[[int], str] = _digits,
        country: Callable[[str, str], str] | None = None,
    ) -> list[str]:
        """The summary, then the problems as ``file:row: column: what`` (the first ``limit`` of them)."""
        shown = self.problems if limit is None else self.problems[:limit]
        out = self.summary(translate, number, country) + [p.said(translate, number, country) for p in shown]
        if limit is not None and len(self.problems) > limit:
            more = Message(
                N_("... and {count} more problems (download the report for all)"), count=len(self.problems) - limit
            )
            out.append(say(more, translate, number))
        return out

    def to_csv(
        self,
        translate: Callable[[str], str] = _english,
        number: Callable[[int], str] = _digits,
        country: Callable[[str, str], str] | None = None,
    ) -> str:
        """The report as CSV: one line per problem (``file,row,column,problem``), after the counts."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [translate(N_("file")), translate(N_("row")), translate(N_("column")), translate(N_("problem"))]
        )
        for line in self.summary(translate, number, country):
            writer.writerow([defused(self.file), "", "", defused(line)])
        for p in self.problems:
            writer.writerow(
                [defused(p.file), p.row, defused(p.column), defused(say(p.message, translate, number, country))]
            )
        return out.getvalue()

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON keeps it (messages with their templates, to be shown in any language)."""
        return {
            "file": self.file,
            "layout": self.layout,
            "rows_read": self.rows_read,
            "used": self.used,
            "merged": dict(self.merged),
            "set_aside": dict(self.set_aside),
            "notes": [encode(n) for n in self.notes],
            "problems": [[p.file, p.row, p.column, encode(p.message)] for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """The report :meth:`to_dict` wrote (as the store keeps it)."""
        report = cls(str(data["file"]), str(data.get("layout", "")))
        report.rows_read = int(data.get("rows_read", 0))
        report.used = int(data.get("used", 0))
        report.merged = Counter({str(k): int(v) for k, v in dict(data.get("merged", {})).items()})
        report.set_aside = Counter({str(k): int(v) for k, v in dict(data.get("set_aside", {})).items()})
        report.notes = [decode(n) for n in data.get("notes", [])]
        report.problems = [Problem(str(f), int(r), str(c), decode(m)) for f, r, c, m in data.get("problems", [])]
        return report
