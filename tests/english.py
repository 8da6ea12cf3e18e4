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
