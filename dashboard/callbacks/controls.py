"""Small callbacks of single controls: the play button and the tables' filter (in the browser),
and the table search."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback

from dashboard.callbacks import inputs
from dashboard.layout import DOWNLOADS

clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="play"),
    Output("year", "value"),
    Output("play-timer", "disabled"),
    Output("play", "children"),
    Input("play", "n_clicks"),
    Input("play-timer", "n_intervals"),
    State("year", "value"),
    State("year", "options"),
    State("play-timer", "disabled"),
    prevent_initial_call=True,
)

# Another language: the page is made again in it (every word of the page, with the view kept).
clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="switchLanguage"),
    Input("lang", "value"),
    prevent_initial_call=True,
)

# The grids show the rows in view: a new list of ids re-runs their external filter.
clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="filterTables"),
    Input("in-view", "data"),
)

# The download links follow the view in the browser: each keeps its path and takes the view's query.
LINKS = [*(f"download-{name}" for name in DOWNLOADS), "export-html", "export-html-download"]
clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="downloadLinks"),
    *(Output(link, "href") for link in LINKS),
    Input("rendered", "data"),
    *(State(link, "href") for link in LINKS),
    prevent_initial_call=True,
)


@callback(
    Output("programs-grid", "dashGridOptions"),
    Output("routes-grid", "dashGridOptions"),
    Input("table-search", "value"),
    prevent_initial_call=True,
)
def search_tables(text: str | None) -> tuple[Patch, Patch]:
    """Both tables filter as one types (AG Grid's quick filter)."""
    patches = Patch(), Patch()
    for patch in patches:
        patch["quickFilterText"] = inputs.text(text)
    return patches
