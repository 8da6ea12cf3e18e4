"""PostgreSQL only: the postgis extension, and program sites as points (``site_points``).

One row per stored program row with coordinates: its dataset, its place (``seq``) among the
dataset's programs rows, its stated country and its point (WGS 84). Filled by ``Store.add``,
removed with the dataset. On SQLite this migration does nothing: sites are checked there by the
loader's spatial join alone.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A no-op where an administrator has already run it (it needs a superuser otherwise).
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        """
        CREATE TABLE site_points (
            dataset varchar(80) NOT NULL REFERENCES datasets (slug) ON DELETE CASCADE,
            seq integer NOT NULL,
            iso3 varchar(3),
            geom geometry(Point, 4326) NOT NULL,
            PRIMARY KEY (dataset, seq)
        )
        """
    )
    op.execute("CREATE INDEX site_points_geom ON site_points USING gist (geom)")
    # Datasets stored before this migration (through another driver): their sites from their rows.
    number = r"'^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$'"
    op.execute(
        f"""
        INSERT INTO site_points (dataset, seq, iso3, geom)
        SELECT dataset, seq, iso3, ST_SetSRID(ST_MakePoint(lon::float8, lat::float8), 4326)
        FROM (
            SELECT dataset, seq, record::json ->> 'iso3' AS iso3,
                   record::json ->> 'lon' AS lon, record::json ->> 'lat' AS lat
            FROM dataset_rows WHERE tbl = 'programs'
        ) AS r
        WHERE lon ~ {number} AND lat ~ {number}
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE site_points")  # the extension stays: other schemas may use it
