"""The atlas's tables as pandera schemas.

Each schema is built against a :class:`Reference` (the keys that other tables define), so that
an unknown country code, source or indicator is reported at the cell that names it.
Row-level checks carry the column they blame in their error text as ``"column|message"``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pycountry

from geodata.i18n import N_
from geodata.problems import Message
from geodata.vocabulary import (
    EXPLOITATION_FORMS,
    INDICATOR_KINDS,
    PROGRAM_TYPES,
    SITE_PRECISIONS,
    YEAR_MAX,
    YEAR_MIN,
)

ISO_3166_ALPHA3 = frozenset(c.alpha_3 for c in pycountry.countries)
M49_REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
BOOLEAN_WORDS = ("true", "false")

# The checks' messages by their English text, as a problem quotes them: whoever shows a problem
# in another language finds its template here (:func:`message`).
ERRORS: dict[str, str] = {}


def _error(text: str) -> str:
    """``text`` (marked with ``N_``, or a :class:`~geodata.problems.Message`) kept in :data:`ERRORS`."""
    ERRORS[str.__str__(text)] = text
    return text


def message(text: str) -> str:
    """A check's message (as pandera reports it) with its template, to be shown in any language;
    ``text`` itself if it is no check of these schemas."""
    return ERRORS.get(str.__str__(text), text)


@dataclass(frozen=True)
class Reference:
    """Keys defined by one table and referred to by others."""

    countries: frozenset[str] = ISO_3166_ALPHA3
    # None: that table did not load, so cells that refer to it are not checked against it.
    sources: frozenset[str] | None = frozenset()
    indicators: frozenset[str] | None = None
    categories: dict[str, frozenset[str]] | None = None


def _each_in(allowed: Iterable[str], error: str, sep: str = ";") -> pa.Check:
    allowed = frozenset(allowed)

    def check(values: pd.Series) -> pd.Series:
        return values.map(lambda cell: all(part.strip() in allowed for part in str(cell).split(sep)))

    return pa.Check(check, error=_error(error))


def _row_check(column: str, message: str, test: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    return pa.Check(test, error=f"{column}|{_error(message)}")


def _text(nullable: bool = False, checks: list[pa.Check] | None = None, unique: bool = False) -> pa.Column:
    return pa.Column(str, nullable=nullable, checks=checks or [], unique=unique)


def _int(nullable: bool = True, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column("Int64", nullable=nullable, coerce=True, checks=checks or [])


def _float(nullable: bool = True, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column("Float64", nullable=nullable, coerce=True, checks=checks or [])


YEAR_OUTSIDE = Message(N_("year outside {start}-{end}"), start=str(YEAR_MIN), end=str(YEAR_MAX))


def _year(nullable: bool = True) -> pa.Column:
    return _int(nullable, [pa.Check.in_range(YEAR_MIN, YEAR_MAX, error=_error(YEAR_OUTSIDE))])


def _lon(nullable: bool = True) -> pa.Column:
    return _float(nullable, [pa.Check.in_range(-180, 180, error=_error(N_("longitude outside [-180, 180]")))])


def _lat(nullable: bool = True) -> pa.Column:
    return _float(nullable, [pa.Check.in_range(-90, 90, error=_error(N_("latitude outside [-90, 90]")))])


def _count(required: bool = True) -> pa.Column:
    return pa.Column(
        "Int64",
        nullable=True,
        coerce=True,
        required=required,
        checks=[pa.Check.ge(0, error=_error(N_("a count cannot be negative")))],
    )


def _flag(required: bool = True) -> pa.Column:
    return pa.Column(
        str,
        nullable=True,
        required=required,
        checks=[pa.Check.isin(BOOLEAN_WORDS, error=_error(N_("not true or false")))],
    )


def _iso3(ref: Reference, nullable: bool = False) -> pa.Column:
    return _text(nullable, [pa.Check.isin(sorted(ref.countries), error=_error(N_("unknown ISO 3166 alpha-3 code")))])


def _source(ref: Reference) -> pa.Column:
    if ref.sources is None:
        return _text(False)
    return _text(False, [_each_in(ref.sources, N_("unknown source (not in sources.csv)"))])


def _years_ordered(df: pd.DataFrame) -> pd.Series:
    return ~(df["year_end"] < df["year_start"]).fillna(False)


def sources_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_id": _text(
                unique=True, checks=[pa.Check.str_matches(r"^[a-z0-9-]+$", error=_error(N_("not a slug")))]
            ),
            "publisher": _text(),
            "document": _text(),
            "date": _text(checks=[pa.Check.str_matches(DATE_PATTERN, error=_error(N_("date is not YYYY[-MM[-DD]]")))]),
            "url": _text(nullable=True),
            "licence": _text(nullable=True),
            "note": _text(nullable=True),
        },
        strict=True,
    )


def countries_schema(ref: Reference) -> pa.DataFrameSchema:
    as_of = _text(
        nullable=True, checks=[pa.Check.str_matches(DATE_PATTERN, error=_error(N_("as-of date is not YYYY[-MM[-DD]]")))]
    )
    return pa.DataFrameSchema(
        {
            "iso3": _text(
                unique=True,
                checks=[pa.Check.isin(sorted(ISO_3166_ALPHA3), error=_error(N_("not an ISO 3166-1 alpha-3 code")))],
            ),
            "iso_numeric": _int(False, [pa.Check.in_range(0, 999, error=_error(N_("not an ISO 3166-1 numeric code")))]),
            "name": _text(),
            "un_region": _text(
                nullable=True, checks=[pa.Check.isin(M49_REGIONS, error=_error(N_("not an M49 region")))]
            ),
            "un_subregion": _text(nullable=True),
            "label_lon": _lon(),
            "label_lat": _lat(),
            "bali_process_as_of": as_of,
            "rcm_as_of": as_of,
            "igc_as_of": as_of,
            "source": _source(ref),
        },
        checks=[
            _row_check(
                "label_lat",
                N_("give both label_lon and label_lat, or neither"),
                lambda df: df["label_lon"].isna() == df["label_lat"].isna(),
            ),
        ],
        strict=True,
    )


def catalogue_schema(ref: Reference) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "indicator": _text(
                unique=True, checks=[pa.Check.str_matches(r"^[a-z0-9-]+$", error=_error(N_("not a slug")))]
            ),
            "label": _text(),
            "unit": _text(),
            "kind": _text(
                checks=[pa.Check.isin(INDICATOR_KINDS, error=_error(N_("kind is not continuous or ordinal")))]
            ),
            "categories": _text(nullable=True),
            "colorscale": _text(),
            "source": _source(ref),
            "licence": _text(nullable=True),
        },
        checks=[
            _row_check(
                "categories",
                N_("an ordinal indicator lists its categories (and a continuous one none)"),
                lambda df: (df["kind"] == "ordinal") == df["categories"].notna(),
            ),
        ],
        strict=True,
    )


def indicators_schema(ref: Reference) -> pa.DataFrameSchema:
    categories = ref.categories or {}
    ordinal = {name for name, cats in categories.items() if cats}

    def category_known(df: pd.DataFrame) -> pd.Series:
        if ref.categories is None:  # no catalogue to check against
            return pd.Series(True, index=df.index)
        return pd.Series(
            [
                (pd.isna(cat) if ind not in ordinal else (not pd.isna(cat) and cat in categories[ind]))
                for ind, cat in zip(df["indicator"], df["category"], strict=True)
            ],
            index=df.index,
        )

    def value_given(df: pd.DataFrame) -> pd.Series:
        if ref.categories is None:
            return pd.Series(True, index=df.index)
        continuous = ~df["indicator"].isin(ordinal)
        suppressed = df["suppressed"].fillna("false") == "true"
        return ~continuous | df["value"].notna() | suppressed

    return pa.DataFrameSchema(
        {
            "iso3": _iso3(ref),
            "indicator": _text(
                checks=[
                    pa.Check.isin(sorted(ref.indicators), error=_error(N_("indicator not in indicator_catalogue.csv")))
                ]
                if ref.indicators is not None
                else []
            ),
            "year": _year(nullable=False),
            "value": _float(),
            "category": _text(nullable=True),
            "suppressed": _flag(),
            # The publisher's bound of a suppressed value ("<5": 5); empty: the atlas's threshold.
            "suppressed_below": _count(required=False),
            "source": _source(ref),
        },
        checks=[
            _row_check("category", N_("category missing or not in the indicator's categories"), category_known),
            _row_check("value", N_("a continuous indicator needs a value (or suppressed = true)"), value_given),
        ],
        unique=["iso3", "indicator", "year"],
        strict=True,
    )


def routes_schema(ref: Reference) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "route_id": _text(unique=True),
            "origin_iso3": _iso3(ref, nullable=True),
            "origin_label": _text(nullable=True),
            "destination_iso3": _iso3(ref, nullable=True),
            "destination_label": _text(nullable=True),
            "form": _text(
                checks=[
                    pa.Check.isin(
                        list(EXPLOITATION_FORMS), error=_error(N_("form of exploitation not in the vocabulary"))
                    )
                ]
            ),
            "detail": _text(nullable=True),
            "victims": _text(nullable=True),
            "year_start": _year(),
            "year_end": _year(),
            "reported_year": _year(nullable=False),
            "count": _count(),
            "count_note": _text(nullable=True),
            # A count the publisher withheld as small ("<5"): count empty, suppressed true, bound 5.
            "suppressed": _flag(required=False),
            "suppressed_below": _count(required=False),
            "source": _source(ref),
        },
        checks=[
            _row_check(
                "origin_iso3",
                N_("give an origin country or an origin label"),
                lambda df: df["origin_iso3"].notna() | df["origin_label"].notna(),
            ),
            _row_check(
                "destination_iso3",
                N_("give a destination country or a destination label"),
                lambda df: df["destination_iso3"].notna() | df["destination_label"].notna(),
            ),
            _row_check("year_end", N_("year_end is before year_start"), _years_ordered),
        ],
        strict=True,
    )


def programs_schema(ref: Reference) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "program_id": _text(unique=True),
            "program": _text(),
            "types": _text(checks=[_each_in(PROGRAM_TYPES, N_("unknown program type (not in the vocabulary)"))]),
            "partner": _text(nullable=True),
            "funder": _text(nullable=True),
            "iso3": _iso3(ref),
            "site": _text(),
            "lon": _lon(),
            "lat": _lat(),
            "site_precision": _text(
                checks=[pa.Check.isin(SITE_PRECISIONS, error=_error(N_("site precision not in the vocabulary")))]
            ),
            "year_start": _year(),
            "year_end": _year(),
            "reported_year": _year(nullable=False),
            "funding_usd": _count(),
            "people_assisted": _count(),
            "people_reunited": _count(),
            "people_returned": _count(),
            "figures_note": _text(nullable=True),
            "source": _source(ref),
        },
        checks=[
            _row_check("lat", N_("give both lon and lat, or neither"), lambda df: df["lon"].isna() == df["lat"].isna()),
            _row_check(
                "lon",
                N_("only a country-precision site may leave its coordinates empty"),
                lambda df: df["lon"].notna() | (df["site_precision"] == "country"),
            ),
            _row_check("year_end", N_("year_end is before year_start"), _years_ordered),
        ],
        strict=True,
    )


def figures_schema(ref: Reference) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "figure_id": _text(unique=True),
            "label": _text(),
            "value": _float(False, [pa.Check.ge(0, error=_error(N_("a figure cannot be negative")))]),
            "unit": _text(),
            "qualifier": _text(nullable=True),
            "scope": _text(nullable=True),
            "source": _source(ref),
        },
        strict=True,
    )


@functools.cache
def table_columns(table: str) -> tuple[str, ...]:
    """The columns of one of the atlas's tables (``programs``, ``routes``, ``indicators``,
    ``catalogue``), in the order of its file, as its schema declares them: the one list that
    importers, templates and layers take them from."""
    schemas = {
        "programs": programs_schema,
        "routes": routes_schema,
        "indicators": indicators_schema,
        "catalogue": catalogue_schema,
    }
    return tuple(schemas[table](Reference()).columns)


# Columns the atlas once read and no longer does, by table. A data directory, a stored import or
# a filled template that still has one is read as before, the column left unread, rather than
# refused for an "unexpected column".
RETIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    # Never drawn, and a yes/no cannot say "neither" (population) or "not ranked" (TIP tiers).
    "catalogue": ("higher_is_worse",),
}
