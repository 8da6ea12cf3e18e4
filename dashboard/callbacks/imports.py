"""The "Add data" panel's callbacks: import a dropped file in the background (other users'
callbacks never wait for it), show its report, let it be downloaded, remove a dataset.

After an import or a removal the page reloads: every panel, table and the map are then laid out
from the new atlas (the figure and tables the page holds were made from the old one).

An import's result keeps data, not text: its report's messages as templates and values
(:class:`geodata.problems.Message`), shown in the page's language when the panel shows them
(:func:`dashboard.add_data.report_children`); the job's progress is written in the language of the
request that started it (:func:`job_language`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from dash import ALL, Input, Output, State, callback, ctx, dcc, no_update
from dash.exceptions import MissingCallbackContextException, PreventUpdate
from werkzeug.http import parse_accept_header

from dashboard import i18n
from dashboard.add_data import report_children, report_csv
from dashboard.callbacks.inputs import text
from dashboard.data import loaded
from dashboard.editors import may_edit
from dashboard.i18n import N_, _, ngettext
from dashboard.jobs import job_config
from geodata.importers.report import ImportRefused, ImportReport
from geodata.importing import UNCHANGED, import_file
from geodata.problems import Problem
from geodata.store import Store

DAMAGED = N_("the upload arrived damaged; try again")
NO_STORE = N_("no store to keep imported data in (see the log)")

log = logging.getLogger(__name__)


def decode_upload(contents: str, filename: str, folder: Path) -> Path:
    """Write a dcc.Upload's ``data:...;base64,...`` contents to ``folder`` under a safe name."""
    encoded = contents.partition(",")[2]
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImportRefused([Problem(filename, 0, "-", DAMAGED)]) from exc
    suffix = Path(filename).suffix.lower()[:8]
    path = folder / f"upload{suffix if suffix.isascii() else ''}"
    path.write_bytes(raw)
    return path


def run_import(
    contents: str, filename: str, layout: str | None, name: str | None, publisher: str | None, progress: Any = None
) -> dict[str, Any]:
    """Import one upload; the result the panel shows (and keeps in the browser's session).

    Runs as a background job, in a process of its own, maybe on another host (a Celery worker):
    it opens the store from the settings (:func:`dashboard.jobs.job_config`), not from what the web
    worker holds, and the web workers see the dataset through the store's revision.
    """
    config = job_config()
    store = Store(config.database_url or None)  # its own engine: this runs in a process of its own
    try:
        store.migrate()
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.warning("store %s cannot be opened (%s): import refused", store.where, exc)
        return refused_result(filename, [Problem(filename, 0, "-", NO_STORE)])
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        try:
            path = decode_upload(contents, filename, Path(folder))
            lines = path.read_bytes().count(b"\n") if path.suffix not in (".xlsx", ".xlsm") else 0

            def on_read(rows: int) -> None:
                if progress is not None:
                    share = min(99, round(100 * rows / lines)) if lines else 50
                    progress((share, rows_read(rows)))

            result = import_file(
                path,
                store,
                layout=layout or None,
                name=(name or "").strip() or None,
                publisher=(publisher or "").strip() or None,
                file_name=Path(filename).name,
                data_dir=config.data_dir,
                on_read=on_read,
                suppression_threshold=config.suppression_threshold,
            )
        except ImportRefused as exc:
            return refused_result(filename, exc.problems)
    catalogue = result.tables.get("catalogue")
    return {
        "ok": True,
        "status": result.status,
        "slug": result.dataset.slug,
        "name": result.dataset.name,
        "counts": {str(table): int(n) for table, n in result.dataset.counts.items()},
        "report": result.report.to_dict(),
        "csv": True,
        "file": Path(filename).stem,
        "file_name": Path(filename).name,
        # The first indicator the file brought, to show once the page reloads on the new data.
        "indicator": str(catalogue["indicator"].iloc[0]) if catalogue is not None and len(catalogue) else "",
    }


def rows_read(rows: int) -> str:
    """The progress bar's label while a file is read (``12,000 rows read``)."""
    return ngettext("{count} row read", "{count} rows read", rows).format(count=i18n.integer(rows))


def refused_result(filename: str, problems: list[Problem]) -> dict[str, Any]:
    report = ImportReport(Path(filename).name)
    report.problems = list(problems)
    return {
        "ok": False,
        "report": report.to_dict(),
        "csv": True,
        "file": Path(filename).stem,
        "file_name": Path(filename).name,
    }


def job_language(href: str | None = None) -> str:
    """The language of the request that started the running job: the page's ``lang`` (its address,
    ``href``, else the ``Referer`` of the callback request), else the browser's ``Accept-Language``.

    A job runs in a process of its own, maybe on another host: Dash hands it the request's headers.
    """
    try:
        headers = {str(k).lower(): str(v) for k, v in dict(ctx.headers or {}).items()}
    except MissingCallbackContextException:  # a job run by hand, a test
        headers = {}
    query = urlsplit(href or headers.get("referer", "")).query
    accepted = [value for value, _quality in parse_accept_header(headers.get("accept-language", ""))]
    return i18n.request_language(query, accepted)


@callback(
    Output("add-data-result", "data"),
    Output("add-data-reload", "href"),
    Input("add-data-upload", "contents"),
    State("add-data-upload", "filename"),
    State("add-data-layout", "value"),
    State("add-data-name", "value"),
    State("add-data-publisher", "value"),
    State("add-data-reload", "href"),
    background=True,
    progress=[Output("add-data-progress", "value"), Output("add-data-progress", "label")],
    running=[
        (Output("add-data-upload", "disabled"), True, False),
        (Output("add-data-progress", "animated"), True, False),
        (Output("add-data-progress", "striped"), True, False),
    ],
    prevent_initial_call=True,
)
def import_upload(
    set_progress: Any, contents: Any, filename: Any, layout: Any, name: Any, publisher: Any, href: Any
) -> tuple[Any, Any]:
    if not isinstance(contents, str) or not contents:
        raise PreventUpdate
    href = text(href)
    with i18n.language(job_language(href)):
        set_progress((5, _("reading…")))
        result = run_import(contents, str(filename or "upload.csv"), layout, name, publisher, set_progress)
        set_progress((100, _("done")) if result["ok"] else (0, ""))
    if not (result["ok"] and result.get("status") != UNCHANGED and href):
        return result, no_update
    return result, page_after_import(href, result.get("indicator", ""))


def page_after_import(href: str, indicator: str) -> str:
    """The page to reload: the same view, on the file's first new indicator if it brought one."""
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("indicator", "year")]
    if indicator:
        query.append(("indicator", indicator))
    return urlunsplit(parts._replace(query=urlencode(query, safe="~")))


@callback(
    Output("add-data-report", "children"),
    Output("add-data-report-download", "hidden"),
    Output("add-data", "open"),
    Input("add-data-result", "data"),
)
def show_report(result: Any) -> tuple[Any, bool, Any]:
    if not isinstance(result, dict):
        return [], True, no_update
    return report_children(result), not result.get("csv"), True


@callback(
    Output("add-data-report-file", "data"),
    Input("add-data-report-download", "n_clicks"),
    State("add-data-result", "data"),
    prevent_initial_call=True,
)
def download_report(clicks: Any, result: Any) -> Any:
    if not clicks or not isinstance(result, dict) or not result.get("csv"):
        raise PreventUpdate
    csv = report_csv(result) if "report" in result else str(result["csv"])
    return dcc.send_string(csv, f"import-report-{result.get('file', 'file')}.csv")


@callback(
    Output("add-data-reload", "href", allow_duplicate=True),
    Input({"type": "remove-dataset", "slug": ALL}, "submit_n_clicks"),
    State("add-data-reload", "href"),
    prevent_initial_call=True,
)
def remove_dataset(clicks: Any, href: Any) -> Any:
    trigger = ctx.triggered_id
    # The server refuses a viewer's request before it gets here (dashboard.editors); this is the second lock.
    if not isinstance(trigger, dict) or not any(clicks or []) or not may_edit():
        raise PreventUpdate
    data = loaded()
    if data.store is None:
        raise PreventUpdate
    Store(data.store.url).remove(str(trigger["slug"]))
    return text(href) or no_update  # the page's own address; junk in a crafted request goes nowhere
