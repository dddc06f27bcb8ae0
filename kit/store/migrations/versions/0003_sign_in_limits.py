"""Sign-in limits: wrong passcodes and join codes per client, and the lock-outs they cause.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("what", sa.String(20), nullable=False),
        sa.Column("failed_at", WHEN, nullable=False),
    )
    op.create_index(
        "ix_sign_in_failures_client", "sign_in_failures", ["client", "what", "failed_at"]
    )
    op.create_table(
        "sign_in_locks",
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("what", sa.String(20), primary_key=True),
        sa.Column("locked_until", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sign_in_locks")
    op.drop_index("ix_sign_in_failures_client", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
