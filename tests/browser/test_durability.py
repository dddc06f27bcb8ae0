"""Issue 15, durability: what the page showed as saved survives the server being killed.

A participant edits the team's aim (02) and a box of the driver diagram (03). Once the page
says the edit is saved, the whole server (Voilà and every kernel it started) is killed with
SIGKILL, as a laptop losing power would; one more edit is still waiting for the autosave at
that moment and may be lost, which is allowed: only what the page showed as saved must come
back. A new server on the same database then shows every saved edit, on the page and in the
database.

"Saved within 2 seconds of the last keystroke" is checked without timing anything here (tests
never assert wall-clock times): every app's autosave waits for typing to pause for the one
delay ``kit.ui.Debouncer`` has, and that delay leaves more than a second of the 2 s for the
save itself, whose time ``tests/benchmarks/bench_load.py`` measures (p95 save latency); the
browser test then checks the database shows the edit.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import os
import signal
import time
from pathlib import Path

import pytest

from .conftest import (
    ROOT,
    check_no_page_errors,
    notebook_folder,
    open_app,
    start_server,
    wait_for_kernel_pool,
)
from .steps import box_label, reword_box
from .waits import (
    wait_for_database,
    wait_for_value,
    wait_until_pending,
    wait_until_settled,
)

pytestmark = pytest.mark.browser

AIM = "02-aim.ipynb"
DIAGRAM = "03-change-package.ipynb"
TEAM, CODE = "team-riverside", "RIV-2026"
#: the issue's promise: an edit is saved within 2 s of the participant's last keystroke
SAVED_WITHIN_S = 2.0
#: what of those 2 s the save itself may take after the pause. bench_load.py measures it:
#: store.save's p95 with 30 writers was 571 ms on SQLite and 1,657 ms on PostgreSQL on a
#: 2-core machine at a load average of 60-90 (2 Dec 2026), 180 ms on SQLite with 3 writers;
#: a loaded machine can break the promise, the autosave's own pause does not
SAVE_ALLOWANCE_S = 1.0
#: a cold page on a machine this busy can take minutes (the shared CI runner has 2 cores)
PAGE_TIMEOUT_MS = 180_000


def stored_aim(database_url: str):
    from kit.qi import Aim
    from kit.store import Actor, Store

    with Store.open(database_url) as store:
        return store.find(Aim, Actor.system(), team_id=TEAM)[0].record


def stored_diagram(database_url: str):
    from kit.qi import DriverDiagram
    from kit.store import Actor, Store

    with Store.open(database_url) as store:
        return store.find(DriverDiagram, Actor.system(), team_id=TEAM)[0].record


def save_state(page) -> str:
    return page.inner_text(".kit-save-state")


def wait_for_saved(page, timeout_ms: float = PAGE_TIMEOUT_MS) -> None:
    """The header says "Saved" (after a click's commit: no pending state comes first)."""
    page.wait_for_function(
        "() => { const el = document.querySelector('.kit-save-state');"
        " return el && /Saved/.test(el.textContent) && !/Not saved/.test(el.textContent); }",
        timeout=timeout_ms,
    )


def kill_server(server) -> None:
    """SIGKILL Voilà's process group and every kernel (kernels run in sessions of their own,
    so the group alone would leave them running, and one could still save a waiting edit)."""
    import psutil

    try:
        processes = [psutil.Process(server.pid)]
        processes += processes[0].children(recursive=True)
    except psutil.NoSuchProcess:
        processes = []
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    _gone, alive = psutil.wait_procs(processes, timeout=10)
    assert not alive, f"still running after SIGKILL: {alive}"


def test_every_edit_the_page_showed_as_saved_survives_a_killed_server(
    page, browser_context, tmp_path
):
    database_url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    where = "Riverside General, Wards 7 and 8"
    box_text = "Every patient's falls risk is known on arrival"
    pending_what = "injurious falls per 1,000 occupied bed-days"
    notebooks = notebook_folder(tmp_path, {}, copy_apps=(AIM, DIAGRAM))
    diagram_page = browser_context.new_page()
    for each in (page, diagram_page):
        each.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        with start_server(
            tmp_path / "before", database_url=database_url, notebooks=notebooks
        ) as first:
            original_what = stored_aim(database_url).what
            assert original_what != pending_what  # else the last edit changes nothing
            box = stored_diagram(database_url).primary_drivers[0]

            # the aim: typed, autosaved when typing paused, and the header says so
            wait_for_kernel_pool(first, AIM, 1)
            open_app(page, first, AIM, join=CODE, timeout_ms=PAGE_TIMEOUT_MS)
            page.fill(".kit-aim-where input", where)
            typed = time.monotonic()
            wait_until_settled(page, PAGE_TIMEOUT_MS)
            assert "Saved" in save_state(page)
            wait_for_database(lambda: stored_aim(database_url).where, lambda v: v == where)
            print(f"aim edit in the database {time.monotonic() - typed:.2f} s after typing")

            # the driver diagram: a box reworded and saved with its button
            wait_for_kernel_pool(first, DIAGRAM, 1)
            open_app(diagram_page, first, DIAGRAM, join=CODE, timeout_ms=PAGE_TIMEOUT_MS)
            diagram_page.wait_for_selector(".kit-cp-box select")
            reword_box(diagram_page, box.text, box_text)
            wait_for_saved(diagram_page)
            check_no_page_errors(diagram_page)

            # one more edit still waits for the autosave when the server dies
            page.fill(".kit-aim-what input", pending_what)
            wait_until_pending(page, PAGE_TIMEOUT_MS)
            kill_server(first)

        # straight from the database, before any server runs again
        aim = stored_aim(database_url)
        assert aim.where == where
        assert aim.what in (original_what, pending_what)  # the unsaved edit may be lost
        primary = {p.id: p.text for p in stored_diagram(database_url).primary_drivers}
        assert primary[box.id] == box_text

        with start_server(
            tmp_path / "after", database_url=database_url, load_demo=False, notebooks=notebooks
        ) as again:
            wait_for_kernel_pool(again, AIM, 1)
            open_app(page, again, AIM, join=CODE, timeout_ms=PAGE_TIMEOUT_MS)
            wait_for_value(page, ".kit-aim-where input", where)
            assert page.input_value(".kit-aim-what input") == aim.what
            wait_for_kernel_pool(again, DIAGRAM, 1)
            open_app(diagram_page, again, DIAGRAM, join=CODE, timeout_ms=PAGE_TIMEOUT_MS)
            diagram_page.wait_for_selector(".kit-cp-box select")
            assert box_label(diagram_page, box_text)  # the reworded box is in the picker
            check_no_page_errors(page)
            check_no_page_errors(diagram_page)
        assert stored_aim(database_url).where == where
    finally:
        with contextlib.suppress(Exception):
            diagram_page.close(run_before_unload=True)


def _debouncer_calls() -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in sorted((ROOT / "kit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "Debouncer":
                    calls.append((path, node))
    return calls


def test_every_autosave_waits_for_a_pause_short_enough_to_save_within_two_seconds():
    """Every autosave runs through ``StepView.autosave``, which makes its ``Debouncer`` with
    the default delay; no module in ``kit`` chooses another. That delay plus the time a save
    may take stays within the 2 s the issue promises."""
    from kit.ui.widgets import Debouncer

    delay = inspect.signature(Debouncer).parameters["delay"].default
    assert delay + SAVE_ALLOWANCE_S <= SAVED_WITHIN_S
    calls = _debouncer_calls()
    assert calls, "no Debouncer is made in kit: the autosave has moved"
    for path, call in calls:
        chosen = len(call.args) > 1 or any(k.arg == "delay" for k in call.keywords)
        assert not chosen, f"{path.relative_to(ROOT)}:{call.lineno} sets its own delay"
