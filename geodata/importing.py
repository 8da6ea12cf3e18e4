"""Import one file into the store: read it, check it as the atlas will, keep it (or refuse it whole).

The one path both doors use: ``python -m geodata import FILE`` and the app's "Add data" panel.
Nothing is stored from a file that fails; the file imported is only ever read; re-importing the
same file under the same name changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geodata.i18n import N_
from geodata.importers import read_file
from geodata.importers.report import ImportRefused, ImportReport
from geodata.importers.templates import checked_message
from geodata.loader import BUNDLED_DIR, load_atlas
from geodata.problems import Message, Problem
from geodata.store import Dataset, Store, slugify

ADDED, REPLACED, UNCHANGED = "added", "replaced", "unchanged"


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the dataset as stored, its report, ``added``/``replaced``/``unchanged``,
    and the tables the file gave (in the atlas's own columns)."""

    dataset: Dataset
    report: ImportReport
    status: str
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    path: Path | str,
    store: Store,
    *,
    layout: str | None = None,
    name: str | None = None,
    publisher: str | None = None,
    file_name: str | None = None,
    data_dir: Path | str = BUNDLED_DIR,
    on_read: Callable[[int], None] | None = None,
    suppression_threshold: int = 11,
) -> ImportResult:
    """Read ``path`` in its layout (detected unless ``layout``), check it, and store it.

    Parameters
    ----------
    path : Path or str
        The file (CSV or XLSX).
    store : Store
    layout : str, optional
        An importer key (``glotip``, ``ctdc``, ``tip-tiers``, ``programs``, ...).
    name : str, optional
        The dataset's name; its slug is the dataset's id (default: the file's name).
    publisher : str, optional
        Who published the file (default: the layout's publisher).
    file_name : str, optional
        The name to report the file under (an upload's own name rather than a temporary path).
    data_dir : Path or str
        The data directory whose countries and indicators the rows are checked against.
    on_read : callable, optional
        Called with the number of rows read so far (progress).
    suppression_threshold : int
        A free-text note stating a count below it is refused (it would show what is suppressed).

    Raises
    ------
    ImportRefused
        A file that cannot be read, matches no layout, or whose rows the atlas would not accept.
    """
    path = Path(path)
    shown = file_name or path.name
    importer, imported, report = read_file(path, layout, shown, on_read)
    if not report.balanced:  # an importer's defect, never the user's: refuse rather than lose rows
        raise ImportRefused(
            [
                Problem(
                    shown,
                    0,
                    "-",
                    Message(N_("internal error: the report of {layout} does not add up"), layout=importer.key),
                )
            ]
        )
    sha = file_digest(path)
    slug = slugify(name or Path(shown).stem)
    existing = store.get(slug)
    tables = imported.tables()
    if existing is not None and existing.sha256 == sha and existing.layout == importer.key:
        return ImportResult(existing, report, UNCHANGED, tables)
    if not tables:
        raise ImportRefused([Problem(shown, 0, "-", N_("no row of the file could be used (see the report)"))])
    candidate = Dataset(
        slug=slug,
        name=name or Path(shown).stem,
        layout=importer.key,
        file_name=shown,
        sha256=sha,
        publisher=publisher or importer.publisher or "",
        imported_at="",
        position=1,
        counts={t: len(f) for t, f in tables.items()},
    )
    # Checked by the same schemas the atlas loads it with, before anything is written.
    checked = load_atlas(data_dir, [(candidate, tables)], suppression_threshold)
    if slug in checked.skipped:
        raise ImportRefused(
            [Problem(p.file, p.row, p.column, checked_message(p.message)) for p in checked.skipped[slug]]
        )
    dataset = store.add(
        name=candidate.name,
        layout=candidate.layout,
        file_name=shown,
        sha256=sha,
        publisher=candidate.publisher,
        tables=tables,
        report=report.to_dict(),
        slug=slug,
    )
    return ImportResult(dataset, report, REPLACED if existing is not None else ADDED, tables)


def stored_datasets(store: Store) -> list[tuple[Dataset, dict]]:  # type: ignore[type-arg]
    """Every dataset in the store with its tables, in import order (what :func:`load_atlas` merges)."""
    return [(dataset, store.tables(dataset.slug)) for dataset in store.datasets()]
