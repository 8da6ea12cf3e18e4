"""Problems found in a data directory, reported as ``file:row: column: what is wrong``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class Message(str):
    """An English message that keeps its template and values, so it can be shown in another language.

    It is the English text (``Message("{value} is not a year", value="'20x7'") == "'20x7' is not a year"``),
    so it is used wherever a ``str`` is; :attr:`template` (marked with ``N_``) and :attr:`values` let
    whoever shows it translate the template and put the same values back (numbers as numbers, so
    they are written the language's way; a cell's value or a file's name as it is).
    """

    template: str
    values: tuple[tuple[str, Any], ...]

    def __new__(cls, template: str, **values: Any) -> Message:
        text = template.format(**{k: f"{v:,}" if isinstance(v, int) else v for k, v in values.items()})
        made = super().__new__(cls, text)
        made.template = template
        made.values = tuple(values.items())
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, dict(self.values)))

    def said(
        self,
        translate: Callable[[str], str],
        number: Callable[[int], str],
        country: Callable[[str, str], str] | None = None,
    ) -> str:
        """The message in another language: ``translate`` (gettext) of the template, the values put back
        (a value that is itself a :class:`Message`, an atlas word such as ``alpha-2``, said too; a
        :class:`Country` named by ``country(iso3, english_name)`` when given)."""
        return translate(self.template).format(**{k: _said(v, translate, number, country) for k, v in self.values})


def _said(
    value: Any,
    translate: Callable[[str], str],
    number: Callable[[int], str],
    country: Callable[[str, str], str] | None,
) -> Any:
    if isinstance(value, Message):
        return value.said(translate, number, country)
    if isinstance(value, Country):
        return country(value.iso3, str.__str__(value)) if country is not None else value
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return value


def _kept(value: Any) -> Any:
    """A value as JSON keeps it (a :class:`Message` value as :func:`encode` writes it)."""
    if isinstance(value, Message):
        return encode(value)
    if isinstance(value, Country):
        return {"country": value.iso3, "name": str.__str__(value)}
    return value


def _unkept(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[2], Mapping):
        return decode(value)
    if isinstance(value, Mapping) and set(value) == {"country", "name"}:
        return Country(str(value["name"]), str(value["country"]))
    return value


class Country(str):
    """A country's English name in a :class:`Message`, with its ISO alpha-3 code, so that it is
    shown in the reader's language (``country(iso3, name)``, e.g. the dashboard's CLDR names)."""

    iso3: str

    def __new__(cls, name: str, iso3: str) -> Country:
        made = super().__new__(cls, name)
        made.iso3 = iso3
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Country, (str.__str__(self), self.iso3))


def _rebuild(template: str, values: dict[str, Any]) -> Message:
    return Message(template, **values)


def encode(text: str) -> str | list[Any]:
    """``text`` as JSON keeps it: a :class:`Message` as ``[english, template, values]``."""
    if isinstance(text, Message):
        return [str.__str__(text), text.template, {k: _kept(v) for k, v in text.values}]
    return text


def decode(kept: Any) -> str:
    """What :func:`encode` wrote (a plain string as it is)."""
    if isinstance(kept, list) and len(kept) == 3 and isinstance(kept[2], Mapping):
        try:
            return Message(str(kept[1]), **{str(k): _unkept(v) for k, v in kept[2].items()})
        except (KeyError, IndexError, ValueError):
            return str(kept[0])
    return str(kept)


def say(
    text: str,
    translate: Callable[[str], str],
    number: Callable[[int], str],
    country: Callable[[str, str], str] | None = None,
) -> str:
    """``text`` in the language of ``translate``: a :class:`Message` re-made from its translated
    template (countries named by ``country(iso3, english_name)`` when given), a plain string (a
    constant marked with ``N_``) translated as it is."""
    if isinstance(text, Message):
        try:
            return text.said(translate, number, country)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: English
            return str.__str__(text)
    return translate(text) if text else text


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell (or row, or file).

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2;
    0 means the problem concerns the whole file. ``message`` is English; a :class:`Message`
    where it holds values (it is shown translated by :func:`say`).
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.message}"

    def said(
        self,
        translate: Callable[[str], str],
        number: Callable[[int], str],
        country: Callable[[str, str], str] | None = None,
    ) -> str:
        """``file:row: column: what``, the what in the language of ``translate``."""
        return f"{self.file}:{self.row}: {self.column}: {say(self.message, translate, number, country)}"


class DataError(Exception):
    """A data directory that could not be loaded whole; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s):\n" + "\n".join(map(str, self.problems)))
