"""Keep sign-in secrets out of the server's log.

A team may join with a link (``?join=KXM-4Q7``) and a page may carry a session token
(``?session=...``). Tornado and Voilà write the whole address of every request that fails
(a 404 for a mistyped notebook, a 403) into the log, and the log is shown on the facilitator's
terminal and kept in files. jupyter_server hides its own ``token`` parameter only in some of
those lines (GHSA-c3mw-737p-c7g2); the kit's parameters it does not know. So the server process
rewrites every log record before any handler sees it: the value of each sensitive query
parameter becomes ``[hidden]``. ``tests/browser/test_voila_advisories.py`` reads the log of a
real server after signing in every way the kit offers.
"""

from __future__ import annotations

import logging
import re

#: query parameters whose values sign someone in (the kit's, Jupyter's and Tornado's)
SENSITIVE = ("join", "session", "handoff", "token", "passcode", "code", "_xsrf")
_PATTERN = re.compile(
    r"(?P<key>(?:^|[?&;\s'\"(])(?:" + "|".join(re.escape(k) for k in SENSITIVE) + r")=)"
    r"[^&;\s'\")]+",
    re.IGNORECASE,
)
HIDDEN = "[hidden]"


def redact(text: str) -> str:
    """``text`` with the value of every sensitive query parameter hidden."""
    return _PATTERN.sub(lambda m: m.group("key") + HIDDEN, text)


def install() -> None:
    """Make every log record of this process go through ``redact`` (once, whatever logs it)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "kit_redacts", False):
        return

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: leave it alone
            return record
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return record

    make_record.kit_redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


__all__ = ["HIDDEN", "SENSITIVE", "install", "redact"]
