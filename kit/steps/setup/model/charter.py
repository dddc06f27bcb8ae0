"""The charter: the collaborative's name, topic, aim, sponsor and faculty (facilitator only)."""

from __future__ import annotations

from kit.errors import KitInputError
from kit.steps.setup.model.state import SetupState, as_data

#: the charter's text fields, in the order the form shows them
CHARTER_FIELDS = ("name", "topic", "aim", "sponsor")

FACULTY_ROLES = {
    "chair": "Chair",
    "expert": "Expert",
    "improvement_advisor": "Improvement advisor",
    "director": "Director",
}


class CharterEdits(SetupState):
    """Changing the charter and the faculty list: both are fields of the collaborative."""

    def update_charter(self, **fields: str) -> None:
        """Change the charter's name, topic, collaborative aim or sponsor."""
        self._require_facilitator("the charter")
        unknown = set(fields) - set(CHARTER_FIELDS)
        if unknown:
            raise KitInputError(f"The charter has no field {', '.join(sorted(unknown))}.")
        self._save_collaborative(fields)

    @property
    def faculty(self) -> list[tuple[str, str]]:
        return [(f.name, str(f.role)) for f in self.collaborative.record.faculty]

    def add_faculty_member(self, name: str, role: str) -> None:
        self._require_facilitator("the faculty")
        faculty = [*as_data(self.collaborative.record)["faculty"], {"name": name, "role": role}]
        self._save_collaborative({"faculty": faculty})

    def update_faculty_member(self, index: int, **fields: str) -> None:
        self._require_facilitator("the faculty")
        faculty = as_data(self.collaborative.record)["faculty"]
        if not 0 <= index < len(faculty):
            raise KitInputError("That faculty member is no longer on the list; reload the page.")
        faculty[index] = faculty[index] | fields
        self._save_collaborative({"faculty": faculty})

    def remove_faculty_member(self, index: int) -> None:
        self._require_facilitator("the faculty")
        faculty = as_data(self.collaborative.record)["faculty"]
        if 0 <= index < len(faculty):
            del faculty[index]
            self._save_collaborative({"faculty": faculty})
