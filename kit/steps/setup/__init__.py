"""Set-up and topic selection: the charter, timeline, enrolment and the topic vote."""

from kit.steps.setup.view import app

__all__ = ["app"]
