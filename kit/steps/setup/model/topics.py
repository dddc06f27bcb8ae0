"""The vote's topics and criteria: the candidate topics and how much each criterion counts."""

from __future__ import annotations

from typing import Any

from kit.errors import KitInputError
from kit.qi import TopicCandidate, TopicSelection, check
from kit.qi.topics import criteria_help, default_selection
from kit.steps.setup.model.state import SetupState, as_data


class TopicsEdits(SetupState):
    """Putting topics on the ballot and weighting the criteria (the facilitator's work)."""

    @property
    def criteria(self) -> list[Any]:
        return list(self._current_selection().criteria)

    @staticmethod
    def criteria_help() -> dict[str, dict[str, Any]]:
        return criteria_help()

    def _current_selection(self) -> TopicSelection:
        """The vote's criteria as saved, or the kit's defaults before the first change."""
        if self.selection is not None:
            return self.selection.record
        return default_selection(self.collaborative_id)

    def set_weight(self, key: str, weight: Any) -> None:
        """Change how much one criterion counts in the weighted score (0 to 10)."""
        self._require_facilitator("the weights")
        data = as_data(self._current_selection())
        keys = [c["key"] for c in data["criteria"]]
        if key not in keys:
            raise KitInputError(f"'{key}' is not one of this vote's criteria.")
        data["criteria"][keys.index(key)]["weight"] = weight
        record = check(TopicSelection, data)
        if sum(c.weight for c in record.criteria) <= 0:
            raise KitInputError(
                "At least one criterion needs a weight above 0, or no topic can score anything."
            )
        if self.selection is not None and record == self.selection.record:
            return
        self.selection = self._save(self.selection, record)

    def add_candidate(self, title: str, description: str = "") -> str:
        """Put a topic on the ballot; returns its id."""
        self._require_facilitator("the candidate topics")
        self._unique_title(title)
        record = check(
            TopicCandidate,
            {"collaborative_id": self.collaborative_id, "title": title, "description": description},
        )
        self.candidates[record.id] = self._save(None, record)
        return record.id

    def rename_candidate(self, candidate_id: str, title: str) -> None:
        self._require_facilitator("the candidate topics")
        saved = self.candidates.get(candidate_id)
        if saved is None:
            raise KitInputError("That topic is no longer on the ballot; reload the page.")
        self._unique_title(title, candidate_id)
        record = check(TopicCandidate, as_data(saved.record) | {"title": title})
        if record != saved.record:
            self.candidates[candidate_id] = self._save(saved, record)

    def _unique_title(self, title: str, candidate_id: str | None = None) -> None:
        wanted = (title or "").strip().casefold()
        for cid, saved in self.candidates.items():
            if cid != candidate_id and wanted and saved.record.title.casefold() == wanted:
                raise KitInputError(f"'{saved.record.title}' is already on the ballot.")

    def remove_candidate(self, candidate_id: str) -> None:
        """Take a topic off the ballot; scores already given to it are left out of the results."""
        self._require_facilitator("the candidate topics")
        saved = self.candidates.get(candidate_id)
        if saved is None:
            return
        self._delete(saved)
        del self.candidates[candidate_id]
