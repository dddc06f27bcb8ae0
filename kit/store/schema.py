"""The tables at the newest migration, for the store's queries.

Migrations in ``migrations/versions`` spell their tables out on their own (a migration must not
change when this file does); ``test_migrations`` checks that the two agree.

- ``records``: every record kind except observations, as JSON text with the columns the store
  filters and guards on (collaborative, team, version, soft-delete flag).
- ``observations``: the measure data, typed, one live row per measure, team and period.
- ``revisions``: every saved state of every record, observations included ("nothing is lost").
- ``facilitator_passcodes`` and ``join_codes``: access (added by migration 0002).
- ``sign_in_failures`` and ``sign_in_locks``: wrong passcodes and join codes per client, and
  the lock-outs they cause (migration 0003); the client is kept as a hash, the code typed never.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ID = sa.String(64)
WHO = sa.String(300)
WHEN = sa.DateTime(timezone=True)

records = sa.Table(
    "records",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("id", ID, primary_key=True),
    sa.Column("collaborative_id", ID, nullable=True),
    sa.Column("team_id", ID, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("updated_by", WHO, nullable=False),
    sa.Index("ix_records_scope", "kind", "collaborative_id", "team_id"),
)

observations = sa.Table(
    "observations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("measure_id", ID, nullable=False),
    sa.Column("team_id", ID, nullable=False),
    sa.Column("collaborative_id", ID, nullable=True),
    sa.Column("period", sa.Date, nullable=False),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("numerator", sa.Double, nullable=True),
    sa.Column("denominator", sa.Double, nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("updated_by", WHO, nullable=False),
    sa.Index(
        "uq_observations_live_period",
        "measure_id",
        "team_id",
        "period",
        unique=True,
        sqlite_where=sa.column("deleted") == sa.false(),
        postgresql_where=sa.column("deleted") == sa.false(),
    ),
    sa.Index("ix_observations_scope", "collaborative_id", "team_id", "measure_id", "period"),
)

revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("record_id", ID, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("saved_at", WHEN, nullable=False),
    sa.Column("saved_by", WHO, nullable=False),
)

facilitator_passcodes = sa.Table(
    "facilitator_passcodes",
    metadata,
    sa.Column("collaborative_id", ID, primary_key=True),
    sa.Column("salt", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(256), nullable=False),
    sa.Column("params", sa.String(60), nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("updated_by", WHO, nullable=False),
)

join_codes = sa.Table(
    "join_codes",
    metadata,
    sa.Column("team_id", ID, primary_key=True),
    sa.Column("collaborative_id", ID, nullable=False),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("issued_at", WHEN, nullable=False),
    sa.Column("issued_by", WHO, nullable=False),
    sa.Index("ix_join_codes_collaborative", "collaborative_id"),
)

sign_in_failures = sa.Table(
    "sign_in_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("what", sa.String(20), nullable=False),
    sa.Column("failed_at", WHEN, nullable=False),
    sa.Index("ix_sign_in_failures_client", "client", "what", "failed_at"),
)

sign_in_locks = sa.Table(
    "sign_in_locks",
    metadata,
    sa.Column("client", sa.String(64), primary_key=True),
    sa.Column("what", sa.String(20), primary_key=True),
    sa.Column("locked_until", WHEN, nullable=False),
)
