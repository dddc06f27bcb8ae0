"""Credentials in the store: facilitator passcodes and team join codes.

The access model is for a workshop (see ``kit/store/access.py`` and DESIGN.md, Access): a
facilitator signs in with a passcode per collaborative, stored only as a scrypt hash, and a
participant joins a team with its short join code. Signing in and joining return the
``Actor`` that every other store call takes. Wrong codes are limited per client
(``kit/store/sign_in_limit.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

from kit.errors import KitInputError, PermissionDenied
from kit.store import access
from kit.store.access import Actor
from kit.store.core import StoreCore, _now
from kit.store.schema import facilitator_passcodes, join_codes
from kit.store.sign_in_limit import CodeKind, check_not_locked, record_failure


class CredentialStore(StoreCore):
    """The sign-in half of ``Store``: passcodes for facilitators, join codes for teams."""

    def _require_staff(self, actor: Actor, collaborative_id: str, what: str) -> None:
        if not actor.is_staff:
            raise PermissionDenied(f"Only the facilitator can {what}.")
        if actor.collaborative_id not in (None, collaborative_id):
            raise PermissionDenied(
                "That is another collaborative; sign in to that collaborative first."
            )

    def set_facilitator_passcode(self, collaborative_id: str, passcode: str, actor: Actor) -> None:
        """Set or change the passcode facilitators sign in with (stored as a scrypt hash)."""
        self._require_staff(actor, collaborative_id, "set the facilitator passcode")
        salt, digest, params = access.hash_passcode(passcode)
        with self._write() as conn:
            if self._live_record(conn, "collaborative", collaborative_id) is None:
                raise self._not_found("collaborative", collaborative_id)
            who = self._who(conn, actor)
            conn.execute(
                facilitator_passcodes.delete().where(
                    facilitator_passcodes.c.collaborative_id == collaborative_id
                )
            )
            conn.execute(
                facilitator_passcodes.insert().values(
                    collaborative_id=collaborative_id,
                    salt=salt,
                    hash=digest,
                    params=params,
                    updated_at=_now(),
                    updated_by=who,
                )
            )

    def sign_in_facilitator(
        self, collaborative_id: str, passcode: str, name: str = "", *, client: str | None = None
    ) -> Actor:
        """A facilitator ``Actor`` for this collaborative, if the passcode is right.

        ``client`` tells callers apart (the UI passes the request's address or session) so
        that wrong passcodes are limited per client (``kit/store/sign_in_limit.py``); the
        command line, which needs no limit, passes none.
        """
        self._check_not_locked("passcode", client)
        with self._read() as conn:
            row = (
                conn.execute(
                    sa.select(facilitator_passcodes).where(
                        facilitator_passcodes.c.collaborative_id == collaborative_id
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise PermissionDenied(
                "No facilitator passcode has been set for this collaborative yet; "
                "set one with 'bts-kit init'."
            )
        if not access.passcode_matches(passcode or "", row["salt"], row["hash"], row["params"]):
            self._count_failure("passcode", client)
            raise PermissionDenied(
                "That passcode is not right; check it with whoever set up the collaborative."
            )
        return Actor.facilitator(name, collaborative_id=collaborative_id)

    def check_sign_in_allowed(self, what: CodeKind, client: str | None) -> None:
        """``TooManyAttempts`` when ``client`` is locked out: for a caller that tries one code
        several ways (a join link's code may be the facilitator passcode) and must check the
        lock once, before any of them, then count one failure at most."""
        self._check_not_locked(what, client)

    def _check_not_locked(self, what: CodeKind, client: str | None) -> None:
        if client is None:
            return
        with self._read() as conn:
            check_not_locked(conn, what, client, self.clock())

    def _count_failure(self, what: CodeKind, client: str | None) -> None:
        """Count a wrong code for ``client``; raise the lock-out when it was one too many."""
        if client is None:
            return
        with self._write() as conn:
            locked = record_failure(conn, what, client, self.clock(), self.sign_in_limit)
        if locked is not None:
            raise locked

    def issue_join_code(self, team_id: str, actor: Actor, *, code: str | None = None) -> str:
        """A new join code for a team (replacing its old one), shown as ``KXM-4Q7``.

        ``code`` chooses the code instead of drawing one at random: the demo collaborative
        uses memorable codes so that the README and workshops can print them.
        """
        with self._write() as conn:
            collaborative_id = self._team_collaborative(conn, team_id)
            self._require_staff(actor, collaborative_id, "issue join codes")
            who = self._who(conn, actor)
            taken = set(
                conn.execute(
                    sa.select(join_codes.c.code).where(join_codes.c.team_id != team_id)
                ).scalars()
            )
            if code is not None:
                code = access.normalise_join_code(code)
                if len(code) < 6:
                    raise KitInputError("A join code needs at least 6 letters or digits.")
                if code in taken:
                    raise KitInputError("Another team already has that join code.")
            else:
                code = access.new_join_code()
                while code in taken:
                    code = access.new_join_code()
            conn.execute(join_codes.delete().where(join_codes.c.team_id == team_id))
            conn.execute(
                join_codes.insert().values(
                    team_id=team_id,
                    collaborative_id=collaborative_id,
                    code=code,
                    issued_at=_now(),
                    issued_by=who,
                )
            )
        return access.show_join_code(code)

    def join(self, code: str, name: str = "", *, client: str | None = None) -> Actor:
        """The participant ``Actor`` for the team whose join code this is.

        Wrong codes are limited per ``client`` as in ``sign_in_facilitator``.
        """
        typed = access.normalise_join_code(code)
        if not typed:
            raise PermissionDenied("Type your team's join code; it looks like KXM-4Q7.")
        self._check_not_locked("join code", client)
        with self._read() as conn:
            row = (
                conn.execute(sa.select(join_codes).where(join_codes.c.code == typed))
                .mappings()
                .first()
            )
            team = None if row is None else self._live_record(conn, "team", row["team_id"])
        if row is None or team is None:
            self._count_failure("join code", client)
            raise PermissionDenied(
                f"'{code.strip()[:20]}' is not a join code we know; check it with your "
                "facilitator (codes look like KXM-4Q7)."
            )
        return Actor.participant(row["team_id"], name, collaborative_id=row["collaborative_id"])

    def join_codes(self, collaborative_id: str, actor: Actor) -> dict[str, str]:
        """Every team's current join code in a collaborative, for the facilitator to hand out."""
        self._require_staff(actor, collaborative_id, "see the join codes")
        with self._read() as conn:
            rows = conn.execute(
                sa.select(join_codes.c.team_id, join_codes.c.code)
                .where(join_codes.c.collaborative_id == collaborative_id)
                .order_by(join_codes.c.team_id)
            ).all()
        return {team_id: access.show_join_code(code) for team_id, code in rows}
