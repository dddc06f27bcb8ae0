"""Driver-diagram edits as pure functions and the diagram's health checks.

A driver diagram is a team's theory of change: aim -> 2-5 primary drivers -> secondary
drivers (one secondary may feed several primaries) -> change ideas to test. Faculty write
the collaborative's *change package* as a diagram with no team; each team adopts a copy and
adapts it.

Every edit returns a **new** ``DriverDiagram`` and leaves its argument untouched: the app
assigns the result (solara-style state), the store keeps each version as a revision, and
undo is simply the previous object. Each result is validated by the record itself, so a
link to a missing box can never be saved.

Deletion rule: deleting a box removes it and every link to it, and keeps the boxes that hung
from it. A secondary driver that loses its last primary, or a change idea that loses its last
secondary, becomes an *orphan*: it stays in the diagram (a team's work is never silently
thrown away), :func:`check_diagram` reports it, and :func:`layout` draws it at the bottom of
its column without a line. Pass ``cascade=True`` to delete the orphans as well.

The layout geometry lives in ``kit/qi/driver_layout.py``; :func:`layout` and its types are
re-exported here so callers keep one import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from kit.content import change_concept_keys, find_change_concept
from kit.errors import KitInputError
from kit.qi.driver_layout import AIM_ID, Box, BoxKind, DiagramLayout, Edge, layout
from kit.qi.records import ChangeIdea, DriverDiagram, PrimaryDriver, SecondaryDriver, new_id
from kit.qi.validation import check

__all__ = [
    "AIM_ID",
    "SameBoxEdited",
    "MAX_PRIMARY",
    "MIN_PRIMARY",
    "Box",
    "DiagramLayout",
    "Edge",
    "add_change_idea",
    "add_primary",
    "add_secondary",
    "adopt_change_package",
    "check_diagram",
    "delete",
    "find_box",
    "layout",
    "link",
    "link_change_idea",
    "merge",
    "move",
    "orphans",
    "rename",
    "set_aim_text",
    "tag_change_concept",
    "unlink",
    "unlink_change_idea",
]

BoxT = TypeVar("BoxT", bound=BaseModel)

#: the usual span of primary drivers: fewer is not a theory, more is hard to test
MIN_PRIMARY = 2
MAX_PRIMARY = 5

_KIND_WORDS = {
    "primary": "primary driver",
    "secondary": "secondary driver",
    "change_idea": "change idea",
}


# --- helpers -------------------------------------------------------------------------------


def _rebuild(diagram: DriverDiagram, **changes: Any) -> DriverDiagram:
    """A validated copy with ``changes``; the record's own checks catch broken links."""
    data = diagram.model_dump()
    for key, value in changes.items():
        data[key] = [v.model_dump() for v in value] if isinstance(value, list) else value
    return check(DriverDiagram, data)


def _replace(box: BoxT, **changes: Any) -> BoxT:
    """A validated copy of one box, so a rename to '' is refused with a participant's message."""
    return check(type(box), {**box.model_dump(), **changes})


def find_box(
    diagram: DriverDiagram, box_id: str
) -> tuple[BoxKind, PrimaryDriver | SecondaryDriver | ChangeIdea]:
    """The kind and the box for an id, or ``KitInputError`` if it is not in this diagram."""
    for kind, boxes in (
        ("primary", diagram.primary_drivers),
        ("secondary", diagram.secondary_drivers),
        ("change_idea", diagram.change_ideas),
    ):
        for box in boxes:
            if box.id == box_id:
                return kind, box  # type: ignore[return-value]
    raise KitInputError("That box is no longer in the driver diagram; reload to see the latest.")


def _require(diagram: DriverDiagram, box_id: str, kind: BoxKind) -> Any:
    found_kind, box = find_box(diagram, box_id)
    if found_kind != kind:
        raise KitInputError(
            f"'{box.text}' is a {_KIND_WORDS[found_kind]}, not a {_KIND_WORDS[kind]}."
        )
    return box


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _check_concept(key: str | None) -> str | None:
    if key is None or key == "":
        return None
    find_change_concept(key)  # raises KitInputError naming the unknown key
    return key


# --- edits ---------------------------------------------------------------------------------


def set_aim_text(diagram: DriverDiagram, text: str) -> DriverDiagram:
    """Show the team's aim (usually the composed sentence) at the root of the diagram."""
    return _rebuild(diagram, aim_text=text)


def add_primary(
    diagram: DriverDiagram, text: str, *, measure_id: str | None = None, box_id: str | None = None
) -> DriverDiagram:
    """Append a primary driver; ``box_id`` lets a caller choose the id (tests, imports)."""
    box = check(PrimaryDriver, {"id": box_id or new_id(), "text": text, "measure_id": measure_id})
    return _rebuild(diagram, primary_drivers=[*diagram.primary_drivers, box])


def add_secondary(
    diagram: DriverDiagram,
    text: str,
    primary_ids: Sequence[str] = (),
    *,
    box_id: str | None = None,
) -> DriverDiagram:
    """Append a secondary driver feeding the given primary drivers (any number, even none)."""
    for pid in primary_ids:
        _require(diagram, pid, "primary")
    box = check(
        SecondaryDriver,
        {"id": box_id or new_id(), "text": text, "primary_ids": _unique(primary_ids)},
    )
    return _rebuild(diagram, secondary_drivers=[*diagram.secondary_drivers, box])


def add_change_idea(
    diagram: DriverDiagram,
    text: str,
    secondary_ids: Sequence[str] = (),
    change_concept: str | None = None,
    *,
    origin: Literal["package", "adapted", "team"] = "team",
    box_id: str | None = None,
) -> DriverDiagram:
    """Append a change idea acting on the given secondary drivers, optionally tagged."""
    for sid in secondary_ids:
        _require(diagram, sid, "secondary")
    box = check(
        ChangeIdea,
        {
            "id": box_id or new_id(),
            "text": text,
            "secondary_ids": _unique(secondary_ids),
            "change_concept": _check_concept(change_concept),
            "origin": origin,
        },
    )
    return _rebuild(diagram, change_ideas=[*diagram.change_ideas, box])


def link(diagram: DriverDiagram, secondary_id: str, primary_id: str) -> DriverDiagram:
    """Let a secondary driver also feed a primary driver (many-to-many; idempotent)."""
    _require(diagram, primary_id, "primary")
    _require(diagram, secondary_id, "secondary")
    secondaries = [
        _replace(s, primary_ids=_unique([*s.primary_ids, primary_id]))
        if s.id == secondary_id
        else s
        for s in diagram.secondary_drivers
    ]
    return _rebuild(diagram, secondary_drivers=secondaries)


def unlink(diagram: DriverDiagram, secondary_id: str, primary_id: str) -> DriverDiagram:
    """Remove one secondary -> primary link; both boxes stay."""
    _require(diagram, secondary_id, "secondary")
    secondaries = [
        _replace(s, primary_ids=[p for p in s.primary_ids if p != primary_id])
        if s.id == secondary_id
        else s
        for s in diagram.secondary_drivers
    ]
    return _rebuild(diagram, secondary_drivers=secondaries)


def link_change_idea(diagram: DriverDiagram, idea_id: str, secondary_id: str) -> DriverDiagram:
    """Let a change idea also act on a secondary driver (idempotent)."""
    _require(diagram, secondary_id, "secondary")
    _require(diagram, idea_id, "change_idea")
    ideas = [
        _replace(c, secondary_ids=_unique([*c.secondary_ids, secondary_id]))
        if c.id == idea_id
        else c
        for c in diagram.change_ideas
    ]
    return _rebuild(diagram, change_ideas=ideas)


def unlink_change_idea(diagram: DriverDiagram, idea_id: str, secondary_id: str) -> DriverDiagram:
    """Remove one change idea -> secondary link; both boxes stay."""
    _require(diagram, idea_id, "change_idea")
    ideas = [
        _replace(c, secondary_ids=[s for s in c.secondary_ids if s != secondary_id])
        if c.id == idea_id
        else c
        for c in diagram.change_ideas
    ]
    return _rebuild(diagram, change_ideas=ideas)


def rename(diagram: DriverDiagram, box_id: str, text: str) -> DriverDiagram:
    """Change a box's words. Rewording a change idea from the package marks it ``adapted``,
    so the collaborative can see which package ideas teams adapted rather than adopted."""
    kind, box = find_box(diagram, box_id)
    if kind == "primary":
        primaries = [
            _replace(p, text=text) if p.id == box_id else p for p in diagram.primary_drivers
        ]
        return _rebuild(diagram, primary_drivers=primaries)
    if kind == "secondary":
        secondaries = [
            _replace(s, text=text) if s.id == box_id else s for s in diagram.secondary_drivers
        ]
        return _rebuild(diagram, secondary_drivers=secondaries)
    ideas = []
    for idea in diagram.change_ideas:
        if idea.id == box_id:
            changed = " ".join(text.split()) != " ".join(idea.text.split())
            origin = "adapted" if idea.origin == "package" and changed else idea.origin
            idea = _replace(idea, text=text, origin=origin)
        ideas.append(idea)
    return _rebuild(diagram, change_ideas=ideas)


def tag_change_concept(diagram: DriverDiagram, idea_id: str, key: str | None) -> DriverDiagram:
    """Tag a change idea with a card from the change-concept deck (a concept or a group
    key from ``kit/content/change_concepts.yaml``); ``None`` removes the tag."""
    _require(diagram, idea_id, "change_idea")
    key = _check_concept(key)
    ideas = [
        _replace(c, change_concept=key) if c.id == idea_id else c for c in diagram.change_ideas
    ]
    return _rebuild(diagram, change_ideas=ideas)


def move(diagram: DriverDiagram, box_id: str, index: int) -> DriverDiagram:
    """Move a box to position ``index`` in its column (the order the team wants to read)."""
    kind, _ = find_box(diagram, box_id)
    field = {
        "primary": "primary_drivers",
        "secondary": "secondary_drivers",
        "change_idea": "change_ideas",
    }[kind]
    boxes = list(getattr(diagram, field))
    box = next(b for b in boxes if b.id == box_id)
    boxes.remove(box)
    boxes.insert(max(0, min(index, len(boxes))), box)
    return _rebuild(diagram, **{field: boxes})


def delete(diagram: DriverDiagram, box_id: str, *, cascade: bool = False) -> DriverDiagram:
    """Delete a box and every link to it; boxes below it are kept (see the module's rule).

    With ``cascade`` the boxes that this deletion leaves without any parent are deleted
    too, down the tree (a secondary left with no primary, then its orphaned change ideas).
    """
    kind, _ = find_box(diagram, box_id)
    primaries = list(diagram.primary_drivers)
    secondaries = list(diagram.secondary_drivers)
    ideas = list(diagram.change_ideas)
    gone_primary: set[str] = set()
    gone_secondary: set[str] = set()
    if kind == "primary":
        gone_primary = {box_id}
    elif kind == "secondary":
        gone_secondary = {box_id}
    else:
        ideas = [c for c in ideas if c.id != box_id]

    primaries = [p for p in primaries if p.id not in gone_primary]
    new_secondaries = []
    for s in secondaries:
        if s.id in gone_secondary:
            continue
        kept = [p for p in s.primary_ids if p not in gone_primary]
        if cascade and s.primary_ids and not kept:
            gone_secondary.add(s.id)
            continue
        new_secondaries.append(_replace(s, primary_ids=kept) if kept != s.primary_ids else s)
    new_ideas = []
    for c in ideas:
        kept = [s for s in c.secondary_ids if s not in gone_secondary]
        if cascade and c.secondary_ids and not kept:
            continue
        new_ideas.append(_replace(c, secondary_ids=kept) if kept != c.secondary_ids else c)
    return _rebuild(
        diagram,
        primary_drivers=primaries,
        secondary_drivers=new_secondaries,
        change_ideas=new_ideas,
    )


def adopt_change_package(package: DriverDiagram, team_id: str) -> DriverDiagram:
    """A team's own copy of the collaborative's change package, ready to adapt.

    Every box gets a fresh id (so the team's edits never touch the package and two teams'
    diagrams never share ids), links are carried over, and each change idea is marked
    ``origin="package"``; rewording one later marks it ``adapted``.
    """
    if not team_id:
        raise KitInputError("Choose the team that adopts the change package.")
    new_ids: dict[str, str] = {}

    def fresh(old: str) -> str:
        new_ids.setdefault(old, new_id())
        return new_ids[old]

    primaries = [
        PrimaryDriver(id=fresh(p.id), text=p.text, measure_id=p.measure_id)
        for p in package.primary_drivers
    ]
    secondaries = [
        SecondaryDriver(id=fresh(s.id), text=s.text, primary_ids=[fresh(p) for p in s.primary_ids])
        for s in package.secondary_drivers
    ]
    ideas = [
        ChangeIdea(
            id=fresh(c.id),
            text=c.text,
            secondary_ids=[fresh(s) for s in c.secondary_ids],
            change_concept=c.change_concept,
            origin="package",
        )
        for c in package.change_ideas
    ]
    return check(
        DriverDiagram,
        {
            "collaborative_id": package.collaborative_id,
            "team_id": team_id,
            "aim_text": package.aim_text,
            "primary_drivers": [p.model_dump() for p in primaries],
            "secondary_drivers": [s.model_dump() for s in secondaries],
            "change_ideas": [c.model_dump() for c in ideas],
        },
    )


# --- checks --------------------------------------------------------------------------------


def orphans(diagram: DriverDiagram) -> dict[str, list[str]]:
    """Ids of secondary drivers with no primary and change ideas with no secondary."""
    return {
        "secondary": [s.id for s in diagram.secondary_drivers if not s.primary_ids],
        "change_idea": [c.id for c in diagram.change_ideas if not c.secondary_ids],
    }


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def check_diagram(
    diagram: DriverDiagram, *, min_primary: int = MIN_PRIMARY, max_primary: int = MAX_PRIMARY
) -> list[str]:
    """Warnings a team can act on, most structural first. An empty list means no advice.

    These are advice, not errors: a diagram is saved with them (a team builds it step by
    step), and the app lists them beside the picture.
    """
    warnings: list[str] = []
    n_primary = len(diagram.primary_drivers)
    if not diagram.aim_text.strip():
        warnings.append("The diagram has no aim yet: start from the team's aim.")
    if n_primary < min_primary:
        warnings.append(
            f"A driver diagram usually has {min_primary} to {max_primary} primary drivers; this "
            f"one has {n_primary}. What else must be in place for the aim to be reached?"
        )
    elif n_primary > max_primary:
        warnings.append(
            f"This diagram has {n_primary} primary drivers; more than {max_primary} is hard to "
            "test and explain. Can some be merged or become secondary drivers?"
        )
    fed = {pid for s in diagram.secondary_drivers for pid in s.primary_ids}
    acted_on = {sid for c in diagram.change_ideas for sid in c.secondary_ids}
    for s in diagram.secondary_drivers:
        if not s.primary_ids:
            warnings.append(f"Secondary driver '{s.text}' is not linked to any primary driver.")
    for c in diagram.change_ideas:
        if not c.secondary_ids:
            warnings.append(f"Change idea '{c.text}' is not linked to any secondary driver.")
    for p in diagram.primary_drivers:
        if p.id not in fed:
            warnings.append(f"Primary driver '{p.text}' has no secondary drivers yet.")
    for s in diagram.secondary_drivers:
        if s.id not in acted_on:
            warnings.append(f"Secondary driver '{s.text}' has no change ideas to test yet.")
    for kind, boxes in (
        ("primary drivers", diagram.primary_drivers),
        ("secondary drivers", diagram.secondary_drivers),
        ("change ideas", diagram.change_ideas),
    ):
        seen: dict[str, str] = {}
        for box in boxes:
            key = _normal(box.text)
            if key in seen:
                warnings.append(f"Two {kind} read '{box.text}': merge them or reword one.")
            else:
                seen[key] = box.text
    known = change_concept_keys()
    for c in diagram.change_ideas:
        if c.change_concept and c.change_concept not in known:
            warnings.append(
                f"Change idea '{c.text}' is tagged '{c.change_concept}', which is not in the "
                "change-concept deck; choose another card."
            )
    return warnings


# --- merging two people's edits -------------------------------------------------------------


class SameBoxEdited(ValueError):
    """Two people changed the same box (or one changed a box the other deleted) differently
    since the version they both loaded: only they can say which wording stands."""

    def __init__(self, boxes: list[str], theirs: list[str | None] | None = None) -> None:
        self.boxes = boxes
        #: the other person's wording of each box (None: they deleted it), to show theirs too
        self.theirs = list(theirs) if theirs is not None else [None] * len(boxes)
        quoted = ", ".join(
            f"'{mine}'" if their is None or their == mine else f"'{mine}' (theirs: '{their}')"
            for mine, their in zip(boxes, self.theirs, strict=True)
        )
        super().__init__(f"You and the other person both changed {quoted}.")


_LISTS = ("primary_drivers", "secondary_drivers", "change_ideas")
_LINKS = {"secondary_drivers": "primary_ids", "change_ideas": "secondary_ids"}


def _merge_boxes(
    base: list[Any], mine: list[Any], theirs: list[Any], clashes: list[tuple[str, str | None]]
) -> list[Any]:
    """One column, box by box: a box only one side changed takes that side's version; a box
    added on either side is kept; a box deleted on one side and untouched on the other goes."""
    old = {b.id: b for b in base}
    my, their = {b.id: b for b in mine}, {b.id: b for b in theirs}
    kept: dict[str, Any] = {}
    for box_id in dict.fromkeys([*their, *my]):
        a, m, t = old.get(box_id), my.get(box_id), their.get(box_id)
        if m == t:
            chosen = m
        elif m == a:
            chosen = t  # only they changed it (or deleted it: t is None)
        elif t == a:
            chosen = m  # only I changed it
        else:
            named = m if m is not None else t if t is not None else a
            clashes.append((named.text if named is not None else box_id, t.text if t else None))
            chosen = t
        if chosen is not None:
            kept[box_id] = chosen
    # my order when only I moved boxes, else theirs; boxes new on my side after theirs
    common = [i for i in old if i in my and i in their]
    mine_moved = [i for i in my if i in common] != [i for i in old if i in common]
    theirs_moved = [i for i in their if i in common] != [i for i in old if i in common]
    first, second = (my, their) if mine_moved and not theirs_moved else (their, my)
    order = [i for i in first if i in kept] + [i for i in second if i in kept and i not in first]
    return [kept[i] for i in order]


def merge(base: DriverDiagram, mine: DriverDiagram, theirs: DriverDiagram) -> DriverDiagram:
    """Three-way merge of two edits of one diagram against the version both were made from.

    Additions and edits of different boxes all land; links to a box deleted on the other side
    are dropped (the deletion rule above: the boxes that hung from it stay, as orphans). Two
    different edits of the same box, or an edit of a box the other side deleted, raise
    :class:`SameBoxEdited` naming the boxes.
    """
    clashes: list[tuple[str, str | None]] = []  # (my wording, theirs)
    columns = {
        name: _merge_boxes(getattr(base, name), getattr(mine, name), getattr(theirs, name), clashes)
        for name in _LISTS
    }
    aim_text = theirs.aim_text
    if mine.aim_text != base.aim_text:
        if theirs.aim_text not in (base.aim_text, mine.aim_text):
            clashes.append(("the aim", theirs.aim_text))
        aim_text = mine.aim_text
    if clashes:
        raise SameBoxEdited([m for m, _ in clashes], [t for _, t in clashes])
    ids = {"primary_ids": {b.id for b in columns["primary_drivers"]}}
    ids["secondary_ids"] = {b.id for b in columns["secondary_drivers"]}
    for name, link in _LINKS.items():
        columns[name] = [
            _replace(b, **{link: [i for i in getattr(b, link) if i in ids[link]]})
            if any(i not in ids[link] for i in getattr(b, link))
            else b
            for b in columns[name]
        ]
    return _rebuild(theirs, aim_text=aim_text, **columns)
