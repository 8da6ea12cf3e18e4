"""One callback renders a view: from the controls, or from the URL (back/forward, pasted link)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, no_update

from dashboard.data import layer_traces, loaded, query_of, state_from, view_for
from dashboard.figure import figure_patch
from dashboard.layers import REGISTRY
from dashboard.layout import create_downloads, create_sources, create_strip, create_unmapped, summary_text, year_options
from dashboard.legend import create_legend
from dashboard.state import ViewState

CONTROLS = ("region", "type", "form", "indicator", "year", "layers")


def state_from_controls(
    region: Any, types: Any, forms: Any, indicator: Any, year: Any, layers: Any
) -> tuple[ViewState, list[str]]:
    """Controls to a state, through the URL parser, so that both share one set of rules."""
    params = {
        "region": list(region or []),
        "type": list(types or []),
        "form": list(forms or []),
        "indicator": [str(indicator or "")],
        "year": [str(year or "")],
        "layers": list(layers or []) or ["none"],
    }
    state, notices = state_from("?" + "&".join(f"{k}={'~'.join(v)}" for k, v in params.items()))
    # A year the new indicator lacks is not the user's mistake: the latest year stands in, quietly.
    return state, [n for n in notices if not n.startswith("No ")]


@callback(
    Output("region", "value"),
    Output("type", "value"),
    Output("form", "value"),
    Output("indicator", "value"),
    Output("year", "value"),
    Output("year", "options"),
    Output("layers", "value"),
    Output("url", "search"),
    Output("notice", "children"),
    Output("map", "figure"),
    Output("slots", "data"),
    Output("rendered", "data"),
    Output("legend", "children"),
    Output("summary", "children"),
    Output("strip", "children"),
    Output("downloads", "children"),
    Output("unmapped", "children"),
    Output("sources", "children"),
    Input("url", "search"),
    *(Input(name, "value") for name in CONTROLS),
    State("slots", "data"),
    State("rendered", "data"),
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
    slots: dict[str, int],
    rendered: str,
) -> tuple[Any, ...]:
    data = loaded()
    from_url = ctx.triggered_id == "url"
    if from_url:
        state, notices = state_from(search or "")
    else:
        state, notices = state_from_controls(region, types, forms, indicator, year, layers)
    query = query_of(state)
    old, _ = state_from(rendered or "")
    view = view_for(query)

    def traces_of(layer: str) -> list:
        return layer_traces(query, layer)

    patch, new_slots = figure_patch(old, view, data.ctx, slots or {}, traces_of)
    legend = create_legend([trace for key in REGISTRY for trace in traces_of(key)])
    controls = (list(state.regions), list(state.types), list(state.forms), state.indicator, state.year)
    return (
        *(controls if from_url else (no_update,) * 4 + (state.year if state.year != year else no_update,)),
        year_options(data, state.indicator) if state.indicator != old.indicator else no_update,
        list(state.layers) if from_url else no_update,
        query if query != (search or "") else no_update,
        dbc.Alert(" ".join(notices), color="warning", className="mb-2") if notices else None,
        patch,
        new_slots,
        query,
        legend,
        summary_text(data, view),
        create_strip(data, view),
        create_downloads(query),
        create_unmapped(data, view),
        create_sources(data, view),
    )
