"""Component factories: the page, its controls, the map and the panels beside it.

``create_layout`` is Dash's layout function: it reads the page's URL query, so that a shared
link opens its view straight away, server-side, without a second round trip.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
import numpy as np
from dash import Patch, dcc, html

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.add_data import create_add_data_panel, create_datasets_control
from dashboard.data import AtlasData, layer_traces, loaded, memoized, view_for
from dashboard.figure import TOPOJSON_URL, make_figure
from dashboard.graph_locale import graph_locale
from dashboard.i18n import N_, _, ngettext, pgettext
from dashboard.layers import REGISTRY, is_on, reading, routes, source_ids_in_view
from dashboard.layers.routes import on_map
from dashboard.legend import Group, create_legend_section, legend_groups
from dashboard.profile import RouteLine, country_profile
from dashboard.state import FLOW_TOPS, ViewState, from_query, to_query
from dashboard.table import create_tables
from dashboard.view import View, build_view, every_row, source_records
from geodata.vocabulary import DIALOGUES, EXPLOITATION_FORMS, PROGRAM_TYPES

POLITE: dict[str, Any] = {"aria-live": "polite"}
CONFIRM_LABEL: dict[str, Any] = {"aria-labelledby": "deck-confirm-text"}
PLAY_STEP_MS = 1800  # a readable pace on a projector
# How a region group is listed in the region picker, by kind ({name}: the group's name).
KIND_FORMAT = {"dialogue": "{name}", "region": N_("Region: {name}"), "subregion": N_("Sub-region: {name}")}
FACT_SHEET_TITLE = "Combating Trafficking in Persons: Protecting the Victims"  # a source's title: data
DOWNLOADS = ("programs", "routes", "indicators")

GRAPH_CONFIG: Any = {
    "topojsonURL": TOPOJSON_URL,
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "width": 1920, "height": 1080, "filename": "counter-trafficking-atlas"},
}


def data_text(text: Any) -> html.Span:
    """Text of the data (a program's name, a source, a note): as its source wrote it, in English,
    and marked so for screen readers (and for the tests that look for untranslated words)."""
    return html.Span(text, lang="en")


def compose(template: str, **parts: Any) -> list[Any]:
    """A translated sentence with components in its ``{placeholders}`` (data in a ``lang="en"``
    span, a link): the sentence is translated whole, then cut at its placeholders."""
    out: list[Any] = []
    for piece in re.split(r"(\{\w+\})", template):
        if piece[1:-1] in parts and piece.startswith("{"):
            out.append(parts[piece[1:-1]])
        elif piece:
            out.append(piece)
    return out


def dropdown_labels() -> Any:
    """The words a dropdown writes itself; the msgids are Dash's own English."""
    return {
        "select_all": _("Select All"),
        "deselect_all": _("Deselect All"),
        # {num_selected} is Dash's placeholder: keep it as it is.
        "selected_count": _("{num_selected} selected"),
        "search": _("Search"),
        "clear_search": _("Clear search"),
        "clear_selection": _("Clear selection"),
        "no_options_found": _("No options found"),
    }


def group_name(data: AtlasData, slug: str, dated: bool = True) -> str:
    """A region group's name in the current language: a dialogue's members (with the date of the
    membership list, where ``dated``), or a UN region's name (CLDR)."""
    group = data.groups[slug]
    if group.kind != "dialogue" or slug not in DIALOGUES:
        return fmt.region_name(group.label)
    label, column = DIALOGUES[slug]
    name = fmt.label(label)
    dates = sorted(set(data.atlas.countries[column].dropna().astype(str))) if dated else []
    return _("{dialogue} (as of {date})").format(dialogue=name, date=", ".join(dates)) if dates else name


def region_options(data: AtlasData) -> list[dict[str, str]]:
    """Dialogues first (in the vocabulary's order), then regions, then sub-regions, in the
    alphabetical order of the names as shown (the data's order in English)."""
    kinds = list(KIND_FORMAT)
    named = [(slug, g.kind, group_name(data, slug)) for slug, g in data.groups.items()]
    if i18n.lang() != i18n.DEFAULT:
        # Dialogues keep the vocabulary's order; regions and sub-regions go by name.
        named.sort(
            key=lambda item: (
                kinds.index(item[1]) if item[1] in kinds else len(kinds),
                "" if item[1] == "dialogue" else _sort_key(item[2]),
            )
        )
    return [{"label": _(KIND_FORMAT[kind]).format(name=name), "value": slug} for slug, kind, name in named]


def year_options(data: AtlasData, indicator: str) -> list[dict[str, Any]]:
    return [{"label": str(y), "value": y} for y in reversed(data.choices.indicator_years[indicator])]


def _field(label: str, control: Any, control_id: str, help_text: str = "") -> html.Div | html.Fieldset:
    """A labelled control; a group of checkboxes is a fieldset named by its legend."""
    note = [html.Small(help_text, className="text-body-secondary d-block")] if help_text else []
    if isinstance(control, dbc.Checklist):
        legend = html.Legend(label, className="form-label fw-semibold mb-1 fs-6")
        return html.Fieldset([legend, control, *note], className="mb-3")
    return html.Div(
        [html.Label(label, htmlFor=control_id, className="form-label fw-semibold mb-1"), control, *note],
        className="mb-3",
    )


def create_controls(data: AtlasData, state: ViewState) -> html.Div:
    catalogue = data.atlas.catalogue
    return html.Div(
        [
            _field(
                _("Region or dialogue"),
                dcc.Dropdown(
                    id="region",
                    options=region_options(data),
                    value=list(state.regions),
                    multi=True,
                    placeholder=_("World (all countries)"),
                    searchable=True,
                    clearable=True,
                    labels=dropdown_labels(),
                ),
                "region",
                _("Several at once: countries in any of them."),
            ),
            _field(
                _("Country profile"),
                dcc.Dropdown(
                    id="country",
                    options=country_options(data),
                    value=state.country or None,
                    placeholder=_("Find a country…"),
                    searchable=True,
                    clearable=True,
                    labels=dropdown_labels(),
                ),
                "country",
                _("Or click a country on the map."),
            ),
            _field(
                _("Program type"),
                dbc.Checklist(
                    id="type",
                    options=[{"label": fmt.label(label), "value": slug} for slug, label in PROGRAM_TYPES.items()],
                    value=list(state.types),
                ),
                "type",
                _("None ticked: all types."),
            ),
            _field(
                _("Form of exploitation"),
                dbc.Checklist(
                    id="form",
                    options=[
                        {"label": fmt.label(form.label), "value": slug} for slug, form in EXPLOITATION_FORMS.items()
                    ],
                    value=list(state.forms),
                ),
                "form",
                _("None ticked: all forms."),
            ),
            _field(
                _("Indicator"),
                dcc.Dropdown(
                    id="indicator",
                    options=[
                        {"label": fmt.indicator_label(row["label"]), "value": key}
                        for key, row in catalogue.iterrows()
                        if key in data.choices.indicator_years
                    ],
                    value=state.indicator,
                    clearable=False,
                    searchable=False,
                    labels=dropdown_labels(),
                ),
                "indicator",
            ),
            _field(
                _("Year"),
                html.Div(
                    [
                        dcc.Dropdown(
                            id="year",
                            options=year_options(data, state.indicator),
                            value=state.year,
                            clearable=False,
                            searchable=False,
                            className="flex-grow-1",
                            labels=dropdown_labels(),
                        ),
                        html.Button(
                            _("▶ Play"),
                            id="play",
                            n_clicks=0,
                            type="button",
                            className="btn btn-outline-dark btn-sm",
                            title=_("Step through the years the indicator has"),
                        ),
                        dcc.Interval(id="play-timer", interval=PLAY_STEP_MS, disabled=True),
                    ],
                    className="d-flex gap-2 align-items-center",
                ),
                "year",
                _(
                    "Years with data only; a country without that year shows its latest earlier one. "
                    "Programs show in the years they ran."
                ),
            ),
            _field(
                _("Layers"),
                dbc.Checklist(
                    id="layers",
                    options=[
                        {"label": fmt.label(layer.label), "value": key}
                        for key, layer in REGISTRY.items()
                        if layer.toggleable
                    ],
                    value=list(state.layers),
                ),
                "layers",
            ),
            create_datasets_control(data, state),
            *create_flow_controls(data, state),
        ],
        className="atlas-controls",
        role="search",
        **_aria_label(_("Filters for the map")),
    )


def country_options(data: AtlasData) -> list[dict[str, str]]:
    """The countries, by name in the current language (CLDR), in its alphabetical order (accents
    aside); in English, in the order the page has always had."""
    names = [(iso3, i18n.country_name(iso3, name)) for iso3, name in data.atlas.countries["name"].items()]
    english = i18n.lang() == i18n.DEFAULT
    ordered = sorted(names, key=lambda item: item[1] if english else _sort_key(item[1]))
    return [{"label": name, "value": iso3} for iso3, name in ordered]


def _sort_key(name: str) -> str:
    """A name's place in an alphabetical list, accents aside (Égypte between Danemark and Fidji)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def create_flow_controls(data: AtlasData, state: ViewState) -> list[Any]:
    """The controls of the counted flows (imported GLOTIP or CTDC data): how many, at what scale, whose."""
    regions = region_options(data)

    def region_end(ident: str, label: str, value: str, help_text: str) -> html.Div | html.Fieldset:
        """A dropdown of the region or dialogue the flows start in (``flowfrom``) or end in (``flowto``)."""
        return _field(
            label,
            dcc.Dropdown(
                id=ident,
                options=regions,
                value=value or None,
                placeholder=_("Any region"),
                searchable=True,
                clearable=True,
                labels=dropdown_labels(),
            ),
            ident,
            help_text,
        )

    return [
        _field(
            _("Counted flows drawn"),
            dcc.Dropdown(
                id="flows",
                options=[
                    {
                        "label": pgettext("flows drawn", "all")
                        if n == "all"
                        else _("strongest {count}").format(count=i18n.integer(int(n))),
                        "value": n,
                    }
                    for n in FLOW_TOPS
                ],
                value=state.flows,
                clearable=False,
                searchable=False,
                labels=dropdown_labels(),
            ),
            "flows",
            _("The others are summed as “other flows” in the sentence above the map; the table lists them all."),
        ),
        _field(
            _("Flows between"),
            dbc.RadioItems(
                id="flowscale",
                options=[
                    {"label": pgettext("flows between", "countries"), "value": "country"},
                    {"label": pgettext("flows between", "UN sub-regions"), "value": "subregion"},
                ],
                value=state.flowscale,
                inline=True,
            ),
            "flowscale",
        ),
        _field(
            _(routes.FLOW_YEARS_LABEL),
            routes.flow_years_input(data.atlas, state),
            "flowyears",
            routes.flow_years_help(data.atlas),
        ),
        region_end(
            "flowfrom",
            _("Flows from region"),
            state.flowfrom,
            _("Only the flows that start in this region or dialogue's countries."),
        ),
        region_end(
            "flowto",
            _("Flows to region"),
            state.flowto,
            _("Only the flows that end in this region or dialogue's countries; with both, from the one to the other."),
        ),
        _field(
            _("Flows of one country"),
            dcc.Dropdown(
                id="flowcountry",
                options=country_options(data),
                value=state.flowcountry or None,
                placeholder=_("Every country"),
                searchable=True,
                clearable=True,
                labels=dropdown_labels(),
            ),
            "flowcountry",
        ),
        _field(
            _("Its flows"),
            dbc.RadioItems(
                id="flowdir",
                options=[
                    {"label": _("in and out"), "value": "both"},
                    {"label": _("into it"), "value": "in"},
                    {"label": _("out of it"), "value": "out"},
                ],
                value=state.flowdir,
                inline=True,
            ),
            "flowdir",
        ),
    ]


def _stat(value: str, label: str, stat_id: str) -> html.Div:
    return html.Div(
        [
            html.Div(value, className="atlas-stat-value", id=f"stat-{stat_id}"),
            html.Div(label, className="atlas-stat-label"),
        ],
        className="atlas-stat",
    )


def create_strip(data: AtlasData, view: View) -> list[Any]:
    """Headline figures for what is in view."""
    sites = view.program_records
    programs = {site["program"] for site in sites}
    countries = {site["iso3"] for site in sites} | {role["iso3"] for role in view.role_records}
    assisted = [site for site in sites if not fmt.is_missing(site["people_assisted"])]
    total = sum(int(site["people_assisted"]) for site in assisted)
    people = fmt.count(total, data.facts.threshold) if assisted else fmt.unknown()
    with_figure = len({site["program"] for site in assisted})
    at_sites = ngettext("programs at {count} site", "programs at {count} sites", len(sites))
    giving = ngettext(
        "people assisted ({known} of {count} program gives a figure)",
        "people assisted ({known} of {count} programs give a figure)",
        len(programs),
    )
    return [
        _stat(i18n.integer(len(programs)), at_sites.format(count=i18n.integer(len(sites))), "programs"),
        _stat(
            i18n.integer(len(countries)),
            ngettext("country with programs or routes", "countries with programs or routes", len(countries)),
            "countries",
        ),
        _stat(i18n.integer(len(view.route_records)), ngettext("route", "routes", len(view.route_records)), "routes"),
        _stat(people, giving.format(known=i18n.integer(with_figure), count=i18n.integer(len(programs))), "people"),
    ]


def summary_text(data: AtlasData, view: View) -> str:
    """One sentence of what the map shows, for screen readers and as a caption: where, then a
    clause from each layer switched on, top layer first."""
    where = ", ".join(group_name(data, r) for r in view.state.regions)
    clauses = [
        clause
        for layer in reversed(REGISTRY.values())
        if layer.describe is not None and is_on(layer, view)
        for clause in [layer.describe(view, data.facts)]
        if clause
    ]
    what = i18n.semicolons(clauses)
    # The world has sentences of its own: "Mapa del mundo", "Carte du monde" (not "de el", "de le").
    if not where:
        return (
            _("Map of the world: {what}.").format(what=what) if what else _("Map of the world: no layer switched on.")
        )
    if not what:
        return _("Map of {where}: no layer switched on.").format(where=where)
    return _("Map of {where}: {what}.").format(where=where, what=what)


def create_unmapped(data: AtlasData, view: View) -> list[Any]:
    """Routes in view that cannot be drawn: the source names no country at one end."""
    items = []
    for route in view.route_records:
        if on_map(route, data.facts.label_points):
            continue
        origin = route["origin_label"] if isinstance(route["origin_label"], str) else route["origin_iso3"]
        destination = (
            route["destination_label"] if isinstance(route["destination_label"], str) else route["destination_iso3"]
        )
        # The places (the source's names), the people and the citation are data.
        items.append(
            html.Li(
                compose(
                    pgettext("a route no map can draw", "{origin} → {destination}: {form}, {victims} ({source})"),
                    origin=data_text(origin),
                    destination=data_text(destination),
                    form=fmt.label(EXPLOITATION_FORMS[route["form"]].label).lower(),
                    victims=data_text(route["victims"]) if isinstance(route["victims"], str) else fmt.unknown(),
                    source=data_text(fmt.cite(data.atlas.sources, route["source"])),
                )
            )
        )
    if not items:
        return []
    return [html.H3(_("Routes not on the map (no country named)"), className="h6 mt-3"), html.Ul(items)]


def create_sources(data: AtlasData, sources: list[str]) -> list[Any]:
    """The list of the sources (ids, as :func:`~dashboard.view.source_ids_in_view` gives them) of what is shown."""
    items = [source_item(data, source) for source in sources]
    return [html.H2(_("Sources of what is shown"), className="h6"), html.Ol(items, className="atlas-sources")]


def source_item(data: AtlasData, source: str) -> html.Li:
    """A source, as its publisher names it (data), and its licence."""
    row = source_records(data.atlas)[source]
    cited = data_text(f"{row['publisher']}, {row['document']}, {row['date']}.")
    if not isinstance(row["licence"], str):
        return html.Li(cited)
    return html.Li([cited, " ", *compose(_("Licence: {licence}."), licence=data_text(row["licence"]))])


def sources_patch(data: AtlasData, had: list[str], sources: list[str]) -> Patch:
    """The change from the sources list the page has (``had``) to ``sources`` (both in the order
    of ``sources.csv``): the items that go and the items that come, not the whole list."""
    patch = Patch()
    items = patch[1]["props"]["children"]
    current = list(had)
    for position in reversed(range(len(current))):
        if current[position] not in sources:
            del items[position]
            del current[position]
    for position, source in enumerate(sources):
        if source not in current:
            items.insert(position, source_item(data, source))
            current.insert(position, source)
    return patch


def create_fact_sheet_figures(data: AtlasData) -> html.Div:
    items = []
    for _row, figure in data.atlas.figures.iterrows():
        value = i18n.decimal(figure["value"], 0)
        if figure["unit"] == "US dollars":
            value = _("${amount} million").format(amount=i18n.decimal(figure["value"] / 1e6, 0))
        # The fact sheet's own words (its qualifier, label and scope) are data.
        qualifier: list[Any] = [data_text(figure["qualifier"]), " "] if isinstance(figure["qualifier"], str) else []
        items.append(
            html.Li([html.Strong([*qualifier, value]), " — ", data_text(f"{figure['label']} ({figure['scope']})")])
        )
    source = fmt.cite(data.atlas.sources, "prm-2007")
    return html.Div(
        [
            html.H2(_("From the founding fact sheet"), className="h6"),
            html.Ul(items),
            html.Small(
                compose(
                    _("Source: {source}, \u201c{title}\u201d."),
                    source=data_text(source),
                    title=data_text(FACT_SHEET_TITLE),
                ),
                className="text-body-secondary",
            ),
        ],
        className="atlas-facts",
    )


def _sparkline(series: tuple[tuple[int, float], ...]) -> html.Img | None:
    """A small line of the series, as an image; the text beside it carries the same facts."""
    if len(series) < 2:
        return None
    years = [y for y, _value in series]
    values = [v for _year, v in series]
    low, high = min(values), max(values)
    span_y = (high - low) or 1.0
    span_x = (years[-1] - years[0]) or 1
    points = " ".join(f"{2 + 96 * (y - years[0]) / span_x:.1f},{22 - 20 * (v - low) / span_y:.1f}" for y, v in series)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 24" width="100" height="24">'
        f'<polyline points="{points}" fill="none" stroke="#0b4f9c" stroke-width="1.6"/></svg>'
    )
    return html.Img(src="data:image/svg+xml;utf8," + quote(svg), alt="", className="atlas-spark")


def create_profile(data: AtlasData, state: ViewState) -> list[Any]:
    """The open country's profile, or nothing (the close button stays in the page, hidden)."""
    close = html.Button(
        "×",
        id="profile-close",
        n_clicks=0,
        type="button",
        className="btn-close",
        title=_("Close the profile (Esc)"),
        **_aria_label(_("Close the profile")),
    )
    if not state.country:
        return [html.Div(close, hidden=True)]
    profile = country_profile(data.atlas, state.country, state.year, data.facts.threshold)
    readings = []
    for r in profile.readings:
        change = ""
        if len(r.series) >= 2:
            (y0, v0), (y1, v1) = r.series[0], r.series[-1]
            change = _("; {first} in {first_year}, {last} in {last_year}").format(
                first=fmt.number(v0), first_year=y0, last=fmt.number(v1), last_year=y1
            )
        when = ""
        if r.year is not None:
            when = (
                _(" ({year}, latest before {asked})").format(year=r.year, asked=state.year)
                if r.fallback
                else f" ({r.year})"
            )
        readings.append(
            html.Li(
                [
                    html.Strong(r.label + pgettext("after a label, before its value", ":") + " "),
                    f"{r.text}{when}{change}",
                    " ",
                    _sparkline(r.series),
                    html.Small(
                        [" ", *compose(_("Source: {source}."), source=data_text(r.source))] if r.source else "",
                        className="text-body-secondary d-block",
                    ),
                ]
            )
        )
    routes = [html.Li(compose(_(ROUTE_LINES[r.direction]), **_route_parts(r))) for r in profile.routes]
    programs = [
        html.Li(
            [
                html.Strong(p.program, lang="en"),
                " — ",
                *compose(
                    _("{types}. {site}. Years: {years}."),
                    types=p.types,
                    site=data_text(p.site),
                    years=p.years,
                ),
                " ",
                "; ".join(p.figures) + (". " if p.figures else ""),
                html.Small(
                    compose(_("Source: {source}."), source=data_text(p.source)), className="text-body-secondary"
                ),
            ]
        )
        for p in profile.programs
    ]
    return [
        html.Div(
            [html.H2(profile.name, className="h5 mb-0", id="profile-title"), close],
            className="d-flex justify-content-between align-items-start",
        ),
        html.P(
            [
                _("{region}. ISO {code}.").format(region=profile.region, code=profile.iso3),
                " ",
                html.A(
                    _("Printable brief"),
                    href=f"/brief/{profile.iso3}.html?year={state.year}" + _lang_param(),
                    target="_blank",
                ),
            ],
            className="text-body-secondary mb-1",
        ),
        html.H3(_("Dialogues"), className="h6 mt-2"),
        html.Ul([html.Li(m) for m in profile.memberships] or [html.Li(_("member of none of the three"))]),
        html.H3(_("Indicators"), className="h6 mt-2"),
        html.Ul(readings),
        html.H3(_("Role in routes"), className="h6 mt-2"),
        html.Ul(routes or [html.Li(_("No route in the data names this country."))]),
        html.H3(_("Programs here"), className="h6 mt-2"),
        html.Ul(programs or [html.Li(_("No program in the data works here."))]),
    ]


# A route as the profile lists it, from the country's side (placeholders: _route_parts).
ROUTE_LINES = {
    "to": N_("Origin, to {partner}: {form}; {victims} ({source})"),
    "from": N_("Destination, from {partner}: {form}; {victims} ({source})"),
    "within": N_("Internal, within {partner}: {form}; {victims} ({source})"),
}


def _route_parts(route: RouteLine) -> dict[str, Any]:
    """The parts of a profile's route line; the source's own words in ``lang="en"`` spans."""
    return {
        "partner": data_text(route.partner) if route.partner_is_data else route.partner,
        "form": route.form.lower(),
        "victims": data_text(route.victims) if route.victims_is_data else route.victims,
        "source": data_text(route.source),
    }


def _lang_param() -> str:
    """``&lang=xx`` for a link that opens a page in the current language (none in English)."""
    return "" if i18n.lang() == i18n.DEFAULT else f"&lang={i18n.lang()}"


def panel_signatures(state: ViewState, view: View, sources: list[str]) -> dict[str, Any]:
    """What each panel is made from, in a form that compares equal when the panel would not change."""
    return {
        **key_signatures(state),
        # Digests of the rows in view: short whatever the number of rows.
        "programs": _digest(view.rows.programs),
        "routes": [  # the flow filters too
            _digest(view.rows.routes),
            view.state.flowcountry,
            view.state.flowdir,
            view.state.flowfrom,
            view.state.flowto,
        ],
        "sources": list(sources),
        "profile": [state.country, state.year if state.country else None],  # a closed profile has no year
    }


def view_title(data: AtlasData, state: ViewState) -> str:
    """A short title for a view: where, what colours the map, and what narrows it.

    Plain text, not escaped: the page's ``view-title`` (Dash escapes it) and the folium export
    (which escapes it) show it; the PNG/SVG export in ``assets/atlas.js`` must escape it for plotly.js.
    """
    where = " + ".join(group_name(data, r, dated=False) for r in state.regions) or _("The world")
    meta = data.atlas.catalogue.loc[state.indicator]
    parts = [
        where,
        pgettext("view title", "{indicator}, {year}").format(
            indicator=fmt.indicator_label(meta["label"]), year=state.year
        ),
    ]
    if state.types:
        parts.append(", ".join(fmt.label(PROGRAM_TYPES[t]) for t in state.types))
    if state.forms:
        parts.append(", ".join(fmt.label(EXPLOITATION_FORMS[f].label) for f in state.forms))
    if state.country:
        name = i18n.country_name(state.country, str(data.atlas.countries.loc[state.country, "name"]))
        parts.append(_("profile: {country}").format(country=name))
    if state.flowfrom or state.flowto:
        parts.append(routes.between_said(data.atlas, state))  # "flows from Bali Process to Western Europe"
    return " · ".join(parts)


def source_line(data: AtlasData, sources: list[str]) -> str:
    """One line naming the sources of what the map shows, for the screen and for image exports.

    Plain text, like :func:`view_title` (the image export must escape it for plotly.js).
    """
    rows = source_records(data.atlas)
    cited = dict.fromkeys(f"{rows[source]['publisher']} ({rows[source]['date']})" for source in sources)
    return _("Sources: {sources}.").format(sources=i18n.semicolons(cited)) if cited else ""


def panels_for(view: View) -> dict[str, Any]:
    """The panels beside and under the map for a view, and what they are made from (cached by query)."""
    data = loaded()

    def make() -> dict[str, Any]:
        sources = source_ids_in_view(view)
        return {
            "summary": summary_text(data, view),
            "strip": create_strip(data, view),
            "unmapped": create_unmapped(data, view),
            "sources": create_sources(data, sources),
            "source_line": source_line(data, sources),
            "title": view_title(data, view.state),
            "signatures": panel_signatures(view.state, view, sources),
        }

    return memoized("panels", to_query(view.state, data.choices), make)


def _digest(positions: Any) -> str:
    return hashlib.blake2b(np.asarray(positions, dtype=np.int64).tobytes(), digest_size=8).hexdigest()


def key_parts(state: ViewState) -> dict[str, tuple[list[Group], str]]:
    """Each layer's part of the key (its groups of entries), with a digest of it, for the
    indicator, year and layers of ``state``.

    The parts are drawn from every row of the atlas, whatever the filters and the year: the key
    lists every category the data has, so what a filter hides stays explained, and only the
    choropleth's part changes with the indicator or year. The digest tells the page's part apart
    from a new one without sending either.
    """
    data = loaded()
    world = replace(
        state,
        regions=(),
        types=(),
        forms=(),
        country="",
        select="",
        flowcountry="",
        flowdir="both",
        flowfrom="",
        flowto="",
    )
    view = build_view(data.atlas, world, data.groups, every_row(data.atlas))

    def part(key: str) -> tuple[list[Group], str]:
        layer = REGISTRY[key]
        if not is_on(layer, world):
            traces = []
        elif set(layer.reads) == set(layer.key_reads):
            # Its key follows all it reads (the choropleth): its own cached traces of the world serve.
            traces = layer_traces(key, view_for(to_query(world, data.choices)))
        else:
            traces = layer.traces(view, data.facts)
        groups = legend_groups(traces)
        return groups, hashlib.blake2b(repr(groups).encode(), digest_size=8).hexdigest()

    return {
        key: memoized("key", reading(layer, world, layer.key_reads), partial(part, key))
        for key, layer in REGISTRY.items()
    }


def key_signatures(state: ViewState) -> dict[str, str]:
    """What each layer's part of the key is (``legend:<layer>`` -> digest)."""
    return {f"legend:{key}": digest for key, (_groups, digest) in key_parts(state).items()}


def create_key(state: ViewState, only: set[str] | None = None) -> list[Any]:
    """The key: a hidden heading, then one part per layer in registry order; with ``only``, just
    those layers' parts as (position, part) pairs, to patch the key the page has."""
    parts = key_parts(state)
    if only is not None:
        return [
            (position + 1, create_legend_section(parts[key][0])) for position, key in enumerate(REGISTRY) if key in only
        ]
    return [
        html.H2(pgettext("map", "Key"), className="visually-hidden"),
        *(create_legend_section(groups) for groups, _digest in parts.values()),
    ]


def create_downloads(query: str) -> html.Div:
    return html.Div(
        [html.Span(_("Download what is in view:") + " ", className="me-1")]
        + [
            html.A(f"{name}.csv", href=f"/download/{name}.csv{query}", id=f"download-{name}", className="me-2")
            for name in DOWNLOADS
        ]
        + [
            html.Span("· " + _("Interactive map (works offline):") + " ", className="ms-1 me-1"),
            html.A(
                _("open in a new tab"),
                href=f"/export/map.html{query}",
                id="export-html",
                target="_blank",
                rel="noopener",
                className="me-2",
            ),
            html.A(
                pgettext("link", "download"),
                href=f"/export/map.html{query}",
                id="export-html-download",
                download="atlas-map.html",
                className="me-2",
            ),
        ],
        className="atlas-downloads",
    )


def _deck_button(text: str, ident: Any, label: str, **props: Any) -> html.Button:
    """A small button of the deck panel; ``label`` is what a screen reader says (and the tooltip)."""
    props.setdefault("className", "btn btn-outline-dark btn-sm")
    return html.Button(text, id=ident, n_clicks=0, type="button", title=label, **_aria_label(label), **props)


def _aria_label(label: str) -> dict[str, Any]:
    return {"aria-label": label}


def _aria_current(current: bool) -> dict[str, Any]:
    return {"aria-current": "true"} if current else {}


def deck_item(index: int, title: str, count: int, current: bool = False, editing: bool = False) -> html.Li:
    """One saved view in the deck's list: its title (opens it) and buttons to rename, move and delete it.

    While ``editing``, the title is a text box with OK and Cancel instead. The buttons carry
    ``data-action`` and ``data-index`` so that assets/atlas.js can give focus back after the list
    is drawn again, and Alt+Up/Alt+Down on an item can press its move buttons.
    """
    number = i18n.integer(index + 1)
    marks: dict[str, Any] = {"data-index": index}
    if editing:
        body: list[Any] = [
            # dcc.Input takes no aria-label: the label around it names it.
            html.Label(
                [
                    html.Span(_("New title for view {number}").format(number=number), className="visually-hidden"),
                    dcc.Input(
                        id={"type": "deck-rename-input", "index": index},
                        value=title,
                        type="text",
                        maxLength=120,
                        autoFocus=True,
                        debounce=True,
                        className="form-control form-control-sm",
                    ),
                ],
                className="m-0",
            ),
            _deck_button(
                _("OK"),
                {"type": "deck-rename-ok", "index": index},
                _("Keep the new title of view {number}").format(number=number),
            ),
            _deck_button(
                _("Cancel"),
                {"type": "deck-rename-cancel", "index": index},
                _("Keep the old title of view {number}").format(number=number),
            ),
        ]
    else:
        body = [
            html.Button(
                title,
                id={"type": "deck-open", "index": index},
                n_clicks=0,
                type="button",
                className="btn btn-link btn-sm atlas-deck-open" + (" current" if current else ""),
                title=_("Show view {number}: {title}").format(number=number, title=title),
                **_aria_current(current),
            ),
            html.Span(
                [
                    _deck_button(
                        "✎",
                        {"type": "deck-rename", "index": index},
                        _("Rename view {number}, {title}").format(number=number, title=title),
                    ),
                    _deck_button(
                        "↑",
                        {"type": "deck-up", "index": index},
                        _("Move view {number} up (Alt+Up)").format(number=number),
                        disabled=index == 0,
                    ),
                    _deck_button(
                        "↓",
                        {"type": "deck-down", "index": index},
                        _("Move view {number} down (Alt+Down)").format(number=number),
                        disabled=index == count - 1,
                    ),
                    _deck_button(
                        "✕",
                        {"type": "deck-delete", "index": index},
                        _("Delete view {number}, {title}").format(number=number, title=title),
                    ),
                ],
                className="atlas-deck-tools",
            ),
        ]
    content = [html.Div(body, className="atlas-deck-edit")] if editing else body
    return html.Li(content, className="atlas-deck-item" + (" editing" if editing else ""), **marks)


def create_deck_panel() -> html.Section:
    """Saved views: name the view and save it; the list is the deck presenter mode steps through.

    Each saved view can be renamed, moved and deleted, and the last change undone. Loading a file
    or the example deck over saved views asks first (``deck-confirm``), in the page.
    """
    return html.Section(
        [
            html.H2(_("Saved views (deck)"), className="h6 mt-3"),
            html.Label(_("Title of this view"), htmlFor="deck-title", className="form-label mb-1"),
            html.Div(
                [
                    dcc.Input(
                        id="deck-title",
                        type="text",
                        maxLength=120,
                        className="form-control form-control-sm",
                        placeholder=_("e.g. Indonesia to Malaysia"),
                    ),
                    html.Button(_("Save"), id="deck-save", n_clicks=0, type="button", className="btn btn-dark btn-sm"),
                ],
                className="d-flex gap-1 mb-2",
            ),
            html.Ol(
                id="deck-list",
                className="atlas-deck",
                **_aria_label(_("Saved views, in the order presenter mode shows them")),
            ),
            html.Div(
                [
                    html.P(id="deck-confirm-text", className="mb-1"),
                    html.Div(
                        [
                            html.Button(
                                _("Replace"),
                                id="deck-replace",
                                n_clicks=0,
                                type="button",
                                className="btn btn-dark btn-sm",
                            ),
                            html.Button(
                                _("Cancel"),
                                id="deck-cancel",
                                n_clicks=0,
                                type="button",
                                className="btn btn-outline-dark btn-sm",
                            ),
                        ],
                        className="d-flex gap-1",
                    ),
                ],
                id="deck-confirm",
                hidden=True,
                role="alertdialog",
                className="atlas-deck-confirm",
                **CONFIRM_LABEL,
            ),
            html.Div(
                [
                    _deck_button("◀", "deck-prev", _("Previous saved view (Left, Page Up)")),
                    _deck_button("▶", "deck-next", _("Next saved view (Right, Page Down)")),
                    _deck_button(_("Undo"), "deck-undo", _("Undo the last change to the deck")),
                    html.Button(
                        _("Download deck"),
                        id="deck-download",
                        n_clicks=0,
                        type="button",
                        className="btn btn-outline-dark btn-sm",
                    ),
                    html.Button(
                        _("Example deck"),
                        id="deck-example",
                        n_clicks=0,
                        type="button",
                        className="btn btn-outline-dark btn-sm",
                    ),
                ],
                className="d-flex flex-wrap gap-1 mb-2",
            ),
            dcc.Upload(
                html.Div(
                    compose(
                        _("Load a deck: drop a .json file here or {choose}"), choose=html.A(_("choose one"), href="#")
                    )
                ),
                id="deck-upload",
                accept=".json,application/json",
                max_size=1_000_000,
                className="atlas-upload",
            ),
            html.Div(id="deck-message", role="status", **POLITE),
            dcc.Download(id="deck-file"),
        ],
        className="atlas-deck-panel",
        **_aria_label(_("Saved views")),
    )


def create_image_exports() -> html.Div:
    """Buttons that draw the map as an image in the browser (offline), with key, title and sources."""
    return html.Div(
        [
            html.Span(_("Map image for slides (1920 × 1080):") + " ", className="me-1"),
            html.Button(
                "PNG", id="export-png", n_clicks=0, type="button", className="btn btn-outline-dark btn-sm me-1"
            ),
            html.Button("SVG", id="export-svg", n_clicks=0, type="button", className="btn btn-outline-dark btn-sm"),
            html.Span(id="export-done", className="ms-2 text-body-secondary", role="status"),
        ],
        className="atlas-downloads",
    )


def create_language_picker(current: str) -> html.Div:
    """The languages, each named in itself (and marked so for screen readers); choosing one reloads
    the page in it (``atlas.switchLanguage``)."""
    return html.Div(
        [
            html.Label(_("Language"), htmlFor="lang", className="visually-hidden"),
            dcc.Dropdown(
                id="lang",
                options=[
                    {"label": html.Span(name, lang=code), "value": code, "search": name}
                    for code, name in i18n.LANGUAGES.items()
                ],
                value=current,
                clearable=False,
                searchable=False,
                className="atlas-language",
            ),
        ],
        className="atlas-language-picker",
    )


# The words assets/atlas.js writes into the page (it falls back to the English).
JS_WORDS = (
    N_("Present (P)"),
    N_("Leave (P)"),
    N_("▶ Play"),
    N_("⏸ Pause"),
    N_("Saved {file}"),
    N_("Could not draw the image: {error}"),
    N_("Counter-Trafficking Atlas"),
    N_("Load a deck file (.json)"),
)


def create_js_words() -> html.Div:
    """The words of assets/atlas.js in the page's language: a hidden element whose ``data-words``
    holds a JSON object, English -> translation (``atlasWord`` in the script reads it)."""
    words = {english: _(english) for english in JS_WORDS}
    attributes: dict[str, Any] = {"data-words": json.dumps(words, ensure_ascii=False)}
    return html.Div(id="atlas-words", hidden=True, **attributes)


def create_map(figure: dict[str, object]) -> dcc.Graph:
    config: Any = {**GRAPH_CONFIG, **graph_locale()}
    return dcc.Graph(id="map", figure=figure, config=config, className="atlas-map", responsive=True)


def create_layout(query: str | None = "") -> html.Div:
    """The whole page for the view in ``query``.

    ``None`` means the page's query is not known here: the default view is laid out and the
    URL component, left without a ``search``, fills it in on load, which renders the view.
    """
    data = loaded()
    state, notices = from_query(query or "", data.choices)
    # The request's language: the URL's, else the browser's (dashboard.i18n), written into the URL.
    state = replace(state, lang=i18n.lang())
    normal = to_query(state, data.choices)
    view = view_for(normal)
    figure, slots = make_figure(view, data.facts, lambda layer: layer_traces(layer, view))
    panels = panels_for(view)  # the same panels, from the same cache, as the filter callback's
    return html.Div(
        [
            # The query as the browser has it, so that the Location does not "change" on mount.
            dcc.Location(
                id="url", refresh=False, **({} if query is None else {"search": f"?{query}" if query else ""})
            ),
            dcc.Store(id="slots", data=slots),
            dcc.Store(id="rendered", data=normal),
            dcc.Store(id="sent", data=panels["signatures"]),
            dcc.Store(id="presenting", data=False),
            dcc.Store(id="deck", storage_type="local"),
            dcc.Store(id="deck-index", data=-1),
            dcc.Store(id="deck-history", data=[]),  # decks before each change, for Undo
            dcc.Store(id="deck-pending"),  # a deck read, waiting for "Replace"
            dcc.Store(id="deck-editing", data=-1),  # the view whose title is being edited
            create_js_words(),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1(_("Counter-Trafficking Atlas"), className="h3 mb-0"),
                            html.P(
                                _("Trafficking routes, anti-trafficking programs and country indicators"),
                                className="mb-0 text-body-secondary atlas-tagline",
                            ),
                        ]
                    ),
                    html.P(panels["title"], id="view-title", className="atlas-view-title mb-0"),
                    create_language_picker(state.lang),
                    html.Button(
                        _("Present (P)"),
                        id="present",
                        n_clicks=0,
                        type="button",
                        className="btn btn-dark",
                        title=_("Presenter mode: full-screen map, large type; Left/Right step through saved views"),
                    ),
                ],
                className="atlas-header",
            ),
            html.Div(
                dbc.Alert(" ".join(notices), color="warning", className="mb-2") if notices else None,
                id="notice",
                role="status",
                **POLITE,
            ),
            html.Div(
                [
                    html.Aside(
                        [
                            html.Details(
                                [
                                    html.Summary(_("Filters and layers"), className="atlas-drawer-toggle"),
                                    create_controls(data, state),
                                ],
                                open=True,
                                id="filters-drawer",
                            ),
                            create_deck_panel(),
                            create_add_data_panel(data),
                        ],
                        className="atlas-aside",
                    ),
                    html.Main(
                        [
                            html.P(panels["summary"], id="summary", className="atlas-summary", **POLITE),
                            # A grid: the stylesheet places the profile and the key beside or under
                            # the map, by mode and by the screen's shape.
                            html.Div(
                                [
                                    create_map(figure),
                                    html.Section(
                                        create_profile(data, state),
                                        id="profile",
                                        className="atlas-profile",
                                        role="region",
                                        **_aria_label(_("Country profile")),
                                    ),  # type: ignore[arg-type]
                                    html.Aside(
                                        create_key(state),
                                        id="legend",
                                        className="atlas-key",
                                        **_aria_label(_("Key to the map")),
                                    ),
                                ],
                                className="atlas-map-row",
                            ),
                            html.P(panels["source_line"], id="source-line", className="atlas-source-line"),
                            html.Div(panels["strip"], id="strip", className="atlas-strip"),
                            html.Div(create_downloads(normal), id="downloads"),
                            create_image_exports(),
                            create_tables(view, data.facts),
                            html.Div(panels["unmapped"], id="unmapped"),
                            html.Div(
                                [
                                    html.Div(panels["sources"], id="sources", className="atlas-panel"),
                                    create_fact_sheet_figures(data),
                                ],
                                className="atlas-panels",
                            ),
                        ],
                        className="atlas-main",
                    ),
                ],
                className="atlas-body",
            ),
        ],
        className="atlas",
        id="atlas-root",
    )
