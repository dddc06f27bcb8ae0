"""Shared plumbing for the step apps: the shell, sign-in, alerts, save state, guarded handlers."""

from kit.ui.app import APPS, AppContext, AppShell, load_bokeh, run
from kit.ui.session import Identity, identify, issue_token, read_token, sign_in_with_code
from kit.ui.widgets import Alert, Debouncer, SaveState, guarded, message_for

__all__ = [
    "APPS",
    "Alert",
    "AppContext",
    "AppShell",
    "Debouncer",
    "Identity",
    "SaveState",
    "guarded",
    "identify",
    "issue_token",
    "load_bokeh",
    "message_for",
    "read_token",
    "run",
    "sign_in_with_code",
]
