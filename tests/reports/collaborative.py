"""A small synthetic collaborative for the dashboard, presenter and report tests.

Deterministic for a seed; some teams improve after their change month (the process measure
first), the rest do not. The benchmark (``tests/benchmarks/bench_reports.py``) builds the
100-team version with the same function.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kit.qi import records as r
from kit.qi.dashboard import CollaborativeRecords

COLLABORATIVE_ID = "collab-test"
PRIMARY = ("Reliable risk assessment", "Safe environment", "Engaged patients and families")
SECONDARY = {
    0: ("Assessment on admission", "Reassess after a fall"),
    1: ("Clear floors and call bells in reach",),
    2: ("Teach-back with patients",),
}


def month(start: dt.date, k: int) -> dt.date:
    m = start.month - 1 + k
    return dt.date(start.year + m // 12, m % 12 + 1, 1)


def collaborative(start: dt.date) -> r.Collaborative:
    return r.Collaborative(
        id=COLLABORATIVE_ID,
        name="Test Falls Collaborative",
        topic="Falls",
        aim="Fewer falls with harm",
        timeline=[
            r.Milestone(kind="learning_session", number=1, start=start, end=start),
            r.Milestone(
                kind="action_period", number=1, start=start + dt.timedelta(days=1),
                end=month(start, 40),
            ),
        ],
    )  # fmt: skip


def diagram(team_id: str, stuck_driver: int | None) -> r.DriverDiagram:
    primaries = [r.PrimaryDriver(id=f"{team_id}-p{i}", text=t) for i, t in enumerate(PRIMARY)]
    secondaries, ideas = [], []
    for i, texts in SECONDARY.items():
        for j, text in enumerate(texts):
            sid = f"{team_id}-s{i}{j}"
            secondaries.append(
                r.SecondaryDriver(id=sid, text=text, primary_ids=[f"{team_id}-p{i}"])
            )
            ideas.append(
                r.ChangeIdea(id=f"{team_id}-c{i}{j}", text=f"Test: {text}", secondary_ids=[sid])
            )
    return r.DriverDiagram(
        id=f"{team_id}-dd", collaborative_id=COLLABORATIVE_ID, team_id=team_id,
        aim_text="Reduce falls", primary_drivers=primaries, secondary_drivers=secondaries,
        change_ideas=ideas,
    )  # fmt: skip


def make_records(
    teams: int = 6,
    months: int = 24,
    *,
    seed: int = 1,
    start: dt.date = dt.date(2024, 1, 1),
    names: list[str] | None = None,
) -> CollaborativeRecords:
    """``teams`` teams with ``months`` months of data on three measures; even-numbered teams
    improve from month ``months // 2``, odd ones stay flat and are "stuck" on driver 0."""
    rng = np.random.default_rng(seed)
    collab = collaborative(start)
    measures = (
        r.Measure(
            id="m-falls", collaborative_id=COLLABORATIVE_ID, name="Falls per 1,000 patient-days",
            measure_kind="outcome", has_denominator=True, unit="per 1,000 patient-days",
            direction="down", chart="u", multiply=1000,
        ),
        r.Measure(
            id="m-assess", collaborative_id=COLLABORATIVE_ID, name="Risk assessment within 24 h",
            measure_kind="process", has_denominator=True, unit="%", direction="up", chart="p",
            multiply=100,
        ),
        r.Measure(
            id="m-restraint", collaborative_id=COLLABORATIVE_ID, name="Restraint use",
            measure_kind="balancing", unit="days", direction="down", chart="i",
        ),
    )  # fmt: skip
    team_list, aims, diagrams, cycles, scores, reports, rows = [], [], [], [], [], [], []
    change = months // 2
    for t in range(teams):
        tid = f"team-{t:03d}"
        name = names[t] if names and t < len(names) else f"Ward {t + 1}"
        team_list.append(
            r.Team(
                id=tid,
                collaborative_id=COLLABORATIVE_ID,
                name=name,
                organisation=f"Hospital {t % 7}",
            )
        )
        improves = t % 2 == 0
        if t % 5 != 4:  # every fifth team has no aim yet
            aims.append(
                r.Aim(
                    id=f"{tid}-aim", team_id=tid, what="falls per 1,000 patient-days",
                    for_whom="adult inpatients", where=f"{name}", baseline=4.0, target=2.5,
                    direction="down", unit="per 1,000 patient-days",
                    by_when=month(start, months + 6),
                )
            )  # fmt: skip
        diagrams.append(diagram(tid, None if improves else 0))
        for k in range(months):
            day = month(start, k)
            after = improves and k >= change
            days = int(rng.integers(600, 900))
            falls = int(rng.poisson(days * (0.0022 if after else 0.0045)))
            n = int(rng.integers(30, 60))
            assessed = int(rng.binomial(n, 0.9 if after else 0.55))
            rows.append(("m-falls", tid, day, np.nan, falls, days))
            rows.append(("m-assess", tid, day, np.nan, assessed, n))
            rows.append(("m-restraint", tid, day, float(rng.normal(10, 2)), np.nan, np.nan))
        idea = f"{tid}-c00" if improves else f"{tid}-c10"
        first = r.PDSACycle(
            id=f"{tid}-pdsa1",
            team_id=tid,
            change_idea_id=idea,
            title="Assessment card on one ward",
            prediction="Most patients assessed",
            do_notes="Done",
            study_notes="80% assessed",
            act="adapt" if not improves else "adopt",
            measure_ids=["m-assess"],
            start=month(start, change - 1),
            scale="one_ward",
        )
        cycles.append(first)
        if improves:
            cycles.append(
                r.PDSACycle(
                    id=f"{tid}-pdsa2",
                    team_id=tid,
                    change_idea_id=idea,
                    title="Card on all wards",
                    prediction="90% assessed",
                    measure_ids=["m-assess", "m-falls"],
                    start=month(start, change + 1),
                    scale="several_wards",
                    previous_id=first.id,
                )
            )
        if t % 4 == 0:  # teams 0, 4, 8, ... also made the environment work
            cycles.append(
                r.PDSACycle(
                    id=f"{tid}-pdsa3", team_id=tid, change_idea_id=f"{tid}-c10",
                    title="Call bell check at handover", prediction="Bells in reach",
                    do_notes="Done", study_notes="Worked", act="adopt",
                    start=month(start, change + 2), scale="one_ward",
                )
            )  # fmt: skip
        last = month(start, months - 1)
        scores.append(
            r.Assessment(
                team_id=tid,
                month=last,
                score=4.0 if improves else 2.5,
                rated_by="faculty",
                rater="Tom Reilly",
                rated_at=dt.datetime(2026, 1, 5, 10, 0),
            )
        )
        scores.append(
            r.Assessment(
                team_id=tid,
                month=last,
                score=4.0 if improves else 3.5,
                rated_by="team",
                rater="Day lead",
                rated_at=dt.datetime(2026, 1, 4, 9, 0),
            )
        )
        for k in range(months - (0 if t % 3 else 3)):  # every third team is 3 reports behind
            reports.append(
                r.MonthlyReport(
                    team_id=tid, month=month(start, k), accomplishments="a", changes_tested="c",
                    learned="Asking on admission works" if improves else "Hard to start",
                    challenges="none", next_steps="n", asks="none", submitted=True,
                    submitted_at=dt.datetime.combine(month(start, k + 1), dt.time(9)),
                )
            )  # fmt: skip
    obs = pd.DataFrame(
        rows, columns=["measure_id", "team_id", "period", "value", "numerator", "denominator"]
    )
    obs["period"] = pd.to_datetime(obs["period"])
    return CollaborativeRecords(
        collaborative=collab, teams=tuple(team_list), aims=tuple(aims), diagrams=tuple(diagrams),
        measures=measures, observations=obs, cycles=tuple(cycles), assessments=tuple(scores),
        reports=tuple(reports),
    )  # fmt: skip


def into_store(records: CollaborativeRecords, store) -> None:
    """Put the records into a store through its public API, as the kit's import does."""
    from kit.store import Actor

    items: list[tuple[r.Record, int]] = [(records.collaborative, 1)]
    items += [(x, 1) for x in (*records.teams, *records.measures, *records.aims, *records.diagrams)]
    items += [(x, 1) for x in (*records.cycles, *records.assessments, *records.reports)]
    for row in records.observations.itertuples(index=False):
        fraction = not np.isnan(row.denominator)
        items.append(
            (
                r.Observation(
                    measure_id=row.measure_id, team_id=row.team_id, period=row.period.date(),
                    value=None if fraction else float(row.value),
                    numerator=float(row.numerator) if fraction else None,
                    denominator=float(row.denominator) if fraction else None,
                ),
                1,
            )
        )  # fmt: skip
    store.import_records(items, Actor.system("tests"))
