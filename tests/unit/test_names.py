"""Country recognition: codes, names in four languages, demonyms, broken encodings, non-countries."""

from __future__ import annotations

import csv
import time

import pycountry
import pytest

from geodata import names
from geodata.names import ABROAD, COUNTRY, NATIONALS, REGION, TOTAL, UNKNOWN, Place, recognise


@pytest.mark.parametrize(
    ("text", "iso3", "how"),
    [
        ("UKR", "UKR", "alpha-3"),
        ("ua", "UKR", "alpha-2"),
        ("NA", "NAM", "alpha-2"),  # Namibia, not a missing value
        ("804", "UKR", "numeric"),
        ("Ukraine", "UKR", "name"),
        ("UKRAINE", "UKR", "name"),
        ("  ukraine. ", "UKR", "name"),
        ("Korea, Republic of", "KOR", "name"),
        ("Republic of Korea", "KOR", "name"),
        ("Viet Nam", "VNM", "name"),
        ("Côte d’Ivoire", "CIV", "name"),
        ("Cote dIvoire", "CIV", "name"),
        ("Alemania", "DEU", "name (es)"),
        ("ALEMANIA", "DEU", "name (es)"),
        ("Bresil", "BRA", "name (fr)"),
        ("Germania", "DEU", "name (it)"),
        ("Albanian", "ALB", "extra spelling (en)"),
        ("nigeriana", "NGA", "extra spelling (es)"),
        ("3 maliens", "MLI", "extra spelling (fr) (count in the name dropped)"),
        ("BrÃ©sil", "BRA", "name (fr) after repairing the encoding"),
        ("BRÃ‰SIL", "BRA", "name (fr) after repairing the encoding"),
        ("C\ufffdte d'Ivoire", "CIV", "name (an unreadable character matched as a wildcard)"),
    ],
)
def test_countries_are_recognised_and_say_how(text: str, iso3: str, how: str) -> None:
    place = recognise(text)
    assert place == Place(iso3, names.country_name(iso3), COUNTRY, how)


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("Abroad", ABROAD, "Abroad"),
        ("Unknown", UNKNOWN, "Unknown"),
        ("DESCONOCIDA", UNKNOWN, "Unknown"),
        ("Inconnu(e)", UNKNOWN, "Unknown"),
        ("Sconosciuta", UNKNOWN, "Unknown"),
        ("Nationals", NATIONALS, "Nationals"),
        ("M49 Region: Africa", REGION, "Africa (M49 region)"),
        ("M49 Region: Latin America and the Caribbean", REGION, "Latin America and the Caribbean (M49 region)"),
        ("Africa", REGION, "Africa (M49 region)"),
        ("Europa", REGION, "Europe (M49 region)"),  # the Spanish and Italian CLDR name of region 150
        ("European Economic Area", REGION, "European Economic Area"),
        ("EU-28 others", REGION, "Other EU-28 countries"),
        ("Former Yugoslavia", REGION, "Former Yugoslavia"),
        ("Africa others", REGION, "Other countries of Africa"),
        ("Asia others", REGION, "Other countries of Asia"),
        ("Europe others", REGION, "Other countries of Europe"),
        ("Disputed", REGION, "Disputed territory (no country given)"),
        ("TOTAL POR AÑO", TOTAL, "Total"),
        ("Total", TOTAL, "Total"),
    ],
)
def test_places_that_are_not_countries_are_never_forced_onto_one(text: str, kind: str, label: str) -> None:
    place = recognise(text)
    assert place is not None
    assert (place.iso3, place.kind, place.label) == (None, kind, label)


@pytest.mark.parametrize("text", ["", "  ", "0", "00", "Xyzland", "Sark", "Kosovo", "2018"])
def test_what_no_table_knows_is_none(text: str) -> None:
    assert recognise(text) is None


def test_a_name_given_to_two_countries_is_not_guessed() -> None:
    # spellings.csv lists "Congolese" for both Congos and "Dominican" for Dominica and the
    # Dominican Republic on purpose.
    assert recognise("Congolese") is None
    assert recognise("DOMINICAN") is None
    assert names.ambiguous("Congolese")
    assert not names.ambiguous("Ukraine")


def test_an_unreadable_character_must_leave_one_candidate() -> None:
    assert recognise("\ufffdambia") is None  # Gambia or Zambia
    assert recognise("Za\ufffdbia") == Place("ZMB", "Zambia", COUNTRY, "name" + names.WILDCARD)


def test_plain_says_whether_a_reader_should_check_the_reading() -> None:
    assert recognise("Ukraine").plain  # type: ignore[union-attr]
    assert not recognise("Alemania").plain  # type: ignore[union-attr]
    assert not recognise("Albanian").plain  # type: ignore[union-attr]


def test_spellings_file_is_small_sourced_and_means_real_things() -> None:
    with names.SPELLINGS_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["spelling", "meaning", "language", "basis"]
    assert 60 <= len(rows) <= 120
    kinds = {"abroad", "unknown", "nationals", "total"}
    for row in rows:
        meaning = row["meaning"]
        assert meaning in kinds or meaning.startswith("region:") or pycountry.countries.get(alpha_3=meaning), row
        assert row["basis"].strip(), row
        assert row["language"] in ("", "en", "es", "fr", "it"), row
        # all-caps variants are the normaliser's job, not the file's
        assert row["spelling"] != row["spelling"].upper() or row["spelling"] in ("DESCONOCIDA", "TOTAL POR AÑO"), row


def test_ten_thousand_distinct_strings_are_recognised_fast() -> None:
    recognise("warm up")  # the tables are built once
    texts = [f"{i} maliens" if i % 3 else f"Unknownland {i}" for i in range(10_000)]
    start = time.perf_counter()
    for text in texts:
        recognise(text)
    assert time.perf_counter() - start < 3.0


def test_the_atlas_own_country_names_read_back():
    """A file written with the atlas's own names (countries.csv: "Macau", "DR Congo", "St. Barths",
    "Vatican") is read as those countries, not set aside as unknown."""
    import csv

    from geodata.names import COUNTRIES_FILE

    with COUNTRIES_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    misread = [(r["name"], getattr(recognise(r["name"]), "iso3", None)) for r in rows]
    misread = [(name, got) for (name, got), r in zip(misread, rows, strict=True) if got != r["iso3"]]
    assert misread == []
    assert recognise("Macau").iso3 == "MAC" and recognise("DR Congo").iso3 == "COD"
