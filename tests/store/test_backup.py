"""``bts-kit backup``: a consistent copy while another process keeps writing (issue 15,
Durability), and the pg_dump advice for PostgreSQL without the password."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.cli import main
from kit.qi import Collaborative
from kit.store import Actor, Store
from kit.store.backup import pg_dump_command

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_backup_while_a_writer_saves_holds_everything_committed_before(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    with Store.open(url):
        pass  # the schema, before the writer and the test open it concurrently
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store.backup_writer", url, str(ready), str(stop)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(ready, writer)
        with Store.open(url) as source:
            # let the writer commit a few more, then note what is committed before the backup
            start = len(source.find(Collaborative, Actor.system()))
            deadline = time.monotonic() + 60
            while len(source.find(Collaborative, Actor.system())) < start + 5:
                assert time.monotonic() < deadline and writer.poll() is None
            before = {s.record.id: s.version for s in source.find(Collaborative, Actor.system())}
            target = tmp_path / "copy.sqlite3"
            code = main(["--database", url, "backup", str(target)])
            out, err = capsys.readouterr()
            assert code == 0, err
            assert "integrity ok" in out
            assert writer.poll() is None, "the writer kept writing during the backup"
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""

    with sqlite3.connect(target) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    actor = Actor.system()
    with Store.open(f"sqlite:///{target}") as copy, Store.open(url) as source:
        copied = {s.record.id: s for s in copy.find(Collaborative, actor)}
        assert set(before) <= set(copied)
        for record_id, version in before.items():
            assert copied[record_id].version >= version
        # every record in the copy is exactly a state the source committed at that version
        for record_id, saved in copied.items():
            history = {
                r.version: r.record for r in source.revisions(Collaborative, record_id, actor)
            }
            assert history[saved.version] == saved.record
            assert [r.version for r in copy.revisions(Collaborative, record_id, actor)] == list(
                range(1, saved.version + 1)
            )
        # the source went on: the writer saved more after the copy was taken
        assert len(source.find(Collaborative, actor)) > len(copied) or any(
            source.get(Collaborative, i, actor).version > s.version for i, s in copied.items()
        )


def test_backup_refuses_to_overwrite_and_names_a_missing_database(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    with Store.open(url):
        pass
    existing = tmp_path / "there.sqlite3"
    existing.write_text("keep me")
    assert main(["--database", url, "backup", str(existing)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert existing.read_text() == "keep me"
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    assert main(["--database", missing, "backup", str(tmp_path / "b.sqlite3")]) == 2
    assert "no database" in capsys.readouterr().err


def test_postgres_backup_prints_pg_dump_advice_without_the_password(tmp_path) -> None:
    url = "postgresql+psycopg://kit:s3cret-pw@127.0.0.1:5432/kit_b"
    target = tmp_path / "kit.dump"
    result = subprocess.run(
        [sys.executable, "-m", "kit.cli", "--database", url, "backup", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    expected = pg_dump_command(url, target)
    assert expected in result.stderr
    assert expected.startswith("pg_dump --format=custom")
    assert "postgresql://kit@127.0.0.1:5432/kit_b" in expected
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert not target.exists()


@pytest.mark.parametrize("url", ["postgresql://kit@db.example/kit", "postgresql+psycopg://a:b@h/d"])
def test_pg_dump_command_never_holds_a_password(url: str) -> None:
    command = pg_dump_command(url, "out.dump")
    assert ":b@" not in command and "--dbname=postgresql://" in command


def test_backup_of_a_quiet_database_is_the_same_collaborative(tmp_path) -> None:
    from kit.demo import PRESENT_MONTH, load_demo
    from kit.store.backup import backup
    from kit.store.workbook import export_workbook

    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    with Store.open(url) as store:
        collaborative = load_demo(store, today=PRESENT_MONTH)
    result = backup(url, tmp_path / "copy.sqlite3")
    assert result.pages > 0 and result.target.exists()
    actor = Actor.system()
    with Store.open(url) as source, Store.open(f"sqlite:///{result.target}") as copy:
        assert export_workbook(copy, actor, collaborative) == export_workbook(
            source, actor, collaborative
        )
