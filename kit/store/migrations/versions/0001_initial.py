"""Initial schema: records, observations and revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("collaborative_id", sa.String(64), nullable=True),
        sa.Column("team_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(300), nullable=False),
    )
    op.create_index("ix_records_scope", "records", ["kind", "collaborative_id", "team_id"])
    op.create_table(
        "observations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("measure_id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(64), nullable=False),
        sa.Column("collaborative_id", sa.String(64), nullable=True),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("numerator", sa.Double, nullable=True),
        sa.Column("denominator", sa.Double, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(300), nullable=False),
    )
    live = sa.column("deleted") == sa.false()
    op.create_index(
        "uq_observations_live_period",
        "observations",
        ["measure_id", "team_id", "period"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )
    op.create_table(
        "revisions",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("saved_at", WHEN, nullable=False),
        sa.Column("saved_by", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("revisions")
    op.drop_index("uq_observations_live_period", table_name="observations")
    op.drop_table("observations")
    op.drop_index("ix_records_scope", table_name="records")
    op.drop_table("records")
