"""Who is asking, and what they may do: roles, passcodes and join codes.

The kit's access model is for a workshop, not a bank (see DESIGN.md, Access): a facilitator
passcode per collaborative and a short join code per team. Real authentication for a hosted
deployment sits in front of Voilà. Still, the rules are enforced inside the store, so that no
app can forget them: a participant reads the collaborative's shared material and their own
team's work, and writes only their own team's work.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from kit.errors import KitInputError, PermissionDenied

Role = Literal["facilitator", "participant", "system"]

#: join-code alphabet: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so a code read aloud is typed right
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6
#: scrypt cost: about 50 ms and 16 MB per check, ample against guessing a workshop passcode
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSCODE_LENGTH = 6


@dataclass(frozen=True)
class Actor:
    """The caller of a store function: its role, and for a participant, their team.

    ``collaborative_id`` is set by ``sign_in_facilitator`` and ``join``; a facilitator with
    one may act only within that collaborative. ``Actor.facilitator()`` without it may act on
    every collaborative in the database (the command line, a single-collaborative install).
    """

    role: Role
    team_id: str | None = None
    name: str = ""
    collaborative_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ("facilitator", "participant", "system"):
            raise KitInputError(f"'{self.role}' is not a role the kit knows.")
        if self.role == "participant" and not self.team_id:
            raise KitInputError("A participant must belong to a team; join with your team's code.")

    @classmethod
    def facilitator(cls, name: str = "", collaborative_id: str | None = None) -> Actor:
        return cls("facilitator", None, name, collaborative_id)

    @classmethod
    def participant(
        cls, team_id: str, name: str = "", collaborative_id: str | None = None
    ) -> Actor:
        return cls("participant", team_id, name, collaborative_id)

    @classmethod
    def system(cls, name: str = "") -> Actor:
        return cls("system", None, name)

    @property
    def is_staff(self) -> bool:
        """Facilitators and the kit itself may do everything in their collaborative."""
        return self.role in ("facilitator", "system")


@dataclass(frozen=True)
class Scope:
    """Where a record belongs: its collaborative and, if it is a team's, its team."""

    collaborative_id: str | None
    team_id: str | None


def kind_label(kind: str) -> str:
    """A record kind in words: ``pdsa_cycle`` -> ``PDSA cycle``."""
    return {"pdsa_cycle": "PDSA cycle"}.get(kind, kind.replace("_", " "))


def owner_team(kind: str, record: Any) -> str | None:
    """The team a record belongs to: its ``team_id``; a team belongs to itself; else none."""
    if kind == "team":
        return str(record.id)
    team_id = getattr(record, "team_id", None)
    return str(team_id) if team_id else None


def check_read(actor: Actor, kind: str, scope: Scope, actor_collaborative: str | None) -> None:
    """Refuse reading a record the actor may not see."""
    if actor.role == "system":
        return
    if actor.role == "facilitator":
        _same_collaborative(actor.collaborative_id, scope)
        return
    if scope.team_id is not None:
        if scope.team_id != actor.team_id:
            raise PermissionDenied(
                f"This {kind_label(kind)} belongs to another team; each team sees only its own work."
            )
        return
    _same_collaborative(actor_collaborative, scope)


def check_write(
    actor: Actor, kind: str, record: Any, scope: Scope, actor_collaborative: str | None
) -> None:
    """Refuse creating, changing or deleting a record the actor may not touch."""
    if actor.role == "system":
        return
    if actor.role == "facilitator":
        _same_collaborative(actor.collaborative_id, scope)
        return
    label = kind_label(kind)
    if kind == "team":
        raise PermissionDenied(
            "Only the facilitator can change a team's details; ask them to update it."
        )
    if scope.team_id is None:
        what = "the change package" if kind == "driver_diagram" else f"the collaborative's {label}"
        raise PermissionDenied(f"Only the facilitator can change {what}; you can read it.")
    if scope.team_id != actor.team_id:
        raise PermissionDenied(
            f"This {label} belongs to another team; you can only change your own team's work."
        )
    if kind == "assessment" and getattr(record, "rated_by", None) != "team":
        raise PermissionDenied(
            "Only faculty can record or change a faculty assessment; rate your team as 'team'."
        )
    if kind == "feedback_comment":
        from kit.qi.feedback import write_refusal

        refusal = write_refusal(actor.role, record)
        if refusal:
            raise PermissionDenied(refusal)


def _same_collaborative(allowed: str | None, scope: Scope) -> None:
    if allowed is not None and scope.collaborative_id not in (None, allowed):
        raise PermissionDenied(
            "This belongs to another collaborative; sign in to that collaborative to see it."
        )


# --- passcodes -----------------------------------------------------------------------------


def hash_passcode(passcode: str, salt: bytes | None = None) -> tuple[str, str, str]:
    """(salt hex, hash hex, params) for a passcode, with scrypt from the standard library."""
    if len(passcode.strip()) < MIN_PASSCODE_LENGTH:
        raise KitInputError(f"Choose a passcode of at least {MIN_PASSCODE_LENGTH} characters.")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        passcode.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return salt.hex(), digest.hex(), f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}:32"


def passcode_matches(passcode: str, salt_hex: str, hash_hex: str, params: str) -> bool:
    """Compare in constant time, with the parameters the hash was made with."""
    try:
        _name, n, r, p, dklen = params.split(":")
        digest = hashlib.scrypt(
            passcode.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=int(dklen),
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


# --- join codes ----------------------------------------------------------------------------


def new_join_code() -> str:
    """A random code in the unambiguous alphabet, stored without its dash: ``KXM4Q7``."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a person typed -> the stored form: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-_.]", "", typed or "").upper()


def show_join_code(code: str) -> str:
    """The stored code as people read it: ``KXM-4Q7``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
