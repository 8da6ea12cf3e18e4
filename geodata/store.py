"""Where imported datasets are kept: one small interface over SQLAlchemy Core.

An embedded SQLite database by default, in the user's data directory (``platformdirs``, so
``XDG_DATA_HOME`` is honoured); ``ATLAS_DATABASE_URL`` points elsewhere (a later step points it at
PostgreSQL/PostGIS: only Core constructs and portable types are used here). The schema is made
and changed by versioned Alembic migrations (``geodata/migrations``), run when a store opens.

A dataset is its provenance (name, layout, file name and digest, publisher, date imported, the
import report) and its rows, table by table, each row a JSON record in the atlas's own columns.
Every change is one transaction and bumps :meth:`Store.revision`, so that each app process can
tell when to reload. The bundled data is never written: it is not in the store.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

APP_NAME = "counter-trafficking-atlas"
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = sa.MetaData()
datasets_table = sa.Table(
    "datasets",
    metadata,
    sa.Column("slug", sa.String(80), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("layout", sa.String(40), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("imported_at", sa.String(32), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("counts", sa.Text, nullable=False),  # JSON: rows per atlas table
    sa.Column("report", sa.Text, nullable=False),  # JSON: ImportReport.to_dict()
)
rows_table = sa.Table(
    "dataset_rows",
    metadata,
    sa.Column("dataset", sa.String(80), sa.ForeignKey("datasets.slug", ondelete="CASCADE"), primary_key=True),
    sa.Column("tbl", sa.String(20), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("record", sa.Text, nullable=False),
)
meta_table = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


def default_url() -> str:
    """``ATLAS_DATABASE_URL``, else a SQLite file in the user's data directory."""
    url = os.environ.get("ATLAS_DATABASE_URL", "").strip()
    if url:
        return url
    import platformdirs

    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'atlas.sqlite'}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "dataset"


@dataclass(frozen=True)
class Dataset:
    """One imported dataset's provenance (its rows stay in the store until asked for)."""

    slug: str
    name: str
    layout: str
    file_name: str
    sha256: str
    publisher: str
    imported_at: str
    position: int
    counts: Mapping[str, int] = field(default_factory=dict)
    report: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def source_id(self) -> str:
        """The id its rows cite in the atlas's sources table."""
        return f"dataset-{self.slug}"

    def source_row(self) -> dict[str, Any]:
        """Its row of the sources table: publisher, the file imported, the date imported."""
        counts = ", ".join(f"{n:,} {table}" for table, n in self.counts.items() if table != "catalogue")
        return {
            "source_id": self.source_id,
            "publisher": self.publisher or "Unknown publisher",
            "document": f"{self.name} (imported from {self.file_name})",
            "date": self.imported_at[:10],
            "url": pd.NA,
            "licence": pd.NA,
            "note": f"Imported as {self.layout} on {self.imported_at[:10]}; {counts}.",
        }


class Store:
    """Imported datasets in one database (see the module docstring)."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self._migrated = False

    @cached_property
    def engine(self) -> sa.Engine:
        engine = sa.create_engine(self.url, future=True)
        if engine.dialect.name == "sqlite":

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(connection: Any, _record: Any) -> None:
                cursor = connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA busy_timeout=10000")  # several workers, one file
                cursor.close()

        return engine

    def migrate(self) -> None:
        """Bring the schema to the newest version (Alembic ``upgrade head``); idempotent."""
        if self._migrated:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        self._migrated = True

    # -- reading -------------------------------------------------------------------------------
    def revision(self) -> int:
        """A number that changes whenever a dataset is added, replaced or removed."""
        self.migrate()
        with self.engine.connect() as c:
            found = c.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "revision")).scalar()
        return int(found or 0)

    def datasets(self) -> list[Dataset]:
        """Every dataset, in the order imported."""
        self.migrate()
        with self.engine.connect() as c:
            rows = c.execute(sa.select(datasets_table).order_by(datasets_table.c.position)).mappings().all()
        return [_dataset(dict(row)) for row in rows]

    def get(self, slug: str) -> Dataset | None:
        return next((d for d in self.datasets() if d.slug == slug), None)

    def tables(self, slug: str) -> dict[str, pd.DataFrame]:
        """A dataset's rows, table by table, as text cells (missing as NA) in stored order."""
        self.migrate()
        with self.engine.connect() as c:
            found = c.execute(
                sa.select(rows_table.c.tbl, rows_table.c.record)
                .where(rows_table.c.dataset == slug)
                .order_by(rows_table.c.tbl, rows_table.c.seq)
            ).all()
        records: dict[str, list[dict[str, Any]]] = {}
        for table, record in found:
            records.setdefault(table, []).append(json.loads(record))
        return {table: pd.DataFrame(rows, dtype=object).fillna(pd.NA) for table, rows in records.items()}

    # -- changing ------------------------------------------------------------------------------
    def add(
        self,
        *,
        name: str,
        layout: str,
        file_name: str,
        sha256: str,
        publisher: str,
        tables: Mapping[str, pd.DataFrame],
        report: Mapping[str, Any],
        slug: str | None = None,
    ) -> Dataset:
        """Store a dataset (replacing one of the same slug), all in one transaction."""
        self.migrate()
        slug = slugify(slug or name)
        counts = {table: len(frame) for table, frame in tables.items()}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.engine.begin() as c:
            old = c.execute(sa.select(datasets_table.c.position).where(datasets_table.c.slug == slug)).scalar()
            if old is not None:
                c.execute(sa.delete(rows_table).where(rows_table.c.dataset == slug))
                c.execute(sa.delete(datasets_table).where(datasets_table.c.slug == slug))
            position = old
            if position is None:
                position = (c.execute(sa.select(sa.func.max(datasets_table.c.position))).scalar() or 0) + 1
            values = {
                "slug": slug,
                "name": name,
                "layout": layout,
                "file_name": file_name,
                "sha256": sha256,
                "publisher": publisher,
                "imported_at": now,
                "position": position,
                "counts": json.dumps(counts),
                "report": json.dumps(report),
            }
            c.execute(sa.insert(datasets_table).values(**values))
            batch = [
                {"dataset": slug, "tbl": table, "seq": seq, "record": record}
                for table, frame in tables.items()
                for seq, record in enumerate(_records(frame))
            ]
            for start in range(0, len(batch), 5000):
                c.execute(sa.insert(rows_table), batch[start : start + 5000])
            self._bump(c)
        return _dataset(values)

    def remove(self, slug: str) -> bool:
        """Remove a dataset and its rows; ``False`` if there was none of that slug."""
        self.migrate()
        with self.engine.begin() as c:
            c.execute(sa.delete(rows_table).where(rows_table.c.dataset == slug))
            gone = c.execute(sa.delete(datasets_table).where(datasets_table.c.slug == slug)).rowcount
            if gone:
                self._bump(c)
        return bool(gone)

    @staticmethod
    def _bump(c: sa.Connection) -> None:
        updated = c.execute(
            sa.update(meta_table).where(meta_table.c.key == "revision").values(value=meta_table.c.value + 1)
        ).rowcount
        if not updated:
            c.execute(sa.insert(meta_table).values(key="revision", value=1))


def _records(frame: pd.DataFrame) -> list[str]:
    """A frame's rows as JSON objects (missing cells as ``null``), by pandas' own writer: an
    import of 100,000 rows would spend seconds in per-row ``json.dumps``."""
    frame = frame.map(_json_value) if any(frame[c].dtype == object for c in frame) else frame
    text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    return text.splitlines() if text else []


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list | set):
        return ";".join(map(str, value))
    return value


def _dataset(row: Mapping[str, Any]) -> Dataset:
    return Dataset(
        slug=row["slug"],
        name=row["name"],
        layout=row["layout"],
        file_name=row["file_name"],
        sha256=row["sha256"],
        publisher=row["publisher"],
        imported_at=row["imported_at"],
        position=int(row["position"]),
        counts=json.loads(row["counts"]),
        report=json.loads(row["report"]),
    )
