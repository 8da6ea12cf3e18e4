"""Indicator choropleth: the chosen indicator and year, by country.

One trace of values covers every country the map draws, in a fixed order, with the names as its
``text`` and each country's sub-region as its ``hovertext``; a country without a value has none
there and is drawn by the "No data" trace, which covers the same countries. What changes with
the indicator or year is then only the values and readings (``z``, ``customdata``): the figure
patch sends those and never the names. Continuous indicators get a colour bar that names the
unit, year and source; ordinal ones (the TIP tier) a stepped scale and, for the key, one entry
per category (a marker-less trace each). "Not ranked" is a category, not "no data".
"""

from __future__ import annotations

import functools
import math
import textwrap
from typing import Any

import branca.colormap
import pandas as pd
import plotly.colors

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.derived import derived
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, area_swatch
from dashboard.i18n import N_, _, ngettext, pgettext
from dashboard.layers import Facts, Layer, Trace, factored_hover
from dashboard.palette import BORDER_COLOUR, NO_DATA_COLOUR, TIER_COLOURS
from dashboard.view import View, slice_records
from geodata import Atlas
from geodata.vocabulary import TIP_TIERS

GROUP = "indicator"
SUPPRESSED_COLOUR = "#cccccc"
# Indicators spread over orders of magnitude, drawn on a log scale by every renderer.
LOG_SCALE = frozenset({"population", "gdp-per-capita"})


# The tier names of geodata.vocabulary.TIP_TIERS, marked here too so the key never lacks them.
TIER_NAMES = (N_("Tier 1"), N_("Tier 2"), N_("Tier 2 Watch List"), N_("Tier 3"), N_("Not ranked in source"))


def tier_name(category: str) -> str:
    """A TIP tier (``tier-2-watch-list``) as the key names it, in the language of the request."""
    return _(TIP_TIERS.get(category, category))


def uses_log_scale(indicator: str) -> bool:
    """Whether ``indicator`` is coloured on a log scale (the app's map and the HTML export alike)."""
    return indicator in LOG_SCALE


def median_readings(atlas: Atlas) -> dict[tuple[str, str, int], str]:
    """``1,234 (15 countries)``, the median of the country's M49 sub-region, for each (country,
    indicator, year); ordinal indicators give the median category of the ranked countries.
    Made once per atlas."""

    def make() -> dict[tuple[str, str, int], str]:
        catalogue = atlas.catalogue
        ind = atlas.indicators.merge(
            atlas.countries[["un_subregion"]], left_on="iso3", right_index=True, how="inner"
        ).dropna(subset=["un_subregion"])
        out: dict[tuple[str, str, int], str] = {}
        for (indicator, year, __), rows in ind.groupby(["indicator", "year", "un_subregion"]):
            meta = catalogue.loc[indicator]
            if meta["kind"] == "ordinal":
                order = [c for c in meta["categories"] if c != "not-ranked"]
                ranks = sorted(order.index(c) for c in rows["category"] if c in order)
                if not ranks:
                    continue
                median = tier_name(order[ranks[len(ranks) // 2]])
                count = len(ranks)
            else:
                values = rows.loc[~rows["suppressed"], "value"].dropna()  # a suppressed value never shows
                if values.empty:
                    continue
                median, count = fmt.number(values.median()), len(values)
            text = fmt.esc(
                ngettext("{median} ({count} country)", "{median} ({count} countries)", count).format(
                    median=median, count=i18n.integer(count)
                )
            )
            for iso3 in rows["iso3"]:
                out[(iso3, str(indicator), int(year))] = text
        return out

    return derived(atlas, "choropleth.medians", make)


def region_medians(atlas: Atlas, facts: Facts) -> dict[tuple[str, str, int], str]:
    """``Median of Western Africa: 1,234 (15 countries)`` for each (country, indicator, year)."""
    return derived(
        atlas,
        "choropleth.region-medians",
        lambda: {key: _median_of(facts, key[0]) + reading for key, reading in median_readings(atlas).items()},
    )


def prepare(atlas: Atlas, facts: Facts) -> None:
    region_medians(atlas, facts)


def drawable_countries(facts: Facts) -> list[str]:
    """Countries the map has a shape for (those with a label point), in ISO3 order.

    The whole world, whatever the regions: the indicator stays as context around a region, and
    the ``outside`` layer veils what lies beyond it. So a region change never re-sends the
    choropleth.
    """
    return list(facts.label_points)


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


def _stepped(colours: list[str]) -> list[list[object]]:
    """A colour scale of ``len(colours)`` flat bands, for category numbers 0, 1, ... (with
    ``zmin=-0.5``, ``zmax=len(colours) - 0.5``)."""
    bands = len(colours)
    return [[round(edge / bands, 6), colour] for i, colour in enumerate(colours) for edge in (i, i + 1)]


def _area(uid: str, name: str, locations: list[str], colour: str, hover: tuple[list[list[str]], str]) -> Trace:
    """A choropleth of one colour over ``locations``; ``uid`` names it in every language."""
    return {
        "type": "choropleth",
        "uid": f"choropleth-{uid}",
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


def _key_entry(uid: str, name: str, colour: str) -> Trace:
    """An entry of the key for one category: a trace with no point, drawn as a box of its colour.
    ``uid`` (the category's slug) names it in every language."""
    return {
        "type": "scattergeo",
        "uid": f"choropleth-key-{uid}",
        "mode": "markers",
        "lon": [None],
        "lat": [None],
        "name": name,
        "legendgroup": GROUP,
        "showlegend": True,
        "hoverinfo": "skip",
        "marker": {"symbol": "square", "size": 15, "color": colour, "line": {"color": BORDER_COLOUR, "width": 1}},
        "meta": {"key": "area"},  # the HTML key draws it as an area, like the choropleth's own entries
    }


Row = dict[str, Any]


def _plain_source_line(atlas: Atlas, indicator: str) -> str:
    """The indicator's short citation, not yet escaped (it is wrapped into lines first)."""
    return fmt.cite(atlas.sources, str(atlas.catalogue.loc[indicator, "source"]))


def traces(view: View, facts: Facts) -> list[Trace]:
    atlas = view.atlas
    meta = atlas.catalogue.loc[view.state.indicator]
    drawable = drawable_countries(facts)
    allowed = set(drawable)
    year = view.state.year
    label = fmt.esc(fmt.indicator_label(meta["label"]))  # plotly.js reads names, titles and templates as markup
    title = f"{label}, {year}"
    rows = {
        r["iso3"]: r
        for r in slice_records(atlas.indicators, view.state.indicator, year)
        if r["iso3"] in allowed and (not view.state.datasets or r["dataset"] in view.state.datasets)
    }
    readings: dict[str, str] = {}
    z: dict[str, float] = {}
    values: Trace = {}
    out: list[Trace] = []

    if meta["kind"] == "ordinal":
        present = [c for c in meta["categories"] if any(r["category"] == c for r in rows.values())]
        colours = [TIER_COLOURS.get(c, "#999999") for c in present]
        for number, category in enumerate(present):
            shown = tier_name(category)
            for r in rows.values():
                if r["category"] == category:
                    z[r["iso3"]], readings[r["iso3"]] = number, fmt.esc(shown)
        values = {"colorscale": _stepped(colours) if colours else _flat(NO_DATA_COLOUR), "showscale": False}
        values.update(zmin=-0.5, zmax=len(colours) - 0.5)
        out += [_key_entry(c, fmt.esc(tier_name(c)), colour) for c, colour in zip(present, colours, strict=True)]
        unit = ""
    else:
        log = uses_log_scale(str(meta["indicator"]))
        for r in rows.values():
            if not fmt.is_missing(r["value"]) and not r["suppressed"]:
                z[r["iso3"]] = round(math.log10(r["value"]) if log else float(r["value"]), 4)
                readings[r["iso3"]] = fmt.esc(fmt.number(r["value"]))
        # Wrapped: a title wider than the bar runs off the map's left edge (a 1280 px screen
        # gives the bar about 300 px); the label is escaped line by line.
        bar_title = "<br>".join(
            fmt.esc(line) for line in textwrap.wrap(f"{fmt.indicator_label(meta['label'])}, {year}", 34)
        )
        sub = textwrap.wrap(f"{fmt.indicator_unit(meta['unit'])} — {_plain_source_line(atlas, meta['indicator'])}", 42)
        colorbar: dict[str, Any] = {
            "title": {
                "text": bar_title + "".join(f"<br><sub>{fmt.esc(line)}</sub>" for line in sub),
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
            ticks = list(range(math.floor(min(z.values())), math.ceil(max(z.values())) + 1))
            colorbar["tickvals"] = ticks
            colorbar["ticktext"] = [fmt.number(10**t) for t in ticks]
        # The page's key draws the scale (dashboard.legend); an image export switches the bar on.
        values = {"colorscale": colorscale(str(meta["colorscale"])), "colorbar": colorbar, "showscale": False}
        if not log and z and all(float(v).is_integer() and v >= 0 for v in z.values()):
            # Counts (detected victims, persons convicted): from 0, in whole numbers, so that one
            # country's 1,282 does not read as a scale from 1,281.6 to 1,282.4.
            values.update(zmin=0, zmax=max(max(z.values()), 1))
            colorbar["tickformat"] = ",d"
        unit = fmt.indicator_unit(meta["unit"])
        suppressed = [r for r in rows.values() if r["suppressed"]]
        if suppressed:
            # The publisher's bound where the row gives one (GLOTIP's "<5"), else the atlas's threshold:
            # in the template once when all agree, as it is rebuilt with every indicator or year.
            bounds = [
                [facts.names[r["iso3"]], fmt.suppressed(r.get("suppressed_below"), facts.threshold)] for r in suppressed
            ]
            hover = factored_hover(
                bounds,
                None,
                lambda parts: (
                    f"<b>{parts[0]}</b><br>{_suppressed_line(label, parts[1])}"
                    f"<br>{_year_line(str(year))}<extra></extra>"
                ),
            )
            out.insert(
                0,
                _area(
                    "suppressed-small-count",
                    _("Suppressed small count"),
                    [r["iso3"] for r in suppressed],
                    SUPPRESSED_COLOUR,
                    hover,
                ),
            )

    drawn = [iso3 for iso3 in drawable if iso3 in z]
    indicator = str(meta["indicator"])
    medians = median_readings(atlas)
    fields = [
        [
            readings[iso3],
            str(year) if rows[iso3]["year"] == year else _latest_before(rows[iso3]["year"], year),
            medians.get((iso3, indicator, year), fmt.esc(_("not available"))),
            facts.cite(rows[iso3]["source"]),
        ]
        for iso3 in drawn
    ]

    def layout(parts: list[str]) -> str:
        reading, year_text, median, source = parts
        return (
            f"<b>%{{text}}</b><br>{_reading_line(label, reading + ((' ' + fmt.esc(unit)) if unit else ''))}"
            f"<br>{_year_line(year_text)}<br>%{{hovertext}}{median}<br>{_source_line(source)}<extra></extra>"
        )

    cells, template = factored_hover(fields, None, layout) if fields else ([], layout([""] * 4))
    by_iso3 = dict(zip(drawn, cells, strict=True))
    out.insert(
        0,
        {
            "type": "choropleth",
            "uid": "choropleth-values",
            "locationmode": "ISO-3",
            "locations": drawable,
            "z": [z.get(iso3) for iso3 in drawable],
            **values,
            "showlegend": False,
            "name": label,
            "legendgroup": GROUP,  # the page's key draws a continuous scale in the indicator's group
            "marker": {"line": {"color": BORDER_COLOUR, "width": 0.5}},
            "text": [facts.names[iso3] for iso3 in drawable],
            "hovertext": [_median_of(facts, iso3) for iso3 in drawable],
            "customdata": [by_iso3.get(iso3) for iso3 in drawable],
            "hovertemplate": template,
        },
    )
    # plotly's own key (image exports) takes an area's colour from its first country, which a
    # trace over every country may not draw: the entry is a marker-less trace, like the tiers'.
    no_data = fmt.esc(_("No data"))
    out.append(_key_entry("no-data", no_data, NO_DATA_COLOUR))
    out.append(
        {
            "type": "choropleth",
            "uid": "choropleth-no-data",
            "locationmode": "ISO-3",
            "locations": drawable,
            "z": [None if iso3 in rows else 1 for iso3 in drawable],
            "zmin": 0,
            "zmax": 1,
            "colorscale": _flat(NO_DATA_COLOUR),
            "showscale": False,
            "showlegend": False,
            "name": no_data,
            "legendgroup": GROUP,
            "marker": {"line": {"color": BORDER_COLOUR, "width": 0.5}},
            "text": [facts.names[iso3] for iso3 in drawable],
            "hovertemplate": f"<b>%{{text}}</b><br>{_no_data_line(label, year)}<extra></extra>",
        }
    )
    listed = [t for t in out if t.get("showlegend")]
    listed[0]["legendgrouptitle"] = {"text": title}
    return out


def _median_of(facts: Facts, iso3: str) -> str:
    """The start of a country's median line (its sub-region), the same for every indicator and year."""
    region = facts.subregions.get(iso3)
    return (_("Median of {region}:").format(region=region) if region else fmt.esc(_("Sub-region median:"))) + " "


# The lines of a country's hover text and tooltip (``label`` and values already escaped).


def _reading_line(label: str, reading: str) -> str:
    # Only the colon is the language's (French sets it off with a space): a message of placeholders
    # alone would match any text with a colon in it.
    return label + pgettext("between an indicator and its value", ": ") + reading


def _suppressed_line(label: str, bound: str) -> str:
    return _("{indicator}: suppressed ({bound})").format(indicator=label, bound=bound)


def _no_data_line(label: str, year: int) -> str:
    return _("{indicator}: no data for {year}").format(indicator=label, year=year)


def _year_line(year: str) -> str:
    return _("Year: {year}").format(year=year)


def _source_line(source: str) -> str:
    return _("Source: {source}").format(source=source)


def _latest_before(year: object, asked: int) -> str:
    """``2005 (latest before 2007)``: the year of a country's latest value before the year asked for."""
    return _("{year} (latest before {asked})").format(year=int(year), asked=asked)  # type: ignore[call-overload]


def cites(view: View) -> list[str]:
    # Drawn for the whole world (a veil marks the regions): all of it is cited.
    world = slice_records(view.atlas.indicators, view.state.indicator, view.state.year)
    return [*(str(row["source"]) for row in world), str(view.atlas.catalogue.loc[view.state.indicator, "source"])]


def describe(view: View, facts: Facts) -> str:
    label = fmt.indicator_label(view.atlas.catalogue.loc[view.state.indicator, "label"])
    count = view.indicator_count
    return ngettext(
        "coloured by {indicator} in {year} ({count} country with data)",
        "coloured by {indicator} in {year} ({count} countries with data)",
        count,
    ).format(indicator=label, year=view.state.year, count=i18n.integer(count))


# --- The HTML export ---------------------------------------------------------------------------


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """Each country in view filled by its value (or "no data"), with its reading as tooltip, and the key."""
    atlas = view.atlas
    meta = atlas.catalogue.loc[view.state.indicator]
    rows: dict[str, Row] = {r["iso3"]: r for r in view.indicator.to_dict("records")}
    in_view = [iso3 for iso3 in canvas.countries if view.countries is None or iso3 in view.countries]
    present = {iso3 for iso3 in in_view if iso3 in rows}
    title = f"{fmt.indicator_label(meta['label'])}, {view.state.year}"
    no_data = KeyEntry(_("No data"), area_swatch(NO_DATA_COLOUR))
    if meta["kind"] == "ordinal":
        shown = {rows[iso3]["category"] for iso3 in present}
        colour = {iso3: TIER_COLOURS.get(rows[iso3]["category"], "#999999") for iso3 in present}
        entries = [
            KeyEntry(tier_name(c), area_swatch(TIER_COLOURS.get(c, "#999999")))
            for c in meta["categories"]
            if c in shown
        ]
        canvas.key.append(KeyGroup(title, (*entries, no_data)))
    else:
        colour, group = _continuous(meta, rows, present, title, no_data)
        canvas.key.append(group)
    medians = region_medians(atlas, facts)
    for iso3 in in_view:
        row = rows.get(iso3)
        fill = colour.get(iso3, SUPPRESSED_COLOUR if row is not None and row["suppressed"] else NO_DATA_COLOUR)
        canvas.shade(iso3, fill, _tip(canvas.tip(iso3), row, meta, view.state.year, facts, medians))


def _continuous(
    meta: pd.Series, rows: dict[str, Row], present: set[str], title: str, no_data: KeyEntry
) -> tuple[dict[str, str], KeyGroup]:
    """Fills on the catalogue's sequential scale (log where :func:`uses_log_scale`), and the key with its colour bar."""
    log = uses_log_scale(str(meta["indicator"]))
    values = {
        iso3: float(rows[iso3]["value"])
        for iso3 in present
        if not fmt.is_missing(rows[iso3]["value"])
        and not rows[iso3]["suppressed"]  # a suppressed value never colours a country
        and (not log or float(rows[iso3]["value"]) > 0)
    }

    def z(value: float) -> float:
        return math.log10(value) if log else value

    low = min((z(v) for v in values.values()), default=0.0)
    high = max((z(v) for v in values.values()), default=1.0)
    if high <= low:
        high = low + 1
    # The app's own scale, light (low) to dark (high), spelled out as in the app's colour bar.
    cmap = branca.colormap.LinearColormap([_hex(c) for _, c in _stops(str(meta["colorscale"]))], vmin=low, vmax=high)
    colour = {iso3: str(cmap.rgb_hex_str(z(value))) for iso3, value in values.items()}
    stops = ", ".join(str(cmap.rgb_hex_str(low + (high - low) * i / 10)) for i in range(11))
    ticks = "".join(f"<span>{fmt.esc(fmt.number(10**t if log else t))}</span>" for t in (low, (low + high) / 2, high))
    unit = fmt.indicator_unit(meta["unit"])
    caption = _("Log scale ({unit})").format(unit=unit) if log and unit else _("Log scale") if log else unit
    bar = (
        f'<div class="atlas-gradient" style="background: linear-gradient(to right, {stops})"></div>'
        f'<div class="atlas-gradient-ticks">{ticks}</div>' + (f"<p>{fmt.esc(caption)}</p>" if caption else "")
    )
    entries = [no_data]
    if any(rows[iso3]["suppressed"] and iso3 not in values for iso3 in present):
        entries.insert(0, KeyEntry(_("Suppressed small count"), area_swatch(SUPPRESSED_COLOUR)))
    return colour, KeyGroup(title, tuple(entries), bar=bar)


def _tip(
    heading: str, row: Row | None, meta: pd.Series, year: int, facts: Facts, medians: dict[tuple[str, str, int], str]
) -> str:
    label = fmt.esc(fmt.indicator_label(meta["label"]))
    if row is None:
        return f"{heading}<br>{_no_data_line(label, year)}"
    if meta["kind"] == "ordinal":
        line = _reading_line(label, fmt.esc(tier_name(row["category"])))
    elif row["suppressed"]:  # never its value, even if the cell holds one
        line = _suppressed_line(label, fmt.esc(fmt.suppressed(row.get("suppressed_below"), facts.threshold)))
    else:
        unit = fmt.indicator_unit(meta["unit"])
        line = _reading_line(label, fmt.esc(fmt.number(row["value"])) + (f" {fmt.esc(unit)}" if unit else ""))
    when = str(year) if int(row["year"]) == year else _latest_before(row["year"], year)
    lines = [heading, line, _year_line(when)]
    median = medians.get((row["iso3"], str(meta["indicator"]), year), "")
    if median:
        lines.append(median)
    lines.append(_source_line(facts.cite(row["source"])))
    return "<br>".join(lines)


def _hex(colour: str) -> str:
    """``#rrggbb`` of a plotly colour (``rgb(r, g, b)`` or hex)."""
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in plotly.colors.unlabel_rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


LAYER = Layer(
    key="choropleth",
    label=N_("Indicator (choropleth)"),
    needs={
        "indicators": ("iso3", "indicator", "year", "value", "category", "suppressed", "suppressed_below", "source"),
        "countries": ("name", "label_lon"),
    },
    traces=traces,
    reads=("indicator", "year", "datasets"),
    key_reads=("indicator", "year"),
    prepare=prepare,
    cites=cites,
    describe=describe,
    folium=draw_folium,
)
