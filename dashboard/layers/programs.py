"""Program sites: one marker per site and program type (shape and colour both encode the type).

A site with several types shows one marker per type, set around the site in a small ring so
that none hides another. Sites the source names only by country (site precision "country")
are drawn open at the country's label point; sites with a named place are filled. Marker area
grows with the number of people assisted, where the source gives it.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard import formatting as fmt
from dashboard.layers import Layer, LayerContext, Trace, factored_hover, rows_to_draw
from dashboard.layers.palette import PROGRAM_STYLES
from dashboard.view import View
from geodata.vocabulary import PROGRAM_TYPES

GROUP = "programs"
RING_DEGREES = 2.2  # radius of the ring of markers around a site with several types
BASE_SIZE = 13


def marker_size(people: object, threshold: int = 11) -> float:
    """Base size, growing with log10 of people assisted (1,500 people: about twice the base).

    Counts below the suppression threshold all get the base size: a marker must not tell what
    the hover text withholds.
    """
    if fmt.is_missing(people) or int(people) < threshold:  # type: ignore[call-overload]
        return BASE_SIZE
    return round(BASE_SIZE + 4 * math.log10(int(people)), 1)  # type: ignore[call-overload]


def ring_offset(position: int, count: int) -> tuple[float, float]:
    """(dlon, dlat) of the ``position``-th of ``count`` markers around a site."""
    if count <= 1:
        return 0.0, 0.0
    angle = 2 * math.pi * position / count + math.pi / 2
    return RING_DEGREES * math.cos(angle), RING_DEGREES * math.sin(angle)


def hover_fields(site: pd.Series, ctx: LayerContext) -> list[str]:
    """The escaped values in a site's hover text: program, partner, types, site, years, figures
    (each on a line of its own, or ""), source. The labels are :func:`hover_layout`'s."""
    figures = fmt.people_figures(site, ctx.suppression_threshold)
    precision = (
        "no site named in the source" if site["site_precision"] == "country" else f"{site['site_precision']} precision"
    )
    return [
        fmt.esc(site["program"]),
        fmt.esc(site["partner"]) or fmt.UNKNOWN,
        fmt.esc(", ".join(PROGRAM_TYPES[t] for t in site["types"])),
        f"{fmt.esc(site['site'])} ({fmt.esc(precision)})",
        fmt.esc(fmt.years(site["year_start"], site["year_end"], site["reported_year"])),
        "".join(f"<br>{fmt.esc(f)}" for f in figures),
        ctx.cite(site["source"]),
    ]


def hover_layout(fields: list[str]) -> str:
    """The hover text (or template) from :func:`hover_fields` (or placeholders for them)."""
    program, partner, types, site, years, figures, source = fields
    return (
        f"<b>{program}</b><br>Partner: {partner}<br>Types: {types}<br>Site: {site}<br>Years: {years}{figures}"
        f"<br>Source: {source}<extra></extra>"
    )


def traces(view: View, ctx: LayerContext) -> list[Trace]:
    """One trace per program type and site precision, over every site of the atlas.

    A site out of view (another region, type or year) keeps its place in its traces with no
    coordinates, so plotly.js draws nothing for it: the traces' shape and hover text are the
    same in every view, and a filter change sends only the coordinates (see ``figure_patch``).
    Past :data:`~dashboard.layers.EVERY_ROW_LIMIT` sites, only those in view are drawn.
    """
    in_view = {site["row"] for site in view.program_records}
    wanted = view.state.types or tuple(PROGRAM_TYPES)
    out: list[Trace] = []
    for ptype, (colour, symbol) in PROGRAM_STYLES.items():
        for precise in (True, False):
            lon: list[float | None] = []
            lat: list[float | None] = []
            size, hover, ids = [], [], []
            for site in rows_to_draw(ctx.atlas.programs, view.program_records):
                if ptype not in site["types"] or (site["site_precision"] != "country") != precise:
                    continue
                if site["row"] in in_view and ptype in wanted:
                    shown = [t for t in site["types"] if t in wanted]
                    dlon, dlat = ring_offset(shown.index(ptype), len(shown))
                    lon.append(round(float(site["map_lon"]) + dlon, 3))
                    lat.append(round(float(site["map_lat"]) + dlat, 3))
                else:
                    lon.append(None)
                    lat.append(None)
                size.append(marker_size(site["people_assisted"], ctx.suppression_threshold))
                hover.append(ctx.program_hover_fields[site["row"]])
                ids.append(f"program:{site['program_id']}")
            if not ids:
                continue
            customdata, template = factored_hover(hover, ids, hover_layout)
            out.append(
                {
                    "type": "scattergeo",
                    "mode": "markers",
                    "lon": lon,
                    "lat": lat,
                    "name": PROGRAM_TYPES[ptype] + ("" if precise else " (country only)"),
                    "legendgroup": GROUP,
                    "showlegend": precise,
                    "marker": {
                        "symbol": symbol if precise else f"{symbol}-open",
                        "size": size,
                        "color": colour,
                        "line": {"color": "#000000" if precise else colour, "width": 1.5 if precise else 3},
                        "opacity": 0.95,
                    },
                    "hovertemplate": template,
                    "customdata": customdata,  # ends with the site's id: what a click selects
                }
            )
    if any(not t["showlegend"] for t in out):
        # One key entry for all country-only sites instead of one per type.
        out.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "lon": [None],
                "lat": [None],
                "legendgroup": GROUP,
                "name": "Open: country only, no site named",
                "hoverinfo": "skip",
                "marker": {"symbol": "circle-open", "size": 13, "color": "#333333", "line": {"width": 3}},
            }
        )
    listed = [t for t in out if t.get("showlegend", True)]
    if listed:  # plotly shows a group's title only with a trace the legend lists
        listed[0]["legendgrouptitle"] = {"text": "Program sites, by type"}
    return out


LAYER = Layer(
    key="programs",
    label="Program sites",
    needs={
        "programs": (
            "program",
            "types",
            "partner",
            "site",
            "site_precision",
            "map_lon",
            "map_lat",
            "year_start",
            "year_end",
            "reported_year",
            "people_assisted",
            "people_reunited",
            "people_returned",
            "source",
        )
    },
    traces=traces,
    reads=("regions", "types", "year", "datasets"),
)
