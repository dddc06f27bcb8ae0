"""The ``bts-kit`` command: every subcommand against a real SQLite file, errors as one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import main


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kit.sqlite3'}"


def run(db: str, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["--database", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_a_collaborative_and_passcode(db, capsys) -> None:
    code, out, _ = run(
        db, "init", "--name", "Sepsis 2027", "--passcode", "long-enough", capsys=capsys
    )
    assert code == 0 and "Sepsis 2027" in out
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    with Store.open(db) as store:
        [saved] = store.find(Collaborative, Actor.system())
        actor = store.sign_in_facilitator(saved.record.id, "long-enough")
        assert actor.role == "facilitator"


def test_init_refuses_a_short_passcode(db, capsys) -> None:
    code, _, err = run(db, "init", "--name", "X", "--passcode", "short", capsys=capsys)
    assert code == 2 and "8 characters" in err and "Traceback" not in err


def test_demo_then_codes_then_export_import_roundtrip(db, tmp_path, capsys) -> None:
    code, out, _ = run(db, "demo", capsys=capsys)
    assert code == 0 and "RIV-2026" in out
    code, out, _ = run(db, "codes", capsys=capsys)
    assert "Riverside General, Ward 7: RIV-2026" in out
    code, _, err = run(db, "demo", capsys=capsys)
    assert code == 2 and "already" in err
    first = tmp_path / "one.json"
    assert run(db, "export", str(first), capsys=capsys)[0] == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run(other, "import", str(first), capsys=capsys)[0] == 0
    second = tmp_path / "two.json"
    assert run(other, "export", str(second), capsys=capsys)[0] == 0
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    xlsx = tmp_path / "data.xlsx"
    assert run(db, "export", str(xlsx), capsys=capsys)[0] == 0
    assert xlsx.stat().st_size > 0


def test_import_observations_from_csv(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    csv = tmp_path / "falls.csv"
    csv.write_text("period,numerator,denominator\n2027-01,3,880\n2027-02,2,850\n")
    code, out, err = run(
        db,
        "import",
        str(csv),
        "--measure",
        "Falls per 1,000 patient-days",
        "--team",
        "Riverside General, Ward 7",
        capsys=capsys,
    )
    assert code == 0, err
    assert "Imported 2" in out


def test_import_errors_are_one_clear_line(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    code, _, err = run(db, "import", str(tmp_path / "missing.csv"), capsys=capsys)
    assert code == 2 and "no file" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("period,numerator,denominator\n2027-01,9,3\n")
    code, _, err = run(
        db, "import", str(bad), "--measure", "m-assess", "--team", "team-riverside", capsys=capsys
    )
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) >= 1
    code, _, err = run(
        db,
        "import",
        str(bad),
        "--measure",
        "No such measure",
        "--team",
        "team-riverside",
        capsys=capsys,
    )
    assert code == 2 and "No measure called" in err


def test_export_needs_a_collaborative(db, tmp_path, capsys) -> None:
    code, _, err = run(db, "export", str(tmp_path / "x.json"), capsys=capsys)
    assert code == 2 and "no collaborative" in err


def test_console_script_reports_a_bad_database_url_in_one_line(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kit.cli", "--database", "nosuchdb://x", "codes"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_command_is_safe_by_default() -> None:
    from kit.server.command import voila_command

    command = voila_command(port=9999)
    assert "--Voila.ip=127.0.0.1" in command
    assert "--strip_sources=True" in command and "--show_tracebacks=False" in command
    assert "--template=bts-kit" in command
    assert "--Voila.ip=0.0.0.0" in voila_command(port=9999, public=True)
