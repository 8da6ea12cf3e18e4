"""Counts of people as a rate: detected victims per 100,000 people.

A count says little across countries of 0.1 and 1,400 million people; a rate compares them. The
atlas derives one wherever both a count and a population are loaded: the count of a country and
year divided by the population of the same year or, failing that, of the latest earlier year up
to :data:`MAX_GAP` years before (the bundled Gapminder excerpt has one every five years, up to
2007; an imported population indicator of later years takes over where it has rows). The method
is said in the indicator's unit, so the key and every hover carry it.

Privacy: no rate is derived from a count its publisher withheld, nor from one below the
suppression threshold (a rate and a population give the count back).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from geodata.i18n import N_
from geodata.problems import Message

PER = 100_000
MAX_GAP = 5  # years between a count and the population it is divided by, at most
POPULATION = "population"


class Rate(NamedTuple):
    counted: str  # the indicator counted
    indicator: str  # the rate derived from it
    label: str


# The label is the atlas's own word (marked for the catalogs; the dashboard shows it translated).
RATES = (Rate("detected-victims", "detected-victims-per-100k", N_("Detected trafficking victims per 100,000 people")),)


def unit(threshold: int) -> str:
    """The rate's unit, with the method: where its population comes from and where there is none.

    A :class:`~geodata.problems.Message` (English, with its template and numbers apart), so the
    dashboard can show it translated (:func:`geodata.problems.say`).
    """
    return Message(
        N_(
            "victims per {per} people (population of the same year or up to {gap} years before; "
            "none where the count is withheld or under {threshold})"
        ),
        per=PER,
        gap=MAX_GAP,
        threshold=int(threshold),
    )


def derive_rates(
    indicators: pd.DataFrame, catalogue: pd.DataFrame, threshold: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows and catalogue entries of every rate in :data:`RATES` that the loaded tables allow.

    Parameters
    ----------
    indicators, catalogue : pandas.DataFrame
        As the atlas holds them (typed; the catalogue indexed by indicator).
    threshold : int
        Counts below it give no rate.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Rows in the columns of ``indicators`` (each citing the count's and the population's
        sources, in the count's dataset), and catalogue entries in the columns of ``catalogue``.
        Both empty when there is nothing to derive.
    """
    rows: list[pd.DataFrame] = []
    entries: list[dict[str, object]] = []
    people = indicators[
        indicators["indicator"].eq(POPULATION) & indicators["value"].notna() & ~indicators["suppressed"]
    ]
    for rate in RATES:
        known = catalogue.index
        if rate.counted not in known or POPULATION not in known or rate.indicator in known:
            continue
        counts = indicators[
            indicators["indicator"].eq(rate.counted)
            & indicators["value"].notna()
            & ~indicators["suppressed"]
            & indicators["value"].ge(threshold)
        ]
        if counts.empty or people.empty:
            continue
        paired = pd.merge_asof(
            counts.assign(year=counts["year"].astype("int64")).sort_values("year"),
            people[["iso3", "year", "value", "source"]]
            .assign(year=people["year"].astype("int64"))
            .rename(columns={"value": "people", "source": "people_source"})
            .sort_values("year"),
            on="year",
            by="iso3",
            direction="backward",
            tolerance=MAX_GAP,
        ).dropna(subset=["people"])
        paired = paired[paired["people"] > 0]
        if paired.empty:
            continue
        rows.append(
            pd.DataFrame(
                {
                    "iso3": paired["iso3"].to_numpy(),
                    "indicator": rate.indicator,
                    "year": paired["year"].astype("Int64").to_numpy(),
                    "value": (paired["value"].astype(float) / paired["people"].astype(float) * PER).round(3),
                    "category": pd.NA,
                    "suppressed": False,
                    "source": (paired["source"] + ";" + paired["people_source"]).to_numpy(),
                    "suppressed_below": pd.NA,
                    "dataset": paired["dataset"].to_numpy(),
                }
            )
        )
        count_meta, people_meta = catalogue.loc[rate.counted], catalogue.loc[POPULATION]
        licences = dict.fromkeys(str(m["licence"]) for m in (count_meta, people_meta) if isinstance(m["licence"], str))
        entries.append(
            {
                "indicator": rate.indicator,
                "label": rate.label,
                "unit": unit(threshold),
                "kind": "continuous",
                "categories": (),
                "colorscale": count_meta["colorscale"],
                "source": f"{count_meta['source']};{people_meta['source']}",
                "licence": "; ".join(licences) or pd.NA,
                "dataset": count_meta["dataset"],
            }
        )
    if not rows:
        return indicators.iloc[0:0], catalogue.iloc[0:0]
    new_rows = pd.concat(rows, ignore_index=True)
    new_rows.index = pd.RangeIndex(
        start=int(indicators.index.max()) + 1, stop=int(indicators.index.max()) + 1 + len(new_rows)
    )
    new_rows = new_rows.astype(indicators.dtypes.to_dict())
    new_entries = pd.DataFrame(entries).set_index("indicator", drop=False)
    return new_rows[indicators.columns], new_entries[catalogue.columns]
