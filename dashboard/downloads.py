"""``/download/<table>.csv``: the rows of a table that a view shows, with their sources.

Takes the same query parameters as the page. Unknown values fall back to defaults as on the
page, and the notices travel in the ``X-Atlas-Notice`` header.
"""

from __future__ import annotations

import io

import pandas as pd
from flask import Flask, Response, abort, request

from dashboard import i18n
from dashboard.data import AtlasData, loaded, query_of, state_from, view_for
from dashboard.i18n import _
from dashboard.security import DOCUMENT_CSP, capped_notice
from dashboard.state import ViewState
from dashboard.view import View
from geodata.spreadsheet import defused


def _defuse(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (CSV injection)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: defused(v) if isinstance(v, str) else v)
    return out


COUNT_COLUMNS = ("people_assisted", "people_reunited", "people_returned", "count")


def suppression_bounds(frame: pd.DataFrame, threshold: int) -> pd.Series:
    """The bound of each row's suppressed value: the publisher's ``suppressed_below``, else ``threshold``."""
    if "suppressed_below" not in frame:
        return pd.Series(threshold, index=frame.index, dtype="Int64")
    return frame["suppressed_below"].astype("Int64").fillna(threshold)


def suppress_small_counts(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Counts of people below ``threshold`` become ``<threshold`` (as GLOTIP writes ``<5``).

    A route the publisher withheld as small (``suppressed`` true) reads ``<N`` with the
    publisher's bound ``suppressed_below`` (``<5``), or ``<threshold`` without one, whatever its
    count cell holds: such a row never shows a number.
    """
    out = frame.copy()
    for column in COUNT_COLUMNS:
        if column in out:
            values = out[column]
            small = values.notna() & (values > 0) & (values < threshold)
            out[column] = values.astype("string").where(~small, f"<{threshold}")
    if "count" in out and "suppressed" in out:
        withheld = out["suppressed"].fillna(False).astype(bool)
        bounds = "<" + suppression_bounds(out, threshold).astype("string")
        out["count"] = out["count"].where(~withheld, bounds)
    return out


def with_sources(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add the publisher, document and date of each row's sources (``|`` between several)."""

    def expand(cell: str, column: str) -> str:
        return " | ".join(str(sources.loc[s, column]) for s in str(cell).split(";") if s in sources.index)

    out = frame.copy()
    for column in ("publisher", "document", "date"):
        out[f"source_{column}"] = out["source"].map(lambda cell, c=column: expand(cell, c))
    return out


def table_in_view(data: AtlasData, view: View, table: str) -> pd.DataFrame:
    if table == "programs":
        frame = view.programs.drop(columns=["map_lon", "map_lat"]).assign(types=view.programs["types"].map(";".join))
    elif table == "routes":
        frame = view.routes
    elif table == "indicators":
        meta = data.atlas.catalogue.loc[view.state.indicator]
        frame = view.indicator.assign(label=meta["label"], unit=meta["unit"])
        frame = frame[
            ["iso3", "name", "indicator", "label", "year", "value", "unit", "category", "suppressed", "source"]
        ]
        bounds = suppression_bounds(view.indicator, data.facts.threshold)
        frame = frame.assign(
            value=frame["value"].where(~frame["suppressed"]),
            note=[f"fewer than {bound}" if s else "" for s, bound in zip(frame["suppressed"], bounds, strict=True)],
        )
    else:
        raise KeyError(table)
    return with_sources(frame, data.atlas.sources)


def header_notices(query: str) -> tuple[ViewState, list[str]]:
    """The state of ``query`` and its notices in English, for the ``X-Atlas-Notice`` header: a
    header is ASCII and read by programs, so it stays in one language whatever the page's (as the
    CSV's columns and cells do); the file itself is in the language of the request."""
    with i18n.language(i18n.DEFAULT):
        return state_from(query)


def register_downloads(server: Flask) -> None:
    @server.route("/download/<table>.csv")
    def download(table: str) -> Response:
        data = loaded()
        if table not in ("programs", "routes", "indicators"):
            abort(
                404,
                description=_("No table {table}: try programs.csv, routes.csv or indicators.csv.").format(
                    table=repr(table)
                ),
            )
        state, notices = header_notices(request.query_string.decode("utf-8", "replace"))
        view = view_for(query_of(state))
        frame = _defuse(suppress_small_counts(table_in_view(data, view, table), data.facts.threshold))
        body = io.StringIO()
        frame.to_csv(body, index=False)
        response = Response(body.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="atlas-{table}.csv"'
        if notices:
            response.headers["X-Atlas-Notice"] = capped_notice(notices)
        return response

    @server.route("/export/map.html")
    def export_map() -> Response:
        """The view as one standalone HTML file (folium) that opens offline."""
        from dashboard.exports.boundaries import export_boundaries
        from dashboard.exports.folium_map import export_view_html
        from dashboard.layout import view_title

        data = loaded()
        state, notices = header_notices(request.query_string.decode("utf-8", "replace"))
        view = view_for(query_of(state))
        html = export_view_html(view, data.facts, export_boundaries(data.atlas), view_title(data, state))
        response = Response(html, mimetype="text/html")
        # Shown in the browser (the link opens a new tab); its "download" twin saves it under this name.
        response.headers["Content-Disposition"] = 'inline; filename="atlas-map.html"'
        # Its Leaflet, styles and boundaries are inline: it needs nothing from anywhere.
        response.headers["Content-Security-Policy"] = DOCUMENT_CSP
        if notices:
            response.headers["X-Atlas-Notice"] = capped_notice(notices)
        return response
