"""Presenter mode and image exports: browser-side callbacks (no server round trip, work offline)."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, clientside_callback

from dashboard.i18n import N_

# What the browser-side functions write (assets/atlas.js), marked for the catalogs: the page
# hands them to the script in its language (the present button's label, Leave or Present, and
# the image export's error).
PRESENT = N_("Present (P)")
LEAVE = N_("Leave (P)")
IMAGE_FAILED = N_("Could not draw the image: {error}")
DECK_FILE = N_("Load a deck file (.json)")

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
