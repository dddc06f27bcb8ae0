"""Enrolment: the teams, their members with their BTS roles, and their join codes."""

from __future__ import annotations

from typing import Any

from kit.errors import KitInputError
from kit.qi import Team, check
from kit.qi.records import ROLE_LABELS
from kit.qi.team import enrolment_warnings, roster_warnings
from kit.steps.setup.model.state import SetupState, as_data

TEAM_ROLES = {key: label[0].upper() + label[1:] for key, label in ROLE_LABELS.items()}


class EnrolmentEdits(SetupState):
    """Enrolling teams and keeping their rosters (the facilitator's work)."""

    def team(self, team_id: str) -> Team:
        try:
            return self.teams[team_id].record
        except KeyError:
            raise KitInputError(
                "That team is no longer part of the collaborative; reload the page."
            ) from None

    def add_team(self, name: str, organisation: str = "") -> str:
        """Enrol a team and give it a join code; returns the new team's id."""
        self._require_facilitator("the teams")
        self._unique_team_name(name)
        team = check(
            Team,
            {"collaborative_id": self.collaborative_id, "name": name, "organisation": organisation},
        )
        saved = self._save(None, team)
        self.teams[team.id] = saved
        self.teams = dict(sorted(self.teams.items(), key=lambda i: i[1].record.name.casefold()))
        self.store.issue_join_code(team.id, self.actor)
        return team.id

    def _save_team(self, team_id: str, changes: dict[str, Any]) -> None:
        self._require_facilitator("the teams")
        self.team(team_id)  # a message when the team has gone
        saved = self.teams[team_id]
        record = check(Team, as_data(saved.record) | changes)
        if record == saved.record:
            return
        self.teams[team_id] = self._save(saved, record)

    def update_team(self, team_id: str, **fields: str) -> None:
        """Rename a team or change its organisation."""
        unknown = set(fields) - {"name", "organisation"}
        if unknown:
            raise KitInputError(f"A team has no field {', '.join(sorted(unknown))}.")
        if fields.get("name") is not None:
            self._unique_team_name(fields["name"], team_id)
        self._save_team(team_id, fields)

    def _unique_team_name(self, name: str, team_id: str | None = None) -> None:
        wanted = (name or "").strip().casefold()
        for tid, saved in self.teams.items():
            if tid != team_id and wanted and saved.record.name.casefold() == wanted:
                raise KitInputError(f"There is already a team called '{saved.record.name}'.")

    def remove_team(self, team_id: str) -> None:
        """Take a team out of the collaborative (its history stays in the store)."""
        self._require_facilitator("the teams")
        saved = self.teams.get(team_id)
        if saved is None:
            return
        self._delete(saved)
        del self.teams[team_id]

    def add_member(self, team_id: str, name: str, role: str, email: str = "") -> None:
        members = as_data(self.team(team_id))["members"]
        members.append({"name": name, "role": role, "email": email})
        self._save_team(team_id, {"members": members})

    def update_member(self, team_id: str, index: int, **fields: str) -> None:
        members = as_data(self.team(team_id))["members"]
        if not 0 <= index < len(members):
            raise KitInputError("That member is no longer on the team; reload the page.")
        members[index] = members[index] | fields
        self._save_team(team_id, {"members": members})

    def remove_member(self, team_id: str, index: int) -> None:
        members = as_data(self.team(team_id))["members"]
        if 0 <= index < len(members):
            del members[index]
            self._save_team(team_id, {"members": members})

    def team_warnings(self, team_id: str) -> list[str]:
        """What one team's roster still lacks: the three BTS roles first, then softer advice."""
        return roster_warnings(self.team(team_id))

    def enrolment_warnings(self) -> dict[str, list[str]]:
        """Team id -> roster warnings, for every team that has any."""
        return enrolment_warnings([saved.record for saved in self.teams.values()])

    def join_codes(self) -> dict[str, str]:
        """Team id -> join code to hand out (issuing one for a team that has none)."""
        self._require_facilitator("the join codes")
        codes = self.store.join_codes(self.collaborative_id, self.actor)
        for team_id in self.teams:
            if team_id not in codes:
                codes[team_id] = self.store.issue_join_code(team_id, self.actor)
        return {tid: codes[tid] for tid in self.teams}

    def new_join_code(self, team_id: str) -> str:
        """Replace a team's join code (for example when it was shared too widely)."""
        self._require_facilitator("the join codes")
        self.team(team_id)
        return self.store.issue_join_code(team_id, self.actor)
