"""Going from one exercise page to another in the same tab: every page is signed in and usable.

Exercises are not preheated (``kit/server/command.py``), so each page starts its own kernel,
and the page left behind asks the server to shut its kernel down (``kit-script.html``). Issue
15 saw the sixth page of a facilitator's tab show the sign-in form ("That join link's code is
not recognised") and wait there, which looked like a kernel shut down as it connected: the
passcode in each join link had been counted as a wrong join code, and the sixth page within
ten minutes found the browser locked out (``kit/ui/session.py`` ``sign_in_with_code``).
"""

from __future__ import annotations

import pytest

from .conftest import FACILITATOR_PASSCODE, check_no_page_errors, open_app

pytestmark = pytest.mark.browser

#: a cold kernel per page on a busy machine
PAGE_TIMEOUT_MS = 150_000
#: more pages than the sign-in limit allows wrong codes (5 in 10 minutes), in one tab
TOUR = [
    "funnel.ipynb",
    "red-beads.ipynb",
    "spot-the-signal.ipynb",
    "red-beads.ipynb",
    "funnel.ipynb",
    "red-beads.ipynb",
    "red-beads.ipynb",
]


def draw_a_day(page) -> None:
    """The red beads' "Next day" answers from the page's kernel: the page is usable."""
    page.click(".kit-beads-next")
    page.wait_for_selector(".kit-beads-table table.kit-beads-days", timeout=PAGE_TIMEOUT_MS)


def test_a_facilitator_goes_from_exercise_to_exercise_in_one_tab(page, kit_server):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    kernels = []
    for notebook in TOUR:
        open_app(
            page,
            kit_server,
            f"exercises/{notebook}",
            join=FACILITATOR_PASSCODE,
            timeout_ms=PAGE_TIMEOUT_MS,
        )
        page.wait_for_selector(".kit-exercise", timeout=PAGE_TIMEOUT_MS)
        assert "Signed in as" in page.inner_text(".kit-header"), notebook
        if notebook == "red-beads.ipynb":
            draw_a_day(page)
        kernels.append(
            page.evaluate(
                "() => JSON.parse(document.getElementById('jupyter-config-data')"
                ".textContent).kernelId"
            )
        )
        check_no_page_errors(page)
    assert len(set(kernels)) == len(TOUR), "each page had a kernel of its own"


def test_a_participant_goes_back_and_forth_between_two_exercises(page, kit_server):
    """The page left behind shuts its own kernel down, never the next page's."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    for notebook in ["red-beads.ipynb", "spot-the-signal.ipynb", "red-beads.ipynb"]:
        open_app(
            page, kit_server, f"exercises/{notebook}", join="KIN-2026", timeout_ms=PAGE_TIMEOUT_MS
        )
        page.wait_for_selector(".kit-exercise", timeout=PAGE_TIMEOUT_MS)
    draw_a_day(page)
    page.wait_for_load_state("networkidle")  # the previous page's shutdown has been answered
    page.click(".kit-beads-next")
    page.wait_for_function(
        "() => document.querySelectorAll('.kit-beads-days th').length === 3",
        timeout=PAGE_TIMEOUT_MS,
    )
    check_no_page_errors(page)
