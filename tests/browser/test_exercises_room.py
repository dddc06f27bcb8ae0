"""The exercise notebooks render in Chromium, and room mode works live: a facilitator opens
spot the signal for the room, three participants of three teams (each in a browser context of
their own, signed in with their team's join code) send their marks, and the tally on the
facilitator's page updates without a reload (the kernel's timer polls the store)."""

from __future__ import annotations

import pytest

from kit import apps as app_list

from .conftest import (
    FACILITATOR_PASSCODE,
    check_no_page_errors,
    join_codes,
    open_app,
    screenshot_path,
    tall_screenshot,
)
from .waits import text_in

pytestmark = pytest.mark.browser

SIGNALS = "exercises/spot-the-signal.ipynb"
#: four people open one notebook whose pool holds one kernel: the others start cold
PAGE_TIMEOUT_MS = 150_000


def test_every_exercise_notebook_renders(people, kit_server) -> None:
    # exercises are not preheated (kit/server/command.py): each page starts its own kernel
    for exercise in app_list.exercises():
        page = people(timeout_ms=PAGE_TIMEOUT_MS)
        open_app(page, kit_server, f"exercises/{exercise.notebook}", join=FACILITATOR_PASSCODE)
        page.wait_for_selector(f".kit-app-{exercise.id} .kit-exercise", timeout=PAGE_TIMEOUT_MS)
        assert exercise.title in page.inner_text(".kit-header")
        check_no_page_errors(page)
        page.context.close()  # one page at a time; a failed one stays open for its screenshot


def test_room_mode_tally_updates_live_for_a_facilitator_and_three_participants(
    people, kit_server
) -> None:
    codes = join_codes(kit_server)
    faculty = people(timeout_ms=PAGE_TIMEOUT_MS)
    open_app(faculty, kit_server, SIGNALS, join=FACILITATOR_PASSCODE)
    faculty.wait_for_selector(".kit-room-open", timeout=PAGE_TIMEOUT_MS)
    faculty.click(".kit-room-open")
    text_in(faculty, ".kit-room-count", "0 answers so far")

    seats = []
    for team_id in sorted(codes)[:3]:
        seat = people(timeout_ms=PAGE_TIMEOUT_MS)
        open_app(seat, kit_server, SIGNALS, join=codes[team_id])
        text_in(seat, ".kit-room-open-note", "opened this exercise for the room")
        seats.append(seat)

    for n, seat in enumerate(seats, start=1):
        seat.click(".kit-signal-month-21")
        if n == 1:
            seat.click(".kit-signal-month-4")
        seat.fill(".kit-room-name input", f"Person {n}")
        seat.click(".kit-room-send")
        text_in(seat, ".kit-room-sent", f"as Person {n}")
        # the facilitator's page follows each answer, never reloaded
        text_in(faculty, ".kit-room-count", f"{n} answer")
        check_no_page_errors(seat)

    text_in(faculty, ".kit-room-count", "3 answers so far")
    text_in(faculty, ".kit-tally-month-21", "3")
    text_in(faculty, ".kit-tally-month-4", "1")
    assert faculty.evaluate("performance.getEntriesByType('navigation').length") == 1
    check_no_page_errors(faculty)
    tall_screenshot(faculty, screenshot_path("spot-the-signal.png"), ".kit-app")
