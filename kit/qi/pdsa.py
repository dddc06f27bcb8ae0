"""The rules of a PDSA cycle, and the ramps of linked cycles that test a change idea.

Plan states the objective, the questions, a **prediction**, who / what / when / where and the
data to collect; Do runs the test and records what happened; Study compares the result with
the prediction; Act decides to **adopt**, **adapt** or **abandon** and plans the next cycle
(Langley et al., *The Improvement Guide*, 2nd ed., 2009; IHI, "How to Improve: Testing
Changes"). Two rules are what make it learning rather than doing:

- no Do without a prediction (``records.PDSACycle`` refuses it, :func:`record_do` explains);
- no Act without a Study that says whether the prediction held (:func:`record_act`).

Changes are tested in **ramps**: a sequence of cycles that starts small (one patient, one
shift) and grows as confidence grows. "Adapt" starts the next cycle of the ramp
(:func:`next_cycle`), linked to the one before by ``previous_id``; :func:`ramps` gives each
change idea's cycles in order, with their scale, for the ramp view.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from kit.errors import KitInputError
from kit.qi.definitions import Finding
from kit.qi.records import ChangeIdea, PDSACycle, new_id
from kit.qi.validation import friendly_messages

__all__ = [
    "PLAN_FIELDS",
    "SCALES",
    "CycleAnnotation",
    "Ramp",
    "RampStep",
    "check_plan",
    "cycle_annotations",
    "check_study",
    "next_cycle",
    "ramps",
    "record_act",
    "record_do",
    "record_study",
    "scale_label",
    "scale_rank",
    "stage",
]

Stage = Literal["plan", "do", "study", "act", "done"]

#: scales of a test from smallest to largest; a ramp usually climbs them (Langley et al. 2009)
SCALES: dict[str, str] = {
    "one_patient": "One patient",
    "few_patients": "A few patients",
    "one_clinician": "One clinician",
    "one_shift": "One shift",
    "one_day": "One day",
    "one_week": "One week",
    "one_ward": "One ward or clinic",
    "several_wards": "Several wards or clinics",
    "whole_organisation": "The whole organisation",
}

#: the Plan elements, with the question the form asks for each empty one
PLAN_FIELDS: dict[str, str] = {
    "objective": "What is this cycle for? Write its objective.",
    "questions": "What questions should the test answer?",
    "prediction": "What do you predict will happen? Write a prediction you can check.",
    "plan_who": "Who will carry out the test?",
    "plan_what": "What exactly will be done?",
    "plan_when": "When will the test run?",
    "plan_where": "Where will the test run?",
    "data_plan": "What data will you collect to answer the questions?",
    "measure_ids": "Link the measures whose charts should show this cycle.",
}


def scale_rank(scale: str) -> int | None:
    """A scale's position from small (0) to large; ``None`` for a scale the kit does not know."""
    keys = list(SCALES)
    return keys.index(scale) if scale in SCALES else None


def scale_label(scale: str) -> str:
    """A scale in words; a team's own wording is shown as written."""
    return SCALES.get(scale, scale) if scale else "Scale not set"


def stage(cycle: PDSACycle) -> Stage:
    """Where the cycle stands: the next step to fill in, or ``done`` after Act."""
    if cycle.act:
        return "done"
    if cycle.study_notes:
        return "act"
    if cycle.do_notes:
        return "study"
    if cycle.prediction:
        return "do"
    return "plan"


def check_plan(cycle: PDSACycle) -> list[Finding]:
    """The Plan elements still empty, as questions; an empty list means the plan is complete."""
    findings = []
    for name, question in PLAN_FIELDS.items():
        if not getattr(cycle, name):
            findings.append(
                Finding(
                    f"{name}_missing",
                    question,
                    name,
                    "missing" if name == "prediction" else "advice",
                )
            )
    if not cycle.scale:
        findings.append(
            Finding(
                "scale_missing",
                "How big is this test? Start small: one patient or one shift.",
                "scale",
            )
        )
    return findings


def check_study(cycle: PDSACycle) -> list[Finding]:
    """A Study says what happened against the prediction, and whether the prediction held."""
    findings = []
    if not cycle.study_notes:
        findings.append(
            Finding(
                "study_missing",
                "Write what you learned: compare what happened with the prediction "
                f"('{cycle.prediction}').",
                "study_notes",
                "missing",
            )
        )
    if cycle.prediction_held is None:
        findings.append(
            Finding(
                "prediction_held_missing",
                "Say whether the result matched the prediction: yes, partly or no.",
                "prediction_held",
                "missing",
            )
        )
    return findings


def _update(cycle: PDSACycle, **changes: Any) -> PDSACycle:
    try:
        return PDSACycle.model_validate({**cycle.model_dump(), **changes})
    except ValidationError as error:
        raise KitInputError(" ".join(friendly_messages(PDSACycle, error))) from None


def record_do(cycle: PDSACycle, notes: str) -> PDSACycle:
    """The cycle with what happened recorded; refused while there is no prediction."""
    if not cycle.prediction.strip():
        raise KitInputError(
            "Write a prediction in the plan before recording what happened: without one "
            "there is nothing to compare the result with, and nothing to learn."
        )
    if not notes.strip():
        raise KitInputError("Write what happened when you ran the test, including surprises.")
    return _update(cycle, do_notes=notes)


def record_study(
    cycle: PDSACycle, notes: str, prediction_held: Literal["yes", "partly", "no"]
) -> PDSACycle:
    """The cycle with its Study: the comparison with the prediction and whether it held."""
    if not cycle.do_notes:
        raise KitInputError("Record what happened (Do) before studying the result.")
    if not notes.strip():
        raise KitInputError(
            f"Compare what happened with the prediction ('{cycle.prediction}'): what matched, "
            "what did not, and why?"
        )
    return _update(cycle, study_notes=notes, prediction_held=prediction_held)


def record_act(
    cycle: PDSACycle, decision: Literal["adopt", "adapt", "abandon"], notes: str = ""
) -> PDSACycle:
    """The cycle with its Act decision; refused until the Study is complete."""
    problems = check_study(cycle)
    if problems:
        raise KitInputError(
            "Study the result before deciding to adopt, adapt or abandon: "
            + " ".join(p.message for p in problems)
        )
    if decision == "adapt" and not notes.strip():
        raise KitInputError("Say what you will change for the next cycle.")
    return _update(cycle, act=decision, act_notes=notes)


def next_cycle(
    cycle: PDSACycle,
    *,
    title: str | None = None,
    scale: str | None = None,
    start: dt.date | None = None,
) -> PDSACycle:
    """The next planned cycle of the ramp after "adapt" (or "adopt", to test at a larger scale).

    It keeps the change idea, team, linked measures, who, where and data plan, takes the
    Act notes as its "what", and starts with an empty prediction: each cycle needs its own.
    """
    if cycle.act not in ("adapt", "adopt"):
        reason = (
            "was abandoned; start a new ramp from another change idea"
            if cycle.act == "abandon"
            else "has no Act decision yet"
        )
        raise KitInputError(f"'{cycle.title}' {reason}.")
    return PDSACycle(
        id=new_id(),
        team_id=cycle.team_id,
        change_idea_id=cycle.change_idea_id,
        title=title or _next_title(cycle.title),
        objective=cycle.objective,
        questions=cycle.questions,
        plan_who=cycle.plan_who,
        plan_what=cycle.act_notes,
        plan_where=cycle.plan_where,
        data_plan=cycle.data_plan,
        measure_ids=list(cycle.measure_ids),
        scale=scale if scale is not None else cycle.scale,
        previous_id=cycle.id,
        start=start,
    )


def _next_title(title: str) -> str:
    """ "Checklist" -> "Checklist (cycle 2)" -> "Checklist (cycle 3)"."""
    match = re.search(r" \(cycle (\d+)\)$", title)
    number = int(match[1]) + 1 if match else 2
    base = title[: match.start()] if match else title
    suffix = f" (cycle {number})"
    return base[: 200 - len(suffix)] + suffix


# --- ramps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RampStep:
    """One cycle as the ramp view draws it."""

    cycle_id: str
    title: str
    start: dt.date | None
    end: dt.date | None
    scale: str
    scale_label: str
    scale_rank: int | None
    stage: Stage
    act: str | None
    previous_id: str | None


@dataclass(frozen=True)
class Ramp:
    """A change idea's cycles in the order they were run; ``change_idea_id`` ``None`` collects
    cycles not linked to any change idea."""

    change_idea_id: str | None
    label: str
    steps: tuple[RampStep, ...]

    @property
    def grew(self) -> bool:
        """Whether the ramp reached a larger scale than it started at."""
        ranks = [s.scale_rank for s in self.steps if s.scale_rank is not None]
        return len(ranks) > 1 and max(ranks) > ranks[0]


def _chain_order(cycles: list[PDSACycle]) -> list[PDSACycle]:
    """Follow ``previous_id`` links where they exist; otherwise order by start date."""
    by_id = {c.id: c for c in cycles}

    def depth(cycle: PDSACycle) -> int:
        steps, seen = 0, {cycle.id}
        while cycle.previous_id in by_id and cycle.previous_id not in seen:
            cycle = by_id[cycle.previous_id]
            seen.add(cycle.id)
            steps += 1
        return steps

    def start(cycle: PDSACycle) -> dt.date:
        return cycle.start or dt.date.max

    return sorted(cycles, key=lambda c: (start(c), depth(c), c.title))


def ramps(cycles: Iterable[PDSACycle], change_ideas: Iterable[ChangeIdea] = ()) -> list[Ramp]:
    """Each change idea's cycles over time, in the driver diagram's order of change ideas.

    Change ideas with no cycles are left out; cycles whose change idea is unknown or unset
    come last under "Not linked to a change idea".
    """
    ideas = {i.id: i.text for i in change_ideas}
    grouped: dict[str | None, list[PDSACycle]] = {}
    for c in cycles:
        key = c.change_idea_id if c.change_idea_id in ideas else None
        grouped.setdefault(key, []).append(c)
    order = [i for i in ideas if i in grouped] + ([None] if None in grouped else [])
    result = []
    for key in order:
        steps = tuple(
            RampStep(
                cycle_id=c.id,
                title=c.title,
                start=c.start,
                end=c.end,
                scale=c.scale,
                scale_label=scale_label(c.scale),
                scale_rank=scale_rank(c.scale),
                stage=stage(c),
                act=c.act,
                previous_id=c.previous_id,
            )
            for c in _chain_order(grouped[key])
        )
        label = ideas[key] if key is not None else "Not linked to a change idea"
        result.append(Ramp(key, label, steps))
    return result


# --- chart annotations ----------------------------------------------------------------------


@dataclass(frozen=True)
class CycleAnnotation:
    """A cycle as a mark on a linked measure's chart: where it goes and what it says."""

    cycle_id: str
    day: dt.date
    end: dt.date | None
    label: str
    stage: Stage
    act: str | None


def cycle_annotations(cycles: Iterable[PDSACycle], measure_id: str) -> list[CycleAnnotation]:
    """The cycles linked to one measure, in date order, for its chart.

    A cycle is placed at its start date; one not yet dated has no place on a time axis and is
    left out (the ramp view still shows it).
    """
    marks = []
    for c in cycles:
        if measure_id not in c.measure_ids or c.start is None:
            continue
        decision = f" - {c.act}" if c.act else ""
        scale = f" ({scale_label(c.scale).lower()})" if c.scale else ""
        marks.append(
            CycleAnnotation(
                cycle_id=c.id,
                day=c.start,
                end=c.end,
                label=f"PDSA: {c.title}{scale}{decision}",
                stage=stage(c),
                act=c.act,
            )
        )
    return sorted(marks, key=lambda a: (a.day, a.label))
