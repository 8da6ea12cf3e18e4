"""One callback renders a view, whatever changed it: the controls, the URL (back/forward, a pasted
link), a click on the map, a row chosen in a table, or the profile's close button."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard import i18n
from dashboard.callbacks.inputs import control, counts, mapping, text
from dashboard.data import layer_traces, loaded, query_of, state_from, view_for
from dashboard.deck import params_to_query
from dashboard.figure import figure_patch
from dashboard.layers import Trace
from dashboard.layout import (
    create_key,
    create_profile,
    panels_for,
    sources_patch,
    year_options,
)
from dashboard.state import BY_NAME, CONTROLLED, NAMES, Choices, ViewState
from dashboard.table import in_view

# The id of the control that sets each parameter that has one, by URL name (declared with the parameter).
CONTROLS: dict[str, str] = {param.name: param.control for param in CONTROLLED if param.control}
# Controls that another callback sets too (the play button steps through the years).
SHARED = ("year",)


def state_from_controls(*values: Any, **named: Any) -> tuple[ViewState, list[str]]:
    """Controls to a state, through the URL parser, so that both share one set of rules.

    Parameters
    ----------
    *values
        Values in the order the parameters are declared (:data:`dashboard.state.PARAMETERS`:
        region, type, form, indicator, year, layers, country, select, datasets)...
    **named
        ... or by URL name. A parameter not given, or given as ``None``, keeps its default.

    Returns
    -------
    (ViewState, list of str)
        The state and the notices of values dropped, as :func:`dashboard.state.from_query` gives them.
    """
    given = {**dict(zip(NAMES, values, strict=False)), **named}
    # A year the new indicator lacks is not the user's mistake: the latest year stands in, quietly.
    years = loaded().choices.indicator_years.get(str(given.get("indicator")), ())
    if given.get("year") is not None and str(given["year"]) not in {str(year) for year in years}:
        given["year"] = None
    # Each control value is one value, whatever it holds ("&", "#", "%" included): no query string is built.
    return state_from({name: BY_NAME[name].codec.from_control(value) for name, value in given.items()})


def control_values(state: ViewState, shown: dict[str, Any], choices: Choices) -> dict[str, Any]:
    """What each control is set to: the state's value where the control shows another one, else
    ``no_update`` (a control keeps the order the user picked its values in)."""
    fields = vars(state)
    out: dict[str, Any] = {}
    for param in CONTROLLED:
        wanted = param.codec.to_control(fields[param.field], param.allowed(choices, fields))
        now = shown.get(param.name)
        if isinstance(wanted, list):
            same = isinstance(now, list) and {str(v) for v in now} == {str(v) for v in wanted}
        else:
            same = (now or None) == (wanted or None)
        out[param.name] = no_update if same else wanted
    return out


def clicked(click: dict[str, Any] | None) -> tuple[str, str]:
    """What a click on the map points at: ("country", ISO3), ("select", id) or ("", "")."""
    points = (click or {}).get("points") or []
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return "", ""
    point = points[0]
    if point.get("location"):
        return "country", str(point["location"])
    data = point.get("customdata")
    text = data[-1] if isinstance(data, list) and data else data
    if isinstance(text, str) and text.startswith("country:"):
        return "country", text.removeprefix("country:")
    if isinstance(text, str) and text.startswith(("program:", "route:")):
        return "select", text
    return "", ""


def chosen_row(rows: Any) -> str:
    """The id of the row a grid reports selected (a list of rows, or ``{"ids": [...]}``), or ""."""
    if isinstance(rows, dict):
        ids = rows.get("ids") or []
        return str(ids[0]) if ids else ""
    return str(rows[0].get("id", "")) if isinstance(rows, list) and rows and isinstance(rows[0], dict) else ""


@callback(
    output=dict(
        controls={name: Output(control, "value", allow_duplicate=name in SHARED) for name, control in CONTROLS.items()},
        year_options=Output("year", "options"),
        search=Output("url", "search"),
        notice=Output("notice", "children"),
        figure=Output("map", "figure"),
        slots=Output("slots", "data"),
        rendered=Output("rendered", "data"),
        legend=Output("legend", "children"),
        profile=Output("profile", "children"),
        summary=Output("summary", "children"),
        strip=Output("strip", "children"),
        unmapped=Output("unmapped", "children"),
        sources=Output("sources", "children"),
        in_view=Output("in-view", "data"),
        program_rows=Output("programs-grid", "selectedRows"),
        route_rows=Output("routes-grid", "selectedRows"),
        sent=Output("sent", "data"),
        title=Output("view-title", "children"),
        source_line=Output("source-line", "children"),
    ),
    inputs=dict(
        search=Input("url", "search"),
        controls={name: Input(control, "value") for name, control in CONTROLS.items()},
        click=Input("map", "clickData"),
        program_selection=Input("programs-grid", "selectedRows"),
        route_selection=Input("routes-grid", "selectedRows"),
        close=Input("profile-close", "n_clicks"),
    ),
    state=dict(
        slots=State("slots", "data"),
        rendered=State("rendered", "data"),
        sent=State("sent", "data"),
        deck=State("deck", "data"),
        deck_index=State("deck-index", "data"),
    ),
    prevent_initial_call=True,
)
def render_view(
    search: str | None,
    controls: dict[str, Any],
    click: dict[str, Any] | None,
    program_selection: Any,
    route_selection: Any,
    close: Any,
    slots: dict[str, int],
    rendered: str,
    sent: dict[str, Any] | None,
    deck: Any = None,
    deck_index: Any = None,
) -> dict[str, Any]:
    # Whatever JSON the request holds reads as a value or as nothing (dashboard.callbacks.inputs).
    search, rendered = text(search), text(rendered)
    controls = {str(name): control(value) for name, value in (mapping(controls) or {}).items()}
    click, slots, sent = mapping(click), counts(slots), mapping(sent)
    data = loaded()
    old, _old_notices = state_from(rendered or "")
    trigger = ctx.triggered_id
    notices: list[str] = []
    if trigger == "url":
        state, notices = state_from(search or "")
    elif trigger == "map":
        kind, value = clicked(click)
        state = replace(old, country=value) if kind == "country" else replace(old, select=value) if kind else old
    elif trigger in ("programs-grid", "routes-grid"):
        kind = "program:" if trigger == "programs-grid" else "route:"
        chosen = chosen_row(program_selection if trigger == "programs-grid" else route_selection)
        # A grid also reports selections that this callback made (or cleared) itself: those are
        # echoes, not the user's choice, and must not start another round.
        if chosen == old.select or (not chosen and not old.select.startswith(kind)):
            raise PreventUpdate
        state = replace(old, select=chosen)
    elif trigger == "profile-close":
        state = replace(old, country="")
    else:
        state, notices = state_from_controls(**controls, select=old.select)
    # The page is in one language (the picker reloads it in another): back, forward or a deck's
    # view keep it.
    state = replace(state, lang=i18n.lang())
    query = query_of(state)
    state, _unused = state_from(query)
    view = view_for(query)

    old_view = view_for(query_of(old))

    def traces_of(layer: str) -> list[Trace]:
        return layer_traces(layer, view)

    def old_traces_of(layer: str) -> list[Trace]:
        return layer_traces(layer, old_view)

    patch, new_slots = figure_patch(old, view, data.facts, slots or {}, traces_of, old_traces_of=old_traces_of)
    # Panels are sent only when what they show has changed since the last response (``sent``
    # holds what each one was made from): it keeps a filter change's response small.
    previous = dict(sent or {})
    sent = dict(previous)
    panels = panels_for(view)
    signatures = panels["signatures"]
    fresh = {name: sig for name, sig in signatures.items() if sent.get(name) != sig}
    sent.update(signatures)
    key_parts = {name.removeprefix("legend:") for name in fresh if name.startswith("legend:")}
    legend: Any = no_update
    if key_parts:
        legend = Patch()
        for position, part in create_key(state, key_parts):
            legend[position] = part
    rows_changed = "programs" in fresh or "routes" in fresh
    select_changed = state.select != old.select
    return dict(
        controls=control_values(state, controls, data.choices),
        year_options=year_options(data, state.indicator) if state.indicator != old.indicator else no_update,
        search=query if query != (search or "") else no_update,
        notice=dbc.Alert(" ".join(notices), color="warning", className="mb-2") if notices else None,
        figure=patch,
        slots=new_slots,
        rendered=query,
        legend=legend,
        profile=create_profile(data, state) if "profile" in fresh else no_update,
        summary=panels["summary"],
        strip=panels["strip"] if rows_changed else no_update,
        unmapped=panels["unmapped"] if "routes" in fresh else no_update,
        sources=sources_update(data, previous.get("sources"), signatures["sources"], panels["sources"])
        if "sources" in fresh
        else no_update,
        in_view=in_view(view) if rows_changed else no_update,
        program_rows=selected_rows(view.program_records, "program", "program_id", state.select)
        if trigger != "programs-grid" and ("programs" in fresh or select_changed)
        else no_update,
        route_rows=selected_rows(view.route_records, "route", "route_id", state.select)
        if trigger != "routes-grid" and ("routes" in fresh or select_changed)
        else no_update,
        sent=sent,
        title=deck_title(deck, deck_index, query) or panels["title"],
        source_line=panels["source_line"] if "sources" in fresh else no_update,
    )


def selected_rows(records: list[dict[str, Any]], kind: str, key: str, select: str) -> dict[str, list[str]]:
    """The grid's selection by row id (the grid finds the row itself)."""
    wanted = select.removeprefix(f"{kind}:") if select.startswith(f"{kind}:") else None
    return {"ids": [select] if wanted is not None and any(row[key] == wanted for row in records) else []}


def sources_update(data: Any, had: Any, sources: list[str], whole: Any) -> Any:
    """A patch of the sources list the page has, or the whole panel when what it has is not known."""
    if not isinstance(had, list) or not all(isinstance(source, str) for source in had):
        return whole
    return sources_patch(data, had, sources)


def deck_title(stored: Any, index: Any, query: str) -> str:
    """The saved view's title when the view on screen is the deck's current one, else ""."""
    try:
        view = stored["views"][int(index)]
        state, _unused = state_from(params_to_query(view["state"]))
    except (TypeError, KeyError, IndexError, ValueError, AttributeError):
        return ""
    return str(view.get("title", "")) if query_of(state) == query else ""
