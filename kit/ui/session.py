"""Who is using an app: join codes, the facilitator passcode and signed session tokens.

Voilà gives every page its own kernel, so "being signed in" has to travel between pages. A
successful sign-in yields a short-lived token signed with HMAC (the secret is shared by every
kernel of one ``bts-kit serve`` through ``KIT_SESSION_SECRET``, or kept in a private file in
the user data folder). Links carry it once as ``?session=``; the kit's page template moves it
into a ``kit_session`` cookie, which Voilà hands to each new kernel as ``HTTP_COOKIE``. The
token's payload is readable (the landing page shows the name); only its signature is trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from kit.errors import KitInputError, PermissionDenied

log = logging.getLogger(__name__)

SESSION_HOURS = 12


@dataclass(frozen=True)
class Identity:
    """The signed-in person as every app needs them: role, team and how to name them."""

    role: str  # "facilitator" or "participant"
    collaborative_id: str
    team_id: str | None
    label: str

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    def actor(self):
        from kit.store import Actor

        if self.is_facilitator:
            return Actor.facilitator(name=self.label, collaborative_id=self.collaborative_id)
        return Actor.participant(
            self.team_id, name=self.label, collaborative_id=self.collaborative_id
        )


def _secret() -> bytes:
    value = os.environ.get("KIT_SESSION_SECRET")
    if value:
        return value.encode()
    import platformdirs

    path = Path(platformdirs.user_data_dir("bts-kit")) / "session-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(identity: Identity, *, hours: float = SESSION_HOURS) -> str:
    payload = {
        "role": identity.role,
        "collab": identity.collaborative_id,
        "team": identity.team_id,
        "label": identity.label,
        "exp": int(time.time() + hours * 3600),
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signature = _b64(hmac.new(_secret(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def read_token(token: str) -> Identity | None:
    """The identity in a token, or None when it is forged, garbled or expired."""
    try:
        body, signature = token.strip().split(".", 1)
        expected = _b64(hmac.new(_secret(), body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            return None
        payload = json.loads(_unb64(body))
        if payload["exp"] < time.time() or payload["role"] not in {"facilitator", "participant"}:
            return None
        return Identity(payload["role"], payload["collab"], payload["team"], payload["label"])
    except (ValueError, KeyError, TypeError):
        return None


def request_parameters() -> dict[str, str]:
    """Query parameters and the session cookie of the page request that owns this kernel.

    Under Voilà with preheated kernels the notebook runs before anyone asks for it, so we wait
    for the request first; in JupyterLab there is no request and the result is empty.
    """
    query = os.environ.get("QUERY_STRING")
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        try:
            from voila.utils import wait_for_request

            wait_for_request()
            query = os.environ.get("QUERY_STRING")
        except Exception:  # not fatal: the participant can still sign in by hand
            log.warning("could not read the page request", exc_info=True)
    params = {k: v[-1] for k, v in parse_qs(query or "").items() if v}
    cookie = SimpleCookie()
    try:
        cookie.load(os.environ.get("HTTP_COOKIE", ""))
    except Exception:
        log.warning("unreadable Cookie header")
    if "kit_session" in cookie and "signout" not in params:
        params.setdefault("cookie_session", cookie["kit_session"].value)
    return params


def sign_in_with_code(store, code: str) -> Identity:
    """A participant's join code, or the facilitator passcode when it is not a join code."""
    from kit.qi import Collaborative, Team
    from kit.store import Actor

    code = (code or "").strip()
    if not code:
        raise KitInputError("Type your team's join code (or the facilitator passcode).")
    try:
        actor = store.join(code)
    except PermissionDenied:
        actor = None
    if actor is not None:
        team = store.get(Team, actor.team_id, Actor.system()).record
        return Identity("participant", team.collaborative_id, team.id, team.name)
    for saved in store.find(Collaborative, Actor.system()):
        try:
            store.sign_in_facilitator(saved.record.id, code)
        except PermissionDenied:
            continue
        return Identity("facilitator", saved.record.id, None, "Facilitator")
    raise PermissionDenied(
        "That code is not right. Check the join code your facilitator gave you "
        "(for example RIV-2026); capitals and spaces do not matter."
    )


def identify(store, params: dict[str, str]) -> Identity | None:
    """Resolve who this page is for: a join link first, then a session link, then the cookie."""
    if params.get("join"):
        try:
            return sign_in_with_code(store, params["join"])
        except (PermissionDenied, KitInputError):
            log.info("a join link with an unknown code was opened")
            return None
    for key in ("session", "cookie_session"):
        if params.get(key):
            identity = read_token(params[key])
            if identity is not None:
                return identity
    return None
