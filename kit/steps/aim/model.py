"""The aim step's state: one team's aim, read from and saved to the store, and its feedback.

No widgets here. The view hands over what the participant typed, as text; this model turns
it into an ``Aim`` (numbers parsed here, so "abc" in the baseline becomes the sentence
"Baseline must be a number; 'abc' is not." beside that field), asks ``kit.qi.aims`` for the
feedback, and saves through the store with the version it loaded (a stale save raises
``Conflict``; another team's aim raises ``PermissionDenied``). Everything is reloaded from the
store, so a restarted kernel shows exactly what was saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Aim, Collaborative, Measure
from kit.qi.aims import AimReview, compose_aim, review_aim, review_free_text_aim
from kit.qi.validation import friendly_messages
from kit.steps.base import TeamStepModel
from kit.steps.versioned import HistoryEntry, VersionedRecord
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

#: the raw fields the form sends, in the order it shows them
FIELDS = (
    "what",
    "for_whom",
    "where",
    "baseline",
    "target",
    "unit",
    "measure_id",
    "baseline_period_end",
    "by_when",
    "free_text",
)
_NUMBER_LABELS = {"baseline": "Baseline", "target": "Target"}


def parse_number(label: str, raw: Any) -> float | None:
    """'50', '50%', '1,000', ' 7.7 ' -> a number; '' -> None; 'abc' -> a message to show.

    Numbers are typed into text boxes on purpose: a number box silently drops what it cannot
    read, whereas a participant who types "some" should be told that some is not a number.
    """
    if raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if not text:
            return None
        cleaned = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text).removesuffix("%").strip()
        try:
            value = float(cleaned)
        except ValueError:
            raise KitInputError(f"{label} must be a number; '{text[:40]}' is not.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise KitInputError(f"{label} must be a finite number.")
    return value


def format_number(value: float | None) -> str:
    """How a stored number goes back into its text box: 4.1 -> '4.1', 50.0 -> '50'."""
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


#: the element of the aim each field belongs to, so a field's message replaces that element's
#: feedback (never "Done" beside "too long")
FIELD_ELEMENTS = {
    "what": "what",
    "for_whom": "for_whom",
    "where": "where",
    "baseline": "how_much",
    "target": "how_much",
    "unit": "how_much",
    "measure_id": "how_much",
    "baseline_period_end": "how_much",
    "by_when": "by_when",
}


@dataclass
class Draft:
    """What the form holds right now, what of it can be saved, and why the rest cannot.

    ``errors`` maps a field name (one of ``FIELDS``, or 'form' for the record as a whole) to
    the message to show beside it. ``typed`` is the form as typed (a number that cannot be
    read left empty), for the sentence and the feedback. ``aim`` is what is saved: every
    readable field as typed, and each field with an error at its last saved value, so one bad
    field never holds back the others.
    """

    aim: Aim
    errors: dict[str, str] = field(default_factory=dict)
    typed: Aim | None = None

    def __post_init__(self) -> None:
        if self.typed is None:
            self.typed = self.aim

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown(self) -> Aim:
        """The aim the sentence and the feedback describe: the form as typed."""
        return self.typed or self.aim


def _field_errors(error: ValidationError) -> dict[str, str]:
    """Pydantic's complaints about an aim, one sentence per field ('form' for the record)."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        loc = item.get("loc") or ()
        name = str(loc[0]) if loc and str(loc[0]) in Aim.model_fields else "form"
        detail: dict[str, Any] = {"type": item["type"], "loc": loc, "input": item.get("input")}
        if item.get("ctx"):
            detail["ctx"] = item["ctx"]
        single = ValidationError.from_exception_data(error.title, [detail])  # type: ignore[list-item]
        found.setdefault(name, " ".join(friendly_messages(Aim, single)))
    return found


def _direction(measure: Measure | None, baseline: float | None, target: float | None) -> str | None:
    """The measure's direction, stored only when the numbers agree with it, so that an aim
    moving the wrong way can still be saved; the review then says why."""
    if measure is None:
        return None
    if baseline is None or target is None:
        return measure.direction
    agrees = target > baseline if measure.direction == "up" else target < baseline
    return measure.direction if agrees else None


class AimModel(TeamStepModel):
    """One team's aim. A participant edits their own team's; a facilitator reads any team's."""

    other_team_refusal = "This aim belongs to another team; each team sees only its own work."

    def __init__(
        self,
        store: Any,
        actor: Actor,
        team_id: str | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(store, actor)
        self.today = today
        self.current = VersionedRecord(store, actor, Aim, Aim(id="aim-new", team_id=""))
        self.aim: Aim | None = None
        self._measures: dict[str, Measure] | None = None
        self._set_on: dt.date | None = None
        chosen = team_id or actor.team_id
        if chosen:
            self.select_team(chosen)

    # --- who and what -----------------------------------------------------------------

    @property
    def saved(self) -> Saved[Aim] | None:
        return self.current.saved

    @property
    def version(self) -> int | None:
        return self.current.version

    def reload(self) -> Aim:
        """Read the team's aim again from the store (after a conflict, or a kernel restart)."""
        self._measures = None
        self._set_on = None
        if self.team_id is None:
            raise KitInputError("Choose a team first.")
        found = self.store.find(Aim, self.actor, team_id=self.team_id)
        blank = Aim(id=f"aim-{self.team_id}", team_id=self.team_id)
        self.aim = self.current.load(found[0] if found else None, blank)
        return self.aim

    def collaborative_aim(self) -> str:
        try:
            collab = self.store.get(Collaborative, self.collaborative_id, self.actor)
        except KitInputError:
            return ""
        return collab.record.aim

    def measures(self) -> dict[str, Measure]:
        """The measures this team reports (the collaborative's and its own), by id."""
        if self._measures is None:
            found = self.store.find(Measure, self.actor, collaborative_id=self.collaborative_id)
            self._measures = {
                s.record.id: s.record for s in found if s.record.team_id in (None, self.team_id)
            }
        return self._measures

    def measure(self, measure_id: str | None) -> Measure | None:
        return self.measures().get(measure_id) if measure_id else None

    # --- the form -----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The stored aim as the form shows it: numbers as text, dates as dates."""
        aim = self.aim or Aim(id="aim-new", team_id=self.team_id or "")
        return {
            "what": aim.what,
            "for_whom": aim.for_whom,
            "where": aim.where,
            "baseline": format_number(aim.baseline),
            "target": format_number(aim.target),
            "unit": aim.unit,
            "measure_id": aim.measure_id,
            "baseline_period_end": aim.baseline_period_end,
            "by_when": aim.by_when,
            "free_text": aim.free_text,
        }

    def draft(self, raw: dict[str, Any]) -> Draft:
        """The aim the form describes, with a message per field that cannot be saved."""
        if self.team_id is None or self.aim is None:
            raise KitInputError("Choose a team first.")
        errors: dict[str, str] = {}
        typed: dict[str, Any] = {"id": self.aim.id, "team_id": self.team_id}
        for name in ("what", "for_whom", "where", "unit", "free_text"):
            typed[name] = str(raw.get(name) or "").strip()
        for name, label in _NUMBER_LABELS.items():
            try:
                typed[name] = parse_number(label, raw.get(name))
            except KitInputError as error:
                errors[name] = str(error)
                typed[name] = None
        measure_id = raw.get("measure_id") or None
        if measure_id and self.measure(measure_id) is None:
            errors["measure_id"] = "That measure is not one of your team's measures; pick again."
            measure_id = None
        typed["measure_id"] = measure_id
        for name in ("baseline_period_end", "by_when"):
            value = raw.get(name)
            if isinstance(value, dt.datetime):
                value = value.date()
            if value is not None and not isinstance(value, dt.date):
                errors[name] = "Choose a date from the calendar."
                value = None
            typed[name] = value
        start, end = typed["baseline_period_end"], typed["by_when"]
        if start and end and end <= start:
            errors["by_when"] = (
                f"The target date ({end:%d %b %Y}) must come after the end of the baseline "
                f"period ({start:%d %b %Y})."
            )
        measure = self.measure(typed["measure_id"])
        typed["direction"] = _direction(measure, typed["baseline"], typed["target"])
        aim, more = self._savable(typed, errors)
        errors.update({k: v for k, v in more.items() if k not in errors})
        return Draft(aim, errors, Aim.model_construct(**typed))

    def _savable(self, typed: dict[str, Any], errors: dict[str, str]) -> tuple[Aim, dict[str, str]]:
        """The aim to save: the typed fields that can be saved, the last saved value of the
        others. Returns it with the messages of the fields the record itself refused."""
        assert self.aim is not None
        saved = self.aim.model_dump()
        data = dict(typed)
        refused: dict[str, str] = {}
        for name in errors:
            if name in saved:
                data[name] = saved[name]
        for _attempt in range(3):
            data["direction"] = _direction(
                self.measure(data["measure_id"]), data["baseline"], data["target"]
            )
            try:
                return Aim.model_validate(data), refused
            except ValidationError as error:
                found = _field_errors(error)
            for name, message in found.items():
                refused.setdefault(name, message)
                if name == "form":  # the dates disagree: keep both as saved
                    for date in ("baseline_period_end", "by_when"):
                        data[date] = saved[date]
                else:
                    data[name] = saved[name]
        refused.setdefault("form", "This aim cannot be saved as it is; fix the fields in red.")
        return self.aim, refused

    def set_on(self) -> dt.date | None:
        """The day the aim was set: its first saved version's date (None before a save).

        A model given ``today`` (a test's clock) never dates the aim after that day."""
        if self._set_on is None and self.saved is not None:
            revisions = self.store.revisions(Aim, str(self.saved.record.id), self.actor)
            if revisions:
                self._set_on = min(r.saved_at for r in revisions).date()
        if self._set_on is not None and self.today is not None:
            return min(self._set_on, self.today)
        return self._set_on

    def ends_on(self) -> dt.date | None:
        """The collaborative's closing date: the end of the last event on its timeline."""
        try:
            collab = self.store.get(Collaborative, self.collaborative_id, self.actor).record
        except KitInputError:
            return None
        return max((m.end for m in collab.timeline), default=None)

    def review(self, aim: Aim) -> AimReview:
        """Feedback on each element, with the direction taken from the chosen measure, and
        dates judged from the day the aim was set against the collaborative's end."""
        return review_aim(
            aim,
            measure=self.measure(aim.measure_id),
            today=self.today,
            set_on=self.set_on(),
            ends_on=self.ends_on(),
        )

    def review_text(self, text: str, measure_id: str | None = None) -> AimReview:
        """The same feedback for an aim pasted as one sentence."""
        return review_free_text_aim(
            text,
            measure=self.measure(measure_id),
            today=self.today,
            set_on=self.set_on(),
            ends_on=self.ends_on(),
        )

    @staticmethod
    def sentence(aim: Aim) -> str:
        return compose_aim(aim)

    def save(self, draft: Draft) -> Saved[Aim] | None:
        """Save what can be saved of the draft against the version loaded (``Conflict`` if
        someone saved since). Fields with an error keep their saved value; a draft that
        changes nothing saved makes no new version (None before the first save)."""
        if not self.can_edit:
            raise PermissionDenied(
                "You are looking at this team's aim as faculty; only the team changes it."
                if self.is_facilitator
                else "This aim belongs to another team; you can only change your own team's work."
            )
        if self.aim is not None and draft.aim == self.aim:
            return self.saved  # nothing changed: no new version
        saved = self.current.save(draft.aim)
        self.aim = saved.record
        return saved

    # --- history ------------------------------------------------------------------------

    def history(self) -> list[HistoryEntry[Aim]]:
        """Every saved version, newest first; each entry's summary is the aim's sentence."""
        if self.aim is None:
            return []
        return self.current.history(compose_aim)

    def restore(self, version: int) -> Saved[Aim]:
        """Make an earlier version current again (as a new version; nothing is lost)."""
        if not self.can_edit:
            raise PermissionDenied("Only the team can restore an earlier version of its aim.")
        if self.aim is None or self.saved is None:
            raise KitInputError("There is no saved aim to restore yet.")
        saved = self.current.restore(version)
        self.aim = saved.record
        return saved
