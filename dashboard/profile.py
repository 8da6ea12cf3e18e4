"""A country's profile: what a policy officer reads before a meeting. Pure: tables in, facts out."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import formatting as fmt
from geodata import Atlas
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS, PROGRAM_TYPES, TIP_TIERS


@dataclass(frozen=True)
class Reading:
    """One indicator for one country: the value for the chosen year (or the latest before it),
    and the series of every year the data has."""

    indicator: str
    label: str
    unit: str
    text: str  # "70.6 years", "Tier 2 Watch List", or "no data"
    year: int | None
    fallback: bool
    source: str
    series: tuple[tuple[int, float], ...]  # (year, value) for continuous indicators


# How a route reads from the country's side.
DIRECTION_WORDS = {"to": "Origin, to", "from": "Destination, from", "within": "Internal, within"}


@dataclass(frozen=True)
class RouteLine:
    direction: str  # "to", "from", "within"
    partner: str
    form: str
    victims: str
    source: str


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
            out.append(Reading(str(indicator), meta["label"], meta["unit"], "no data", None, False, "", series))
            continue
        latest = upto.iloc[-1]
        if meta["kind"] == "ordinal":
            text = TIP_TIERS.get(latest["category"], str(latest["category"]))
        elif latest["suppressed"]:
            text = "suppressed small count"
        else:
            text = fmt.number(latest["value"], meta["unit"])
        out.append(
            Reading(
                str(indicator),
                meta["label"],
                meta["unit"],
                text,
                int(latest["year"]),
                int(latest["year"]) != year,
                fmt.cite(atlas.sources, latest["source"]),
                series,
            )
        )
    return tuple(out)


def _routes(atlas: Atlas, iso3: str) -> tuple[RouteLine, ...]:
    names = atlas.countries["name"]
    out = []
    for _, route in atlas.routes.iterrows():
        origin, destination = route["origin_iso3"], route["destination_iso3"]
        if iso3 not in (origin, destination):
            continue
        if origin == destination:
            direction, partner = "within", names[iso3]
        elif origin == iso3:
            direction = "to"
            partner = names.get(destination) if isinstance(destination, str) else route["destination_label"]
        else:
            direction = "from"
            partner = names.get(origin) if isinstance(origin, str) else route["origin_label"]
        out.append(
            RouteLine(
                direction,
                str(partner),
                EXPLOITATION_FORMS[route["form"]].label,
                route["victims"] if isinstance(route["victims"], str) else fmt.UNKNOWN,
                fmt.cite(atlas.sources, route["source"]),
            )
        )
    return tuple(out)


def _programs(atlas: Atlas, iso3: str, threshold: int) -> tuple[ProgramLine, ...]:
    out = []
    for _, site in atlas.programs[atlas.programs["iso3"] == iso3].iterrows():
        figures = tuple(fmt.people_figures(site, threshold))
        out.append(
            ProgramLine(
                site["program_id"],
                site["program"],
                ", ".join(PROGRAM_TYPES[t] for t in site["types"]),
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
        f"{label} (as of {country[column]})" for label, column in DIALOGUES.values() if pd.notna(country[column])
    )
    region = ", ".join(str(v) for v in (country["un_subregion"], country["un_region"]) if isinstance(v, str) and v)
    return Profile(
        iso3=iso3,
        name=str(country["name"]),
        region=region or fmt.UNKNOWN,
        memberships=memberships,
        readings=_readings(atlas, iso3, year),
        routes=_routes(atlas, iso3),
        programs=_programs(atlas, iso3, threshold),
    )
