"""Who is using an app: join codes, the facilitator passcode and signed session tokens.

Voilà gives every page its own kernel, so "being signed in" has to travel between pages. A
successful sign-in yields a short-lived token signed with HMAC (the secret is shared by every
kernel of one ``bts-kit serve`` through ``KIT_SESSION_SECRET``, or kept in a private file in
the user data folder). The kernel that signed someone in hands a one-time token to the page
(``handoff_html``); the kit's server exchanges it for an HttpOnly ``kit_session`` cookie
(``kit/server/session_cookie.py``), which Voilà hands to each new kernel as ``HTTP_COOKIE``.
A ``?session=`` link still works for the page it opens. Only a token's signature is trusted.
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
#: a hand-off token lives only until the page posts it to the server (seconds)
HANDOFF_SECONDS = 120
#: the HttpOnly cookie that carries the session, and the browser's id for the rate limit
SESSION_COOKIE = "kit_session"
CLIENT_COOKIE = "kit_client"


@dataclass(frozen=True)
class Identity:
    """The signed-in person as every app needs them: role, team and how to name them."""

    role: str  # "facilitator" or "participant"
    collaborative_id: str
    team_id: str | None
    label: str
    #: the person's own name, typed at sign-in ("" when they gave none): ballots go under it
    person: str = ""
    #: one sign-in's random id: a participant's ballot belongs to the sign-in that cast it
    session_id: str = ""

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    def actor(self):
        from kit.store import Actor

        if self.is_facilitator:
            return Actor.facilitator(name=self.label, collaborative_id=self.collaborative_id)
        return Actor.participant(
            self.team_id, name=self.person or self.label, collaborative_id=self.collaborative_id
        )

    def with_person(self, person: str) -> Identity:
        """The same sign-in under the person's own name."""
        return Identity(
            self.role, self.collaborative_id, self.team_id, self.label, person, self.session_id
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


def _sign(payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signature = _b64(hmac.new(_secret(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def _payload(token: str) -> dict | None:
    """A token's payload when its signature is ours and it has not expired."""
    try:
        body, signature = token.strip().split(".", 1)
        expected = _b64(hmac.new(_secret(), body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            return None
        payload = json.loads(_unb64(body))
        if not isinstance(payload, dict) or payload["exp"] < time.time():
            return None
        return payload
    except (ValueError, KeyError, TypeError):
        return None


def _identity(payload: dict) -> Identity | None:
    if payload.get("role") not in {"facilitator", "participant"}:
        return None
    return Identity(
        payload["role"],
        payload["collab"],
        payload["team"],
        payload["label"],
        str(payload.get("person") or ""),
        str(payload.get("sid") or ""),
    )


def _identity_payload(identity: Identity, seconds: float) -> dict:
    return {
        "role": identity.role,
        "collab": identity.collaborative_id,
        "team": identity.team_id,
        "label": identity.label,
        "person": identity.person,
        "sid": identity.session_id,
        "exp": int(time.time() + seconds),
    }


def issue_token(identity: Identity, *, hours: float = SESSION_HOURS) -> str:
    return _sign(_identity_payload(identity, hours * 3600))


def read_token(token: str) -> Identity | None:
    """The identity in a session token, or None when it is forged, garbled, expired or a
    hand-off token (those buy a cookie once, never a page)."""
    payload = _payload(token)
    if payload is None or payload.get("use"):
        return None
    try:
        return _identity(payload)
    except (KeyError, TypeError):
        return None


def token_expiry(token: str) -> float:
    """When a token we issued expires (epoch seconds); 0 for anything else."""
    payload = _payload(token)
    return float(payload["exp"]) if payload else 0.0


def issue_handoff(identity: Identity) -> str:
    """A one-time token the page posts to the kit's server for the session cookie."""
    payload = _identity_payload(identity, HANDOFF_SECONDS)
    payload["use"] = "handoff"
    payload["nonce"] = secrets.token_urlsafe(12)
    return _sign(payload)


def read_handoff(token: str) -> tuple[Identity, str, float] | None:
    """A hand-off token's identity, nonce and expiry; None for anything else."""
    payload = _payload(token)
    if payload is None or payload.get("use") != "handoff" or not payload.get("nonce"):
        return None
    try:
        identity = _identity(payload)
    except (KeyError, TypeError):
        return None
    if identity is None:
        return None
    return identity, str(payload["nonce"]), float(payload["exp"])


def handoff_html(identity: Identity) -> str:
    """An invisible element the kit's page script posts to the server once (``kit-script.html``)."""
    import html

    token = html.escape(issue_handoff(identity), quote=True)
    return f'<span class="kit-session-handoff" data-token="{token}" hidden></span>'


def new_session_id() -> str:
    return secrets.token_urlsafe(9)


def waits_for_request() -> bool:
    """True in a preheated Voilà kernel: its notebook runs before any page has claimed it."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def wait_for_page_request() -> dict[str, str]:
    """Block until Voilà hands this preheated kernel its page request; return the request's
    variables (``QUERY_STRING``, ``HTTP_COOKIE`` and the rest).

    Why not ``voila.utils.wait_for_request``: importing ``voila.utils`` pulls in Jupyter
    server, JupyterLab server and nbconvert, 42 MB in every kernel of the pool for one
    websocket message (``tests/benchmarks/bench_serving.py`` measures kernel memory). The
    protocol is Voilà 0.5's: the server's ``voila/query/<kernel id>`` websocket sends one JSON
    object of variables once a page has claimed the kernel, and the kernel learns the
    address from the ``VOILA_*`` variables the server started it with.
    """
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )
    # no compression: the server's websocket options are for pages, and the message is small
    with connect(url, open_timeout=5, compression=None, max_size=2**20) as socket:
        message = socket.recv()
    variables = json.loads(message)
    if not isinstance(variables, dict):
        raise ValueError("Voilà sent a request description that is not an object")
    return {str(k): str(v) for k, v in variables.items()}


def request_parameters() -> dict[str, str]:
    """Query parameters and the session cookie of the page request that owns this kernel.

    Under Voilà with preheated kernels the notebook runs before anyone asks for it, so we wait
    for the request first; in JupyterLab there is no request and the result is empty.
    """
    query = os.environ.get("QUERY_STRING")
    if waits_for_request():
        try:
            os.environ.update(wait_for_page_request())
            query = os.environ.get("QUERY_STRING")
        except Exception:  # not fatal: the participant can still sign in by hand
            log.warning("could not read the page request", exc_info=True)
    params = {k: v[-1] for k, v in parse_qs(query or "").items() if v}
    cookie = SimpleCookie()
    try:
        cookie.load(os.environ.get("HTTP_COOKIE", ""))
    except Exception:
        log.warning("unreadable Cookie header")
    if SESSION_COOKIE in cookie and "signout" not in params:
        params.setdefault("cookie_session", cookie[SESSION_COOKIE].value)
    if CLIENT_COOKIE in cookie:
        params.setdefault("cookie_client", cookie[CLIENT_COOKIE].value)
    return params


def client_key(params: dict[str, str]) -> str:
    """Who the sign-in rate limit counts wrong codes against.

    The browser's ``kit_client`` cookie (set by the kit's server, ``kit/server/session_cookie.py``),
    else this page's kernel. Voilà passes kernels request headers, not the remote address, so a
    browser that has never had the cookie (its very first page) is counted per page.
    """
    if params.get("cookie_client"):
        return "browser:" + params["cookie_client"][:64]
    return "page:" + os.environ.get("VOILA_KERNEL_ID", str(os.getpid()))


def sign_in_participant(
    store, code: str, person: str = "", *, client: str | None = None
) -> Identity:
    """A team member's sign-in with their team's join code (and their own name, if given)."""
    from kit.qi import Team
    from kit.store import Actor

    code = (code or "").strip()
    if not code:
        raise KitInputError("Type your team's join code; it looks like RIV-2026.")
    actor = store.join(code, client=client)
    team = store.get(Team, actor.team_id, Actor.system()).record
    return Identity(
        "participant", team.collaborative_id, team.id, team.name, person.strip(), new_session_id()
    )


def sign_in_with_passcode(store, passcode: str, *, client: str | None = None) -> Identity:
    """The facilitator's sign-in: the passcode of whichever collaborative it opens.

    One wrong passcode counts once against ``client`` however many collaboratives were tried:
    the first try is limited and counted, the others are not.
    """
    from kit.qi import Collaborative
    from kit.store import Actor
    from kit.store.sign_in_limit import TooManyAttempts

    if not (passcode or "").strip():
        raise KitInputError("Type the facilitator passcode.")
    wrong = PermissionDenied(
        "That passcode is not right; check it with whoever set up the collaborative."
    )
    for index, saved in enumerate(store.find(Collaborative, Actor.system())):
        try:
            store.sign_in_facilitator(
                saved.record.id, passcode, client=client if index == 0 else None
            )
        except TooManyAttempts:
            raise
        except PermissionDenied:
            continue
        return Identity("facilitator", saved.record.id, None, "Facilitator", "", new_session_id())
    raise wrong


def sign_in_with_code(store, code: str, *, client: str | None = None) -> Identity:
    """A participant's join code, or the facilitator passcode when it is not a join code
    (join links and the command line; the app's form has a field for each).

    The client's lock is checked first and both are tried uncounted; only a code that is
    neither counts, once, as a wrong join code. Trying the passcode as a counted join code
    first made every facilitator join link a "wrong code", so a facilitator's sixth page in
    ten minutes found the browser locked out (issue 15: a page showing a sign-in form instead
    of the exercise, taken for a kernel shut down as it connected).
    """
    from kit.store.sign_in_limit import TooManyAttempts

    code = (code or "").strip()
    if not code:
        raise KitInputError("Type your team's join code (or the facilitator passcode).")
    store.check_sign_in_allowed("join code", client)
    try:
        return sign_in_participant(store, code)
    except PermissionDenied:
        pass
    try:
        return sign_in_with_passcode(store, code)
    except PermissionDenied:
        pass
    try:  # neither: one wrong join code against this client (locking it out when too many)
        return sign_in_participant(store, code, client=client)
    except TooManyAttempts:
        raise
    except PermissionDenied:
        raise PermissionDenied(
            "That code is not right. Check the join code your facilitator gave you "
            "(for example RIV-2026); capitals and spaces do not matter."
        ) from None


def identify(store, params: dict[str, str], *, client: str | None = None) -> Identity | None:
    """Resolve who this page is for: a join link first, then a session link, then the cookie."""
    if params.get("join"):
        try:
            joined = sign_in_with_code(store, params["join"], client=client)
        except (PermissionDenied, KitInputError):
            log.info("a join link with an unknown code was opened")
            return None
        # the team's link opened by someone already signed in to that team: the same
        # sign-in (their name, their ballot), not a new one
        kept = read_token(params.get("cookie_session", ""))
        if kept is not None and (kept.role, kept.team_id, kept.collaborative_id) == (
            joined.role,
            joined.team_id,
            joined.collaborative_id,
        ):
            return kept
        return joined
    for key in ("session", "cookie_session"):
        if params.get(key):
            identity = read_token(params[key])
            if identity is not None:
                return identity
    return None
