"""Program sites: one marker per site and program type (shape and colour both encode the type).

A site with several types shows one marker per type, stacked on the site itself from the
largest (drawn first) to the smallest, so that each type shows as a band of its colour and
shape around the next: every marker stays on its site, in its country, at any zoom (a ring of
markers set a fixed distance around the site put 8 of the 13 bundled sites' markers in a
neighbouring country or at sea). Sites the source names only by country (site precision
"country") are drawn open at the country's label point; sites with a named place are filled.
Marker area grows with the number of people assisted, where the source gives it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.derived import derived
from dashboard.exports.canvas import Canvas, KeyEntry, KeyGroup, popup_html, symbol_svg
from dashboard.exports.elements import SvgMarker
from dashboard.i18n import N_, _, ngettext, pgettext
from dashboard.layers import DATA_TEXT, Facts, Layer, Table, Trace, factored_hover, rows_to_draw
from dashboard.palette import PROGRAM_STYLES
from dashboard.view import View, columns_of
from geodata import Atlas
from geodata.vocabulary import PROGRAM_TYPES

GROUP = "programs"
# Sized for a room: a 3 m-wide screen showing 1920 px, seen from 15 m, has 2.8 px to the minute
# of arc. The smallest marker (18 px, 6.4') is larger than a letter the back row can just read
# (5', the 20/20 letter), so its shape tells its type; each stacked type shows a band of 4 px
# (1.4') around the next, as wide as the thinnest line drawn. On a laptop at 60 cm 18 px is
# about half a degree. Presenter mode draws the same sizes (the figure is the same).
BASE_SIZE = 18
STACK_STEP = 8  # pixels each type's marker is wider than the next one stacked on it
GROWTH = BASE_SIZE / math.log10(1500)  # pixels per tenfold more people assisted: 1,500 people doubles the base


# The program types of geodata.vocabulary.PROGRAM_TYPES, marked here too so the key never lacks them.
TYPE_NAMES = (
    N_("Prevention"),
    N_("Protection & assistance"),
    N_("Return & reintegration"),
    N_("Capacity building"),
    N_("Regional dialogue"),
)


def type_name(ptype: str) -> str:
    """A program type (``return-reintegration``) as the atlas names it, in the language of the request."""
    return _(PROGRAM_TYPES.get(ptype, ptype))


def precision_name(precision: str) -> str:
    """A site's precision (``town``) in words, in the language of the request."""
    names = {
        "exact": pgettext("site precision", "exact"),
        "town": pgettext("site precision", "town"),
        "city": pgettext("site precision", "city"),
        "country": pgettext("site precision", "country"),
    }
    return names.get(precision, precision)


def _precision_note(precision: str) -> str:
    """What the hover text says of a site's precision: ``town precision``, ``no site named in the source``."""
    notes = {
        "country": _("no site named in the source"),
        "exact": _("exact precision"),
        "town": _("town precision"),
        "city": _("city precision"),
    }
    return notes.get(precision) or _("{precision} precision").format(precision=precision)


def marker_size(people: object, threshold: int = 11) -> float:
    """Base size, growing with log10 of people assisted (1,500 people: twice the base).

    Counts below the suppression threshold all get the base size: a marker must not tell what
    the hover text withholds.
    """
    if fmt.is_missing(people) or int(people) < threshold:  # type: ignore[call-overload]
        return BASE_SIZE
    return round(BASE_SIZE + GROWTH * math.log10(int(people)), 1)  # type: ignore[call-overload]


def stacked_size(size: float, position: int, count: int) -> float:
    """The size of the ``position``-th of ``count`` markers stacked on one site (the first is the largest)."""
    return round(size + STACK_STEP * (count - 1 - position), 1)


def hover_fields(site: Mapping[str, Any], facts: Facts) -> list[str]:
    """The escaped values in a site's hover text: program, partner, types, site, years, figures
    (each on a line of its own, or ""), source. The labels are :func:`hover_layout`'s."""
    figures = fmt.people_figures(site, facts.threshold)
    precision = _precision_note(str(site["site_precision"]))
    return [
        fmt.esc(site["program"]),
        fmt.esc(site["partner"]) or fmt.esc(_(fmt.UNKNOWN)),
        fmt.esc(", ".join(type_name(t) for t in site["types"])),
        f"{fmt.esc(site['site'])} ({fmt.esc(precision)})",
        fmt.esc(fmt.years(site["year_start"], site["year_end"], site["reported_year"])),
        "".join(f"<br>{fmt.esc(f)}" for f in figures),
        facts.cite(site["source"]),
    ]


def hover_layout(fields: list[str]) -> str:
    """The hover text (or template) from :func:`hover_fields` (or placeholders for them)."""
    program, partner, types, site, years, figures, source = fields
    lines = (
        _("Partner: {partner}").format(partner=partner),
        _("Types: {types}").format(types=types),
        _("Site: {site}").format(site=site),
        _("Years: {years}").format(years=years) + figures,
        _("Source: {source}").format(source=source),
    )
    return f"<b>{program}</b><br>" + "<br>".join(lines) + "<extra></extra>"


def hover_field_lists(atlas: Atlas, facts: Facts) -> dict[int, list[str]]:
    """Every site's :func:`hover_fields`, by row (made once per atlas)."""
    return derived(
        atlas,
        ("programs.hover", facts.threshold),
        lambda: {site["row"]: hover_fields(site, facts) for site in columns_of(atlas.programs).records()},
    )


def prepare(atlas: Atlas, facts: Facts) -> None:
    hover_field_lists(atlas, facts)


def traces(view: View, facts: Facts) -> list[Trace]:
    """One trace per program type and site precision, over every site of the atlas.

    A site out of view (another region, type or year) keeps its place in its traces with no
    coordinates, so plotly.js draws nothing for it: the traces' shape and hover text are the
    same in every view, and a filter change sends only the coordinates (see ``figure_patch``).
    Past :data:`~dashboard.layers.EVERY_ROW_LIMIT` sites, only those in view are drawn.
    """
    in_view = {site["row"] for site in view.program_records}
    hover_of = hover_field_lists(view.atlas, facts)
    wanted = view.state.types or tuple(PROGRAM_TYPES)
    out: list[Trace] = []
    for ptype, (colour, symbol) in PROGRAM_STYLES.items():
        for precise in (True, False):
            lon: list[float | None] = []
            lat: list[float | None] = []
            size, hover, ids = [], [], []
            for site in rows_to_draw(view.atlas.programs, view.program_records):
                if ptype not in site["types"] or (site["site_precision"] != "country") != precise:
                    continue
                base = marker_size(site["people_assisted"], facts.threshold)
                if site["row"] in in_view and ptype in wanted:
                    shown = [t for t in PROGRAM_STYLES if t in site["types"] and t in wanted]
                    lon.append(round(float(site["map_lon"]), 3))
                    lat.append(round(float(site["map_lat"]), 3))
                    size.append(stacked_size(base, shown.index(ptype), len(shown)))
                else:
                    lon.append(None)
                    lat.append(None)
                    size.append(base)
                hover.append(hover_of[site["row"]])
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
                    "name": type_name(ptype) if precise else _("{type} (country only)").format(type=type_name(ptype)),
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
                "name": _("Open: country only, no site named"),
                "hoverinfo": "skip",
                "marker": {"symbol": "circle-open", "size": BASE_SIZE, "color": "#333333", "line": {"width": 3}},
            }
        )
    listed = [t for t in out if t.get("showlegend", True)]
    if listed:  # plotly shows a group's title only with a trace the legend lists
        listed[0]["legendgrouptitle"] = {"text": _("Program sites, by type")}
    return out


# --- The table and the sentence -----------------------------------------------------------------

# Headers in English, marked: the table shows them translated (dashboard.table).
COLUMNS = (
    {"field": "program", "cellRenderer": DATA_TEXT, "headerName": N_("Program"), "flex": 3, "minWidth": 220},
    {"field": "types", "headerName": N_("Types"), "flex": 2, "minWidth": 160},
    {"field": "country", "headerName": N_("Country"), "flex": 1, "minWidth": 110},
    {"field": "site", "cellRenderer": DATA_TEXT, "headerName": N_("Site"), "flex": 2, "minWidth": 160},
    {"field": "precision", "headerName": N_("Site precision"), "flex": 1, "minWidth": 100},
    {"field": "years", "headerName": N_("Years"), "flex": 1, "minWidth": 110},
    {"field": "figures", "headerName": N_("Figures"), "flex": 2, "minWidth": 160},
    {"field": "partner", "cellRenderer": DATA_TEXT, "headerName": N_("Partner"), "flex": 2, "minWidth": 160},
    {"field": "source", "cellRenderer": DATA_TEXT, "headerName": N_("Source"), "flex": 2, "minWidth": 160},
)


def table_rows(atlas: Atlas, facts: Facts) -> list[dict[str, Any]]:
    """Every program site as a row of plain text (Dash escapes it), in the atlas's order."""

    def make() -> list[dict[str, Any]]:
        names = atlas.countries["name"]
        return [
            {
                "id": f"program:{site['program_id']}",
                "program": site["program"],
                "types": ", ".join(type_name(t) for t in site["types"]),
                "country": i18n.country_name(site["iso3"], names[site["iso3"]]),
                "site": site["site"],
                "precision": precision_name(site["site_precision"]),
                "years": fmt.years(site["year_start"], site["year_end"], site["reported_year"]),
                "figures": "; ".join(fmt.people_figures(site, facts.threshold)) or _(fmt.UNKNOWN),
                "partner": site["partner"] if isinstance(site["partner"], str) else _(fmt.UNKNOWN),
                "source": fmt.cite(atlas.sources, site["source"]),
            }
            for site in columns_of(atlas.programs).records()
        ]

    return derived(atlas, ("programs.table", facts.threshold), make)


def ids_in_view(view: View) -> list[str]:
    return [f"program:{site['program_id']}" for site in view.program_records]


def cites(view: View) -> list[str]:
    return [str(site["source"]) for site in view.program_records]


def describe(view: View, facts: Facts) -> str:
    sites = view.program_records
    programs, places, countries = len({s["program"] for s in sites}), len(sites), len({s["iso3"] for s in sites})
    # Three counts, each with its plural; a message starts or ends with a word where it can, so that
    # it does not read as any text that merely ends in "country".
    return ngettext(
        "{count} program at {sites} {in_countries}", "{count} programs at {sites} {in_countries}", programs
    ).format(
        count=i18n.integer(programs),
        sites=ngettext("{count} site", "{count} sites", places).format(count=i18n.integer(places)),
        in_countries=ngettext("in {count} country", "in {count} countries", countries).format(
            count=i18n.integer(countries)
        ),
    )


# --- The HTML export ---------------------------------------------------------------------------


def draw_folium(view: View, facts: Facts, canvas: Canvas) -> None:
    """One marker per site and program type shown, stacked on the site from the largest to the smallest."""
    group = canvas.group(_(LAYER.label))
    hovers = hover_field_lists(view.atlas, facts)
    wanted = view.state.types or tuple(PROGRAM_TYPES)
    types_drawn: set[str] = set()
    open_sites = False
    for site in view.program_records:
        shown = [t for t in PROGRAM_STYLES if t in site["types"] and t in wanted]
        precise = site["site_precision"] != "country"
        open_sites |= not precise
        popup = popup_html(hover_layout(hovers[site["row"]]))
        data_id = fmt.esc(f"program:{site['program_id']}")
        size = int(round(marker_size(site["people_assisted"], facts.threshold)))
        for position, ptype in enumerate(shown):
            types_drawn.add(ptype)
            colour, symbol = PROGRAM_STYLES[ptype]
            stacked = int(stacked_size(size, position, len(shown)))
            marker = SvgMarker(
                location=(float(site["map_lat"]), float(site["map_lon"])),
                svg=symbol_svg(symbol, colour, stacked, precise, data_id),
                size=(stacked, stacked),
                class_name=f"atlas-site atlas-site-{ptype}" + ("" if precise else " atlas-site-open"),
                data=canvas.data,
                z_index_offset=1000 + 10 * position,  # the smaller on top
            )
            tip = f"<b>{fmt.esc(site['program'])}</b><br>{fmt.esc(type_name(ptype))}"
            canvas.bind(marker, popup, tip).add_to(group)
    entries = [
        KeyEntry(type_name(ptype), symbol_svg(symbol, colour, 16, True))
        for ptype, (colour, symbol) in PROGRAM_STYLES.items()
        if ptype in types_drawn
    ]
    if open_sites:
        entries.append(KeyEntry(_("Open: country only, no site named"), symbol_svg("circle", "#333333", 16, False)))
    if entries:
        canvas.key.append(KeyGroup(_("Program sites, by type"), tuple(entries)))


LAYER = Layer(
    key="programs",
    label=N_("Program sites"),
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
    prepare=prepare,
    cites=cites,
    describe=describe,
    table=Table(N_("Program sites"), COLUMNS, table_rows, ids_in_view),
    folium=draw_folium,
)
