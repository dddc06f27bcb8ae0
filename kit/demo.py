"""The demo collaborative: a generated falls collaborative of seven wards with two years of data.

It exists so that a facilitator who has just installed the kit sees real-looking work in every
app, and so that every app is shown and tested on data whose story is known: four wards improve
(at staggered months after the first learning session) and their falls charts signal it under
the kit's default rules, one improves and then slips, and two never improve and show no signal
(``tests/test_demo.py`` asserts it). The numbers come from :mod:`kit.datasets` (falls topic:
NDNQI rates, published falls-programme effects, a winter peak; sources in
``kit/datasets/topics.py``); this module fixes the wards, the charter and timeline, the topic
vote and the sign-in details that the apps' tests and the facilitator guide use.

``build_demo()`` returns the records; ``datasets/demo-collaborative.json`` is its workbook,
regenerated with ``python -m kit.datasets`` (or ``python -m kit.demo PATH`` for that file only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from kit.datasets import Settings, TeamPlan, generate
from kit.datasets.export import of_kind
from kit.datasets.generator import Generated
from kit.qi import records as r

COLLABORATIVE_ID = "demo-falls"
FACILITATOR_PASSCODE = "demo-facilitator"
JOIN_CODES = {
    "team-riverside": "RIV-2026",
    "team-northfield": "NOR-2026",
    "team-stanne": "ANN-2026",
    "team-harbour": "HAR-2026",
    "team-eastgate": "EAS-2026",
    "team-millbrook": "MIL-2026",
    "team-kingsway": "KIN-2026",
}
#: a seed whose draw tells the intended story under the default rules, found by trying seeds
#: 0-399 with the check in tests/test_demo.py: 13 pass (one ward's monthly falls are few and
#: noisy), and 122 also gives Riverside the 4.1 baseline its aim is written on
SEED = 122
#: 11 months of baseline before LS1 (February 2026) and 13 after, to the end of the last
#: action period (February 2027): a whole collaborative, ready to be reviewed
MONTHS = 24
BASELINE_MONTHS = 11

#: the wards and what happens to each: monthly patient-days (20-32 bed wards), the month after
#: LS1 when the change takes hold, baseline falls per patient-day and the share of the topic's
#: effect reached. Acute wards in England average 6.6 falls per 1,000 occupied bed-days, more
#: on elderly-care wards (NHS Improvement, The incidence and costs of inpatient falls in
#: hospitals, 2017); Riverside is a surgical ward nearer the NDNQI 4.0 (Bouldin et al. 2013).
PLANS = [
    TeamPlan("team-riverside", "Riverside General, Ward 7", "Riverside NHS Trust", "improves",
             940, 1, rate=4.1e-3, strength=1.5),
    TeamPlan("team-northfield", "Northfield Community Hospital", "Northfield Health", "improves",
             820, 2, rate=6.6e-3, strength=1.4),
    TeamPlan("team-stanne", "St Anne's Medical Unit", "St Anne's Hospital", "never", 750,
             roster_gap=True, rate=6.0e-3),
    TeamPlan("team-harbour", "Harbour View Hospital, Ward 3", "Harbour View Health", "slips", 820,
             2, 5, rate=6.4e-3),
    TeamPlan("team-eastgate", "Eastgate Hospital, Elderly Care Ward 2", "Eastgate Health",
             "improves", 880, 1, rate=8.2e-3, strength=1.4),
    TeamPlan("team-millbrook", "Millbrook Infirmary, Medical Ward 5", "Millbrook Health", "never",
             680, rate=6.8e-3),
    TeamPlan("team-kingsway", "Kingsway University Hospital, Ward 12", "Kingsway Health",
             "improves", 940, 1, rate=7.0e-3, strength=1.4),
]  # fmt: skip
#: every ward's roster: the three BTS roles and a patient partner (St Anne's has two members)
ROSTER = (
    ("Dr Helen Brooks", r.TeamRole.senior_leader),
    ("Omar Haddad", r.TeamRole.technical_expert),
    ("Jo Williams", r.TeamRole.day_to_day_leader),
    ("Ruth Adeyemi", r.TeamRole.patient_partner),
)
IMPROVING = [p.id for p in PLANS if p.story == "improves"]
NOT_IMPROVING = [p.id for p in PLANS if p.story == "never"]


def _charter() -> r.Collaborative:
    return r.Collaborative(
        id=COLLABORATIVE_ID,
        name="Safer Wards Falls Collaborative",
        topic="Preventing inpatient falls with harm on adult wards",
        aim="Reduce falls with harm on participating adult inpatient wards by 30% by March 2027",
        sponsor="Regional Patient Safety Collaborative",
        faculty=[
            r.FacultyMember(name="Dr Amina Patel", role=r.FacultyRole.chair),
            r.FacultyMember(name="Prof. Lars Jensen", role=r.FacultyRole.expert),
            r.FacultyMember(name="Grace Owusu", role=r.FacultyRole.expert),
            r.FacultyMember(name="Tom Reilly", role=r.FacultyRole.improvement_advisor),
            r.FacultyMember(name="Mei Chen", role=r.FacultyRole.director),
        ],
        timeline=[
            r.Milestone(
                kind=r.MilestoneKind.prework, start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 31)
            ),
            r.Milestone(
                kind=r.MilestoneKind.learning_session,
                number=1,
                start=dt.date(2026, 2, 3),
                end=dt.date(2026, 2, 4),
            ),
            r.Milestone(
                kind=r.MilestoneKind.action_period,
                number=1,
                start=dt.date(2026, 2, 5),
                end=dt.date(2026, 5, 31),
            ),
            r.Milestone(
                kind=r.MilestoneKind.learning_session,
                number=2,
                start=dt.date(2026, 6, 2),
                end=dt.date(2026, 6, 3),
            ),
            r.Milestone(
                kind=r.MilestoneKind.action_period,
                number=2,
                start=dt.date(2026, 6, 4),
                end=dt.date(2026, 9, 30),
            ),
            r.Milestone(
                kind=r.MilestoneKind.learning_session,
                number=3,
                start=dt.date(2026, 10, 6),
                end=dt.date(2026, 10, 7),
            ),
            r.Milestone(
                kind=r.MilestoneKind.action_period,
                number=3,
                start=dt.date(2026, 10, 8),
                end=dt.date(2027, 2, 28),
            ),
            r.Milestone(
                kind=r.MilestoneKind.closing_congress,
                start=dt.date(2027, 3, 16),
                end=dt.date(2027, 3, 16),
            ),
        ],
    )


def _topic_vote(rng: np.random.Generator) -> list[r.Record]:
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

    return [selection, *candidates, *ballots]


def generated(seed: int = SEED) -> Generated:
    """The demo's numbers and records before its charter and vote are added (for the tests)."""
    return generate(
        Settings(
            topic="falls",
            months=MONTHS,
            baseline_months=BASELINE_MONTHS,
            seed=seed,
            collaborative_id=COLLABORATIVE_ID,
            id_prefix="",
        ),
        plans=PLANS,
    )


def build_demo(seed: int = SEED) -> dict[str, list[r.Record]]:
    """Every record of the demo collaborative, by kind, deterministic for a given seed."""
    records = dict(generated(seed).records)
    collab = _charter()
    by_when = next(m.end for m in collab.timeline if m.kind == "action_period" and m.number == 3)
    records["collaborative"] = [collab]
    # the demo's aims are as a team types them in the aim app: elements, no pasted text
    records["aim"] = [
        a.model_copy(update={"by_when": by_when, "free_text": ""}) for a in of_kind(records, r.Aim)
    ]
    teams = {}
    for plan, ward in zip(PLANS, of_kind(records, r.Team), strict=True):
        roster = ROSTER[:2] if plan.roster_gap else ROSTER
        label = plan.name.split()[0]
        members = [r.Member(name=f"{name} ({label})", role=role) for name, role in roster]
        teams[ward.id] = ward.model_copy(update={"members": members})
    records["team"] = list(teams.values())
    advisor = next(f.name for f in collab.faculty if f.role == "improvement_advisor")
    raters = {
        i: next((m.name for m in t.members if m.role == "day_to_day_leader"), t.members[0].name)
        for i, t in teams.items()
    }
    records["assessment"] = [
        a.model_copy(update={"rater": advisor if a.rated_by == "faculty" else raters[a.team_id]})
        for a in of_kind(records, r.Assessment)
    ]
    vote = _topic_vote(np.random.default_rng(seed))
    for record in vote:
        records.setdefault(record.kind, []).append(record)
    return records


def write_demo_workbook(path: str) -> None:
    """Regenerate ``datasets/demo-collaborative.json`` from ``build_demo()``."""
    from pathlib import Path

    from kit.datasets.export import workbook, write_json

    write_json(Path(path), workbook(build_demo()))


#: the month the shipped workbook treats as the present. Its aims are due at the end of the
#: last action period (February 2027) and are first saved when the demo is loaded, so "now"
#: sits at least 3 months before that (the aim review's MIN_MONTHS_AHEAD), with the closing
#: congress (March 2027) ahead too. ``load_demo`` moves every date so that today falls in this
#: month of the story; tests pass ``today=PRESENT_MONTH`` for the shipped dates.
PRESENT_MONTH = dt.date(2026, 11, 1)


def shifted(day: dt.date, today: dt.date | None = None) -> dt.date:
    """Where a date of the shipped demo lands once ``load_demo(store, today=today)`` moved it."""
    from kit.datasets.shift import months_between, shift_date

    return shift_date(day, months_between(PRESENT_MONTH, today or dt.date.today()))


#: the committed workbook of ``build_demo()`` (absent from an installed wheel)
DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "datasets" / "demo-collaborative.json"


def load_demo(store, settings=None, *, today: dt.date | None = None) -> str:
    """Load the demo collaborative (or, with ``settings``, a generated one) and return its id.

    Here rather than in the CLI because ``bts-kit demo`` and ``bts-kit serve`` (an empty
    database gets the demo, ``kit/server/command.py``) both load it. ``settings`` is a
    ``kit.datasets.Settings``; every collaborative loaded here signs its facilitator in with the
    demo passcode. The demo's dates are moved by whole months so that ``today`` (the real
    today unless given) falls in its ``PRESENT_MONTH``: a demo loaded next year is as current
    as one loaded now (``kit/datasets/shift.py``).
    """
    from kit.datasets.export import workbook
    from kit.datasets.shift import months_between, shift_workbook
    from kit.store import Actor
    from kit.store.workbook import import_workbook, read_workbook

    actor = Actor.system()
    if settings is not None:
        from kit.datasets import generate

        generated = generate(settings)
        import_workbook(store, actor, workbook(generated.records))
        store.set_facilitator_passcode(generated.collaborative.id, FACILITATOR_PASSCODE, actor)
        return generated.collaborative.id
    # an installed wheel has no datasets/ folder: it builds the same records in memory
    data = read_workbook(DEMO_WORKBOOK) if DEMO_WORKBOOK.exists() else workbook(build_demo())
    months = months_between(PRESENT_MONTH, today or dt.date.today())
    import_workbook(store, actor, shift_workbook(data, months))
    store.set_facilitator_passcode(COLLABORATIVE_ID, FACILITATOR_PASSCODE, actor)
    for team_id, code in JOIN_CODES.items():
        store.issue_join_code(team_id, actor, code=code)
    return COLLABORATIVE_ID


if __name__ == "__main__":
    import sys

    write_demo_workbook(sys.argv[1] if len(sys.argv) > 1 else "datasets/demo-collaborative.json")
