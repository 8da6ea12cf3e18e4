"""Fill the catalogs (dashboard/locale/<lang>/LC_MESSAGES/messages.po) from translations
delivered as JSON in dashboard/locale/incoming/*.json, then report what is still missing.

    python3 scripts/merge_translations.py   (after scripts/catalogs has extracted and updated)

A JSON file maps each English msgid (``"context\\u0004msgid"`` for pgettext) to
``{"es": "...", "fr": "...", "id": "..."}``; a plural message maps its singular to
``{"plural": "...", "es": [one, other], "fr": [one, other], "id": [other]}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "dashboard" / "locale"
LANGS = ("es", "fr", "id")


def delivered() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted((LOCALE / "incoming").glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            found[key] = value
    return found


def forms(value, count: int) -> tuple[str, ...]:
    """A plural's forms stretched to the catalog's count (CLDR's Spanish and French have a third,
    "many", form for millions: it reads as the plural)."""
    if isinstance(value, str):
        value = [value]
    value = list(value)
    while len(value) < count:
        value.append(value[-1])
    return tuple(value[:count])


def main() -> int:
    given = delivered()
    missing_total = 0
    for code in LANGS:
        path = LOCALE / code / "LC_MESSAGES" / "messages.po"
        with open(path, "rb") as po:
            catalog = read_po(po, locale=code)
        catalog.last_translator = "Counter-Trafficking Atlas"
        missing = []
        for message in catalog:
            if not message.id:
                continue
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            key = f"{message.context}\u0004{singular}" if message.context else singular
            entry = given.get(key)
            if entry is None or code not in entry:
                if not (message.string if isinstance(message.string, str) else all(message.string)):
                    missing.append(key)
                continue
            if isinstance(message.id, tuple):
                message.string = forms(entry[code], catalog.num_plurals)
            else:
                message.string = entry[code]
            message.flags.discard("fuzzy")
        with open(path, "wb") as po:
            write_po(po, catalog, width=0, sort_by_file=True, include_previous=False)
        for key in missing:
            print(f"{code}: missing {key!r}")
        missing_total += len(missing)
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
