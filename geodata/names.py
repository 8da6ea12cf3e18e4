"""Countries recognised as people write them: ISO codes, names, and named places that are not countries.

One function, :func:`recognise`, over maintained tables (pycountry's ISO 3166, CLDR names through
Babel) plus the small, sourced list of extra spellings in ``data/spellings.csv``. Importers never
match names by hand. What is not a country (a region, "Abroad", "Unknown") comes back as a
:class:`Place` without an ISO3 code, never forced onto a country.

Text is normalised before it is looked up (broken encodings repaired with ftfy, accents, case,
punctuation and a leading count dropped), so that "BRÃ‰SIL", "Brésil" and "3 brésil" read alike.
A name that two tables give to two different countries is ambiguous and recognised as nothing.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ftfy
import pycountry

from geodata.i18n import N_
from geodata.problems import Country, Message

COUNTRY = "country"
REGION = "region"  # a named group of countries (an M49 region, "European Economic Area", ...)
ABROAD = "abroad"
UNKNOWN = "unknown"
NATIONALS = "nationals"  # "the reporting country's own nationals": the importer knows which country
TOTAL = "total"  # a total row, not a place ("TOTAL POR AÑO")

KINDS = (COUNTRY, REGION, ABROAD, UNKNOWN, NATIONALS, TOTAL)

# CLDR languages whose territory names are read: the languages GLOTIP's free-text cells use.
LANGUAGES = ("en", "es", "fr", "it")
SPELLINGS_FILE = Path(__file__).parent / "data" / "spellings.csv"
COUNTRIES_FILE = Path(__file__).parent / "data" / "countries.csv"

# How a name was recognised when nothing but a maintained English table was needed.
PLAIN_HOWS = frozenset({"alpha-3", "alpha-2", "numeric", "name", "M49 region name"})

REPAIRED = " after repairing the encoding"
WILDCARD = " (an unreadable character matched as a wildcard)"
COUNT_DROPPED = " (count in the name dropped)"

# Labels of the named places that are not countries (the label is what the atlas shows).
_LABELS = {ABROAD: "Abroad", UNKNOWN: "Unknown", NATIONALS: "Nationals", TOTAL: "Total"}
# CLDR keys that are not ISO 3166 countries but do name a group (or an unknown place).
_CLDR_GROUPS = {"EU": REGION, "EZ": REGION, "QO": REGION, "ZZ": UNKNOWN}

_LEADING_COUNT = re.compile(r"^\d+\s+(?=\D)")
_M49_PREFIX = re.compile(r"^m49 regions? (.+)$")
_NOT_WORD = re.compile(r"[^\w\ufffd]+")  # U+FFFD survives: it is matched as a wildcard later

# What a table entry means: (kind, iso3 or label); the "how" travels beside it.
Meaning = tuple[str, str]


@dataclass(frozen=True)
class Place:
    """What a cell names.

    ``iso3`` is set for a country (``kind == "country"``) and ``None`` otherwise; ``label`` is
    what the atlas shows (the country's or the region's name); ``how`` says how it was
    recognised (``alpha-3``, ``alpha-2``, ``numeric``, ``name``, ``name (es)``, ``extra spelling``,
    ``... after repairing the encoding``), for the import report.
    """

    iso3: str | None
    label: str
    kind: str
    how: str

    @property
    def plain(self) -> bool:
        """Recognised from a code or an English name alone: nothing a reader should check."""
        return self.how in PLAIN_HOWS


@cache
def _codes() -> dict[str, tuple[str, str]]:
    """Code text -> (iso3, how) for every ISO 3166-1 country."""
    out: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        out[c.alpha_3] = (c.alpha_3, "alpha-3")
        out[c.alpha_2] = (c.alpha_3, "alpha-2")  # "NA" is Namibia: the caller must not have turned it into NaN
        out[str(int(c.numeric))] = (c.alpha_3, "numeric")
        out[c.numeric] = (c.alpha_3, "numeric")
    return out


def country_name(iso3: str) -> str:
    """The English short name ISO 3166 gives a country (its common name where it has one)."""
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return str(getattr(c, "common_name", None) or c.name)


def from_code(code: str) -> Place | None:
    """An ISO 3166-1 alpha-3, alpha-2 or numeric code (case and spaces forgiven), or ``None``."""
    text = code.strip().upper()
    found = _codes().get(text)
    if found is None:
        return None
    iso3, how = found
    return Place(iso3, country_name(iso3), COUNTRY, how)


def normalise(text: str) -> str:
    """``text`` as the lookup tables key it: no accents, case, punctuation or extra spaces.

    Encoding repair and the leading count are left to :func:`recognise`, which reports them.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).replace("_", " ").split())


def _region_label(name: str) -> str:
    return f"{name[:1].upper()}{name[1:]} (M49 region)"


class _Names:
    """Normalised name -> {meaning: how}, built in priority order so the first ``how`` is the best."""

    def __init__(self) -> None:
        self.table: dict[str, dict[Meaning, str]] = {}

    def add(self, name: str, meaning: Meaning, how: str) -> None:
        key = normalise(name)
        if key:
            self.table.setdefault(key, {}).setdefault(meaning, how)


def _derived(name: str) -> list[str]:
    """Other ways the same name is written: "Korea, Republic of" -> "Republic of Korea", no "(Burma)"."""
    out = []
    if "," in name:
        head, _, tail = name.partition(",")
        out.append(f"{tail.strip()} {head.strip()}")
    if "(" in name:
        out.append(re.sub(r"\s*\([^)]*\)", "", name))
    if name.casefold().startswith("the "):
        out.append(name[4:])
    return [n for n in out if n.strip()]


@cache
def _tables() -> tuple[dict[str, dict[Meaning, str]], dict[str, dict[Meaning, str]], dict[str, str]]:
    """The lookup tables, built once: (names, names without spaces, M49 region names -> label)."""
    import babel

    direct = _Names()
    derived = _Names()
    regions: dict[str, str] = {}  # normalised M49 region name (any language) -> label

    def add(name: str, meaning: Meaning, how: str) -> None:
        direct.add(name, meaning, how)
        for other in _derived(name):
            derived.add(other, meaning, how)

    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(c, attr, None):
                add(value, (COUNTRY, c.alpha_3), "name")
    for iso3, name in _atlas_names():  # the atlas's own names ("Macau", "DR Congo", "St. Barths")
        add(name, (COUNTRY, iso3), "name")
    english = babel.Locale("en").territories
    for lang in LANGUAGES:
        how = "name" if lang == "en" else f"name ({lang})"
        for key, value in babel.Locale(lang).territories.items():
            if key.isdigit():  # an M49 region ("002" Africa, "419" Latin America), never a country
                label = _region_label(english.get(key, value))
                regions[normalise(value)] = label
                add(value, (REGION, label), how)
            elif (country := pycountry.countries.get(alpha_2=key)) is not None:
                add(value, (COUNTRY, country.alpha_3), how)
            elif key in _CLDR_GROUPS:
                kind = _CLDR_GROUPS[key]
                add(value, (kind, english.get(key, value) if kind == REGION else _LABELS[kind]), how)
            # Other CLDR keys (Kosovo, Sark, Ceuta & Melilla, pseudo-locales) are not ISO 3166 countries.
    for row in _spellings():
        language = row["language"].strip()
        add(row["spelling"], _meaning(row["meaning"]), "extra spelling" + (f" ({language})" if language else ""))

    table = dict(direct.table)
    for key, meanings in derived.table.items():
        table.setdefault(key, meanings)  # a derived form never overrides (or clouds) a direct name
    compact: dict[str, dict[Meaning, str]] = {}
    for key, meanings in table.items():
        slot = compact.setdefault(key.replace(" ", ""), {})
        for meaning, how in meanings.items():
            slot.setdefault(meaning, how)
    return table, compact, regions


@cache
def _atlas_names() -> tuple[tuple[str, str], ...]:
    """(iso3, name) of each country as the bundled ``countries.csv`` names it (Natural Earth's short
    names): a file written with the atlas's own names reads back."""
    with COUNTRIES_FILE.open(encoding="utf-8", newline="") as f:
        return tuple((row["iso3"], row["name"]) for row in csv.DictReader(f))


def _spellings() -> tuple[dict[str, str], ...]:
    """The rows of ``data/spellings.csv`` (spelling, meaning, language, basis)."""
    with SPELLINGS_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def _meaning(text: str) -> Meaning:
    """A ``meaning`` cell of spellings.csv: an ISO alpha-3 code, ``region:<label>`` or a kind."""
    text = text.strip()
    if text.startswith("region:"):
        return (REGION, text.removeprefix("region:").strip())
    if text in _LABELS:
        return (text, _LABELS[text])
    if pycountry.countries.get(alpha_3=text) is None:
        raise ValueError(f"spellings.csv: meaning {text!r} is not an ISO alpha-3 code, region:<label> or a kind")
    return (COUNTRY, text)


def _place(meaning: Meaning, how: str) -> Place:
    kind, value = meaning
    if kind == COUNTRY:
        return Place(value, country_name(value), COUNTRY, how)
    return Place(None, value, kind, how)


def _one(meanings: dict[Meaning, str] | None) -> tuple[Meaning, str] | None:
    """The single meaning of a table entry; ``None`` for no entry or an ambiguous one."""
    if not meanings or len(meanings) > 1:
        return None
    return next(iter(meanings.items()))


def _wildcard(key: str) -> tuple[Meaning, str] | None:
    """A key holding U+FFFD matched against every name, each U+FFFD standing for one character.

    Accepted only when every name it matches means one and the same place.
    """
    table = _tables()[0]
    pattern = re.compile("".join("." if ch == "\ufffd" else re.escape(ch) for ch in key))
    found: dict[Meaning, str] = {}
    for name, meanings in table.items():
        if pattern.fullmatch(name):
            for meaning, how in meanings.items():
                found.setdefault(meaning, how)
    return _one(found)


@cache
def recognise(text: str) -> Place | None:
    """What ``text`` names: a country (by code or name), a named non-country place, or ``None``.

    Parameters
    ----------
    text : str
        A cell as written: a code ("UKR", "NA"), a name in English, Spanish, French or Italian
        ("Alemania"), a demonym ("Albanian", "3 maliens"), a named group ("M49 Region: Africa",
        "EU-28 others"), "Abroad", "Unknown", "Nationals", a total ("TOTAL POR AÑO").

    Returns
    -------
    Place or None
        ``None`` for empty text, "0", text no table knows, and names that two tables give to
        different countries. ``Place.how`` says how it was read, e.g. ``"name (es)"`` or
        ``"extra spelling (fr) (count in the name dropped)"``.
    """
    if not text or not text.strip():
        return None
    by_code = from_code(text)
    if by_code is not None:
        return by_code
    fixed = ftfy.fix_text(text)
    key = normalise(fixed)
    suffix = REPAIRED if key != normalise(text) else ""
    if _LEADING_COUNT.match(key):
        key = _LEADING_COUNT.sub("", key)
        suffix += COUNT_DROPPED
    if not key or key.isdigit():  # "0", a bare count: no place named
        return None
    table, compact, regions = _tables()
    if key in table:
        found = _one(table[key])
    elif (m49 := _M49_PREFIX.match(key)) is not None:
        name = m49.group(1)
        label = regions.get(name) or _region_label(fixed.split(":", 1)[-1].strip() or name)
        found = ((REGION, label), "M49 region name")
    elif "\ufffd" in key:
        found = _wildcard(key)
        suffix += WILDCARD
    else:
        found = _one(compact.get(key.replace(" ", "")))
    if found is None:
        return None
    meaning, how = found
    return _place(meaning, how + suffix)


# How a name was recognised, as the import report says it (Place.how is English: these keep the
# words apart from the language code and the repairs, so the report can be shown translated).
_HOWS = {
    "alpha-3": N_("alpha-3"),
    "alpha-2": N_("alpha-2"),
    "numeric": N_("numeric"),
    "name": N_("name"),
    "extra spelling": N_("extra spelling"),
    "M49 region name": N_("M49 region name"),
}
_HOW_IN = {"name": N_("name ({language})"), "extra spelling": N_("extra spelling ({language})")}
_HOW_SUFFIXES = (
    (REPAIRED, N_("{how} after repairing the encoding")),
    (COUNT_DROPPED, N_("{how} (count in the name dropped)")),
    (WILDCARD, N_("{how} (an unreadable character matched as a wildcard)")),
)
_HOW_LANGUAGE = re.compile(r"^(name|extra spelling) \((\w+)\)$")


def how_said(how: str) -> str:
    """``how`` (a :attr:`Place.how`) as a :class:`~geodata.problems.Message` that the import report
    can show in another language; the same English text."""
    for suffix, template in _HOW_SUFFIXES:
        if how.endswith(suffix) and len(how) > len(suffix):
            return Message(template, how=how_said(how[: -len(suffix)]))
    if how in _HOWS:
        return Message(_HOWS[how])
    if (m := _HOW_LANGUAGE.match(how)) is not None:
        return Message(_HOW_IN[m.group(1)], language=m.group(2))
    return how


def place_said(place: Place) -> str:
    """What a report says a cell was read as: a country's name (shown in the reader's language
    where the report is translated), or the label of a place that is not a country."""
    if place.kind == COUNTRY and place.iso3 is not None:
        return Country(place.label, place.iso3)
    return place.label


def ambiguous(text: str) -> bool:
    """Whether ``text`` is a name that the tables give to more than one place (so it is not read)."""
    key = _LEADING_COUNT.sub("", normalise(ftfy.fix_text(text)))
    meanings = _tables()[0].get(key) or {}
    return len(meanings) > 1
