"""The written side of a synthetic collaborative: PDSA cycles, monthly reports and assessments.

Each is dated from the same answer key as the numbers (:mod:`kit.datasets.simulate`), so a
facilitator who opens a team's chart finds the PDSA cycles that explain its shift, the
report that says what happened when it slipped, and assessment scores that rise with the
data: a traceable chain from change idea to PDSA cycle to chart point. Assessment scores use IHI's 1-5 scale in half points (``kit/content/assessment_scale.yaml``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kit.datasets.simulate import OUTCOME_RAMP, Simulation
from kit.datasets.topics import TopicSpec
from kit.qi import records as r

#: how far a team rates itself above (or below) faculty, and how often (calibration practice)
SELF_GAPS = np.array([-0.5, 0.0, 0.5, 1.0])
SELF_GAP_WEIGHTS = np.array([0.1, 0.35, 0.4, 0.15])


def _day(month: dt.date, day: int) -> dt.date:
    return month.replace(day=day)


def _ideas(topic: TopicSpec) -> tuple[str, str, str, str]:
    lead = next(i for i in topic.change_ideas if i[0] == topic.lead_idea)
    second = next(i for i in topic.change_ideas if i[0] != topic.lead_idea)
    return lead[0], lead[1], second[0], second[1]


def _measure(topic: TopicSpec, kind: str) -> str:
    return next(s.id for s in topic.measures if s.kind == kind)


def pdsa_cycles(
    topic: TopicSpec, sim: Simulation, teams: list[r.Team], prefix: str
) -> list[r.PDSACycle]:
    """Ramps of cycles that end in adoption in the month the team's change takes hold."""
    lead_id, lead_text, second_id, second_text = _ideas(topic)
    process = f"{prefix}{_measure(topic, 'process')}"
    outcome = f"{prefix}{topic.aim_measure}"
    months, ls1 = len(sim.periods), sim.ls1_index
    cycles: list[r.PDSACycle] = []
    truth = sim.truth
    for team, story, change, slip in zip(
        teams,
        truth["story"].tolist(),
        truth["change_index"].tolist(),
        truth["slip_index"].tolist(),
        strict=True,
    ):
        plan: list[tuple[int, int, int, str, str, str, str | None, str, str]] = []
        if story == "never":
            plan.append((ls1 + 1, 8, 1, lead_id, lead_text, process, None, "", ""))
            plan.append(
                (
                    ls1 + 3,
                    12,
                    1,
                    lead_id,
                    lead_text,
                    process,
                    "abandon",
                    "Not completed: two of the three trained nurses left; no data collected.",
                    "Stop for now; raise staffing with the senior leader.",
                )
            )
        else:
            plan += [
                (max(ls1, change - 2), 6, 1, lead_id, lead_text, process, "adapt",
                 "Worked for 3 of 5 patients; the handover was the weak point.",
                 "Adapt: move it into the admission routine and test on two shifts."),
                (max(ls1, change - 1), 10, 7, lead_id, lead_text, process, "adapt",
                 "Worked for 17 of 20; night shift missed it twice.",
                 "Adapt: add it to the night-shift safety brief and test for a week."),
                (change, 4, 14, lead_id, lead_text, process, "adopt",
                 "Done for 19 of 20 across all shifts; the audit shows the same.",
                 "Adopt: this is now how the ward works; audit monthly."),
                (change + 1, 8, 7, second_id, second_text, outcome, "adapt",
                 "Useful but slow to start; staff asked for a shorter version.",
                 "Adapt: shorten it and test again."),
                (change + 2, 8, 14, second_id, second_text, outcome, "adopt",
                 "The shorter version is used every time.",
                 "Adopt, and share the version at the next learning session."),
            ]  # fmt: skip
            if story == "slips":
                plan.append(
                    (slip, 12, 7, lead_id, lead_text, process, "adapt",
                     "New staff had not been shown the change; the audit fell back.",
                     "Adapt: put it into induction for new starters.")
                )  # fmt: skip
        for number, (month, day, length, idea, text, measure, act, study, act_notes) in enumerate(
            plan, start=1
        ):
            if month >= months:
                continue
            start = _day(sim.periods[month], day)
            cycles.append(
                r.PDSACycle(
                    id=f"pdsa-{team.id}-{number}",
                    team_id=team.id,
                    change_idea_id=f"{team.id}-{idea}",
                    title=f"{text}: test {number}",
                    objective=f"Learn whether '{text.lower()}' works on {team.name}",
                    questions="Does it fit the routine? What gets in the way?",
                    prediction="At least 4 in 5 patients will get it",
                    plan_who="The day-to-day leader and two staff",
                    plan_what=text,
                    plan_when=f"{length} day{'s' if length > 1 else ''} from {start:%d %B %Y}",
                    plan_where=team.name,
                    data_plan="Tally sheet of patients who got it",
                    do_notes="Carried out as planned." if study else "",
                    study_notes=study,
                    act=act,  # type: ignore[arg-type]
                    act_notes=act_notes,
                    measure_ids=[measure],
                    start=start,
                    end=start + dt.timedelta(days=length - 1) if study else None,
                )
            )
    return cycles


def assessments(
    sim: Simulation, teams: list[r.Team], advisor: str, rng: np.random.Generator
) -> list[r.Assessment]:
    """Faculty and self scores every month from LS1, rising with the team's data.

    The team's score differs from faculty's by a varying gap, mostly upward, so the
    calibration app has something to show.
    """
    months, ls1 = len(sim.periods), sim.ls1_index
    m = np.arange(ls1, months)
    process = sim.process_progress[:, ls1:]
    outcome = sim.outcome_progress[:, ls1:]
    change = sim.truth["change_index"].to_numpy()
    settled = change + 1 + OUTCOME_RAMP
    sustained = (sim.truth["story"].to_numpy() == "improves")[:, None] & (
        m[None, :] - settled[:, None] >= 6
    )
    started = np.minimum(1.0, (m - ls1 + 1) / 3)[None, :]
    raw = 1.5 + 0.5 * started + process + outcome + 0.5 * sustained
    faculty = np.clip(np.round(raw * 2) / 2, 1.0, 5.0)
    gaps = rng.choice(SELF_GAPS, size=faculty.shape, p=SELF_GAP_WEIGHTS)
    own = np.clip(faculty + gaps, 1.0, 5.0)
    out: list[r.Assessment] = []
    for t, team in enumerate(teams):
        rater = next(
            (x.name for x in team.members if x.role == "day_to_day_leader"), team.members[0].name
        )
        for j, month in enumerate(sim.periods[ls1:]):
            key = f"{month:%Y%m}"
            out.append(
                r.Assessment(
                    id=f"as-{team.id}-f-{key}",
                    team_id=team.id,
                    month=month,
                    score=float(faculty[t, j]),
                    rated_by="faculty",
                    rater=advisor,
                    rated_at=dt.datetime(month.year, month.month, 25, 10, 0, tzinfo=dt.UTC),
                )
            )
            out.append(
                r.Assessment(
                    id=f"as-{team.id}-t-{key}",
                    team_id=team.id,
                    month=month,
                    score=float(own[t, j]),
                    rated_by="team",
                    rater=rater,
                    rated_at=dt.datetime(month.year, month.month, 20, 9, 0, tzinfo=dt.UTC),
                )
            )
    return out


def _report_text(story: str, phase: str, lead: str, second: str) -> dict[str, str]:
    texts = {
        "starting": (
            "Team meeting held; baseline data collected.",
            f"Planning the first test of '{lead}'.",
            "Finding time for the team to meet.",
            f"First PDSA cycle on '{lead}'.",
        ),
        "testing": (
            f"Tests of '{lead}' on one shift, then two.",
            lead,
            "Handover and night shift are hard to reach.",
            "Test on every shift; start the monthly audit.",
        ),
        "adopted": (
            f"'{lead}' adopted on every shift; testing '{second}'.",
            second,
            "Keeping the audit going every month.",
            "Share our version at the next learning session.",
        ),
        "slipping": (
            "The audit has fallen back since several staff changed.",
            f"Re-introducing '{lead}' in induction.",
            "New starters had not been shown the change.",
            "Put the change into induction; re-audit.",
        ),
        "stalled": (
            "Little progress this month.",
            "None completed.",
            "Staffing gaps; the day-to-day leader is covering shifts.",
            "Agree protected time with the senior leader.",
        ),
    }
    done, tested, challenges, plans = texts[phase]
    return {
        "accomplishments": done,
        "changes_tested": tested,
        "challenges": challenges,
        "next_steps": plans,
        "asks": "A call with faculty about data collection." if story == "never" else "",
    }


def monthly_reports(
    topic: TopicSpec,
    sim: Simulation,
    teams: list[r.Team],
    rng: np.random.Generator,
    missing: float,
    overdue: float,
) -> list[r.MonthlyReport]:
    """One report per team per month from LS1: a share never comes, the latest may be a draft."""
    _, lead, _, second = _ideas(topic)
    months, ls1 = len(sim.periods), sim.ls1_index
    span = months - ls1
    absent = rng.random((len(teams), span)) < missing
    absent[:, -1] = False  # the latest month is submitted or a draft (overdue), never absent
    late = rng.random(len(teams)) < overdue
    truth = sim.truth
    out: list[r.MonthlyReport] = []
    for t, team in enumerate(teams):
        story = truth["story"].iat[t]
        change, slip = int(truth["change_index"].iat[t]), int(truth["slip_index"].iat[t])
        for j in range(span):
            if absent[t, j]:
                continue
            month = ls1 + j
            if story == "never":
                phase = "starting" if j < 2 else "stalled"
            elif story == "slips" and month >= slip:
                phase = "slipping"
            elif month >= change:
                phase = "adopted"
            else:
                phase = "testing" if month >= change - 2 else "starting"
            draft = j == span - 1 and bool(late[t])
            text = _report_text(story, phase, lead, second)
            if draft:
                text = {"accomplishments": text["accomplishments"]} | dict.fromkeys(
                    ("changes_tested", "challenges", "next_steps", "asks"), ""
                )
            out.append(
                r.MonthlyReport(
                    id=f"report-{team.id}-{sim.periods[month]:%Y%m}",
                    team_id=team.id,
                    month=sim.periods[month],
                    submitted=not draft,
                    **text,
                )
            )
    return out
