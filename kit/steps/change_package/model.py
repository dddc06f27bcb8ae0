"""The change-package step's state: the collaborative's package and each team's diagram.

No widgets here. The facilitator edits the change package (the ``DriverDiagram`` with no
team); a team reads it, adopts it into its own diagram and adapts or adds to that. Every
edit is a pure function from ``kit.qi.drivers`` applied to the diagram as loaded, then saved
at once against the version it was loaded at: a stale save raises ``Conflict`` and
overwrites nothing, a save to another team's diagram raises ``PermissionDenied``. Each save
is a revision, so any earlier diagram can be listed and restored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kit.content import change_concepts
from kit.errors import KitInputError, PermissionDenied
from kit.qi import Aim, Collaborative, DriverDiagram, Team
from kit.qi import drivers as dd
from kit.qi.aims import compose_aim
from kit.steps.base import StepModel
from kit.steps.versioned import HistoryEntry, VersionedRecord
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

#: the value that stands for "the collaborative's change package" where a team id would go
PACKAGE = ""


def counts(diagram: DriverDiagram) -> str:
    """'3 primary drivers, 5 secondary drivers, 8 change ideas'."""

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return ", ".join(
        [
            n(len(diagram.primary_drivers), "primary driver"),
            n(len(diagram.secondary_drivers), "secondary driver"),
            n(len(diagram.change_ideas), "change idea"),
        ]
    )


def is_empty(diagram: DriverDiagram) -> bool:
    return not (diagram.primary_drivers or diagram.secondary_drivers or diagram.change_ideas)


def concept_options() -> list[tuple[str, str]]:
    """The change-concept deck for a dropdown, grouped: each group heading (which tags the
    whole group) followed by its concepts, indented. "" stands for no concept (a dropdown
    shows a value of None as an empty box)."""
    options: list[tuple[str, str]] = [("(no change concept)", "")]
    for number, group in enumerate(change_concepts()["groups"], start=1):
        options.append(
            (f"{number}. {group['name'].upper()} (any concept in the group)", group["key"])
        )
        # non-breaking spaces: a <select> collapses ordinary ones, and the indent shows the group
        options += [
            (f"\u00a0\u00a0\u00a0\u00a0{number}. {c['name']}", c["key"]) for c in group["concepts"]
        ]
    return options


def concept_source() -> str:
    return " ".join(change_concepts()["source"].split())


class ChangePackageModel(StepModel):
    """One driver diagram being looked at: the change package, or a team's diagram.

    ``team_id`` ``PACKAGE`` ("") means the collaborative's change package. A facilitator
    edits the package and reads teams' diagrams; a participant edits their own team's
    diagram and reads the package.
    """

    def __init__(self, store: Any, actor: Actor, team_id: str | None = None) -> None:
        super().__init__(store, actor)
        self.team_id: str = PACKAGE
        self.current = VersionedRecord(store, actor, DriverDiagram, self._blank(PACKAGE))
        if team_id is None:
            team_id = PACKAGE if self.is_facilitator else str(actor.team_id)
        self.select(team_id)

    # --- which diagram ------------------------------------------------------------------

    @property
    def is_package(self) -> bool:
        return self.team_id == PACKAGE

    @property
    def can_edit(self) -> bool:
        """Faculty edit the package; a team edits its own diagram."""
        if self.is_facilitator:
            return self.is_package
        return not self.is_package and self.team_id == self.own_team_id

    @property
    def diagram(self) -> DriverDiagram:
        """The diagram as loaded or last saved (a blank one before the first save)."""
        return self.current.record

    @property
    def saved(self) -> Saved[DriverDiagram] | None:
        return self.current.saved

    @property
    def version(self) -> int | None:
        return self.current.version

    def choices(self) -> list[tuple[str, str]]:
        """(label, team id or PACKAGE) of the diagrams this person may open."""
        options = [("The collaborative's change package", PACKAGE)]
        if self.is_facilitator:
            teams = self.store.find(Team, self.actor, collaborative_id=self.collaborative_id)
            names = sorted((s.record.name, s.record.id) for s in teams)
            options += [(f"{name}: driver diagram", tid) for name, tid in names]
        else:
            own = str(self.own_team_id)
            options.insert(0, (f"{self.team_name(own)}: our driver diagram", own))
        return options

    def team_name(self, team_id: str | None = None) -> str:
        team_id = team_id if team_id is not None else self.team_id
        if not team_id:
            return "The collaborative"
        return self.store.get(Team, team_id, self.actor).record.name

    def select(self, team_id: str) -> DriverDiagram:
        """Open the package ("") or a team's diagram; a participant opens only their own.

        A team that does not exist is said not to exist (the store's own answer), before any
        question of whose it is."""
        if team_id != PACKAGE and team_id != self.own_team_id:
            try:
                self.store.get(Team, team_id, self.actor)
            except KitInputError:
                raise KitInputError(
                    f"There is no driver diagram '{team_id[:60]}': no team has that id. Choose "
                    "one from the list."
                ) from None
            except PermissionDenied:
                pass
        if team_id != PACKAGE and not self.is_facilitator and team_id != self.own_team_id:
            raise PermissionDenied(
                "That driver diagram belongs to another team; each team sees only its own work."
            )
        self.team_id = team_id
        return self.reload()

    def _blank(self, team_id: str) -> DriverDiagram:
        collab = self.collaborative_id
        return DriverDiagram(
            id=f"dd-{team_id}" if team_id else f"dd-package-{collab}",
            collaborative_id=collab,
            team_id=team_id or None,
        )

    def _find(self, team_id: str) -> Saved[DriverDiagram] | None:
        found = self.store.find(
            DriverDiagram,
            self.actor,
            collaborative_id=self.collaborative_id,
            team_id=team_id or None,
        )
        return found[0] if found else None

    def reload(self) -> DriverDiagram:
        """Read the diagram again from the store (after a conflict or a kernel restart)."""
        saved = self._find(self.team_id)
        blank = self._blank(self.team_id)
        if saved is None:  # a new diagram starts under the team's (or collaborative's) aim
            blank = blank.model_copy(update={"aim_text": self.default_aim_text()})
        return self.current.load(saved, blank)

    def package(self) -> DriverDiagram | None:
        """The collaborative's change package, or None when faculty have not written one."""
        found = self._find(PACKAGE)
        return found.record if found else None

    def default_aim_text(self) -> str:
        """The team's aim as one sentence, or the collaborative's aim for the package."""
        if self.is_package:
            try:
                collab = self.store.get(Collaborative, self.collaborative_id, self.actor).record
            except KitInputError:
                return ""
            return collab.aim
        aims = self.store.find(Aim, self.actor, team_id=self.team_id)
        if not aims:
            return ""
        return compose_aim(aims[0].record, placeholders=False)

    # --- editing ------------------------------------------------------------------------

    def _require_edit(self) -> None:
        if self.can_edit:
            return
        if self.is_facilitator:
            raise PermissionDenied(
                "You are looking at a team's driver diagram as faculty; only the team changes "
                "it. Choose the change package to edit it."
            )
        if self.is_package:
            raise PermissionDenied(
                "Only the facilitator can change the change package; you can read it and "
                "adopt it into your team's diagram."
            )
        raise PermissionDenied(
            "This driver diagram belongs to another team; you can only change your own."
        )

    def commit(self, diagram: DriverDiagram) -> Saved[DriverDiagram]:
        """Save a changed diagram against the version loaded. When someone saved since, the
        two edits are merged box by box (``kit.qi.drivers.merge``): additions and edits of
        different boxes both land; ``Conflict`` only when both changed the same box."""
        self._require_edit()
        return self.current.save(diagram, merge=dd.merge)

    def edit(self, change: Callable[..., DriverDiagram], *args: Any, **kwargs: Any) -> Saved:
        """Apply one pure edit from ``kit.qi.drivers`` and save the result."""
        self._require_edit()
        return self.commit(change(self.diagram, *args, **kwargs))

    def set_aim_text(self, text: str) -> Saved:
        return self.edit(dd.set_aim_text, text)

    def add_primary(self, text: str) -> Saved:
        return self.edit(dd.add_primary, text)

    def add_secondary(self, text: str, primary_ids: list[str] | tuple[str, ...]) -> Saved:
        return self.edit(dd.add_secondary, text, list(primary_ids))

    def add_change_idea(
        self,
        text: str,
        secondary_ids: list[str] | tuple[str, ...],
        change_concept: str | None = None,
    ) -> Saved:
        origin = "package" if self.is_package else "team"
        return self.edit(
            dd.add_change_idea, text, list(secondary_ids), change_concept, origin=origin
        )

    def update_box(
        self,
        box_id: str,
        *,
        text: str,
        links: list[str] | tuple[str, ...] | None = None,
        change_concept: str | None = None,
    ) -> Saved:
        """Reword a box, set its links to the left, and (for a change idea) its concept."""
        self._require_edit()
        kind, box = dd.find_box(self.diagram, box_id)
        diagram = self.diagram
        if " ".join(text.split()) != " ".join(box.text.split()):
            diagram = dd.rename(diagram, box_id, text)
        if kind == "secondary" and links is not None:
            wanted, have = list(links), list(box.primary_ids)
            for pid in have:
                if pid not in wanted:
                    diagram = dd.unlink(diagram, box_id, pid)
            for pid in wanted:
                if pid not in have:
                    diagram = dd.link(diagram, box_id, pid)
        if kind == "change_idea":
            if links is not None:
                wanted, have = list(links), list(box.secondary_ids)
                for sid in have:
                    if sid not in wanted:
                        diagram = dd.unlink_change_idea(diagram, box_id, sid)
                for sid in wanted:
                    if sid not in have:
                        diagram = dd.link_change_idea(diagram, box_id, sid)
            if (change_concept or None) != box.change_concept:
                diagram = dd.tag_change_concept(diagram, box_id, change_concept or None)
        return self.commit(diagram)

    def delete(self, box_id: str, *, cascade: bool = False) -> Saved:
        return self.edit(dd.delete, box_id, cascade=cascade)

    def adopt_package(self) -> Saved:
        """Replace the team's diagram with a fresh copy of the change package (the previous
        diagram stays in the history). The team's own aim heads the copy when it has one."""
        self._require_edit()
        if self.is_package:
            raise KitInputError("Choose a team's diagram to adopt the change package into.")
        package = self.package()
        if package is None or is_empty(package):
            raise KitInputError(
                "The facilitator has not written the change package yet; start your own diagram."
            )
        copy = dd.adopt_change_package(package, self.team_id)
        aim_text = self.default_aim_text() or package.aim_text
        copy = copy.model_copy(update={"id": self.diagram.id, "aim_text": aim_text})
        return self.commit(copy)

    def clear(self) -> Saved:
        """An empty diagram under the same aim (the previous one stays in the history)."""
        self._require_edit()
        blank = self._blank(self.team_id).model_copy(
            update={"id": self.diagram.id, "aim_text": self.diagram.aim_text}
        )
        return self.commit(blank)

    # --- reading --------------------------------------------------------------------------

    def warnings(self) -> list[str]:
        return dd.check_diagram(self.diagram)

    def boxes(self) -> list[tuple[str, str, str]]:
        """(kind, id, text) of every box, in the order of the columns."""
        return (
            [("primary", p.id, p.text) for p in self.diagram.primary_drivers]
            + [("secondary", s.id, s.text) for s in self.diagram.secondary_drivers]
            + [("change_idea", c.id, c.text) for c in self.diagram.change_ideas]
        )

    def title(self) -> str:
        if self.is_package:
            return "Change package"
        return f"Driver diagram: {self.team_name()}"

    def export_html(self) -> str:
        from kit.charts.driver_diagram import to_html

        return to_html(self.diagram, title=self.title())

    def export_png(self) -> bytes:
        from kit.charts.driver_diagram import to_png

        return to_png(self.diagram, title=self.title())

    def file_stem(self) -> str:
        name = "change-package" if self.is_package else f"driver-diagram-{self.team_id}"
        return f"{name}-{dt.date.today():%Y-%m-%d}"

    # --- history --------------------------------------------------------------------------

    def history(self) -> list[HistoryEntry[DriverDiagram]]:
        """Every saved version of this diagram, newest first, with its counts of boxes."""
        return self.current.history(counts, summary_in_label=True)

    def restore(self, version: int) -> Saved:
        """Make an earlier version current again, as a new version."""
        self._require_edit()
        if self.saved is None:
            raise KitInputError("There is no saved diagram to restore yet.")
        return self.current.restore(version)
