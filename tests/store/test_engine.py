"""Where the database lives and how SQLite is set up for many kernels at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kit.store import Store, default_database_url
from kit.store.engine import BEGIN_MODE

from .conftest import postgres_base_url


def test_default_url_honours_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_DATABASE_URL", "postgresql+psycopg://u:p@db/kit")
    assert default_database_url() == "postgresql+psycopg://u:p@db/kit"


def test_default_url_is_in_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import platformdirs

    monkeypatch.delenv("KIT_DATABASE_URL", raising=False)
    url = default_database_url()
    assert url.startswith("sqlite:///")
    assert platformdirs.user_data_dir("bts-kit") in url


def test_open_without_url_uses_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "deep" / "folder" / "kit.db"
    monkeypatch.setenv("KIT_DATABASE_URL", f"sqlite:///{target}")
    with Store.open() as store:
        assert store.dialect == "sqlite"
    assert target.exists()


def test_sqlite_settings(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_postgres_pool_is_small(monkeypatch: pytest.MonkeyPatch) -> None:
    from kit.store.engine import make_engine

    engine = make_engine("postgresql://u:p@127.0.0.1:1/none")  # no connection is made
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.pool.size() == 2
    engine.dispose()


def test_missing_postgres_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIT_TEST_POSTGRES_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        postgres_base_url()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="KIT_TEST_POSTGRES_URL is not set"):
        postgres_base_url()


def test_repr_hides_password() -> None:
    from kit.store.engine import make_engine

    engine = make_engine("postgresql+psycopg://kit:secret@127.0.0.1/kit")
    assert "secret" not in repr(Store(engine, "x"))
    engine.dispose()


def test_reads_do_not_wait_for_a_writer(sqlite_store: Store, sqlite_url: str) -> None:
    """WAL: a kernel can load a page while another holds the write lock."""
    from kit.qi import Collaborative
    from kit.store import Actor

    saved = sqlite_store.save(Collaborative(name="C"), Actor.system(), expected_version=None)
    with Store.open(sqlite_url) as other, other.engine.connect() as writer:
        writer.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with writer.begin() as transaction:
            writer.execute(sa.text("UPDATE records SET updated_by = 'x'"))
            loaded = sqlite_store.get(Collaborative, saved.record.id, Actor.system())
            transaction.rollback()
    assert loaded.record.name == "C"
