"""``bts-kit serve --room N`` (issue 15, Concurrency): the pools it asks Voilà for and the memory
estimate it prints, without starting a server (tests/browser/test_serving_room.py starts one)."""

from __future__ import annotations

import json
from pathlib import Path

from kit import cli
from kit.server.command import NOTEBOOKS, voila_command
from kit.server.room import (
    KERNEL_RSS_MB,
    ROOM_FIRST_APPS,
    estimate,
    kernel_count,
    preheated_notebooks,
    room_pools,
)

POOLS = "--VoilaKernelManager.kernel_pools_config="


def _pools(command: list[str]) -> dict:
    [option] = [a for a in command if a.startswith(POOLS)]
    return json.loads(option.removeprefix(POOLS))


def test_a_room_gets_a_kernel_per_person_for_the_apps_it_opens_first() -> None:
    pools = _pools(voila_command(port=9999, room=30, pool_size=2))
    assert pools["default"] == {"pool_size": 2}
    for app in ROOM_FIRST_APPS:
        assert pools[app] == {"pool_size": 30}
        assert (NOTEBOOKS / app).exists(), "the pool key must name a notebook Voilà serves"
    assert "--preheat_kernel=True" in voila_command(port=9999, room=30)


def test_without_a_room_the_command_is_unchanged() -> None:
    assert not [a for a in voila_command(port=9999) if a.startswith(POOLS)]


def test_a_room_preheats_its_apps_even_with_the_other_pools_off() -> None:
    command = voila_command(port=9999, room=3, pool_size=0)
    assert "--preheat_kernel=True" in command
    assert _pools(command)["default"] == {"pool_size": 0}
    assert "--preheat_kernel=True" not in voila_command(port=9999, pool_size=0)


def test_a_room_smaller_than_the_pool_keeps_the_pool() -> None:
    assert room_pools(1, 2)["00-start-here.ipynb"] == {"pool_size": 2}


def _folder(tmp_path: Path, names: list[str]) -> Path:
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    return tmp_path


def test_the_kernel_count_sums_every_preheated_pool(tmp_path) -> None:
    folder = _folder(
        tmp_path, [*ROOM_FIRST_APPS, "04-measures.ipynb", "07-report.ipynb", "exercises/e.ipynb"]
    )
    assert preheated_notebooks(folder) == sorted(
        [*ROOM_FIRST_APPS, "04-measures.ipynb", "07-report.ipynb"]
    )
    assert kernel_count(10, 2, folder) == 10 * 2 + 2 * 2
    assert kernel_count(10, 0, folder) == 20


def test_the_estimate_is_kernels_times_the_measured_kernel_size(tmp_path) -> None:
    folder = _folder(tmp_path, [*ROOM_FIRST_APPS, "04-measures.ipynb"])
    cost = estimate(30, 2, folder, available_mb=64_000)
    assert cost.kernels == 62
    assert cost.total_mb == 62 * KERNEL_RSS_MB
    assert cost.fits
    message = cost.message()
    assert "62 kernels" in message and "estimate" in message and f"{KERNEL_RSS_MB} MB" in message


def test_a_room_that_does_not_fit_in_memory_is_refused(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("kit.server.room.available_memory_mb", lambda: 1000.0)
    started = []
    monkeypatch.setattr("subprocess.call", lambda *a, **k: started.append(a) or 0)
    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    code = cli.main(["serve", "--database", url, "--no-browser", "--room", "40"])
    err = capsys.readouterr().err
    assert code == 2
    assert "does not fit" in err and "Traceback" not in err
    assert not started, "no server starts for a room that does not fit"


def test_a_room_that_fits_says_what_it_takes_and_starts(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("kit.server.room.available_memory_mb", lambda: 1_000_000.0)
    started = []
    monkeypatch.setattr("subprocess.call", lambda command, **k: started.append(command) or 0)
    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    assert cli.main(["serve", "--database", url, "--no-browser", "--room", "5"]) == 0
    out = capsys.readouterr().out
    expected = kernel_count(5, 2, NOTEBOOKS)
    assert f"Room of 5: warming {expected} kernels" in out
    assert _pools(started[0])["00-start-here.ipynb"] == {"pool_size": 5}


def test_a_negative_room_is_one_clear_line(capsys) -> None:
    assert cli.main(["serve", "--no-browser", "--room", "-2"]) == 2
    err = capsys.readouterr().err
    assert "--room" in err and "Traceback" not in err
