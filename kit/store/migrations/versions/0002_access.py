"""Access: facilitator passcodes and team join codes; an index for a collaborative's data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "facilitator_passcodes",
        sa.Column("collaborative_id", sa.String(64), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(256), nullable=False),
        sa.Column("params", sa.String(60), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", sa.String(300), nullable=False),
    )
    op.create_table(
        "join_codes",
        sa.Column("team_id", sa.String(64), primary_key=True),
        sa.Column("collaborative_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("issued_at", WHEN, nullable=False),
        sa.Column("issued_by", sa.String(300), nullable=False),
    )
    op.create_index("ix_join_codes_collaborative", "join_codes", ["collaborative_id"])
    # the facilitator's data tables and the DataFrame query read a collaborative's data
    op.create_index(
        "ix_observations_scope",
        "observations",
        ["collaborative_id", "team_id", "measure_id", "period"],
    )


def downgrade() -> None:
    op.drop_index("ix_observations_scope", table_name="observations")
    op.drop_index("ix_join_codes_collaborative", table_name="join_codes")
    op.drop_table("join_codes")
    op.drop_table("facilitator_passcodes")
