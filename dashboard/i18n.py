"""The languages of the atlas's own words: gettext catalogs through Babel, one language per request.

Every string the atlas writes is marked: ``_("Program type")`` where it is shown, ``N_("…")``
where it is declared at import time (a label in a table of constants), translated with ``_`` at
the place it is shown. ``python -m dashboard.i18n`` extracts the marked strings into
``dashboard/locale/messages.pot``, updates each language's ``.po`` and compiles the ``.mo`` the
app reads; a translator edits only a ``.po`` (README, "Languages").

The language is the view's (``?lang=es``), else the browser's (``Accept-Language``), else
English. It is set once per request (:func:`install`) and read by :func:`lang`; whatever makes
text keeps it per language (:func:`dashboard.derived.derived` and the Flask-Caching keys carry
it), so no Spanish page is ever handed an English hover text from a cache.

Data stays as its source wrote it (a program's name, a source's title); only country names,
which CLDR translates, and numbers, which Babel formats by locale, change with the language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import babel
import babel.numbers
import flask
from babel.support import NullTranslations, Translations
from flask import Flask

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# Each language named in itself: the picker shows them so, whatever the page's language.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "fr": "Français", "id": "Bahasa Indonesia"}

_current: ContextVar[str] = ContextVar("atlas_language", default=DEFAULT)


@functools.cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of ``language`` (English, the source language, has none)."""
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


@functools.cache
def locale(language: str) -> babel.Locale:
    return babel.Locale.parse(language)


def lang() -> str:
    """The language of the request being answered (``en`` outside one)."""
    return _current.get()


def set_lang(language: str) -> None:
    """Make ``language`` the current one, for the rest of this request (:func:`install`)."""
    _current.set(language if language in LANGUAGES else DEFAULT)


@contextmanager
def language(code: str) -> Iterator[None]:
    """Within the block, text is made in ``code`` (a background job, a test, a command)."""
    token = _current.set(code if code in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current language (as it is, where the catalog has no translation)."""
    return translations(_current.get()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things, by the current language's plural rule."""
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, where the English word alone is ambiguous (``"to"``)."""
    return str(translations(_current.get()).pgettext(context, message))


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it: a constant read at import time,
    translated with :func:`gettext` where it is shown."""
    return message


def negotiate(accepted: list[str]) -> str:
    """The best of :data:`LANGUAGES` for a browser's preferences, best first (``["es-SV", "en"]``)."""
    for wanted in accepted:
        code = wanted.replace("_", "-").split("-")[0].strip().lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


# --- Numbers: digits grouped and separated as the language writes them ----------------------------


@functools.lru_cache(maxsize=65536)
def _decimal(value: float | int, digits: int, language: str) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel.numbers.format_decimal(value, format=pattern, locale=locale(language), decimal_quantization=True)


def integer(value: int) -> str:
    """``1,300`` in English, ``1.300`` in Spanish and Indonesian, ``1 300`` in French."""
    return _decimal(int(value), 0, _current.get())


def decimal(value: float, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, in the current language's separators (``2.5``, ``2,5``)."""
    return _decimal(round(float(value), digits), digits, _current.get())


def percent(value: float, digits: int = 0) -> str:
    """``value`` (a fraction) as a percentage written the current language's way (``12 %`` in French)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel.numbers.format_percent(value, format=pattern, locale=locale(_current.get()))


def compact(value: float) -> str:
    """``value`` as short as the language writes it, for a scale's ticks (CLDR: ``50M``, ``50 M``,
    ``50 jt``; ``1.5K``, ``1,5 k``)."""
    return babel.numbers.format_compact_decimal(value, locale=locale(_current.get()), fraction_digits=1)


def semicolons(parts: Iterable[str]) -> str:
    """Clauses of one sentence joined as the language writes it (French puts a no-break space before ";")."""
    return pgettext("between the clauses of a sentence", "; ").join(parts)


# --- Country names from CLDR -------------------------------------------------------------------------


@functools.cache
def _territories(language: str) -> dict[str, str]:
    """CLDR's names of countries in ``language``, by ISO3 (those ISO 3166 and CLDR both know)."""
    import pycountry

    names = locale(language).territories
    return {c.alpha_3: names[c.alpha_2] for c in pycountry.countries if c.alpha_2 in names}


def country_name(iso3: str, as_in_data: str) -> str:
    """The country's name in the current language (CLDR), or the data's name where CLDR has none.

    In English the data's own name stands (the bundled names follow the sources).
    """
    language = _current.get()
    if language == DEFAULT:
        return as_in_data
    return _territories(language).get(iso3, as_in_data)


# --- The language of a request --------------------------------------------------------------------


def request_language(query: str | None, accepted: list[str]) -> str:
    """The language a request is answered in: the ``lang`` of ``query`` (the request's own, or the
    page's for Dash's requests), else the best of the browser's ``accepted`` languages."""
    from urllib.parse import parse_qs

    asked = parse_qs(query or "").get("lang", [])
    if asked and asked[-1].strip().lower() in LANGUAGES:
        return asked[-1].strip().lower()
    return negotiate(accepted)


def install(server: Flask, page_query: Callable[[], str | None]) -> None:
    """Answer each request in its language (:func:`request_language`), set before any other work."""

    def choose() -> None:
        set_lang(request_language(page_query(), [value for value, _ in flask.request.accept_languages]))

    def forget(_error: BaseException | None) -> None:
        # Whatever runs next on this thread (another request's hooks, a job) starts in English.
        _current.set(DEFAULT)

    server.before_request_funcs.setdefault(None, []).insert(0, choose)
    server.teardown_request(forget)
