"""Where imported datasets are kept: one small interface over SQLAlchemy Core.

An embedded SQLite database by default, in the user's data directory (``platformdirs``, so
``XDG_DATA_HOME`` is honoured); ``ATLAS_DATABASE_URL`` points elsewhere, e.g. an office's
PostgreSQL with PostGIS (``postgresql://`` URLs are read with psycopg 3), which every worker
process of the app shares. The schema is made and changed by versioned Alembic migrations
(``geodata/migrations``), run when a store opens; on PostgreSQL under an advisory lock, so that
workers starting together migrate one after the other. Only there, program sites are also kept as
PostGIS points (``site_points``), for checks done in the database (:meth:`Store.sites_far_from`).

A dataset is its provenance (name, layout, file name and digest, publisher, date imported, the
import report) and its rows, table by table, each row a JSON record in the atlas's own columns.
Every change is one transaction and bumps :meth:`Store.revision` (an atomic ``UPDATE ...
RETURNING`` that also queues concurrent writers), so that each app process can tell when to
reload. The bundled data is never written: it is not in the store.
"""

from __future__ import annotations

import json
import os
import re
import weakref
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
# pg_advisory_xact_lock key held while migrating: any fixed number no other code uses.
MIGRATION_LOCK = 7_411_011

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


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs as ``postgresql+psycopg://`` (psycopg 3, the driver
    this project installs; SQLAlchemy would otherwise look for psycopg2); others unchanged."""
    parsed = sa.engine.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


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
        self.url = normalise_url(url or default_url())
        self._migrated = False

    @property
    def where(self) -> str:
        """The URL to show people: its password hidden."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @property
    def spatial(self) -> bool:
        """Whether program sites are kept as PostGIS points (on PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    @cached_property
    def engine(self) -> sa.Engine:
        # pre_ping: a server's long-lived workers outlive database restarts and idle timeouts.
        engine = sa.create_engine(self.url, future=True, pool_pre_ping=True)
        # A worker forked from a process that had the store open (gunicorn --preload) must not share
        # its pooled connections: the child forgets them, without closing the parent's, and opens its own.
        ref = weakref.ref(engine)

        def _forget_parents_connections() -> None:
            if (forked := ref()) is not None:
                forked.dispose(close=False)

        os.register_at_fork(after_in_child=_forget_parents_connections)
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
            # Workers starting together: one upgrades, the others wait here, then find it done.
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            elif connection.dialect.name == "sqlite":
                # The write lock now (busy_timeout waits for it): the sqlite3 module would not begin
                # a transaction before DDL, and two workers would both create the tables.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
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

    def sites_far_from(self, label_points: pd.DataFrame, km: float) -> pd.DataFrame:
        """Stored program sites farther than ``km`` from their country's label point, measured in
        the database (PostGIS ``ST_DWithin`` on geography, so on the spheroid, in metres).

        Parameters
        ----------
        label_points : pandas.DataFrame
            Columns ``iso3``, ``label_lon``, ``label_lat`` (the atlas's countries table).
        km : float

        Returns
        -------
        pandas.DataFrame
            ``dataset``, ``seq`` (the row's place in the dataset's programs), ``iso3``, ``lon``,
            ``lat`` and ``distance_km``, farthest first. Sites of countries without a label point
            are not measured.

        Raises
        ------
        NotImplementedError
            The store is not on PostgreSQL with PostGIS.
        """
        if not self.spatial:
            raise NotImplementedError(f"sites are measured in PostGIS; {self.where} is {self.engine.dialect.name}")
        self.migrate()
        points = label_points.dropna(subset=["iso3", "label_lon", "label_lat"]).drop_duplicates("iso3")
        query = sa.text(
            """
            WITH label AS (
                SELECT iso3, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS point
                FROM unnest(CAST(:iso3 AS text[]), CAST(:lon AS float8[]), CAST(:lat AS float8[]))
                    AS l(iso3, lon, lat)
            )
            SELECT s.dataset, s.seq, s.iso3, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
                   ST_Distance(s.geom::geography, label.point) / 1000 AS distance_km
            FROM site_points s JOIN label ON label.iso3 = s.iso3
            WHERE NOT ST_DWithin(s.geom::geography, label.point, :metres)
            ORDER BY distance_km DESC, s.dataset, s.seq
            """
        )
        values = {
            "iso3": points["iso3"].astype(str).tolist(),
            "lon": points["label_lon"].astype(float).tolist(),
            "lat": points["label_lat"].astype(float).tolist(),
            "metres": float(km) * 1000,
        }
        with self.engine.connect() as c:
            found = c.execute(query, values).mappings().all()
        return pd.DataFrame(found, columns=["dataset", "seq", "iso3", "lon", "lat", "distance_km"])

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
            # Bumped first: its row lock queues concurrent writers (PostgreSQL) until this commits,
            # so the slug and position read below are not raced by another process's import.
            self._bump(c)
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
            if self.spatial and "programs" in tables:
                _store_sites(c, slug, tables["programs"])
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
    def _bump(c: sa.Connection) -> int:
        """Add one to the revision, atomically (the row is made by migration 0002); the new value."""
        return int(
            c.execute(
                sa.update(meta_table)
                .where(meta_table.c.key == "revision")
                .values(value=meta_table.c.value + 1)
                .returning(meta_table.c.value)
            ).scalar_one()
        )


def _store_sites(c: sa.Connection, slug: str, programs: pd.DataFrame) -> None:
    """A dataset's program sites as PostGIS points (``seq`` as in its stored programs rows); rows
    without coordinates have no point. Removed with the dataset (foreign key, ``ON DELETE CASCADE``)."""
    if not {"lon", "lat"} <= set(programs.columns):
        return
    lon = pd.to_numeric(programs["lon"].reset_index(drop=True), errors="coerce")
    lat = pd.to_numeric(programs["lat"].reset_index(drop=True), errors="coerce")
    iso3 = programs["iso3"].reset_index(drop=True) if "iso3" in programs else pd.Series(pd.NA, index=lon.index)
    located = lon.notna() & lat.notna()
    rows = [
        {"dataset": slug, "seq": int(seq), "iso3": None if pd.isna(iso3[seq]) else str(iso3[seq]), "lon": x, "lat": y}
        for seq, x, y in zip(lon.index[located], lon[located].astype(float), lat[located].astype(float), strict=True)
    ]
    if rows:
        c.execute(
            sa.text(
                "INSERT INTO site_points (dataset, seq, iso3, geom) "
                "VALUES (:dataset, :seq, :iso3, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            rows,
        )


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
