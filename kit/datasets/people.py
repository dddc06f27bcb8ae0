"""Invented names for synthetic teams, members and faculty: no real person or hospital is meant.

Places and people are drawn from short lists and combined, so a 100-team collaborative still
has distinct, readable names; every draw comes from the generator's seeded random stream.
"""

from __future__ import annotations

import numpy as np

from kit.qi import records as r

PLACES = (
    "Ashford", "Bramley", "Carrow", "Dunmore", "Elmsworth", "Fairhaven", "Glenbrook", "Hartwell",
    "Ivydale", "Juniper Hill", "Kestrel Bay", "Larkfield", "Marston", "Netherby", "Oakridge",
    "Pinecroft", "Queensbury", "Redcliffe", "Stonebridge", "Thornbury", "Upton Vale", "Westmere",
    "Yarrow", "Ambleside", "Birchwood", "Castlegate", "Deepdale", "Eastholme", "Foxley",
    "Greystone", "Holloway Cross", "Kingsmead", "Lowther", "Moorland", "Newbold", "Orchard Park",
    "Riverbank", "Saltmarsh", "Tamworth Green", "Whitby Moor",
)  # fmt: skip
HOSPITAL_KINDS = ("General Hospital", "Community Hospital", "University Hospital", "Infirmary")
FIRST = (
    "Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jamal", "Kate",
    "Liam", "Maya", "Nikhil", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wei", "Yusuf", "Zara", "Aoife", "Bilal", "Carmen", "Dmitri", "Eilidh",
)  # fmt: skip
LAST = (
    "Adams", "Bakr", "Campbell", "Dlamini", "Evans", "Fischer", "Gupta", "Hughes", "Ito", "Jones",
    "Kowalski", "Lindqvist", "Mensah", "Novak", "O'Brien", "Patel", "Quist", "Reyes", "Silva",
    "Takahashi", "Usman", "Varga", "Walsh", "Xu", "Young", "Zielinski",
)  # fmt: skip
UNITS = {
    "ward": ("Ward {n}", "Elderly Care Ward {n}", "Medical Ward {n}", "Stroke Unit", "Ward {n}"),
    "ICU": ("General ICU", "Cardiothoracic ICU", "Neuro ICU", "Surgical ICU", "ICU"),
    "hospital": ("Emergency Department and wards",),
}


def person(rng: np.random.Generator, title: str = "") -> str:
    first = FIRST[int(rng.integers(len(FIRST)))]
    last = LAST[int(rng.integers(len(LAST)))]
    return f"{title}{first} {last}"


def team_names(rng: np.random.Generator, unit_kind: str, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (team name, organisation) pairs for teams of this kind of unit."""
    hospitals = [f"{p} {k}" for p in PLACES for k in HOSPITAL_KINDS]
    chosen = rng.permutation(len(hospitals))[:count]
    units = UNITS[unit_kind]
    names = []
    for index in chosen:
        hospital = hospitals[int(index)]
        unit = units[int(rng.integers(len(units)))].format(n=int(rng.integers(1, 30)))
        names.append((f"{hospital}, {unit}", f"{hospital.split(' ')[0]} Health"))
    return names


def members(rng: np.random.Generator, roster_gap: bool, label: str = "") -> list[r.Member]:
    """A team's roster: the three BTS roles (IHI 2003 white paper), often a patient partner.

    ``roster_gap`` leaves out the day-to-day leader, the gap the enrolment screen warns about.
    ``label`` is added to each name, as the demo does, so members of different teams differ.
    """
    suffix = f" ({label})" if label else ""
    roster = [
        r.Member(name=person(rng, "Dr ") + suffix, role=r.TeamRole.senior_leader),
        r.Member(name=person(rng) + suffix, role=r.TeamRole.technical_expert),
    ]
    if not roster_gap:
        roster.append(r.Member(name=person(rng) + suffix, role=r.TeamRole.day_to_day_leader))
    if rng.random() < 0.6:
        roster.append(r.Member(name=person(rng) + suffix, role=r.TeamRole.patient_partner))
    if rng.random() < 0.5:
        roster.append(r.Member(name=person(rng) + suffix, role=r.TeamRole.member))
    return roster


def faculty(rng: np.random.Generator) -> list[r.FacultyMember]:
    return [
        r.FacultyMember(name=person(rng, "Dr "), role=r.FacultyRole.chair),
        r.FacultyMember(name=person(rng, "Prof. "), role=r.FacultyRole.expert),
        r.FacultyMember(name=person(rng), role=r.FacultyRole.expert),
        r.FacultyMember(name=person(rng), role=r.FacultyRole.improvement_advisor),
        r.FacultyMember(name=person(rng), role=r.FacultyRole.director),
    ]
