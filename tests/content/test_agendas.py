"""The agenda templates: every variant's blocks add up to the length it states, and every
block is of a known kind, led by a known role and names only apps that exist.

Sources for the structure: IHI, The Breakthrough Series white paper (2003), as cited in
``kit/content/agendas.yaml``.
"""

from __future__ import annotations

from typing import Any

import pytest

import kit.content as content
from kit.errors import KitInputError
from tests.content.names import app_ids, exercise_ids

MEETINGS = ["prework", "ls1", "ls2", "ls3", "congress"]


def _variants() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (meeting, key, variant)
        for meeting, template in content.agendas().items()
        for key, variant in template["variants"].items()
    ]


def test_the_collaborative_meetings_have_agendas_in_order() -> None:
    assert list(content.agendas()) == MEETINGS


@pytest.mark.parametrize("meeting,key,variant", _variants(), ids=lambda v: str(v)[:12])
def test_blocks_add_up_to_the_length_each_agenda_states(
    meeting: str, key: str, variant: dict[str, Any]
) -> None:
    for day in variant["days"]:
        assert sum(block["minutes"] for block in day["blocks"]) == day["minutes"]
    assert sum(day["minutes"] for day in variant["days"]) == variant["length_minutes"]


@pytest.mark.parametrize("meeting", ["ls1", "ls2", "ls3", "congress"])
def test_two_days_by_default_and_a_one_day_variant_that_says_what_it_cuts(meeting: str) -> None:
    template = content.agendas()[meeting]
    default = content.agenda(meeting)
    assert template["default_variant"] == "two_day" and len(default["days"]) == 2
    one_day = content.agenda(meeting, "one_day")
    assert len(one_day["days"]) == 1 and one_day["length_minutes"] < default["length_minutes"]
    assert len(one_day["cuts"]) >= 2 and all(len(cut) > 10 for cut in one_day["cuts"])


def test_every_shorter_variant_says_what_it_cuts() -> None:
    for meeting, key, variant in _variants():
        default = content.agendas()[meeting]["default_variant"]
        if key != default:
            assert variant.get("cuts"), (meeting, key)


def test_blocks_use_known_kinds_and_roles_and_only_apps_that_exist() -> None:
    data = content.load("agendas")
    kinds, roles = set(data["block_kinds"]), set(data["lead_roles"])
    apps, exercises = app_ids(), exercise_ids()
    for meeting, key, variant in _variants():
        for day in variant["days"]:
            assert len(day["starts"]) == 5 and day["starts"][2] == ":"
            for block in day["blocks"]:
                where = (meeting, key, block["title"])
                assert block["kind"] in kinds and block["lead"] in roles, where
                assert isinstance(block["minutes"], int) and block["minutes"] > 0, where
                assert block.get("app", apps and next(iter(apps))) in apps, where
                if "exercise" in block:
                    assert block["exercise"] in exercises, where


def test_learning_sessions_keep_the_elements_of_the_model() -> None:
    for meeting in ["ls1", "ls2", "ls3"]:
        for variant in content.agendas()[meeting]["variants"].values():
            kinds = {b["kind"] for day in variant["days"] for b in day["blocks"]}
            assert {"plenary", "team_time", "storyboard_round", "report_out", "evaluation"} <= kinds


def test_unknown_meetings_and_variants_are_named_in_the_message() -> None:
    with pytest.raises(KitInputError, match="no agenda for 'ls4'"):
        content.agenda("ls4")
    with pytest.raises(KitInputError, match="has no 'three_day' agenda"):
        content.agenda("ls1", "three_day")


def test_the_timetable_runs_from_the_day_start_without_gaps() -> None:
    days = content.agenda_timetable("ls1")
    assert len(days) == 2
    first = days[0]
    assert first[0]["starts"] == "09:00" and first[0]["ends"] == "09:30"
    for before, after in zip(first[:-1], first[1:], strict=True):
        assert before["ends"] == after["starts"]
    assert first[-1]["ends"] == "16:30"
    assert content.agenda_timetable("prework")[0][0]["starts"] == "13:00"


def test_the_timetable_does_not_change_the_shared_templates() -> None:
    content.agenda_timetable("ls2", "one_day")
    assert "starts" not in content.agenda("ls2", "one_day")["days"][0]["blocks"][0]
