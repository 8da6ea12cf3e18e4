"""A country's profile: what a policy officer reads before a meeting. Pure: tables in, facts out.

The facts are written in the request's language (:mod:`dashboard.i18n`): the atlas's words and
country names translated, numbers formatted by locale; the data's own texts (a program's name, a
site, a source) stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.i18n import N_, _
from geodata import Atlas
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS, PROGRAM_TYPES, TIP_TIERS


@dataclass(frozen=True)
class Reading:
    """One indicator for one country: the value for the chosen year (or the latest before it),
    and the series of every year the data has."""

    indicator: str
    label: str
    unit: str
    text: str  # "70.6 years", "Tier 2 Watch List", or "no data" (in the current language)
    year: int | None
    fallback: bool
    source: str
    series: tuple[tuple[int, float], ...]  # (year, value) for continuous indicators
    bare: str = ""  # ``text`` without its unit ("12,6 millones", not "12,6 millones de personas")


# How a route reads from the country's side (marked: translate with ``_`` where shown).
DIRECTION_WORDS = {"to": N_("Origin, to"), "from": N_("Destination, from"), "within": N_("Internal, within")}


@dataclass(frozen=True)
class RouteLine:
    direction: str  # "to", "from", "within"
    partner: str
    form: str
    victims: str
    source: str
    partner_is_data: bool = False  # the source's name for a place (not a country's name): stays as written
    victims_is_data: bool = True  # the source's words (else "unknown", the atlas's)


@dataclass(frozen=True)
class ProgramLine:
    program_id: str
    program: str
    types: str
    site: str
    years: str
    figures: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Profile:
    iso3: str
    name: str
    region: str
    memberships: tuple[str, ...]
    readings: tuple[Reading, ...]
    routes: tuple[RouteLine, ...]
    programs: tuple[ProgramLine, ...]


def _readings(atlas: Atlas, iso3: str, year: int) -> tuple[Reading, ...]:
    rows = atlas.indicators[atlas.indicators["iso3"] == iso3]
    out = []
    for indicator, meta in atlas.catalogue.iterrows():
        mine = rows[rows["indicator"] == indicator].sort_values("year")
        upto = mine[mine["year"] <= year]
        series = tuple((int(y), float(v)) for y, v in zip(mine["year"], mine["value"], strict=True) if pd.notna(v))
        if upto.empty:
            out.append(
                Reading(
                    str(indicator),
                    fmt.indicator_label(meta["label"]),
                    meta["unit"],
                    _("no data"),
                    None,
                    False,
                    "",
                    series,
                )
            )
            continue
        latest = upto.iloc[-1]
        if meta["kind"] == "ordinal":
            text = (
                fmt.label(TIP_TIERS[latest["category"]]) if latest["category"] in TIP_TIERS else str(latest["category"])
            )
        elif latest["suppressed"]:
            text = _("suppressed small count")
        else:
            text = fmt.number(latest["value"], meta["unit"])
        bare = fmt.number(latest["value"]) if meta["kind"] != "ordinal" and not latest["suppressed"] else text
        out.append(
            Reading(
                str(indicator),
                fmt.indicator_label(meta["label"]),
                meta["unit"],
                text,
                int(latest["year"]),
                int(latest["year"]) != year,
                fmt.cite(atlas.sources, latest["source"]),
                series,
                bare,
            )
        )
    return tuple(out)


def _routes(atlas: Atlas, iso3: str) -> tuple[RouteLine, ...]:
    names = atlas.countries["name"]

    def country(code: str) -> str:
        return i18n.country_name(code, str(names.get(code)))

    out = []
    for _index, route in atlas.routes.iterrows():
        origin, destination = route["origin_iso3"], route["destination_iso3"]
        if iso3 not in (origin, destination):
            continue
        if origin == destination:
            direction, partner, as_written = "within", country(iso3), False
        elif origin == iso3:
            direction, as_written = "to", not isinstance(destination, str)
            partner = route["destination_label"] if as_written else country(destination)
        else:
            direction, as_written = "from", not isinstance(origin, str)
            partner = route["origin_label"] if as_written else country(origin)
        described = isinstance(route["victims"], str)
        out.append(
            RouteLine(
                direction,
                str(partner),
                fmt.label(EXPLOITATION_FORMS[route["form"]].label),
                route["victims"] if described else fmt.unknown(),
                fmt.cite(atlas.sources, route["source"]),
                partner_is_data=as_written,
                victims_is_data=described,
            )
        )
    return tuple(out)


def _programs(atlas: Atlas, iso3: str, threshold: int) -> tuple[ProgramLine, ...]:
    out = []
    for _index, site in atlas.programs[atlas.programs["iso3"] == iso3].iterrows():
        figures = tuple(fmt.people_figures(site, threshold))
        out.append(
            ProgramLine(
                site["program_id"],
                site["program"],
                ", ".join(fmt.label(PROGRAM_TYPES[t]) for t in site["types"]),
                site["site"],
                fmt.years(site["year_start"], site["year_end"], site["reported_year"]),
                figures,
                fmt.cite(atlas.sources, site["source"]),
            )
        )
    return tuple(out)


def country_profile(atlas: Atlas, iso3: str, year: int, threshold: int) -> Profile:
    """Everything the atlas knows about one country, for the chosen year.

    Parameters
    ----------
    atlas : Atlas
    iso3 : str
        ISO 3166 alpha-3 code of a country in ``atlas.countries``.
    year : int
        Indicator values are for this year, or the latest earlier year the data has.
    threshold : int
        Counts of people below it are not shown exactly.
    """
    country = atlas.countries.loc[iso3]
    memberships = tuple(
        _("{dialogue} (as of {date})").format(dialogue=fmt.label(label), date=country[column])
        for label, column in DIALOGUES.values()
        if pd.notna(country[column])
    )
    regions = (country["un_subregion"], country["un_region"])
    region = ", ".join(fmt.region_name(v) for v in regions if isinstance(v, str) and v)
    return Profile(
        iso3=iso3,
        name=i18n.country_name(iso3, str(country["name"])),
        region=region or fmt.unknown(),
        memberships=memberships,
        readings=_readings(atlas, iso3, year),
        routes=_routes(atlas, iso3),
        programs=_programs(atlas, iso3, threshold),
    )
