"""Schema migrations: an old database opens and upgrades; the migrations match the code."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from kit.errors import KitInputError
from kit.qi import Aim, Collaborative, Measure, Observation, Team
from kit.store import Actor, Store
from kit.store.engine import make_engine
from kit.store.migrate import HEAD, current_revision, head_revision, upgrade
from kit.store.schema import metadata

SYSTEM = Actor.system()
WHEN = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def test_head_constant_matches_the_scripts() -> None:
    assert head_revision() == HEAD


def test_migrated_schema_matches_the_code(db_url: str) -> None:
    with Store.open(db_url) as store, store.engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert current_revision(conn) == HEAD
        for table in metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            assert {i.name for i in table.indexes} <= indexes, table.name


def _seed_version_0001(url: str) -> dict[str, str]:
    """A database at migration 0001 holding a collaborative, as an early kit wrote it."""
    engine = make_engine(url)
    ids = {"collaborative": "c0001", "team": "t0001", "aim": "a0001", "measure": "m0001"}
    rows = [
        ("collaborative", ids["collaborative"], ids["collaborative"], None,
         {"id": ids["collaborative"], "name": "Old Collaborative"}),
        ("team", ids["team"], ids["collaborative"], ids["team"],
         {"id": ids["team"], "collaborative_id": ids["collaborative"], "name": "Old Team"}),
        ("aim", ids["aim"], ids["collaborative"], ids["team"],
         {"id": ids["aim"], "team_id": ids["team"], "what": "Fewer falls"}),
        ("measure", ids["measure"], ids["collaborative"], None,
         {"id": ids["measure"], "collaborative_id": ids["collaborative"], "name": "Falls",
          "measure_kind": "outcome", "direction": "down", "chart": "c"}),
    ]  # fmt: skip
    with engine.connect() as conn:
        with conn.begin():
            upgrade(conn, "0001")
        with conn.begin():
            assert current_revision(conn) == "0001"
            assert not sa.inspect(conn).has_table("join_codes")
            for kind, rid, collaborative, team, data in rows:
                values = {
                    "kind": kind, "id": rid, "c": collaborative, "t": team, "v": 2,
                    "data": json.dumps(data), "at": WHEN, "by": "the facilitator",
                }  # fmt: skip
                conn.execute(
                    sa.text(
                        "INSERT INTO records (kind, id, collaborative_id, team_id, version, "
                        "deleted, data, created_at, updated_at, updated_by) VALUES (:kind, :id, "
                        ":c, :t, :v, false, :data, :at, :at, :by)"
                    ),
                    values,
                )
                for version in (1, 2):
                    conn.execute(
                        sa.text(
                            "INSERT INTO revisions (kind, record_id, version, action, data, "
                            "saved_at, saved_by) VALUES (:kind, :id, :version, :action, :data, "
                            ":at, :by)"
                        ),
                        values
                        | {"version": version, "action": "create" if version == 1 else "update"},
                    )
            conn.execute(
                sa.text(
                    "INSERT INTO observations (id, measure_id, team_id, collaborative_id, period, "
                    "value, numerator, denominator, note, version, deleted, created_at, "
                    "updated_at, updated_by) VALUES ('o0001', :m, :t, :c, :p, 4, NULL, NULL, "
                    "'old', 1, false, :at, :at, 'the facilitator')"
                ),
                {"m": ids["measure"], "t": ids["team"], "c": ids["collaborative"],
                 "p": dt.date(2026, 1, 1), "at": WHEN},
            )  # fmt: skip
    engine.dispose()
    return ids


def test_database_from_first_migration_upgrades(db_url: str) -> None:
    ids = _seed_version_0001(db_url)
    with Store.open(db_url) as store:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert sa.inspect(conn).has_table("join_codes")
        aim = store.get(Aim, ids["aim"], SYSTEM)
        assert aim.record.what == "Fewer falls" and aim.version == 2
        assert aim.updated_at == WHEN
        assert store.get(Collaborative, ids["collaborative"], SYSTEM).record.name == (
            "Old Collaborative"
        )
        assert [r.action for r in store.revisions(Aim, ids["aim"], SYSTEM)] == ["create", "update"]
        frame = store.observations(SYSTEM)
        assert frame["value"].tolist() == [4.0] and frame["note"].tolist() == ["old"]
        # the new code works on the old data: edits, new data and the new access tables
        store.save(aim.record.model_copy(update={"what": "No falls"}), SYSTEM, expected_version=2)
        store.put_observations(
            [
                Observation(
                    measure_id=ids["measure"],
                    team_id=ids["team"],
                    period=dt.date(2026, 2, 1),
                    value=3,
                )
            ],
            SYSTEM,
        )
        code = store.issue_join_code(ids["team"], SYSTEM)
        assert store.join(code).team_id == ids["team"]
        assert len(store.find(Team, SYSTEM)) == 1 and len(store.find(Measure, SYSTEM)) == 1
    with Store.open(db_url) as again:  # opening an up-to-date database changes nothing
        assert again.get(Aim, ids["aim"], SYSTEM).version == 3


def test_database_from_a_newer_kit_is_refused(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store, store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(KitInputError, match="newer Breakthrough Kit"):
        Store.open(sqlite_url)


def test_unusable_urls_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KitInputError, match="SQLite or PostgreSQL"):
        Store.open("mysql://u:p@localhost/x")
    with pytest.raises(KitInputError, match="not a database address"):
        Store.open("this is not a url")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KitInputError, match="Could not open the database"):
        Store.open(f"sqlite:///{blocker}/sub/kit.db")
