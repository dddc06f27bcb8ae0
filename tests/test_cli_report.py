"""``bts-kit report``: storyboards and the summary from the command line, with a progress bar."""

from __future__ import annotations

import pytest

from kit.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """One demo database for the module: reports only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'kit.sqlite3'}"
    assert main(["--database", url, "demo"]) == 0
    return url


def test_report_writes_every_storyboard_and_the_summary_with_a_progress_bar(
    db, tmp_path, capsys
) -> None:
    out = tmp_path / "reports"
    code = main(["--database", db, "report", "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    files = sorted(p.name for p in out.iterdir())
    assert "summary.html" in files
    assert len([f for f in files if f.startswith("storyboard-")]) == 7  # the demo's seven wards
    assert "storyboard-riverside-general-ward-7.html" in stdout
    # the bar: one line redrawn with \r, ending at total/total and a newline
    assert "\r[" in stderr and "9/9" in stderr and stderr.endswith("\n")
    assert "Collaborative summary" in stderr
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "Riverside General, Ward 7" in summary


def test_report_for_one_team_by_name(db, tmp_path, capsys) -> None:
    out = tmp_path / "one"
    code = main(["--database", db, "report", "--team", "st anne's medical unit", "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert [p.name for p in out.iterdir()] == ["storyboard-st-anne-s-medical-unit.html"]
    assert (
        "St Anne&#39;s Medical Unit" in (out / "storyboard-st-anne-s-medical-unit.html").read_text()
    )


def test_report_for_an_unknown_team_is_one_line(db, tmp_path, capsys) -> None:
    code = main(["--database", db, "report", "--team", "Nowhere", "--out", str(tmp_path / "x")])
    _, stderr = capsys.readouterr()
    assert code == 2
    assert "no team called 'Nowhere'" in stderr and "Traceback" not in stderr
