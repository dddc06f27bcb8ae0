"""The operational-definition form: what the form holds, the measure it makes, why it is ambiguous.

The view hands over what the participant typed, as text (numbers included, so "about 4"
in the baseline becomes a sentence beside that field rather than a silently empty box); this
module turns it into a ``Measure``, asks ``kit.qi.definitions.review_definition`` why the
definition is still ambiguous, and saves it against the version loaded (a stale save raises
``EditConflict``). Findings are advice: a measure is saved with them, as the teaching intends
(a team improves its definition over the first months).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Measure, check
from kit.qi.definitions import Finding, measure_type, review_definition
from kit.qi.records import OperationalDefinition
from kit.steps.aim.model import format_number, parse_number
from kit.steps.measures.model.family import FamilyEdits
from kit.steps.versioned import save_versioned

if TYPE_CHECKING:
    from kit.store import Saved

#: the definition's text fields (``OperationalDefinition``), in the form's order
TEXT_FIELDS = ("numerator", "denominator", "inclusions", "exclusions", "data_source", "sampling")
#: the form's number fields and the words their messages use
NUMBER_FIELDS = {"baseline": "Baseline", "target": "Target", "multiply": "Multiplier"}
#: charts a measure may name, with what each is for (the chart table in kit/spc/advice.py)
CHARTS: dict[str, str] = {
    "run": "Run chart (any data, few points)",
    "p": "P chart (proportion: cases of a whole)",
    "u": "U chart (rate: events per exposure)",
    "c": "C chart (count of events, same exposure)",
    "i": "I chart (one measurement per period)",
    "g": "G chart (cases between rare events)",
    "t": "T chart (time between rare events)",
    "pp": "P' chart (proportion, very large denominators)",
    "up": "U' chart (rate, very large denominators)",
    "xbar": "Xbar-S chart (several measurements per period)",
}


@dataclass
class DefinitionDraft:
    """The measure the form describes, and a message per field that cannot be read.

    ``errors`` maps a form field ('baseline', 'target', 'multiply', 'name', or 'form' for a
    rule across fields) to its message; ``measure`` is the best reading of the form (fields
    that cannot be read left as stored), good for feedback but only saved when ``ok``.
    """

    measure: Measure
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class DefinitionEdits(FamilyEdits):
    """The selected measure's operational definition, read from and saved to the form."""

    def form_values(self, measure_id: str | None = None) -> dict[str, Any]:
        """A stored measure as the form shows it: numbers as text, choices as their keys."""
        m = self.measure(measure_id)
        values: dict[str, Any] = {name: getattr(m.definition, name) for name in TEXT_FIELDS}
        values.update(
            name=m.name,
            measure_kind=str(m.measure_kind),
            frequency=m.definition.frequency,
            direction=m.direction,
            unit=m.unit,
            has_denominator=m.has_denominator,
            chart=m.chart,
            baseline=format_number(m.baseline),
            target=format_number(m.target),
            multiply=format_number(m.multiply),
        )
        return values

    def draft(self, raw: dict[str, Any], measure_id: str | None = None) -> DefinitionDraft:
        """The measure the form describes, with a message beside each field it cannot read."""
        stored = self.measure(measure_id)
        errors: dict[str, str] = {}
        data = stored.model_dump()
        definition = dict(data["definition"])
        for name in TEXT_FIELDS:
            definition[name] = str(raw.get(name, definition[name]) or "").strip()
        definition["frequency"] = raw.get("frequency") or definition["frequency"]
        data["definition"] = definition
        for name in ("measure_kind", "direction", "chart"):
            data[name] = raw.get(name) or data[name]
        data["name"] = str(raw.get("name", stored.name) or "").strip()
        if not data["name"]:
            errors["name"] = "Give the measure a name."
            data["name"] = stored.name
        data["unit"] = str(raw.get("unit", stored.unit) or "").strip()
        data["has_denominator"] = bool(raw.get("has_denominator", stored.has_denominator))
        for name, label in NUMBER_FIELDS.items():
            if name not in raw:
                continue
            try:
                data[name] = parse_number(label, raw[name])
            except KitInputError as error:
                errors[name] = str(error)
                data[name] = getattr(stored, name)
        if data["multiply"] is None:
            data["multiply"] = 1.0
        elif data["multiply"] <= 0:
            errors["multiply"] = "The multiplier must be above 0 (1 for values, 100 for %)."
            data["multiply"] = stored.multiply
        try:
            measure = check(Measure, data)
        except KitInputError as error:
            errors.setdefault("form", str(error))
            try:
                readable = OperationalDefinition(**definition)
            except ValueError:  # a definition field itself is unreadable: keep the stored one
                readable = stored.definition
            measure = Measure.model_construct(**{**data, "definition": readable})
        return DefinitionDraft(measure, errors)

    @staticmethod
    def review(measure: Measure) -> list[Finding]:
        """Why the definition is still ambiguous, most basic first; empty when it is clear."""
        return review_definition(measure)

    @staticmethod
    def kind_of_data(measure: Measure) -> str:
        """'proportion', 'rate' or 'value': how the measure's numbers read."""
        return measure_type(measure)

    def save_definition(self, draft: DefinitionDraft) -> Saved[Measure]:
        """Save the form's measure over the version loaded; ``EditConflict`` if someone saved."""
        saved = self.saved_measure(draft.measure.id)
        if not self.can_edit(saved.record):
            raise PermissionDenied(
                "This is a core measure of the collaborative; only the facilitator changes its "
                "definition."
                if saved.record.team_id is None
                else "Only the team changes its own measures; you can read this one."
            )
        if not draft.ok:
            raise KitInputError(" ".join(dict.fromkeys(draft.errors.values())))
        if draft.measure == saved.record:
            return saved
        new = save_versioned(self.store, self.actor, draft.measure, saved)
        self._remember(new)
        return new
