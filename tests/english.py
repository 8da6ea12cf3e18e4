"""The atlas's English strings, as patterns: what a page in another language must not show."""

from __future__ import annotations

import re
from functools import cache

from babel.messages.pofile import read_po

from dashboard import i18n


@cache
def english_of(code: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The atlas's English strings that ``code`` writes otherwise, as patterns of whole texts
    (a placeholder matches anything) and, for phrases of three words or more, of parts of texts."""
    with open(i18n.LOCALE_DIR / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=code)
    patterns = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings or not re.search(r"[A-Za-z]{2}", english):
                continue
            body = ".+?".join(re.escape(part) for part in re.split(r"\{\w*\}", english))
            patterns.append((english, re.compile(rf"^{body}$", re.DOTALL)))
            if len(english.split()) >= 3 and "{" not in english:
                patterns.append((english, re.compile(re.escape(english))))
    return tuple(patterns)


def english_in(texts: list[str], code: str) -> list[tuple[str, str]]:
    """(text, the English string it is) for each of ``texts`` that is the atlas's English."""
    left = []
    for text in texts:
        for english, pattern in english_of(code):
            if pattern.search(text.strip()):
                left.append((text.strip()[:80], english))
                break
    return left


# English words no Spanish, French or Indonesian sentence uses: a text in one of those languages
# that holds two of them is English the catalogs do not know yet (a string nobody marked).
ENGLISH_ONLY = frozenset(
    """the and of with from this that which these those their there here into onto about
    show shows hide close open download downloads choose select switch click press drag
    routes countries country victims people year years none unknown layer layers
    key map sites site source sources program programs type types view views deck slide
    partner funder funding count who when where what forced labour begging trafficking children
    of by to in or all no any every each more less than per""".split()
) - {"no", "per", "map", "program", "programs", "source", "sources", "type", "types", "site", "sites", "routes"}
# (the words taken out are Spanish, French or Indonesian too: "routes" is French, "program" Indonesian)


def english_words(texts: list[str]) -> list[str]:
    """The texts among ``texts`` that read as English (two or more English-only words), whatever
    the catalogs say: what catches a string the code shows but never marked for translation."""
    found = []
    for text in texts:
        words = re.findall(r"[A-Za-z]+", text.lower())
        hits = [w for w in words if w in ENGLISH_ONLY]
        if len(hits) >= 2 or (len(words) == 1 and words[0] in ENGLISH_ONLY and len(words[0]) > 3):
            found.append(text.strip()[:80])
    return found


def data_strings(atlas) -> list[str]:
    """Every text of the data ``atlas`` holds, longest first: a program's name, a partner, a
    source's title, a note. Data stays as its source wrote it, so a test takes it out of a text
    (a hover text mixes the atlas's words with data) before it looks for English."""
    found: set[str] = set()
    for table in (atlas.programs, atlas.routes, atlas.figures, atlas.sources, atlas.countries):
        for column in table.columns:
            for value in table[column].dropna():
                if isinstance(value, str) and " " in value.strip():
                    found.add(value)
    for column in ("source", "licence"):
        found.update(v for v in atlas.catalogue[column].dropna() if isinstance(v, str) and " " in v)
    return sorted(found, key=len, reverse=True)


def without_data(texts: list[str], data: list[str]) -> list[str]:
    """``texts`` with every piece of ``data`` cut out (HTML-escaped data too)."""
    from html import escape

    from markupsafe import escape as escape_markup

    out = []
    for text in texts:
        for value in data:
            for written in (value, escape(value), str(escape_markup(value))):
                text = text.replace(written, " ")
        out.append(text)
    return out
