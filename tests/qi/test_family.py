"""Family-of-measures checks: outcome, process and balancing, size, core plus the team's own."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError
from kit.qi.family import Family, check_family, check_removal, family_for_team
from kit.qi.records import Measure


def m(kind: str, name: str | None = None, team_id: str | None = "t1", collab: str = "c") -> Measure:
    return Measure(
        collaborative_id=collab,
        team_id=team_id,
        name=name or f"{kind} measure",
        measure_kind=kind,
        direction="up",
    )


def family(*kinds: str) -> Family:
    return Family("t1", (), tuple(m(k, f"{k} {i}") for i, k in enumerate(kinds)))


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (("outcome", "process", "balancing"), []),
        (("outcome", "process", "process", "balancing"), []),
        (("process", "process", "balancing"), ["no_outcome"]),
        (("outcome", "process", "process"), ["no_balancing"]),
        (("outcome", "balancing", "outcome"), ["no_process"]),
        (("process", "process", "process"), ["no_outcome", "no_balancing"]),
        (("outcome", "balancing"), ["no_process", "too_few"]),
        (("outcome",) + ("process",) * 6 + ("balancing",), []),
        (("outcome",) + ("process",) * 7 + ("balancing",), ["too_many"]),
        ((), ["empty"]),
    ],
)
def test_check_family(kinds: tuple[str, ...], expected: list[str]) -> None:
    assert [f.code for f in check_family(family(*kinds))] == expected


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("no_outcome", "patients are better off"),
        ("no_balancing", "problems elsewhere"),
        ("too_many", "more than about 8"),
    ],
)
def test_messages_say_why(code: str, words: str) -> None:
    kinds = {
        "no_outcome": ("process", "process", "balancing"),
        "no_balancing": ("outcome", "process", "process"),
        "too_many": ("outcome",) + ("process",) * 8 + ("balancing",),
    }[code]
    finding = next(f for f in check_family(family(*kinds)) if f.code == code)
    assert words in finding.message


def test_the_size_limits_are_parameters() -> None:
    kinds = ("outcome",) + ("process",) * 7 + ("balancing",)
    assert check_family(family(*kinds), max_measures=10) == []
    three = family("outcome", "process", "balancing")
    assert [f.code for f in check_family(three, min_measures=4)] == ["too_few"]


def test_core_measures_come_first_and_every_team_gets_them() -> None:
    core_outcome = m("outcome", "Falls per 1,000 patient-days", team_id=None)
    core_balancing = m("balancing", "Restraint use", team_id=None)
    own = m("process", "Risk assessed", team_id="t1")
    other_team = m("process", "Their own", team_id="t2")
    other_collab = m("outcome", "Elsewhere", team_id=None, collab="other")
    measures = [own, other_team, core_outcome, other_collab, core_balancing]

    mine = family_for_team(measures, "t1", "c")
    assert [x.name for x in mine.measures] == [
        "Falls per 1,000 patient-days",
        "Restraint use",
        "Risk assessed",
    ]
    assert mine.is_core(core_outcome.id) and not mine.is_core(own.id)
    assert check_family(mine) == []

    theirs = family_for_team(measures, "t2", "c")
    assert [x.name for x in theirs.core] == [x.name for x in mine.core]
    assert [x.name for x in theirs.own] == ["Their own"]


def test_a_team_removes_its_own_measures_but_not_core_ones() -> None:
    core = m("outcome", "Falls", team_id=None)
    own = m("process", "Risk assessed")
    fam = family_for_team([core, own], "t1", "c")
    check_removal(fam, own.id)
    with pytest.raises(KitInputError, match="core measure of the collaborative"):
        check_removal(fam, core.id)
    with pytest.raises(KitInputError, match="not in this team's family"):
        check_removal(fam, "elsewhere")


def test_a_team_measure_named_like_a_core_measure_is_flagged() -> None:
    core = m("outcome", "Falls per 1,000 patient-days", team_id=None)
    copy = m("outcome", "falls per 1,000 patient days", team_id="t1")
    fam = family_for_team([core, copy, m("process"), m("balancing")], "t1", "c")
    finding = next(f for f in check_family(fam) if f.code == "duplicate_name")
    assert "core measure of the collaborative" in finding.message


def test_the_issue_13_modules_stay_pure() -> None:
    """Like ``test_purity``: the new model modules load no widgets, Bokeh or database."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import kit.qi.family, kit.qi.definitions, kit.qi.pdsa, kit.qi.reporting\n"
        "import kit.qi.paste, kit.qi.periods\n"
        "kit.qi.family.measure_library()\n"
        "bad = {'ipywidgets', 'bokeh', 'sqlalchemy', 'psycopg', 'jupyter_bokeh', 'traitlets'}\n"
        "print(','.join(sorted({n.split('.')[0] for n in sys.modules} & bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
