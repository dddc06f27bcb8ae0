"""Wrong passcodes and join codes are limited per client, so that codes cannot be guessed.

A join code has about 244 million values (``kit/store/access.py``) and a facilitator passcode
at least six characters, but an unlimited guesser still gets through in time. So each client
may get a code wrong ``max_failures`` times within ``window``; then it is locked out for
``lockout`` and told when to try again. The counts live in the database, not in a kernel:
Voilà gives every tab its own kernel, so a guesser who opens a new tab must not start afresh.

The client is whatever the caller can tell clients apart by (the UI passes the address the
request came from, or its session); it is stored only as a SHA-256 hash, and the code typed is
never stored or logged. A lock-out is logged as a warning with the client as given.

Success does not clear the count: a participant who knows their own team's code could otherwise
reset it between guesses at another team's code. Failures age out after ``window``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy import Connection

from kit.errors import PermissionDenied
from kit.store.schema import sign_in_failures, sign_in_locks

log = logging.getLogger("kit.store.sign_in")

#: what was typed wrong: a facilitator passcode or a team's join code
CodeKind = Literal["passcode", "join code"]
#: failures older than this are deleted when the next one is written
_KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class SignInLimit:
    """How many wrong codes a client may type, in what time, and how long it is then locked."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=10)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


#: the limit every store applies unless told otherwise (``Store.sign_in_limit``)
DEFAULT_LIMIT = SignInLimit()


class TooManyAttempts(PermissionDenied):
    """A client typed too many wrong codes; ``retry_at`` says when it may try again."""

    def __init__(self, message: str, retry_at: dt.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


def client_digest(client: str) -> str:
    """The client as stored: a hash, so the database holds no addresses or session ids."""
    return hashlib.sha256(client.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _locked_message(what: CodeKind, until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return (
        f"Too many wrong {what}s from this device. Wait and try again after "
        f"{until:%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''}); "
        + (
            "check the code with your facilitator meanwhile."
            if what == "join code"
            else "check the passcode with whoever set up the collaborative meanwhile."
        )
    )


def check_not_locked(conn: Connection, what: CodeKind, client: str, now: dt.datetime) -> None:
    """Refuse, before any code is compared, a client that is locked out."""
    until = conn.execute(
        sa.select(sign_in_locks.c.locked_until).where(
            sign_in_locks.c.client == client_digest(client), sign_in_locks.c.what == what
        )
    ).scalar_one_or_none()
    if until is not None and now < _aware(until):
        raise TooManyAttempts(_locked_message(what, _aware(until), now), _aware(until))


def record_failure(
    conn: Connection, what: CodeKind, client: str, now: dt.datetime, limit: SignInLimit
) -> TooManyAttempts | None:
    """Count a wrong code; when it is one too many, lock the client and return the refusal."""
    digest = client_digest(client)
    conn.execute(sign_in_failures.delete().where(sign_in_failures.c.failed_at < now - _KEEP))
    conn.execute(sign_in_failures.insert().values(client=digest, what=what, failed_at=now))
    recent = conn.execute(
        sa.select(sa.func.count()).where(
            sign_in_failures.c.client == digest,
            sign_in_failures.c.what == what,
            sign_in_failures.c.failed_at > now - limit.window,
        )
    ).scalar_one()
    if recent < limit.max_failures:
        return None
    until = now + limit.lockout
    conn.execute(
        sign_in_locks.delete().where(sign_in_locks.c.client == digest, sign_in_locks.c.what == what)
    )
    conn.execute(sign_in_locks.insert().values(client=digest, what=what, locked_until=until))
    # the failures that caused this lock must not lock the client again once it ends
    conn.execute(
        sign_in_failures.delete().where(
            sign_in_failures.c.client == digest, sign_in_failures.c.what == what
        )
    )
    log.warning(
        "Sign-in locked: %d wrong %ss from client %r within %d minutes; locked until %s UTC.",
        recent,
        what,
        client[:100],
        int(limit.window.total_seconds() // 60),
        f"{until:%Y-%m-%d %H:%M:%S}",
    )
    return TooManyAttempts(_locked_message(what, until, now), until)
