"""Indicator choropleth: the chosen indicator and year, by country.

Ordinal indicators (the TIP tier) get one trace per category, so the legend reads as a
categorical key; continuous ones one trace with a colour bar that names the unit, year and
source. Countries in view without a value are drawn as "no data", apart from "not ranked".
"""

from __future__ import annotations

import functools
import math
from typing import Any

import plotly.colors

from dashboard import formatting as fmt
from dashboard.layers import Layer, LayerContext, Trace
from dashboard.layers.palette import BORDER_COLOUR, NO_DATA_COLOUR, TIER_COLOURS
from dashboard.view import View, slice_records
from geodata.vocabulary import TIP_TIERS

GROUP = "indicator"


def drawable_countries(view: View, ctx: LayerContext) -> list[str]:
    """Countries the map has a shape for (those with a label point), in ISO3 order.

    The whole world, whatever the regions: the indicator stays as context around a region, and
    the ``outside`` layer veils what lies beyond it. So a region change never re-sends the
    choropleth.
    """
    return list(ctx.label_points)


@functools.cache  # plotly builds its whole table of named scales on every lookup
def _stops(name: str) -> tuple[tuple[float, str], ...]:
    return tuple((round(float(stop), 4), str(colour)) for stop, colour in plotly.colors.get_colorscale(name))


def colorscale(name: str) -> list[list[object]]:
    """A named scale as explicit stops, light to dark as the catalogue means it.

    plotly.js's own "Blues" runs dark to light (unlike ColorBrewer's): spelling the stops out
    from plotly's Python copy of ColorBrewer keeps low values light in every renderer.
    """
    return [[stop, colour] for stop, colour in _stops(name)]


def _flat(colour: str) -> list[list[object]]:
    return [[0, colour], [1, colour]]


def _area(
    name: str, locations: list[str], colour: str, hover: tuple[list[list[str]], str], first: bool, title: str
) -> Trace:
    trace: Trace = {
        "type": "choropleth",
        "locationmode": "ISO-3",
        "locations": locations,
        "z": [1] * len(locations),
        "zmin": 0,
        "zmax": 1,
        "colorscale": _flat(colour),
        "showscale": False,
        "showlegend": True,
        "name": name,
        "legendgroup": GROUP,
        "marker": {"line": {"color": BORDER_COLOUR, "width": 0.5}},
        "customdata": hover[0],
        "hovertemplate": hover[1],
    }
    if first:
        trace["legendgrouptitle"] = {"text": title}
    return trace


Row = dict[str, Any]


def hover_parts(
    rows: list[Row], ctx: LayerContext, label: str, year: int, readings: list[str], unit: str = ""
) -> tuple[list[list[str]], str]:
    """Per-country hover data and one template.

    What all rows share (the reading of a category, the year, the source) goes into the
    template once rather than into every row's ``customdata``: it keeps a filter change's
    response small. A country shown with an earlier year's value says so.
    """
    years = [str(year) if row.get("year", year) == year else f"{row['year']} (latest before {year})" for row in rows]
    columns = [
        [ctx.names[row["iso3"]] for row in rows],
        readings,
        years,
        [ctx.cite(row["source"]) for row in rows],
        [ctx.region_medians.get((row["iso3"], str(row.get("indicator", "")), year), "") for row in rows],
    ]
    # "Median of " once in the template rather than in every country's cell, when all have one.
    lead = "Median of "
    medians = columns[-1]
    if medians and all(cell.startswith(lead) for cell in medians):
        columns[-1] = [cell.removeprefix(lead) for cell in medians]
    else:
        lead = ""
    parts: list[str] = []
    kept: list[list[str]] = []
    for column in columns:
        if len(set(column)) <= 1 and column is not columns[0]:
            parts.append(column[0] if column else "")
        else:
            parts.append(f"%{{customdata[{len(kept)}]}}")
            kept.append(column)
    name, reading, year_text, source, median = parts
    data = [list(cells) for cells in zip(*kept, strict=True)]
    template = (
        f"<b>{name}</b><br>{fmt.esc(label)}: {reading}{(' ' + fmt.esc(unit)) if unit else ''}"
        f"<br>Year: {year_text or year}"
        + (f"<br>{lead}{median}" if median else "")
        + (f"<br>Source: {source}" if source else "")
        + "<extra></extra>"
    )
    return data, template


def _source_line(ctx: LayerContext, indicator: str) -> str:
    return ctx.cite(ctx.atlas.catalogue.loc[indicator, "source"])


def traces(view: View, ctx: LayerContext) -> list[Trace]:
    meta = ctx.atlas.catalogue.loc[view.state.indicator]
    drawable = drawable_countries(view, ctx)
    allowed = set(drawable)
    world = slice_records(ctx.atlas.indicators, view.state.indicator, view.state.year)
    rows = [r for r in world if r["iso3"] in allowed]
    year = view.state.year
    title = f"{meta['label']}, {year}"
    out: list[Trace] = []

    def hover(rows: list[Row], readings: list[str], unit: str = "") -> tuple[list[list[str]], str]:
        return hover_parts(rows, ctx, str(meta["label"]), year, readings, unit)

    if meta["kind"] == "ordinal":
        for category in meta["categories"]:
            of_category = [r for r in rows if r["category"] == category]
            if not of_category:  # an empty trace would carry the group's title out of the legend
                continue
            label = TIP_TIERS.get(category, category)
            hovers = hover(of_category, [fmt.esc(label)] * len(of_category))
            colour = TIER_COLOURS.get(category, "#999999")
            out.append(_area(label, [r["iso3"] for r in of_category], colour, hovers, not out, title))
    else:
        shown = [r for r in rows if not fmt.is_missing(r["value"]) and not r["suppressed"]]
        log = meta.get("scale", "linear") == "log" or meta["indicator"] in ("population", "gdp-per-capita")
        z = [math.log10(r["value"]) if log else float(r["value"]) for r in shown]
        readings = hover(shown, [fmt.esc(fmt.number(r["value"])) for r in shown], str(meta["unit"]))
        colorbar: dict[str, Any] = {
            "title": {
                "text": f"{fmt.esc(meta['label'])}, {year}<br><sub>{fmt.esc(meta['unit'])}"
                f" — {_source_line(ctx, meta['indicator'])}</sub>",
                "side": "top",
            },
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": 0.0,
            "yanchor": "bottom",
            "len": 0.45,
            "thickness": 14,
        }
        if log and z:
            ticks = list(range(math.floor(min(z)), math.ceil(max(z)) + 1))
            colorbar["tickvals"] = ticks
            colorbar["ticktext"] = [fmt.number(10**t) for t in ticks]
        out.append(
            {
                "type": "choropleth",
                "locationmode": "ISO-3",
                "locations": [r["iso3"] for r in shown],
                "z": [round(v, 4) for v in z],
                "colorscale": colorscale(str(meta["colorscale"])),
                "showlegend": False,
                "name": str(meta["label"]),
                "marker": {"line": {"color": BORDER_COLOUR, "width": 0.5}},
                "customdata": readings[0],
                "hovertemplate": readings[1],
                "colorbar": colorbar,
            }
        )
        suppressed = [r for r in rows if r["suppressed"]]
        if suppressed:
            hovers = hover(suppressed, [f"suppressed (fewer than {ctx.suppression_threshold})"] * len(suppressed))
            out.append(
                _area("Suppressed small count", [r["iso3"] for r in suppressed], "#cccccc", hovers, False, title)
            )

    have = {r["iso3"] for r in rows}
    missing = [iso3 for iso3 in drawable if iso3 not in have]
    no_data = (
        [[ctx.names[iso3]] for iso3 in missing],
        f"<b>%{{customdata[0]}}</b><br>{fmt.esc(meta['label'])}: no data for {year}<extra></extra>",
    )
    out.append(_area("No data", missing, NO_DATA_COLOUR, no_data, not out, title))
    return out


LAYER = Layer(
    key="choropleth",
    label="Indicator (choropleth)",
    needs={
        "indicators": ("iso3", "indicator", "year", "value", "category", "suppressed", "source"),
        "countries": ("name", "label_lon"),
    },
    traces=traces,
    reads=("indicator", "year"),
    key_reads=("indicator", "year"),
)
