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


# --- the command as a new user tried it (issue 10, "The bts-kit command"; issue 11, CLI) --------


def test_init_twice_with_the_same_name_is_refused(db, capsys) -> None:
    assert (
        run(db, "init", "--name", "Sepsis 2027", "--passcode", "long-enough", capsys=capsys)[0] == 0
    )
    code, _, err = run(
        db, "init", "--name", " sepsis 2027 ", "--passcode", "other-long-one", capsys=capsys
    )
    assert code == 2 and "already has a collaborative called 'Sepsis 2027'" in err
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    with Store.open(db) as store:
        assert len(store.find(Collaborative, Actor.system())) == 1
    code, out, _ = run(db, "codes", capsys=capsys)  # still one collaborative to pick
    assert code == 0


def test_export_and_import_take_team_names_and_ids(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    by_name, by_id = tmp_path / "name.json", tmp_path / "id.json"
    code, _, err = run(
        db, "export", str(by_name), "--team", "Riverside General, Ward 7", capsys=capsys
    )
    assert code == 0, err
    assert run(db, "export", str(by_id), "--team", "team-riverside", capsys=capsys)[0] == 0
    assert json.loads(by_name.read_text()) == json.loads(by_id.read_text())
    code, _, err = run(db, "export", str(tmp_path / "x.json"), "--team", "Nowhere", capsys=capsys)
    assert code == 2 and "No team called 'Nowhere'" in err and "Riverside General" in err
    code, _, err = run(
        db, "export", str(tmp_path / "c.json"), "--collaborative", "Safer Wards Falls Collaborative",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err


@pytest.mark.parametrize("command", ["codes", "demo", "export", "import", "init", "passcode"])
def test_database_is_accepted_after_the_subcommand(
    command, db, tmp_path, capsys, monkeypatch
) -> None:
    from kit.cli import build_parser

    extra = {"export": ["x.json"], "import": ["x.json"], "init": ["--name", "N"]}.get(command, [])
    args = build_parser().parse_args([command, *extra, "--database", db])
    assert args.database == db
    before = build_parser().parse_args(["--database", db, command, *extra])
    assert before.database == db
    assert build_parser().parse_args([command, *extra]).database is None


def test_serve_takes_database_after_the_subcommand(tmp_path, monkeypatch) -> None:
    from kit import cli

    seen = {}
    monkeypatch.setattr("kit.server.command.serve", lambda **kw: seen.update(kw) or 0)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert cli.main(["serve", "--database", url, "--no-browser"]) == 0
    assert seen["database"] == url


def test_codes_after_the_subcommand_uses_that_database(db, capsys) -> None:
    main(["demo", "--database", db])
    capsys.readouterr()
    assert main(["codes", "--database", db]) == 0
    assert "Riverside General, Ward 7: RIV-2026" in capsys.readouterr().out


def test_export_csv_writes_the_documented_layout_and_imports_back(db, tmp_path, capsys) -> None:
    import csv

    from kit.cli import CSV_COLUMNS

    run(db, "demo", capsys=capsys)
    everything = tmp_path / "all.csv"
    code, out, err = run(db, "export", str(everything), capsys=capsys)
    assert code == 0, err
    assert not everything.read_text().lstrip().startswith(("{", "["))  # not JSON
    rows = list(csv.DictReader(everything.open()))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) > 30
    assert {r["team"] for r in rows} >= {"Riverside General, Ward 7", "St Anne's Medical Unit"}
    assert all(len(r["period"]) == 10 and r["period"][4] == "-" for r in rows)
    # one team's rows of one measure go back in with import, unchanged
    measure = "Falls per 1,000 patient-days"
    one = tmp_path / "one.csv"
    code, _, err = run(
        db, "export", str(one), "--team", "Riverside General, Ward 7", "--measure", measure,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    exported = list(csv.DictReader(one.open()))
    assert exported and {r["measure"] for r in exported} == {measure}
    # another database holds different numbers for those periods; importing the export puts
    # every row back, and exporting again gives the same file
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    run(other, "demo", capsys=capsys)
    altered = tmp_path / "altered.csv"
    with altered.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in exported:
            writer.writerow({**row, "numerator": str(int(row["numerator"]) + 1)})
    team = ["--measure", measure, "--team", "team-riverside"]
    assert run(other, "import", str(altered), *team, capsys=capsys)[0] == 0
    code, out, err = run(other, "import", str(one), *team, capsys=capsys)
    assert code == 0, err
    assert f"Imported {len(exported)} observations" in out
    again = tmp_path / "again.csv"
    run(
        other, "export", str(again), "--team", "team-riverside", "--measure", measure, capsys=capsys
    )
    assert again.read_text() == one.read_text()


def test_export_refuses_an_extension_it_cannot_write(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    code, _, err = run(db, "export", str(tmp_path / "x.txt"), capsys=capsys)
    assert code == 2 and ".json" in err and ".csv" in err and "'.txt'" in err
    assert not (tmp_path / "x.txt").exists()


def test_a_csv_file_to_import_asks_for_measure_and_team(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    csv_file = tmp_path / "falls.csv"
    csv_file.write_text("period,numerator,denominator\n2027-01,3,880\n")
    code, _, err = run(db, "import", str(csv_file), capsys=capsys)
    assert code == 2 and "--measure" in err and "--team" in err
    assert "JSON" not in err


def test_thirteenth_month_is_no_date(db, tmp_path, capsys) -> None:
    run(db, "demo", capsys=capsys)
    csv_file = tmp_path / "falls.csv"
    csv_file.write_text("period,numerator,denominator\n13/13/2026,3,880\n")
    code, _, err = run(
        db, "import", str(csv_file), "--measure", "Falls per 1,000 patient-days", "--team",
        "Riverside General, Ward 7", capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert "'13/13/2026' is not a date" in err
    assert "day/month or month/day" not in err


def test_codes_says_when_there_are_no_teams(db, capsys) -> None:
    run(db, "init", "--name", "Empty", "--passcode", "long-enough", capsys=capsys)
    code, out, _ = run(db, "codes", capsys=capsys)
    assert code == 0 and "'Empty' has no teams yet" in out


def test_help_documents_the_observation_file_layout(capsys) -> None:
    from kit.cli import build_parser

    for argv in (["--help"], ["import", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)
        text = capsys.readouterr().out
        assert "period,numerator,denominator" in text and "period,value" in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "period,numerator,denominator" in readme and "period,value" in readme


# --- bts-kit passcode -----------------------------------------------------------------------


def _facilitator_signs_in(db: str, passcode: str) -> bool:
    from kit.errors import KitInputError, PermissionDenied
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    with Store.open(db) as store:
        [saved] = store.find(Collaborative, Actor.system())
        try:
            store.sign_in_facilitator(saved.record.id, passcode)
        except (PermissionDenied, KitInputError):
            return False
        return True


def test_passcode_resets_from_the_environment_without_showing_it(db, capsys, monkeypatch) -> None:
    run(db, "demo", capsys=capsys)
    monkeypatch.setenv("KIT_FACILITATOR_PASSCODE", "new-room-passcode")
    code, out, err = run(db, "passcode", capsys=capsys)
    assert code == 0, err
    assert "new-room-passcode" not in out + err and "Set the facilitator passcode" in out
    assert _facilitator_signs_in(db, "new-room-passcode")
    assert not _facilitator_signs_in(db, "demo-facilitator")


def test_passcode_after_a_workbook_import_lets_the_facilitator_sign_in(
    db, tmp_path, capsys, monkeypatch
) -> None:
    run(db, "demo", capsys=capsys)
    book = tmp_path / "book.json"
    run(db, "export", str(book), capsys=capsys)
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    run(fresh, "import", str(book), capsys=capsys)
    assert not _facilitator_signs_in(fresh, "demo-facilitator")  # a workbook has no passcode
    monkeypatch.setenv("KIT_FACILITATOR_PASSCODE", "imported-at-last")
    code, _, err = run(
        fresh, "passcode", "--collaborative", "Safer Wards Falls Collaborative", capsys=capsys
    )
    assert code == 0, err
    assert _facilitator_signs_in(fresh, "imported-at-last")


def test_passcode_prompts_without_echo_and_checks_it_twice(db, capsys, monkeypatch) -> None:
    import getpass

    run(db, "demo", capsys=capsys)
    monkeypatch.delenv("KIT_FACILITATOR_PASSCODE", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed = iter(["typed-passcode-1", "typed-passcode-1"])
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(typed))
    code, out, err = run(db, "passcode", capsys=capsys)
    assert code == 0, err
    assert len(prompts) == 2 and "typed-passcode-1" not in out + err
    assert _facilitator_signs_in(db, "typed-passcode-1")
    typed = iter(["first-version-1", "second-version"])
    code, _, err = run(db, "passcode", capsys=capsys)
    assert code == 2 and "differ" in err
    assert _facilitator_signs_in(db, "typed-passcode-1")


def test_passcode_without_a_terminal_or_the_variable_says_how(db, capsys, monkeypatch) -> None:
    run(db, "demo", capsys=capsys)
    monkeypatch.delenv("KIT_FACILITATOR_PASSCODE", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    code, _, err = run(db, "passcode", capsys=capsys)
    assert code == 2 and "KIT_FACILITATOR_PASSCODE" in err
    monkeypatch.setenv("KIT_FACILITATOR_PASSCODE", "short")
    code, _, err = run(db, "passcode", capsys=capsys)
    assert code == 2 and "8 characters" in err
    assert _facilitator_signs_in(db, "demo-facilitator")


# --- start-up: a command loads only what it uses ------------------------------------------------

HEAVY = ("voila", "bokeh", "pandas", "jupyter_server", "jupyter_client", "ipywidgets", "tornado")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('MODULES', *sorted(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    [line] = [line for line in result.stdout.splitlines() if line.startswith("MODULES ")]
    names = line.split()[1:]
    return {n.split(".")[0] for n in names} & set(HEAVY)


def test_importing_the_cli_loads_no_voila_bokeh_pandas_or_jupyter() -> None:
    assert _loaded_after("import kit.cli; kit.cli.build_parser()") == set()


def test_codes_loads_no_voila_bokeh_pandas_or_jupyter(db, capsys) -> None:
    run(db, "demo", capsys=capsys)
    code = f"from kit.cli import main\nmain(['--database', {db!r}, 'codes'])"
    assert _loaded_after(code) == set()


def test_what_serve_runs_in_the_facilitators_process_loads_no_jupyter() -> None:
    """``bts-kit serve`` builds Voilà's command line and starts it as a child: the parent needs
    the template's path, not Jupyter (``kit.server.template`` is apart from the handlers)."""
    assert _loaded_after("import kit.server.command, kit.server.template") == set()
