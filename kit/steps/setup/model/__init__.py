"""Set-up and topic selection: the collaborative's charter, timeline, enrolment and topic vote.

The model holds the records this step edits, each with the version it was loaded at, and
saves every edit through the store with that version (so a stale edit raises ``Conflict``
instead of overwriting someone else's). It imports no widgets: the view calls its methods and
shows the ``KitInputError``, ``Conflict`` or ``PermissionDenied`` they raise.

The model is one object, ``SetupModel``, written in one module per section of the app
(``charter.py``, ``timeline.py``, ``enrolment.py``, ``topics.py``, ``ballot.py``) over the
shared state and saving in ``state.py``; the view is split the same way
(``kit/steps/setup/view/``).

Who may do what: the facilitator edits the charter, timeline, teams and the vote's topics and
weights; everyone (facilitator included) scores topics on their own ballot. The store enforces
the same rules; the model checks first so the refusal reads in this app's words.
"""

from __future__ import annotations

from kit.steps.setup.model.ballot import BallotEdits
from kit.steps.setup.model.charter import CHARTER_FIELDS, FACULTY_ROLES, CharterEdits
from kit.steps.setup.model.enrolment import TEAM_ROLES, EnrolmentEdits
from kit.steps.setup.model.timeline import MILESTONE_SLOTS, Slot, TimelineEdits

__all__ = [
    "CHARTER_FIELDS",
    "FACULTY_ROLES",
    "MILESTONE_SLOTS",
    "TEAM_ROLES",
    "SetupModel",
    "Slot",
]


class SetupModel(CharterEdits, TimelineEdits, EnrolmentEdits, BallotEdits):
    """The state of the set-up app for one signed-in person, loaded from and saved to the store."""
