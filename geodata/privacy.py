"""Free text that would give away a suppressed count.

Counts of people below the suppression threshold are shown as "fewer than 11" (``<11``): a
small count can identify the people behind it. A note in the same row that says "five victims
returned voluntarily" undoes that. :func:`revealing_notes` finds such notes, so that the data
check can report them; it is pure (a table in, findings out) and reads no configuration.

A number in a note is reported when

1. it equals a count of the same row that is suppressed (above 0 and below the threshold),
   unless a unit of time or a per cent sign follows it ("in four years", "5%"), or
2. it is below the threshold and names people: a word for people follows it, at most two
   words on ("five victims", "3 trafficked women", "one of the girls").

Numbers are digits ("5", "1,500") or English number words ("five", "twenty-one"). Amounts of
money ("$50 million"), decimals, ordinals ("10th") and numbers inside words or codes are not
numbers of people. So "some 1,500 children" (above the threshold), "in four years" and "opened
10 June 2005" pass.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import NamedTuple

import pandas as pd

from geodata.i18n import N_
from geodata.problems import Message

# What a note is told (English templates, values apart: the dashboard shows them translated).
STATES_COUNT = N_(
    "states {number}, the count in {columns} that is shown as fewer than {threshold}: "
    "say 'fewer than {threshold}' or leave the number out"
)
STATES_PEOPLE = N_(
    "states {number} people, below the suppression threshold of {threshold}: "
    "say 'fewer than {threshold}' or leave the number out"
)

_UNITS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(_UNITS, start=1)},
    **{word: 10 * n for n, word in enumerate(_TENS, start=2)},
}

# Words for people that a count can stand before (singular and plural).
PEOPLE_WORDS = frozenset(
    """victim victims person persons people individual individuals child children kid kids minor minors
    adult adults woman women man men girl girls boy boys survivor survivors migrant migrants worker workers
    returnee returnees family families trafficked-person trafficked-persons""".split()
)
# Words that make a number something other than people: time, and shares.
TIME_WORDS = frozenset(
    """year years month months week weeks day days hour hours decade decades time times percent per
    january february march april may june july august september october november december""".split()
)

_ONES = "|".join(_UNITS[:9])
_SIMPLE = "|".join(sorted(_UNITS, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?<![\w$£€.,-])(?:"
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?![\w%]|[.,]\d)"  # 5, 1,500; not 1.5, 10th, 5%
    rf"|(?P<words>(?:{'|'.join(_TENS)})(?:[- ](?:{_ONES}))?|{_SIMPLE})\b"  # five, twenty-one
    r")",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s*([A-Za-z][A-Za-z'-]*|%)")
LOOK_AHEAD = 3  # the people word may come up to two words after the number


class RevealingNote(NamedTuple):
    """A note that states a number a count's suppression hides."""

    row: Hashable  # the row's index label in the table given
    column: str  # the note's column
    message: str  # a geodata.problems.Message: English, with its template and values apart


def _value(match: re.Match[str]) -> int:
    if match.group("digits"):
        return int(match.group("digits").replace(",", ""))
    parts = re.split(r"[- ]", match.group("words").lower())
    return sum(NUMBER_WORDS[p] for p in parts)


def _words_after(text: str, end: int, n: int) -> list[str]:
    words = []
    for _ in range(n):
        found = _NEXT_WORD.match(text, end)
        if not found:
            break
        words.append(found.group(1).lower())
        end = found.end()
    return words


def numbers_in(text: str) -> list[tuple[str, int, list[str]]]:
    """Each number in ``text``: as written, its value, and the (lower-cased) words after it."""
    return [(m.group(0), _value(m), _words_after(text, m.end(), LOOK_AHEAD)) for m in _NUMBER.finditer(text)]


def revealing_notes(
    table: pd.DataFrame, count_columns: Iterable[str], note_columns: Iterable[str], threshold: int
) -> list[RevealingNote]:
    """The notes of ``table`` that state a count of people that must not be shown exactly.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per record (programs, routes), as read or as loaded; columns it lacks are skipped.
    count_columns : iterable of str
        Counts of people (``people_assisted``, ``people_returned``, ``count``...); numbers or
        numeric text, empty allowed.
    note_columns : iterable of str
        Free text in the same rows (``figures_note``, ``count_note``...).
    threshold : int
        Counts above 0 and below it are suppressed (shown as ``<threshold``).

    Returns
    -------
    list of RevealingNote
        ``(row, column, message)`` for each note and number found, in table order: ``row`` is
        the row's index label, ``column`` the note's column, ``message`` says what it states.
    """
    counts = [c for c in count_columns if c in table]
    notes = [c for c in note_columns if c in table]
    # Only rows with some text can say anything: an imported table of 100,000 flows has none.
    texts = {c: table[c].to_numpy(dtype=object) for c in notes}
    with_text = [i for i in range(len(table)) if any(isinstance(texts[c][i], str) for c in notes)]
    numeric = {c: pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=float("nan")) for c in counts}
    labels = table.index
    found: list[RevealingNote] = []
    for position in with_text:
        label = labels[position]
        hidden = {
            c: int(v)
            for c in counts
            if (v := numeric[c][position]) == v and 0 < v < threshold and float(v).is_integer()
        }
        for column in notes:
            text = texts[column][position]
            if not isinstance(text, str):
                continue
            for written, value, after in numbers_in(text):
                if not 0 < value < threshold:
                    continue
                said = {"number": repr(written), "threshold": threshold}
                equal = [c for c, v in hidden.items() if v == value]
                if equal and not (after and after[0] in TIME_WORDS):
                    found.append(RevealingNote(label, column, Message(STATES_COUNT, **said, columns=", ".join(equal))))
                elif any(word in PEOPLE_WORDS for word in after):
                    found.append(RevealingNote(label, column, Message(STATES_PEOPLE, **said)))
    return found


# Which columns of which table to check: (counts of people, free text), for the data check.
FREE_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "programs.csv": (("people_assisted", "people_reunited", "people_returned"), ("figures_note",)),
    "routes.csv": (("count",), ("count_note", "detail", "victims")),
}
