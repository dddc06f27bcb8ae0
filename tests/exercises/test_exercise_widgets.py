"""The exercise apps driven from Python: open each, answer, check the feedback; and room mode
with a facilitator and three participants of different teams."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from kit.exercises import app, signals
from kit.exercises.views import BUILDERS
from kit.exercises.views.base import Poller
from kit.qi import Team
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")


def text_of(widget) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).split())


def teams(store) -> list[Identity]:
    found = store.find(Team, Actor.system(), collaborative_id=COLLAB)
    return [Identity("participant", COLLAB, s.record.id, s.record.name) for s in found]


def marked(view, month: int) -> int:
    """How many of the room marked ``month`` on the facilitator's tally (0 when not listed)."""
    found = re.search(rf"Month {month}(?: \(flagged by the rules\))? (\d+)", text_of(view.tally))
    return int(found.group(1)) if found else 0


def open_exercise(store, exercise: str, identity: Identity):
    shell = app(exercise, store=store, params={"session": issue_token(identity)})
    assert shell.content is not None, shell.alert.text
    return shell, shell.content


@pytest.mark.parametrize("exercise", list(BUILDERS))
def test_every_exercise_opens_for_a_participant_and_the_facilitator(store, exercise) -> None:
    for identity in (teams(store)[0], FACULTY):
        shell, view = open_exercise(store, exercise, identity)
        assert shell.alert.text == ""
        assert f"kit-app-{exercise}" in shell._dom_classes
        assert "kit-exercise" in view._dom_classes


def test_spot_the_signal_scores_the_marks_and_shows_the_rule_sets(store) -> None:
    _shell, view = open_exercise(store, "spot-the-signal", teams(store)[0])
    for m in signals.flagged(view.case.values, "ihi"):
        view.months[m].value = True
    view.check_button.click()
    feedback = text_of(view.feedback)
    assert "Under the IHI rules: Right" in feedback
    assert "Anhøj rules" in feedback and "NHS Making Data Count rules" in feedback
    view.rules.value = "anhoej"  # scored again under another rule set
    assert "Under the Anhøj rules" in text_of(view.feedback)
    view.new_button.click()
    assert view.seed == 2 and view.feedback.value == "" and not any(b.value for b in view.months)


def test_sorting_aims_gives_feedback_per_aim(store) -> None:
    _shell, view = open_exercise(store, "good-aim", teams(store)[0])
    for item in view.items:
        view.choices[item.key].value = item.answer
    view.choices["falls_vague"].value = "good"
    view.check_button.click()
    feedback = text_of(view.feedback)
    total = len(view.items)
    assert f"{total - 1} of {total} right." in feedback
    assert "Not quite: it is poor aim" in feedback


def test_sorting_measures_starts_unsorted(store) -> None:
    _shell, view = open_exercise(store, "measure-kind", teams(store)[0])
    view.check_button.click()
    assert f"0 of {len(view.items)} right. {len(view.items)} not sorted yet." in text_of(
        view.feedback
    )


def test_red_beads_day_by_day_ends_with_the_lesson(store) -> None:
    _shell, view = open_exercise(store, "red-beads", teams(store)[0])
    assert view.chart_box.children == ()
    for _ in range(4):
        view.next_button.click()
    assert view.day == 4 and view.next_button.layout.display == "none"
    assert view.chart_box.children and "The lesson" in text_of(view.feedback)
    assert "Worker 6" in text_of(view.table)


def test_the_funnel_shows_a_chart_and_variance_per_rule(store) -> None:
    _shell, view = open_exercise(store, "funnel", teams(store)[0])
    assert len(view.charts.children) == 4
    text = text_of(view.variances)
    assert "Rule 4" in text and "× rule 1" in text
    view.drops.value = 200
    assert text_of(view.variances) != text


def test_sampling_sliders_change_the_explanation(store) -> None:
    _shell, view = open_exercise(store, "sampling", teams(store)[0])
    assert "at least 96" in text_of(view.explanation)
    view.sample.value = 150
    assert "large enough" in text_of(view.explanation)
    view.drift.value = 0.2
    assert "definition was loosened" in text_of(view.explanation)


def test_room_mode_gathers_three_participants_on_the_facilitators_screen(store) -> None:
    _shell, faculty = open_exercise(store, "spot-the-signal", FACULTY)
    faculty.new_button.click()  # the facilitator picks chart 2 and the NHS rules
    faculty.rules.value = "nhs"
    faculty.open_button.click()
    assert "0 answers so far" in text_of(faculty.room_status)
    seats = [open_exercise(store, "spot-the-signal", t)[1] for t in teams(store)[:3]]
    for n, seat in enumerate(seats):
        assert seat.case.seed == 2 and seat.rules.value == "nhs" and seat.rules.disabled
        seat.months[20].value = True
        if n == 0:
            seat.months[3].value = True
        seat.send_button.click()
        assert "Sent" in text_of(seat.room_status)
    faculty.poller.tick()  # what the timer does every two seconds
    assert "3 answers so far" in text_of(faculty.room_status)
    assert marked(faculty, 21) == 3 and marked(faculty, 4) == 1
    seats[0].months[3].value = False  # a participant changes their mind: still one answer
    seats[0].send_button.click()
    faculty.poller.tick()
    assert "3 answers so far" in text_of(faculty.room_status)
    assert marked(faculty, 4) == 0 and marked(faculty, 21) == 3


def test_room_mode_draws_the_rooms_red_bead_chart(store) -> None:
    _shell, faculty = open_exercise(store, "red-beads", FACULTY)
    faculty.open_button.click()
    for identity in teams(store)[:3]:
        _s, seat = open_exercise(store, "red-beads", identity)
        assert seat.mine_box.layout.display == ""
        seat.send_button.click()  # nothing drawn yet: told so, nothing sent
        assert "Draw your paddle first" in seat.alert.text
        for _ in range(2):
            seat.paddle_button.click()
        seat.send_button.click()
    faculty.refresh_room()
    assert "6 paddles from 3 workers" in text_of(faculty.room_text)
    assert faculty.room_chart.children


def test_a_participant_without_an_open_room_sees_no_send_button(store) -> None:
    _shell, seat = open_exercise(store, "good-aim", teams(store)[0])
    assert seat.send_button.layout.display == "none"
    _shell, faculty = open_exercise(store, "good-aim", FACULTY)
    faculty.open_button.click()
    seat.poller.tick()
    assert seat.send_button.layout.display == ""


def test_the_poller_runs_on_the_kernels_event_loop() -> None:
    async def main() -> int:
        seen: list[int] = []
        poller = Poller(lambda: seen.append(1), interval=0.01)
        assert poller.start()
        while len(seen) < 3:
            await asyncio.sleep(0.01)
        poller.stop()
        return poller.ticks

    assert asyncio.run(asyncio.wait_for(main(), timeout=30)) >= 3
    assert not Poller(lambda: None).start()  # no loop: nothing scheduled, tests tick by hand


def test_every_exercise_notebook_is_one_call_and_declares_its_charts() -> None:
    """The template loads BokehJS only for notebooks whose metadata says ``kit.charts``."""
    import json
    from pathlib import Path

    from kit.apps import exercises

    folder = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
    for entry in exercises():
        notebook = json.loads((folder / entry.notebook).read_text(encoding="utf-8"))
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert len(code) == 1 and f'app("{entry.id}")' in "".join(code[0]["source"])
        assert all(not c.get("outputs") for c in code)
        declared = bool(notebook["metadata"].get("kit", {}).get("charts"))
        assert declared == BUILDERS[entry.id][1], entry.notebook
