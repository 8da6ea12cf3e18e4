"""The revision counter's row exists from the start, so that a bump is one atomic UPDATE.

Before, the first change inserted it: two processes making the first change at once on PostgreSQL
would both insert, and one would fail. A store made by 0001 keeps the revision it has.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO store_meta (key, value) SELECT 'revision', 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM store_meta WHERE key = 'revision')"
        )
    )


def downgrade() -> None:
    pass  # 0001's code reads the row as it is
