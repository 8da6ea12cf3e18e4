"""One callback renders a view, whatever changed it: the controls, the URL (back/forward, a pasted
link), a click on the map, a row chosen in a table, or the profile's close button."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard.callbacks.inputs import counts, mapping, text, texts
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
from dashboard.state import ViewState
from dashboard.table import in_view

CONTROLS = ("region", "type", "form", "indicator", "year", "layers", "country", "datasets")


def state_from_controls(
    region: Any,
    types: Any,
    forms: Any,
    indicator: Any,
    year: Any,
    layers: Any,
    country: Any = "",
    select: str = "",
    datasets: Any = None,
) -> tuple[ViewState, list[str]]:
    """Controls to a state, through the URL parser, so that both share one set of rules."""
    params = {
        "region": [str(value) for value in region or []],
        "type": [str(value) for value in types or []],
        "form": [str(value) for value in forms or []],
        "indicator": [str(indicator or "")],
        "year": [str(year or "")],
        "layers": [str(value) for value in layers or []] or ["none"],
        "country": [str(country or "")],
        "select": [select],
        # None: the control is not on the page; an empty list: every dataset unticked.
        "datasets": [] if datasets is None else [str(value) for value in datasets] or ["none"],
    }
    # Each value encoded: a value is one value, whatever it holds ("&", "#", "%" included).
    query = "&".join(
        f"{k}={'~'.join(quote(value, safe='', errors='replace') for value in v)}" for k, v in params.items()
    )
    state, notices = state_from("?" + query)
    # A year the new indicator lacks is not the user's mistake: the latest year stands in, quietly.
    return state, [n for n in notices if not n.startswith("No ")]


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
    Output("region", "value"),
    Output("type", "value"),
    Output("form", "value"),
    Output("indicator", "value"),
    Output("year", "value", allow_duplicate=True),
    Output("year", "options"),
    Output("layers", "value"),
    Output("country", "value"),
    Output("datasets", "value"),
    Output("url", "search"),
    Output("notice", "children"),
    Output("map", "figure"),
    Output("slots", "data"),
    Output("rendered", "data"),
    Output("legend", "children"),
    Output("profile", "children"),
    Output("summary", "children"),
    Output("strip", "children"),
    Output("unmapped", "children"),
    Output("sources", "children"),
    Output("in-view", "data"),
    Output("programs-grid", "selectedRows"),
    Output("routes-grid", "selectedRows"),
    Output("sent", "data"),
    Output("view-title", "children"),
    Output("source-line", "children"),
    Input("url", "search"),
    *(Input(name, "value") for name in CONTROLS),
    Input("map", "clickData"),
    Input("programs-grid", "selectedRows"),
    Input("routes-grid", "selectedRows"),
    Input("profile-close", "n_clicks"),
    State("slots", "data"),
    State("rendered", "data"),
    State("sent", "data"),
    State("deck", "data"),
    State("deck-index", "data"),
    prevent_initial_call=True,
)
def render_view(
    search: str | None,
    region: Any,
    types: Any,
    forms: Any,
    indicator: Any,
    year: Any,
    layers: Any,
    country: Any,
    datasets: Any,
    click: dict[str, Any] | None,
    program_selection: Any,
    route_selection: Any,
    close: Any,
    slots: dict[str, int],
    rendered: str,
    sent: dict[str, Any] | None,
    deck: Any = None,
    deck_index: Any = None,
) -> tuple[Any, ...]:
    # Whatever JSON the request holds reads as a value or as nothing (dashboard.callbacks.inputs).
    search, rendered, country, indicator = text(search), text(rendered), text(country), text(indicator)
    region, types, forms, layers, datasets = texts(region), texts(types), texts(forms), texts(layers), texts(datasets)
    click, slots, sent = mapping(click), counts(slots), mapping(sent)
    year = year if type(year) is int else text(year)
    data = loaded()
    old, _ = state_from(rendered or "")
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
        state, notices = state_from_controls(
            region, types, forms, indicator, year, layers, country, old.select, datasets
        )
    query = query_of(state)
    state, _ = state_from(query)
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
    controls_follow = trigger != "url"  # the controls already show what the user chose
    return (
        no_update if controls_follow else list(state.regions),
        no_update if controls_follow else list(state.types),
        no_update if controls_follow else list(state.forms),
        no_update if controls_follow else state.indicator,
        state.year if state.year != year else no_update,
        year_options(data, state.indicator) if state.indicator != old.indicator else no_update,
        no_update if controls_follow else list(state.layers),
        state.country or None if state.country != (country or "") else no_update,
        no_update if controls_follow else shown_datasets(data, state),
        query if query != (search or "") else no_update,
        dbc.Alert(" ".join(notices), color="warning", className="mb-2") if notices else None,
        patch,
        new_slots,
        query,
        legend,
        create_profile(data, state) if "profile" in fresh else no_update,
        panels["summary"],
        panels["strip"] if "programs" in fresh or "routes" in fresh else no_update,
        panels["unmapped"] if "routes" in fresh else no_update,
        sources_update(data, previous.get("sources"), signatures["sources"], panels["sources"])
        if "sources" in fresh
        else no_update,
        in_view(view) if rows_changed else no_update,
        selected_rows(view.program_records, "program", "program_id", state.select)
        if trigger != "programs-grid" and ("programs" in fresh or state.select != old.select)
        else no_update,
        selected_rows(view.route_records, "route", "route_id", state.select)
        if trigger != "routes-grid" and ("routes" in fresh or state.select != old.select)
        else no_update,
        sent,
        deck_title(deck, deck_index, query) or panels["title"],
        panels["source_line"] if "sources" in fresh else no_update,
    )


def shown_datasets(data: Any, state: ViewState) -> list[str]:
    """The datasets control's ticks for ``state`` (every dataset when the state says "all")."""
    if state.datasets == ("none",):
        return []
    return list(state.datasets or data.choices.datasets)


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
        state, _ = state_from(params_to_query(view["state"]))
    except (TypeError, KeyError, IndexError, ValueError, AttributeError):
        return ""
    return str(view.get("title", "")) if query_of(state) == query else ""
