"""Presenter mode and image exports: browser-side callbacks (no server round trip, work offline)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, clientside_callback

clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="present"),
    Output("presenting", "data"),
    Output("atlas-root", "className"),
    Output("present", "children"),
    Input("present", "n_clicks"),
    State("presenting", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="exportImage"),
    Output("export-done", "children"),
    Input("export-png", "n_clicks"),
    Input("export-svg", "n_clicks"),
    State("map", "figure"),
    State("view-title", "children"),
    State("source-line", "children"),
    prevent_initial_call=True,
)
