"""Set-up advice: team rosters and the collaborative's timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.qi.records import Collaborative, Member, Milestone, Team
from kit.qi.team import enrolment_warnings, roster_warnings, timeline_warnings

D = dt.date


def team(*roles: str, name: str = "Riverside") -> Team:
    members = [Member(name=f"Person {i}", role=role) for i, role in enumerate(roles)]
    return Team(collaborative_id="c", name=name, members=members)


FULL = ("senior_leader", "technical_expert", "day_to_day_leader", "patient_partner")


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (FULL, []),
        ((), ["has no members yet"]),
        (
            ("technical_expert", "day_to_day_leader", "patient_partner"),
            ["no senior leader (system leadership) yet"],
        ),
        (
            ("member", "member", "member", "patient_partner"),
            ["no senior leader (system leadership), technical expert or day-to-day leader"],
        ),
        (
            ("senior_leader", "technical_expert", "day_to_day_leader"),
            ["patient or lived-experience partner"],
        ),
        (
            ("senior_leader", "patient_partner"),
            ["no technical expert or day-to-day leader", "has 2 members"],
        ),
    ],
)
def test_roster_warnings(roles: tuple[str, ...], expected: list[str]) -> None:
    warnings = roster_warnings(team(*roles))
    assert len(warnings) == len(expected), warnings
    for words in expected:
        assert any(words in w for w in warnings), (words, warnings)


def test_duplicate_member_names_are_flagged() -> None:
    t = team(*FULL)
    t = t.model_copy(update={"members": [*t.members, Member(name="person 0", role="member")]})
    assert any("more than once" in w for w in roster_warnings(t))


def test_enrolment_warnings_only_lists_teams_with_advice() -> None:
    good, bad = team(*FULL, name="Good"), team("member", name="Bad")
    assert set(enrolment_warnings([good, bad])) == {bad.id}


def ms(kind: str, start: dt.date, end: dt.date, number: int | None = None) -> Milestone:
    return Milestone(kind=kind, number=number, start=start, end=end)


def standard_timeline() -> list[Milestone]:
    return [
        ms("prework", D(2027, 1, 4), D(2027, 2, 28)),
        ms("learning_session", D(2027, 3, 1), D(2027, 3, 2), 1),
        ms("action_period", D(2027, 3, 2), D(2027, 6, 1), 1),
        ms("learning_session", D(2027, 6, 1), D(2027, 6, 2), 2),
        ms("action_period", D(2027, 6, 2), D(2027, 9, 7), 2),
        ms("learning_session", D(2027, 9, 7), D(2027, 9, 8), 3),
        ms("action_period", D(2027, 9, 8), D(2028, 1, 10), 3),
        ms("closing_congress", D(2028, 1, 11), D(2028, 1, 11)),
    ]


def collab(timeline: list[Milestone]) -> Collaborative:
    return Collaborative(name="Falls collaborative", timeline=timeline)


def without(label: str) -> list[Milestone]:
    return [m for m in standard_timeline() if m.label != label]


@pytest.mark.parametrize(
    ("timeline", "expected"),
    [
        (standard_timeline(), []),
        ([], ["timeline is empty"]),
        (
            without("Learning Session 3")[:-3]
            + [ms("closing_congress", D(2027, 9, 8), D(2027, 9, 8))],
            ["has 2 learning sessions"],
        ),
        (
            [
                m
                if m.label != "Learning Session 2"
                else ms("learning_session", D(2027, 6, 1), D(2027, 6, 1), 2)
                for m in standard_timeline()
            ],
            ["Learning Session 2 lasts 1 day; two days is standard"],
        ),
        (
            without("Action Period 1"),
            ["no action period between Learning Session 1 and Learning Session 2"],
        ),
        (without("Prework"), ["Add the prework"]),
        (without("Closing congress"), ["Add the closing congress"]),
        (
            [
                ms("learning_session", D(2027, 3, 1), D(2027, 3, 2), 1),
                ms("action_period", D(2027, 3, 2), D(2027, 4, 1), 1),
                ms("learning_session", D(2027, 4, 1), D(2027, 4, 2), 2),
                ms("action_period", D(2027, 4, 2), D(2027, 5, 1), 2),
                ms("learning_session", D(2027, 5, 3), D(2027, 5, 4), 3),
                ms("closing_congress", D(2027, 6, 1), D(2027, 6, 1)),
                ms("prework", D(2027, 1, 4), D(2027, 2, 28)),
            ],
            ["spans about 3 months"],
        ),
        (
            [ms("action_period", D(2026, 12, 1), D(2026, 12, 20), 9), *standard_timeline()[1:]],
            ["Action Period 9 starts before any learning session", "Add the prework"],
        ),
    ],
)
def test_timeline_warnings(timeline: list[Milestone], expected: list[str]) -> None:
    warnings = timeline_warnings(collab(timeline))
    assert len(warnings) == len(expected), warnings
    for words in expected:
        assert any(words in w for w in warnings), (words, warnings)


def test_timeline_thresholds_are_parameters() -> None:
    one_day = [
        m if m.kind != "learning_session" else ms("learning_session", m.start, m.start, m.number)
        for m in standard_timeline()
    ]
    assert len(timeline_warnings(collab(one_day))) == 3
    assert timeline_warnings(collab(one_day), min_session_days=1) == []
