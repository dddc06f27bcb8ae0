"""The demo collaborative: a small, hand-made falls-prevention collaborative of three teams.

It exists so that a facilitator who has just installed the kit sees real-looking work in every
app: a charter and timeline, a topic vote, aims, a change package and team driver diagrams,
a family of measures with a year of monthly data, PDSA cycles and assessments. The numbers are
shaped like published falls work (NDNQI medical units about 4 falls per 1,000 patient-days;
falls collaboratives report roughly 20-40% fewer falls), with staggered change dates and one
team that does not improve, because that is what real collaboratives look like
(Schouten et al., BMJ 2008).

``build_demo()`` returns the records; ``datasets/demo-collaborative.json`` is its workbook,
regenerated with ``python -m kit.demo datasets/demo-collaborative.json``.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np

from kit.qi import records as r

COLLABORATIVE_ID = "demo-falls"
FACILITATOR_PASSCODE = "demo-facilitator"
JOIN_CODES = {
    "team-riverside": "RIV-2026",
    "team-northfield": "NOR-2026",
    "team-stanne": "ANN-2026",
}


def _month(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _change_package() -> r.DriverDiagram:
    p = [
        r.PrimaryDriver(id="pd-risk", text="Every patient's falls risk is known and acted on"),
        r.PrimaryDriver(id="pd-env", text="A safe ward environment"),
        r.PrimaryDriver(id="pd-culture", text="A team culture that learns from every fall"),
    ]
    s = [
        r.SecondaryDriver(
            id="sd-assess", text="Risk assessed within 24 hours", primary_ids=["pd-risk"]
        ),
        r.SecondaryDriver(
            id="sd-meds", text="Medicines that raise falls risk reviewed", primary_ids=["pd-risk"]
        ),
        r.SecondaryDriver(
            id="sd-toilet", text="Planned help with toileting", primary_ids=["pd-risk", "pd-env"]
        ),
        r.SecondaryDriver(
            id="sd-kit", text="Call bell, glasses and footwear in reach", primary_ids=["pd-env"]
        ),
        r.SecondaryDriver(
            id="sd-huddle", text="Post-fall huddle within the shift", primary_ids=["pd-culture"]
        ),
    ]
    c = [
        r.ChangeIdea(
            id="ci-checklist",
            text="Admission falls checklist in the nursing notes",
            secondary_ids=["sd-assess"],
            change_concept="use_reminders",
            origin="package",
        ),
        r.ChangeIdea(
            id="ci-pharm",
            text="Pharmacist review of sedatives for high-risk patients",
            secondary_ids=["sd-meds"],
            change_concept="standardize",
            origin="package",
        ),
        r.ChangeIdea(
            id="ci-rounding",
            text="Hourly intentional rounding with the 4 Ps",
            secondary_ids=["sd-toilet", "sd-kit"],
            change_concept="standardize",
            origin="package",
        ),
        r.ChangeIdea(
            id="ci-socks",
            text="Non-slip socks kept at every bed space",
            secondary_ids=["sd-kit"],
            change_concept="use_constraints",
            origin="package",
        ),
        r.ChangeIdea(
            id="ci-huddle",
            text="Five-minute post-fall huddle form",
            secondary_ids=["sd-huddle"],
            change_concept="use_reminders",
            origin="package",
        ),
    ]
    return r.DriverDiagram(
        id="dd-package",
        collaborative_id=COLLABORATIVE_ID,
        team_id=None,
        aim_text="Reduce falls with harm on adult inpatient wards by 30% within 12 months",
        primary_drivers=p,
        secondary_drivers=s,
        change_ideas=c,
    )


def _team_diagram(
    package: r.DriverDiagram, team_id: str, aim_text: str, extra: str
) -> r.DriverDiagram:
    ideas = [
        idea.model_copy(update={"id": f"{team_id}-{idea.id}"}) for idea in package.change_ideas
    ]
    ideas.append(
        r.ChangeIdea(id=f"{team_id}-ci-own", text=extra, secondary_ids=["sd-kit"], origin="team")
    )
    return package.model_copy(
        update={
            "id": f"dd-{team_id}",
            "team_id": team_id,
            "aim_text": aim_text,
            "change_ideas": ideas,
        }
    )


# Each team's story: patient-days a month, baseline falls rate per 1,000 patient-days, the
# month (0-based) their main change took hold, the rate after it, and the risk-assessment
# compliance before and after.
_TEAMS = [
    (
        "team-riverside",
        "Riverside General, Ward 7",
        "Riverside NHS Trust",
        900,
        4.1,
        4,
        2.6,
        0.55,
        0.90,
    ),
    (
        "team-northfield",
        "Northfield Community Hospital",
        "Northfield Health",
        620,
        3.6,
        7,
        2.7,
        0.48,
        0.80,
    ),
    ("team-stanne", "St Anne's Medical Unit", "St Anne's Hospital", 750, 3.9, 12, 3.9, 0.60, 0.66),
]


def build_demo(seed: int = 20260101) -> dict[str, list[r.Record]]:
    """Every record of the demo collaborative, by kind, deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    collab = r.Collaborative(
        id=COLLABORATIVE_ID,
        name="Safer Wards Falls Collaborative",
        topic="Preventing inpatient falls with harm on adult wards",
        aim="Reduce falls with harm on participating adult inpatient wards by 30% by March 2027",
        sponsor="Regional Patient Safety Collaborative",
        faculty=[
            r.FacultyMember(name="Dr Amina Patel", role="chair"),
            r.FacultyMember(name="Prof. Lars Jensen", role="expert"),
            r.FacultyMember(name="Grace Owusu", role="expert"),
            r.FacultyMember(name="Tom Reilly", role="improvement_advisor"),
            r.FacultyMember(name="Mei Chen", role="director"),
        ],
        timeline=[
            r.Milestone(kind="prework", start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 31)),
            r.Milestone(
                kind="learning_session",
                number=1,
                start=dt.date(2026, 2, 3),
                end=dt.date(2026, 2, 4),
            ),
            r.Milestone(
                kind="action_period", number=1, start=dt.date(2026, 2, 5), end=dt.date(2026, 5, 31)
            ),
            r.Milestone(
                kind="learning_session",
                number=2,
                start=dt.date(2026, 6, 2),
                end=dt.date(2026, 6, 3),
            ),
            r.Milestone(
                kind="action_period", number=2, start=dt.date(2026, 6, 4), end=dt.date(2026, 9, 30)
            ),
            r.Milestone(
                kind="learning_session",
                number=3,
                start=dt.date(2026, 10, 6),
                end=dt.date(2026, 10, 7),
            ),
            r.Milestone(
                kind="action_period", number=3, start=dt.date(2026, 10, 8), end=dt.date(2027, 2, 28)
            ),
            r.Milestone(
                kind="closing_congress", start=dt.date(2027, 3, 16), end=dt.date(2027, 3, 16)
            ),
        ],
    )
    selection = r.TopicSelection(
        id="topic-selection",
        collaborative_id=COLLABORATIVE_ID,
        criteria=[
            r.Criterion(key="gap", label="Gap between evidence and practice", weight=2),
            r.Criterion(key="better_performers", label="Better performers exist", weight=1),
            r.Criterion(
                key="buildable", label="Change package and measures can be built", weight=1.5
            ),
            r.Criterion(
                key="shared_problem", label="Enough organisations share the problem", weight=1
            ),
            r.Criterion(key="belief", label="Degree of belief that the changes work", weight=2),
        ],
    )
    candidates = [
        r.TopicCandidate(
            id="topic-falls",
            collaborative_id=COLLABORATIVE_ID,
            title="Inpatient falls",
            description="Falls with harm on adult wards",
        ),
        r.TopicCandidate(
            id="topic-sepsis",
            collaborative_id=COLLABORATIVE_ID,
            title="Sepsis recognition",
            description="Timely recognition and treatment of sepsis",
        ),
        r.TopicCandidate(
            id="topic-delirium",
            collaborative_id=COLLABORATIVE_ID,
            title="Delirium prevention",
            description="Preventing delirium in older inpatients",
        ),
    ]
    leaning = {"topic-falls": 4.3, "topic-sepsis": 3.9, "topic-delirium": 2.8}
    ballots = []
    for i, voter in enumerate(["Amina", "Lars", "Grace", "Tom", "Mei", "Sam", "Priya"]):
        scores = {
            cand: {
                c.key: int(
                    np.clip(
                        round(
                            mean
                            + rng.normal(0, 0.7)
                            - (0.8 if c.key == "belief" and cand == "topic-delirium" else 0)
                        ),
                        1,
                        5,
                    )
                )
                for c in selection.criteria
            }
            for cand, mean in leaning.items()
        }
        ballots.append(
            r.TopicBallot(
                id=f"ballot-{i + 1}", collaborative_id=COLLABORATIVE_ID, voter=voter, scores=scores
            )
        )

    package = _change_package()
    measures = [
        r.Measure(
            id="m-falls",
            collaborative_id=COLLABORATIVE_ID,
            name="Falls per 1,000 patient-days",
            measure_kind="outcome",
            unit="falls per 1,000 patient-days",
            has_denominator=True,
            direction="down",
            chart="u",
            multiply=1000,
            driver_id=None,
            definition=r.OperationalDefinition(
                numerator="Inpatient falls reported in the incident system in the month",
                denominator="Occupied bed-days (patient-days) in the month",
                inclusions="Adults on the participating ward",
                exclusions="Day-case patients",
                data_source="Incident reporting system; bed management system",
                sampling="All falls",
                frequency="monthly",
            ),
        ),
        r.Measure(
            id="m-assess",
            collaborative_id=COLLABORATIVE_ID,
            name="Falls risk assessed within 24 hours",
            measure_kind="process",
            unit="% of sampled patients",
            has_denominator=True,
            direction="up",
            chart="p",
            multiply=100,
            driver_id="pd-risk",
            definition=r.OperationalDefinition(
                numerator="Sampled patients with a completed falls risk assessment within 24 hours of admission",
                denominator="Patients sampled (20 random admissions a month)",
                inclusions="Adults admitted to the ward",
                exclusions="Stays under 24 hours",
                data_source="Nursing notes audit",
                sampling="20 random admissions a month",
                frequency="monthly",
            ),
        ),
        r.Measure(
            id="m-restraint",
            collaborative_id=COLLABORATIVE_ID,
            name="Patients with bed rails or restraint",
            measure_kind="balancing",
            unit="% of sampled patients",
            has_denominator=True,
            direction="down",
            chart="p",
            multiply=100,
            definition=r.OperationalDefinition(
                numerator="Sampled patients with bed rails raised or any restraint on the audit day",
                denominator="Patients sampled on the audit day",
                data_source="Monthly point-prevalence audit",
                sampling="All patients on one day",
                frequency="monthly",
            ),
        ),
    ]
    teams, aims, diagrams, observations, cycles, assessments, reports = [], [], [], [], [], [], []
    members = [
        ("Dr Helen Brooks", "senior_leader"),
        ("Omar Haddad", "technical_expert"),
        ("Jo Williams", "day_to_day_leader"),
        ("Ruth Adeyemi", "patient_partner"),
    ]
    start = (2026, 1)
    for k, (tid, name, org, pdays, rate0, change_at, rate1, comp0, comp1) in enumerate(_TEAMS):
        team_members = [r.Member(name=f"{n} ({name.split()[0]})", role=role) for n, role in members]
        if tid == "team-stanne":
            team_members = team_members[:2]  # no day-to-day leader yet: the roster warns
        teams.append(
            r.Team(
                id=tid,
                collaborative_id=COLLABORATIVE_ID,
                name=name,
                organisation=org,
                members=team_members,
            )
        )
        aim_target = round(rate0 * 0.7, 1)
        aim = r.Aim(
            id=f"aim-{tid}",
            team_id=tid,
            what="falls per 1,000 patient-days",
            for_whom="adult inpatients",
            where=name,
            measure_id="m-falls",
            baseline=rate0,
            target=aim_target,
            unit="falls per 1,000 patient-days",
            direction="down",
            baseline_period_end=dt.date(2026, 1, 31),
            by_when=dt.date(2027, 2, 28),
        )
        aims.append(aim)
        diagrams.append(
            _team_diagram(
                package,
                tid,
                f"Reduce falls on {name} from {rate0} to {aim_target} per 1,000 patient-days by February 2027",
                "Falls-risk symbol on the patient board",
            )
        )
        for m in range(12):
            period = _month(start[0], start[1] + m)
            improved = m >= change_at
            days = int(pdays * (1 + rng.normal(0, 0.05)))
            season = 1 + 0.12 * math.cos(2 * math.pi * m / 12)  # more falls in winter
            rate = (rate1 if improved else rate0) * season
            falls = int(rng.poisson(rate * days / 1000))
            observations.append(
                r.Observation(
                    id=f"o-{tid}-falls-{m}",
                    measure_id="m-falls",
                    team_id=tid,
                    period=period,
                    numerator=falls,
                    denominator=days,
                )
            )
            ramp = min(1.0, max(0.0, (m - change_at + 3) / 3)) if tid != "team-stanne" else 0.0
            p = comp0 + (comp1 - comp0) * ramp
            observations.append(
                r.Observation(
                    id=f"o-{tid}-assess-{m}",
                    measure_id="m-assess",
                    team_id=tid,
                    period=period,
                    numerator=int(rng.binomial(20, p)),
                    denominator=20,
                )
            )
            beds = int(rng.integers(24, 30))
            observations.append(
                r.Observation(
                    id=f"o-{tid}-restraint-{m}",
                    measure_id="m-restraint",
                    team_id=tid,
                    period=period,
                    numerator=int(rng.binomial(beds, 0.12)),
                    denominator=beds,
                )
            )
        cycle_start = _month(start[0], start[1] + max(1, change_at - 2))
        cycles.append(
            r.PDSACycle(
                id=f"pdsa-{tid}-1",
                team_id=tid,
                change_idea_id=f"{tid}-ci-checklist",
                title="Admission falls checklist, one nurse, one shift",
                objective="See whether the checklist fits the admission routine",
                prediction="At least 4 of 5 admissions will have the checklist completed",
                plan_who="Day-to-day leader and one staff nurse",
                plan_what="Use the checklist for every admission",
                plan_when="One early shift",
                plan_where=name,
                data_plan="Tally of admissions with a completed checklist",
                do_notes="5 admissions; checklist done for 3; two admissions arrived at handover",
                study_notes="3 of 5, below the prediction: handover is the weak point",
                act="adapt",
                act_notes="Move the checklist to the admission pack and test on two shifts",
                measure_ids=["m-assess"],
                start=cycle_start,
                end=cycle_start + dt.timedelta(days=1),
            )
        )
        cycles.append(
            r.PDSACycle(
                id=f"pdsa-{tid}-2",
                team_id=tid,
                change_idea_id=f"{tid}-ci-checklist",
                title="Checklist in the admission pack, two shifts",
                objective="Test the adapted checklist across handover",
                prediction="9 of 10 admissions completed",
                plan_who="Two staff nurses",
                plan_what="Checklist in the admission pack",
                plan_when="Early and late shift",
                plan_where=name,
                data_plan="Tally of admissions with a completed checklist",
                measure_ids=["m-assess"],
                start=cycle_start + dt.timedelta(days=7),
            )
        )
        for m in range(2, 12, 3):
            month = _month(start[0], start[1] + m)
            base = 2.0 + (1.5 if m >= change_at else 0.5 * (m / 12))
            score = min(5.0, round(base * 2) / 2)
            assessments.append(
                r.Assessment(
                    id=f"as-{tid}-f-{m}",
                    team_id=tid,
                    month=month,
                    score=score,
                    rated_by="faculty",
                    rater="Tom Reilly",
                    rated_at=dt.datetime(month.year, month.month, 20, 10, 0, tzinfo=dt.UTC),
                )
            )
            assessments.append(
                r.Assessment(
                    id=f"as-{tid}-t-{m}",
                    team_id=tid,
                    month=month,
                    score=min(5.0, score + 0.5),
                    rated_by="team",
                    rater=team_members[0].name,
                    rated_at=dt.datetime(month.year, month.month, 18, 9, 0, tzinfo=dt.UTC),
                )
            )
        reports.append(
            r.MonthlyReport(
                id=f"report-{tid}-1",
                team_id=tid,
                month=_month(2026, 3),
                accomplishments="Team formed; baseline collected; first PDSA on the checklist",
                changes_tested="Admission falls checklist",
                challenges="Admissions at handover",
                next_steps="Test on two shifts",
                asks="Examples of post-fall huddle forms",
                submitted=True,
            )
        )
        del k
    return {
        "collaborative": [collab],
        "topic_selection": [selection],
        "topic_candidate": candidates,
        "topic_ballot": ballots,
        "team": teams,
        "driver_diagram": [package, *diagrams],
        "measure": measures,
        "aim": aims,
        "observation": observations,
        "pdsa_cycle": cycles,
        "assessment": assessments,
        "monthly_report": reports,
    }


def write_demo_workbook(path: str) -> None:
    """Regenerate ``datasets/demo-collaborative.json`` from ``build_demo()``."""
    import tempfile

    from kit.store import Actor, Store
    from kit.store.workbook import export_workbook, write_workbook

    actor = Actor.system()
    with (
        tempfile.TemporaryDirectory() as scratch,
        Store.open(f"sqlite:///{scratch}/demo.sqlite3") as store,
    ):
        for kind, records in build_demo().items():
            if kind == "observation":
                store.put_observations(records, actor)
                continue
            for record in records:
                store.save(record, actor, expected_version=None)
        write_workbook(path, export_workbook(store, actor, COLLABORATIVE_ID))


#: the committed workbook of ``build_demo()`` (absent from an installed wheel)
DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "datasets" / "demo-collaborative.json"


def load_demo(store) -> str:
    """Load the demo collaborative into ``store`` and return its id.

    Here rather than in the CLI because ``bts-kit demo`` and ``bts-kit serve`` (an empty
    database gets the demo, ``kit/server/command.py``) both load it.
    """
    from kit.store import Actor
    from kit.store.workbook import import_workbook, read_workbook

    actor = Actor.system()
    if DEMO_WORKBOOK.exists():
        import_workbook(store, actor, read_workbook(DEMO_WORKBOOK))
    else:  # an installed wheel has no datasets/ folder: build the same records in memory
        for kind_records in build_demo().values():
            observations = [rec for rec in kind_records if rec.kind == "observation"]
            if observations:
                store.put_observations(observations, actor)
                continue
            for record in kind_records:
                store.save(record, actor, expected_version=None)
    store.set_facilitator_passcode(COLLABORATIVE_ID, FACILITATOR_PASSCODE, actor)
    for team_id, code in JOIN_CODES.items():
        store.issue_join_code(team_id, actor, code=code)
    return COLLABORATIVE_ID


if __name__ == "__main__":
    import sys

    write_demo_workbook(sys.argv[1] if len(sys.argv) > 1 else "datasets/demo-collaborative.json")
