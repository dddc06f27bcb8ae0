"""Driver-diagram edits (pure, never in place), checks, package adoption and layout."""

from __future__ import annotations

import random

import pytest

from kit.errors import KitInputError
from kit.qi import drivers as dd
from kit.qi.records import DriverDiagram


def empty() -> DriverDiagram:
    return DriverDiagram(collaborative_id="collab", aim_text="Reduce falls by 50% by June 2027")


def falls() -> DriverDiagram:
    """3 primaries, 5 secondaries (one feeding two primaries), 8 change ideas."""
    d = empty()
    d = dd.add_primary(d, "Reliable falls risk assessment", box_id="p1")
    d = dd.add_primary(d, "Safe environment", box_id="p2")
    d = dd.add_primary(d, "Engaged patients and families", box_id="p3")
    d = dd.add_secondary(d, "Assessment within 24 hours of admission", ["p1"], box_id="s1")
    d = dd.add_secondary(d, "Medication review", ["p1", "p3"], box_id="s2")
    d = dd.add_secondary(d, "Clutter-free rooms", ["p2"], box_id="s3")
    d = dd.add_secondary(d, "Call bell in reach", ["p2", "p3"], box_id="s4")
    d = dd.add_secondary(d, "Teach-back on falls risk", ["p3"], box_id="s5")
    ideas = [
        ("Falls risk checklist in the admission form", ["s1"], "use_reminders"),
        ("Pharmacist review of sedatives", ["s2"], "standardize"),
        ("Hourly rounding", ["s3", "s4"], "use_reminders"),
        ("Bed alarms", ["s4"], "use_differentiation"),
        ("Non-slip socks", ["s3"], None),
        ("Falls leaflet with teach-back", ["s5"], "coach_customers"),
        ("Yellow wristbands for high risk", ["s1"], "use_differentiation"),
        ("Night-time toileting schedule", ["s4"], "manage_time"),
    ]
    for i, (text, secondaries, concept) in enumerate(ideas, start=1):
        d = dd.add_change_idea(d, text, secondaries, concept, box_id=f"c{i}")
    return d


def test_edits_return_new_diagrams_and_never_mutate() -> None:
    d = falls()
    before = d.model_dump()
    results = [
        dd.add_primary(d, "Staffing"),
        dd.add_secondary(d, "Footwear", ["p2"]),
        dd.add_change_idea(d, "Low beds", ["s3"]),
        dd.link(d, "s1", "p2"),
        dd.unlink(d, "s2", "p1"),
        dd.link_change_idea(d, "c5", "s4"),
        dd.unlink_change_idea(d, "c3", "s3"),
        dd.rename(d, "p1", "Reliable assessment"),
        dd.delete(d, "p1"),
        dd.delete(d, "s4", cascade=True),
        dd.tag_change_concept(d, "c5", "use_constraints"),
        dd.move(d, "p3", 0),
        dd.set_aim_text(d, "New aim"),
    ]
    assert d.model_dump() == before
    for result in results:
        assert result is not d
        assert result.id == d.id  # the same record, a new revision
        assert result.model_dump() != before


def test_the_diagram_the_browser_test_builds() -> None:
    d = falls()
    assert (len(d.primary_drivers), len(d.secondary_drivers), len(d.change_ideas)) == (3, 5, 8)
    assert dd.check_diagram(d) == []


def test_add_records_links_and_tags() -> None:
    d = dd.add_change_idea(falls(), "Low beds", ["s3", "s3"], "use_constraints", box_id="c9")
    idea = d.change_ideas[-1]
    assert (idea.id, idea.secondary_ids, idea.change_concept, idea.origin) == (
        "c9",
        ["s3"],
        "use_constraints",
        "team",
    )


def test_many_to_many_link_and_unlink() -> None:
    d = dd.link(falls(), "s1", "p2")
    assert d.secondary_drivers[0].primary_ids == ["p1", "p2"]
    assert dd.link(d, "s1", "p2") == d  # idempotent
    d = dd.unlink(d, "s1", "p1")
    assert d.secondary_drivers[0].primary_ids == ["p2"]
    d = dd.unlink(d, "s1", "p2")
    assert d.secondary_drivers[0].primary_ids == []
    assert "s1" in dd.orphans(d)["secondary"]
    d = dd.link_change_idea(d, "c1", "s2")
    assert d.change_ideas[0].secondary_ids == ["s1", "s2"]
    d = dd.unlink_change_idea(d, "c1", "s1")
    assert d.change_ideas[0].secondary_ids == ["s2"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: dd.add_secondary(d, "x", ["nope"]), "no longer in the driver diagram"),
        (lambda d: dd.add_secondary(d, "x", ["s1"]), "is a secondary driver, not a primary"),
        (lambda d: dd.add_change_idea(d, "x", ["p1"]), "is a primary driver, not a secondary"),
        (lambda d: dd.link(d, "p1", "p2"), "not a secondary driver"),
        (lambda d: dd.link_change_idea(d, "s1", "s2"), "not a change idea"),
        (lambda d: dd.rename(d, "p1", "   "), "cannot be empty"),
        (lambda d: dd.add_primary(d, ""), "cannot be empty"),
        (lambda d: dd.add_primary(d, "x" * 201), "too long"),
        (lambda d: dd.tag_change_concept(d, "c1", "use_magic"), "not a change concept"),
        (lambda d: dd.tag_change_concept(d, "s1", "use_reminders"), "not a change idea"),
        (lambda d: dd.add_change_idea(d, "x", ["s1"], "nonsense"), "not a change concept"),
        (lambda d: dd.delete(d, "gone"), "no longer in the driver diagram"),
        (lambda d: dd.add_primary(d, "Duplicate id", box_id="s1"), "share an id"),
    ],
)
def test_bad_edits_raise_participant_messages(edit: object, message: str) -> None:
    with pytest.raises(KitInputError, match=message):
        edit(falls())  # type: ignore[operator]


def test_delete_primary_unlinks_and_keeps_orphans() -> None:
    d = dd.delete(falls(), "p1")
    assert [p.id for p in d.primary_drivers] == ["p2", "p3"]
    by_id = {s.id: s for s in d.secondary_drivers}
    assert by_id["s1"].primary_ids == []  # orphan, kept
    assert by_id["s2"].primary_ids == ["p3"]  # still feeds its other primary
    assert dd.orphans(d) == {"secondary": ["s1"], "change_idea": []}
    assert "Secondary driver 'Assessment within 24 hours of admission' is not linked" in " ".join(
        dd.check_diagram(d)
    )
    # the change ideas under the orphan are untouched
    assert {c.id for c in d.change_ideas} == {f"c{i}" for i in range(1, 9)}


def test_delete_secondary_unlinks_change_ideas() -> None:
    d = dd.delete(falls(), "s4")
    ideas = {c.id: c.secondary_ids for c in d.change_ideas}
    assert ideas["c3"] == ["s3"]  # hourly rounding still acts on clutter-free rooms
    assert ideas["c4"] == [] and ideas["c8"] == []
    assert dd.orphans(d)["change_idea"] == ["c4", "c8"]


def test_delete_with_cascade_removes_what_only_hung_from_it() -> None:
    d = dd.delete(falls(), "p2", cascade=True)
    assert [s.id for s in d.secondary_drivers] == ["s1", "s2", "s4", "s5"]  # s4 also feeds p3
    assert "c5" not in {c.id for c in d.change_ideas}  # only acted on s3
    assert "c3" in {c.id for c in d.change_ideas}  # also acts on s4
    assert dd.orphans(d) == {"secondary": [], "change_idea": []}
    # an orphan made earlier is not swept away by an unrelated cascade
    d = dd.unlink(falls(), "s5", "p3")
    d = dd.delete(d, "p2", cascade=True)
    assert "s5" in {s.id for s in d.secondary_drivers}


def test_delete_change_idea() -> None:
    d = dd.delete(falls(), "c3")
    assert "c3" not in {c.id for c in d.change_ideas}
    assert len(d.secondary_drivers) == 5


def test_rename_marks_package_ideas_as_adapted() -> None:
    team = dd.adopt_change_package(falls(), team_id="team-1")
    idea = team.change_ideas[0]
    same = dd.rename(team, idea.id, f"  {idea.text} ")
    assert same.change_ideas[0].origin == "package"
    changed = dd.rename(team, idea.id, "Falls risk prompt in the electronic record")
    assert changed.change_ideas[0].origin == "adapted"
    assert changed.change_ideas[0].text == "Falls risk prompt in the electronic record"
    own = dd.add_change_idea(team, "Our own idea", [team.secondary_drivers[0].id])
    assert dd.rename(own, own.change_ideas[-1].id, "Renamed").change_ideas[-1].origin == "team"


def test_tag_and_untag_change_concept() -> None:
    d = dd.tag_change_concept(falls(), "c5", "use_constraints")
    assert d.change_ideas[4].change_concept == "use_constraints"
    d = dd.tag_change_concept(d, "c5", "avoid_mistakes")  # a whole group is a valid card
    assert d.change_ideas[4].change_concept == "avoid_mistakes"
    d = dd.tag_change_concept(d, "c5", None)
    assert d.change_ideas[4].change_concept is None


def test_move_reorders_within_a_column() -> None:
    d = dd.move(falls(), "p3", 0)
    assert [p.id for p in d.primary_drivers] == ["p3", "p1", "p2"]
    d = dd.move(d, "c1", 99)
    assert d.change_ideas[-1].id == "c1"


def test_adopt_change_package_copies_with_fresh_ids() -> None:
    package = falls()
    team = dd.adopt_change_package(package, team_id="team-7")
    assert team.team_id == "team-7" and package.team_id is None
    assert team.id != package.id
    old_ids = {b.id for b in [*package.primary_drivers, *package.secondary_drivers]}
    old_ids |= {c.id for c in package.change_ideas}
    new_ids = {b.id for b in [*team.primary_drivers, *team.secondary_drivers]}
    new_ids |= {c.id for c in team.change_ideas}
    assert not old_ids & new_ids and len(new_ids) == 16
    assert {c.origin for c in team.change_ideas} == {"package"}
    # same structure: texts of linked boxes match
    p_text = {p.id: p.text for p in team.primary_drivers}
    s2 = team.secondary_drivers[1]
    assert s2.text == "Medication review"
    assert [p_text[p] for p in s2.primary_ids] == [
        "Reliable falls risk assessment",
        "Engaged patients and families",
    ]
    assert [c.change_concept for c in team.change_ideas] == [
        c.change_concept for c in package.change_ideas
    ]
    # two teams never share ids
    other = dd.adopt_change_package(package, team_id="team-8")
    assert not {p.id for p in other.primary_drivers} & {p.id for p in team.primary_drivers}
    with pytest.raises(KitInputError):
        dd.adopt_change_package(package, team_id="")


# --- checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d, []),
        (lambda d: dd.set_aim_text(d, ""), ["has no aim yet"]),
        (
            lambda d: dd.delete(dd.delete(d, "p2", cascade=True), "p3", cascade=True),
            ["usually has 2 to 5 primary drivers; this one has 1"],
        ),
        (
            lambda d: dd.add_primary(dd.add_primary(dd.add_primary(d, "Four"), "Five"), "Six"),
            ["6 primary drivers", "'Four' has no secondary", "'Five' has", "'Six' has"],
        ),
        (lambda d: dd.unlink(d, "s1", "p1"), ["'Assessment within 24 hours of admission' is not"]),
        (lambda d: dd.unlink_change_idea(d, "c5", "s3"), ["'Non-slip socks' is not linked"]),
        (lambda d: dd.add_secondary(d, "Lighting", ["p2"]), ["'Lighting' has no change ideas"]),
        (
            lambda d: dd.add_change_idea(d, "Hourly  rounding!", ["s1"]),
            ["Two change ideas read 'Hourly  rounding!'"],
        ),
        (
            lambda d: dd.add_primary(d, "safe environment"),
            ["Two primary drivers read 'safe environment'", "has no secondary drivers yet"],
        ),
    ],
)
def test_check_diagram(edit: object, expected: list[str]) -> None:
    warnings = dd.check_diagram(edit(falls()))  # type: ignore[operator]
    assert len(warnings) == len(expected), warnings
    for words in expected:
        assert any(words in w for w in warnings), (words, warnings)


def test_check_diagram_flags_an_unknown_concept_tag() -> None:
    d = falls()
    stale = d.model_copy(
        update={
            "change_ideas": [
                d.change_ideas[0].model_copy(update={"change_concept": "retired_card"}),
                *d.change_ideas[1:],
            ]
        }
    )
    assert any("retired_card" in w for w in dd.check_diagram(stale))


# --- layout --------------------------------------------------------------------------------


def random_diagram(seed: int, n_primary: int = 5, n_secondary: int = 12, n_ideas: int = 24):
    rnd = random.Random(seed)
    d = empty()
    for i in range(n_primary):
        d = dd.add_primary(d, f"Primary driver {i}", box_id=f"p{i}")
    for i in range(n_secondary):
        feeds = rnd.sample([f"p{j}" for j in range(n_primary)], rnd.choice([1, 1, 2, 3]))
        d = dd.add_secondary(d, f"Secondary driver {i}", feeds, box_id=f"s{i}")
    for i in range(n_ideas):
        acts = rnd.sample([f"s{j}" for j in range(n_secondary)], rnd.choice([1, 1, 1, 2]))
        d = dd.add_change_idea(
            d, f"Change idea {i}: a longer sentence to wrap", acts, box_id=f"c{i}"
        )
    return d


def assert_readable(layout: dd.DiagramLayout, row_height: float = 1.0) -> None:
    for x in range(4):
        column = layout.column(x)
        for upper, lower in zip(column, column[1:], strict=False):
            assert upper.bottom >= lower.top - 1e-9, (upper.id, lower.id)
            assert upper.y - lower.y >= row_height - 1e-9
        for box in column:
            assert box.bottom >= -1e-9 and box.top <= layout.height + 1e-9
    for a in layout.boxes:  # no two boxes overlap anywhere
        for b in layout.boxes:
            if a.id < b.id and a.x == b.x:
                assert abs(a.y - b.y) >= a.height - 1e-9


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("align", ["parents", "even"])
def test_layout_of_30_plus_boxes_has_no_overlaps(seed: int, align: str) -> None:
    d = random_diagram(seed)
    result = dd.layout(d, align=align)  # type: ignore[arg-type]
    assert len(result.boxes) == 1 + 5 + 12 + 24
    assert_readable(result)
    links = sum(len(s.primary_ids) for s in d.secondary_drivers)
    links += sum(len(c.secondary_ids) for c in d.change_ideas)
    assert len(result.edges) == 5 + links
    for edge in result.edges:
        assert edge.x0 < edge.x1
        src, dst = result.box(edge.source), result.box(edge.target)
        assert dst.x - src.x == 1


def test_layout_columns_and_labels() -> None:
    result = dd.layout(falls())
    assert [len(result.column(x)) for x in range(4)] == [1, 3, 5, 8]
    assert result.box(dd.AIM_ID).kind == "aim"
    assert result.box("c1").change_concept == "use_reminders"
    assert all(len(line) <= 28 for b in result.boxes for line in b.label.split("\n"))
    columns = result.columns()
    assert len(columns["id"]) == 17 and {"x", "y", "label", "kind"} <= set(columns)
    assert_readable(result)


def test_layout_places_children_near_their_parents() -> None:
    result = dd.layout(falls())
    # the aim sits level with the middle of its primaries
    ys = [b.y for b in result.column(1)]
    assert result.box(dd.AIM_ID).y == pytest.approx(sum(ys) / len(ys))
    # a change idea with one secondary sits within a row or two of it
    assert abs(result.box("c6").y - result.box("s5").y) <= 2.0


def crossings(layout: dd.DiagramLayout) -> int:
    edges = [(layout.box(e.source), layout.box(e.target)) for e in layout.edges]
    count = 0
    for i, (a1, b1) in enumerate(edges):
        for a2, b2 in edges[i + 1 :]:
            if a1.x == a2.x and (a1.y - a2.y) * (b1.y - b2.y) < 0:
                count += 1
    return count


def test_layout_untangles_a_crossed_diagram() -> None:
    d = empty()
    d = dd.add_primary(d, "A", box_id="pA")
    d = dd.add_primary(d, "B", box_id="pB")
    # secondaries written in the "wrong" order: B's first
    d = dd.add_secondary(d, "b1", ["pB"], box_id="b1")
    d = dd.add_secondary(d, "a1", ["pA"], box_id="a1")
    d = dd.add_secondary(d, "b2", ["pB"], box_id="b2")
    d = dd.add_secondary(d, "a2", ["pA"], box_id="a2")
    for s in ("b1", "a1", "b2", "a2"):
        d = dd.add_change_idea(d, f"idea for {s}", [s], box_id=f"c{s}")
    result = dd.layout(d)
    assert crossings(result) == 0
    assert [b.id for b in result.column(2)] == ["a1", "a2", "b1", "b2"]


@pytest.mark.parametrize("seed", range(5))
def test_layout_has_fewer_crossings_than_the_typed_order(seed: int) -> None:
    d = random_diagram(seed)
    typed = dd.layout(d, sweeps=0, align="even")
    # the typed order, with no reordering at all, as a baseline
    naive = 0
    pos = {s.id: i for i, s in enumerate(d.secondary_drivers)}
    links = [(int(p[1:]), pos[s.id]) for s in d.secondary_drivers for p in s.primary_ids]
    for i, (a1, b1) in enumerate(links):
        for a2, b2 in links[i + 1 :]:
            naive += (a1 - a2) * (b1 - b2) < 0
    assert crossings(dd.layout(d)) <= crossings(typed)
    ordered = dd.layout(d)
    primary_to_secondary = (
        sum(
            1
            for e1 in ordered.edges
            for e2 in ordered.edges
            if ordered.box(e1.source).x == 1 == ordered.box(e2.source).x
            and e1 is not e2
            and (ordered.box(e1.source).y - ordered.box(e2.source).y)
            * (ordered.box(e1.target).y - ordered.box(e2.target).y)
            < 0
        )
        // 2
    )
    assert primary_to_secondary <= naive


def test_layout_of_an_empty_diagram() -> None:
    result = dd.layout(empty())
    assert [b.id for b in result.boxes] == [dd.AIM_ID]
    assert result.edges == []


def test_layout_draws_orphans_without_lines() -> None:
    d = dd.delete(falls(), "p1")
    result = dd.layout(d)
    assert result.box("s1").orphan
    assert not [e for e in result.edges if e.target == "s1"]
    assert_readable(result)


def test_layout_refuses_overlapping_box_sizes() -> None:
    with pytest.raises(KitInputError, match="overlap"):
        dd.layout(falls(), box_height=1.5)


def test_layout_geometry_lives_in_its_own_module_and_is_re_exported() -> None:
    from kit.qi import driver_layout

    assert dd.layout is driver_layout.layout
    assert dd.DiagramLayout is driver_layout.DiagramLayout
    assert dd.AIM_ID == driver_layout.AIM_ID


# --- merging two people's edits (issue 10) ------------------------------------------------


def _base_for_merge():
    base = dd.add_primary(DriverDiagram(id="dd-m", collaborative_id="c"), "Known risk")
    return dd.add_secondary(base, "Risk assessed", [base.primary_drivers[0].id])


def test_merge_keeps_both_additions_and_edits_of_different_boxes():
    base = _base_for_merge()
    mine = dd.rename(dd.add_primary(base, "Mine"), base.primary_drivers[0].id, "Known risk, ward")
    theirs = dd.add_primary(base, "Theirs")
    merged = dd.merge(base, mine, theirs)
    assert [p.text for p in merged.primary_drivers] == ["Known risk, ward", "Theirs", "Mine"]
    assert merged.secondary_drivers == base.secondary_drivers


def test_merge_refuses_two_edits_of_the_same_box():
    base = _base_for_merge()
    box = base.primary_drivers[0].id
    with pytest.raises(dd.SameBoxEdited) as caught:
        dd.merge(base, dd.rename(base, box, "Mine"), dd.rename(base, box, "Theirs"))
    assert caught.value.boxes == ["Mine"]


def test_merge_drops_links_to_a_box_deleted_on_the_other_side():
    base = _base_for_merge()
    primary = base.primary_drivers[0].id
    mine = dd.add_secondary(base, "Medicines reviewed", [primary])
    theirs = dd.delete(base, primary)
    merged = dd.merge(base, mine, theirs)
    assert merged.primary_drivers == []
    assert all(s.primary_ids == [] for s in merged.secondary_drivers)
    assert [s.text for s in merged.secondary_drivers] == ["Risk assessed", "Medicines reviewed"]


def test_merge_of_identical_edits_is_that_edit():
    base = _base_for_merge()
    same = dd.rename(base, base.primary_drivers[0].id, "Same words")
    assert dd.merge(base, same, same) == same
