"""Issue 15, concurrency: two people of one team, each in a browser of their own (separate
contexts: cookies and storage apart), edit the same aim field and the same driver-diagram box.
The first save lands; the second gets the step base's conflict banner (``kit/ui/step.py``
``ConflictBanner``) saying who saved, when, what they changed and their version of it, with
"Reload theirs", which puts the other version in the form; nothing the first person saved is
overwritten in the database.

(Different boxes edited at once are merged, not refused:
``tests/browser/test_change_package_walkthrough.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import (
    check_no_page_errors,
    notebook_folder,
    open_app,
    person_page,
    start_server,
    wait_for_kernel_pool,
)
from .steps import reword_box
from .waits import text_in, wait_for_database, wait_for_value, wait_until_settled

pytestmark = pytest.mark.browser

AIM = "02-aim.ipynb"
DIAGRAM = "03-change-package.ipynb"
TEAM, CODE = "team-harbour", "HAR-2026"
#: a cold page on a machine this busy can take minutes (the shared CI runner has 2 cores)
PAGE_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def kit_server(tmp_path_factory):
    """The two apps only, each with a kernel warm for each of the two people."""
    tmp = tmp_path_factory.mktemp("conflicts")
    folder = notebook_folder(tmp, {}, copy_apps=(AIM, DIAGRAM))
    with start_server(tmp, pool_size=2, notebooks=folder) as server:
        yield server


@pytest.fixture(scope="module")
def two_people(chromium) -> Iterator[tuple[object, object]]:
    """Two pages, each in a browser context of its own (two people at two laptops), for the
    whole module: both tests edit with the same two people."""
    pages = [person_page(chromium, timeout_ms=PAGE_TIMEOUT_MS) for _person in range(2)]
    try:
        yield pages[0], pages[1]
    finally:
        for page in pages:
            page.close(run_before_unload=True)
            page.context.close()


def stored(server, kind: str):
    from kit.qi import Aim, DriverDiagram
    from kit.store import Actor, Store

    record_type = {"aim": Aim, "diagram": DriverDiagram}[kind]
    with Store.open(server.database_url) as store:
        return store.find(record_type, Actor.system(), team_id=TEAM)[0].record


def open_both(server, pages, notebook: str, ready_css: str) -> None:
    """Both people open the app, so both hold the same saved version."""
    wait_for_kernel_pool(server, notebook, 1)  # both kernels warm
    for page in pages:
        open_app(page, server, notebook, join=CODE, timeout_ms=PAGE_TIMEOUT_MS)
        page.wait_for_selector(ready_css)


#: an element's box on the page, for layout checks
BOX = (
    "el => { const r = el.getBoundingClientRect();"
    " return {top: r.top, bottom: r.bottom, height: r.height}; }"
)


def test_the_second_save_of_the_same_aim_field_gets_the_conflict_and_overwrites_nothing(
    kit_server, two_people
):
    first, second = two_people
    open_both(kit_server, two_people, AIM, ".kit-aim-target input")
    assert stored(kit_server, "aim").target == 4.2  # the demo's aim for Harbour View
    theirs, mine = "3.9", "3.7"

    first.fill(".kit-aim-target input", theirs)
    wait_until_settled(first, PAGE_TIMEOUT_MS)
    assert "Saved" in first.inner_text(".kit-save-state")
    wait_for_database(lambda: stored(kit_server, "aim").target, lambda v: v == float(theirs))

    header_before = second.eval_on_selector(".kit-app .kit-header", BOX)
    second.fill(".kit-aim-target input", mine)
    text_in(second, ".kit-aim-conflict", "while you were editing", visible=True)
    banner = second.inner_text(".kit-aim-conflict")
    # the banner sits below the header and leaves it as it was (issue 10: it squashed it)
    header_after = second.eval_on_selector(".kit-app .kit-header", BOX)
    assert header_after["height"] == header_before["height"], (header_before, header_after)
    assert second.eval_on_selector(".kit-aim-conflict", BOX)["top"] >= header_after["bottom"]
    assert "your changes were not saved" in banner
    assert "They changed: Target." in banner
    assert f"Their version: Target {theirs}." in banner  # the other version, shown
    assert "Not saved" in second.inner_text(".kit-save-state")
    assert second.input_value(".kit-aim-target input") == mine  # mine stays until I choose
    assert stored(kit_server, "aim").target == float(theirs)  # nothing overwritten

    # "Reload theirs" shows the other version
    second.click(".kit-aim-reload")
    wait_for_value(second, ".kit-aim-target input", theirs)
    assert not second.locator(".kit-aim-conflict").is_visible()
    assert stored(kit_server, "aim").target == float(theirs)
    check_no_page_errors(first)
    check_no_page_errors(second)


def test_the_second_save_of_the_same_driver_box_gets_the_conflict_and_overwrites_nothing(
    kit_server, two_people
):
    first, second = two_people
    open_both(kit_server, two_people, DIAGRAM, ".kit-cp-box select")
    box = stored(kit_server, "diagram").primary_drivers[0]
    theirs, mine = f"{box.text}, on every shift", f"{box.text}, within an hour"

    reword_box(first, box.text, theirs)
    text_in(first, ".kit-save-state", "Saved", visible=True)
    wait_for_database(
        lambda: stored(kit_server, "diagram").primary_drivers[0].text, lambda v: v == theirs
    )

    reword_box(second, box.text, mine)
    text_in(second, ".kit-cp-conflict", "while you were editing", visible=True)
    banner = second.inner_text(".kit-cp-conflict")
    assert "your changes were not saved" in banner
    assert f"You and the other person both changed '{mine}' (theirs: '{theirs}')" in banner
    assert "Not saved" in second.inner_text(".kit-save-state")
    assert stored(kit_server, "diagram").primary_drivers[0].text == theirs  # not overwritten

    # "Reload theirs" shows the other version of the box
    second.click(".kit-cp-reload")
    second.wait_for_function(
        "text => [...document.querySelectorAll('.kit-cp-box select option')]"
        ".some(o => o.label.replace(/\\u00a0/g, ' ').includes(text))",
        arg=theirs,
    )
    assert not second.locator(".kit-cp-conflict").is_visible()
    assert stored(kit_server, "diagram").primary_drivers[0].text == theirs
    check_no_page_errors(first)
    check_no_page_errors(second)
