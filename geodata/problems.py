"""Problems found in a data directory, reported as ``file:row: column: what is wrong``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell (or row, or file).

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2;
    0 means the problem concerns the whole file.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


class DataError(Exception):
    """A data directory that could not be loaded whole; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s):\n" + "\n".join(map(str, self.problems)))
