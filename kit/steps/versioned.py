"""Records a step edits, each with the version it was loaded at: save, history, restore.

Every step saves the same way: against the version it loaded, so that an edit made while
someone else saved raises a conflict instead of overwriting their work, and every save is a
revision that can be listed and restored. ``VersionedRecord`` is that rule written once; a
step model keeps one per record it edits (``kit/steps/aim/model.py``,
``kit/steps/change_package/model.py``) or calls ``save_versioned`` for records it keeps in
collections (``kit/steps/setup/``).

A stale save raises ``EditConflict``: the store's ``Conflict`` (so every ``except Conflict``
still catches it) carrying who saved the newer version and which fields they changed, read
back from the store, so the view's banner can say what "reload theirs" would bring.

No widgets here, and nothing from ``kit.ui``: the purity test (``tests/qi/test_purity.py``)
imports every step model in a fresh interpreter and checks it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import Record
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

R = TypeVar("R", bound=Record)
#: ``merge(loaded, mine, theirs)``: two edits of one record made from the version loaded
Merge = Callable[[R, R, R], R]


class EditConflict(Conflict):
    """Someone saved a newer version while this person was editing; nothing was overwritten.

    ``saved_by`` and ``changed`` (field titles, in the record's order) describe their save, and
    ``theirs`` what their version holds in each changed field short enough to quote (the banner
    shows the other version, issue 15); all are empty when the newer version could not be
    read back (it was deleted, say).
    """

    def __init__(
        self,
        message: str,
        *,
        saved_by: str = "",
        changed: list[str] | None = None,
        theirs: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.saved_by = saved_by
        self.changed = list(changed or [])
        self.theirs = dict(theirs or {})


def field_title(record: BaseModel, name: str) -> str:
    """A field in the words its form uses: the pydantic title, else the name with spaces."""
    info = type(record).model_fields.get(name)
    title = info.title if info is not None else None
    return title or name.replace("_", " ")


def changed_fields(before: BaseModel | None, after: BaseModel | None) -> list[str]:
    """The titles of the fields whose values differ between two versions of a record."""
    if before is None or after is None:
        return []
    mine, theirs = before.model_dump(), after.model_dump()
    return [
        field_title(before, name)
        for name in type(before).model_fields
        if name != "id" and mine.get(name) != theirs.get(name)
    ]


#: longest value the banner quotes from the other version
_QUOTE = 80


def their_values(before: BaseModel | None, after: BaseModel | None) -> dict[str, str]:
    """The other version's value of each changed field that reads as one short value (text,
    a number, a date); a list of boxes or rows is named by ``changed_fields``, not quoted."""
    if before is None or after is None:
        return {}
    values = {}
    for name in type(before).model_fields:
        mine, theirs = getattr(before, name), getattr(after, name)
        if name == "id" or mine == theirs:
            continue
        if isinstance(theirs, bool) or not isinstance(theirs, str | int | float | dt.date):
            continue
        text = theirs.isoformat() if isinstance(theirs, dt.date) else f"{theirs}"
        if len(text) > _QUOTE:
            text = text[: _QUOTE - 1] + "…"
        values[field_title(before, name)] = text
    return values


def person(updated_by: str) -> str:
    """How a banner names who saved: the store writes "Name (Team)", and a participant
    signed in under the team's own name would read "Riverside (Riverside)": the team once."""
    match = re.fullmatch(r"(.+) \((.+)\)", updated_by.strip())
    if match and match.group(1).strip().casefold() == match.group(2).strip().casefold():
        return f"someone in {match.group(2).strip()}"
    return updated_by


def explain_conflict(
    store: Any, actor: Actor, record: Record, loaded: Any, error: Conflict
) -> EditConflict:
    """The store's ``Conflict`` for ``record``, with who saved since and what they changed."""
    if isinstance(error, EditConflict):
        return error
    try:
        current = store.get(type(record), str(record.id), actor)
    except (KitInputError, PermissionDenied):  # deleted since, or no longer readable
        return EditConflict(str(error))
    before = loaded.record if loaded is not None else None
    who = person(current.updated_by)
    message = str(error).replace(current.updated_by, who, 1)
    if message and message[0].islower():
        message = message[0].upper() + message[1:]
    return EditConflict(
        message,
        saved_by=who,
        changed=changed_fields(before, current.record),
        theirs=their_values(before, current.record),
    )


def save_versioned(store: Any, actor: Actor, record: R, loaded: Saved[R] | None) -> Saved[R]:
    """Save ``record`` over the version ``loaded`` (None: a new record); ``EditConflict`` if
    someone saved since."""
    try:
        return store.save(
            record, actor, expected_version=None if loaded is None else loaded.version
        )
    except Conflict as error:
        raise explain_conflict(store, actor, record, loaded, error) from error


def delete_versioned(store: Any, actor: Actor, loaded: Saved[Any]) -> None:
    """Delete the version ``loaded``; ``EditConflict`` if someone saved since."""
    record = loaded.record
    try:
        store.delete(type(record), str(record.id), actor, expected_version=loaded.version)
    except Conflict as error:
        raise explain_conflict(store, actor, record, loaded, error) from error


@dataclass(frozen=True)
class HistoryEntry(Generic[R]):
    """One saved version of a record, described for a list (newest first)."""

    version: int
    label: str
    summary: str
    record: R


class VersionedRecord(Generic[R]):
    """One record as loaded from the store, saved back over the version it was loaded at.

    ``record`` is what the step shows: the saved record, or the ``blank`` it was given when
    nothing is saved yet (a first save then creates it).
    """

    def __init__(self, store: Any, actor: Actor, kind: type[R], blank: R) -> None:
        self.store = store
        self.actor = actor
        self.kind = kind
        self.saved: Saved[R] | None = None
        self.record: R = blank

    @property
    def version(self) -> int | None:
        return self.saved.version if self.saved is not None else None

    def load(self, saved: Saved[R] | None, blank: R) -> R:
        """Hold ``saved`` (what the store has), or ``blank`` when there is nothing yet."""
        self.saved = saved
        self.record = saved.record if saved is not None else blank
        return self.record

    def save(self, record: R, merge: Merge[R] | None = None) -> Saved[R]:
        """Save a changed record; an unchanged one makes no new version.

        With ``merge`` (``merge(loaded, mine, theirs)``), a save that finds a newer version
        merges the two edits against the version loaded and saves the result over the newer
        one; ``merge`` raises ``ValueError`` when the edits cannot both stand, and that is
        the ``EditConflict`` (with its reason appended)."""
        if self.saved is not None and record == self.saved.record:
            return self.saved
        try:
            saved = save_versioned(self.store, self.actor, record, self.saved)
        except EditConflict as error:
            if merge is None or self.saved is None:
                raise
            saved = self._merge(record, merge, error)
        self.saved, self.record = saved, saved.record
        return saved

    def _merge(self, record: R, merge: Merge[R], error: EditConflict) -> Saved[R]:
        """Merge ``record`` into each newer version in turn (another save may land between)."""
        assert self.saved is not None
        base = self.saved.record
        for _attempt in range(3):
            try:
                current = self.store.get(self.kind, str(record.id), self.actor)
            except (KitInputError, PermissionDenied):
                raise error from None
            try:
                merged = merge(base, record, current.record)
            except ValueError as clash:
                raise EditConflict(
                    f"{error} {clash}",
                    saved_by=error.saved_by,
                    changed=error.changed,
                    theirs=error.theirs,
                ) from None
            try:
                return save_versioned(self.store, self.actor, merged, current)
            except EditConflict as again:
                error = again
                base, record = current.record, merged
        raise error

    def history(
        self, describe: Callable[[R], str], *, summary_in_label: bool = False
    ) -> list[HistoryEntry[R]]:
        """Every saved version, newest first: 'Version 3 · 02 Dec 2026 10:32 UTC · Riverside'."""
        if self.saved is None:
            return []
        entries = []
        for rev in reversed(self.store.revisions(self.kind, str(self.record.id), self.actor)):
            summary = describe(rev.record)
            when = rev.saved_at.astimezone(dt.UTC)
            label = f"Version {rev.version} · {when:%d %b %Y %H:%M} UTC · {rev.saved_by}"
            if summary_in_label:
                label += f" · {summary}"
            if rev.action not in ("create", "update"):
                label += f" ({rev.action})"
            entries.append(HistoryEntry(rev.version, label, summary, rev.record))
        return entries

    def restore(self, version: int) -> Saved[R]:
        """Make an earlier version current again, as a new version (nothing is lost)."""
        if self.saved is None:
            raise KitInputError("There is no saved version to restore yet.")
        try:
            saved = self.store.restore(
                self.kind,
                str(self.record.id),
                version,
                self.actor,
                expected_version=self.saved.version,
            )
        except Conflict as error:
            raise explain_conflict(
                self.store, self.actor, self.record, self.saved, error
            ) from error
        self.saved, self.record = saved, saved.record
        return saved
