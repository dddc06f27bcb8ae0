"""The sign-in cookie: set, read and cleared by the kit's server, never by page script.

Why a server route: Voilà gives every page its own kernel, and a kernel cannot set a cookie
on the browser (its page request was answered before the notebook ran). So when someone signs
in through an app's form, the kernel puts a short-lived, single-use hand-off token in the page
(``kit.ui.session.handoff_html``); the kit's page script (``kit-script.html``) posts it here
with the page's XSRF token, and this route answers with the session as an HttpOnly,
SameSite=Lax cookie scoped to the server's base URL. Every later page request (reload, the top
bar, a new tab) carries that cookie, and Voilà hands it to the page's kernel as
``HTTP_COOKIE`` (``--VoilaConfiguration.http_header_envs=Cookie``, set by ``bts-kit serve`` and
the hosting guide's ``jupyterhub_config.py``). Scoping the cookie to the base URL keeps two
JupyterHub users' sessions (``/user/alice/``, ``/user/bob/``) apart on one host.

The routes, below the base URL:

- ``POST voila/kit/session`` with ``{"token": ...}``: a hand-off token (once) or a session
  token (a ``?session=`` link) becomes the cookie.
- ``GET voila/kit/session``: who the cookie says is signed in, checked here (the landing
  page asks, since page script cannot read an HttpOnly cookie). It also gives the browser a
  random ``kit_client`` id, the key the sign-in rate limit counts wrong codes by, and the
  ``_xsrf`` cookie the page's POSTs echo (the page asks before it posts).
- ``GET`` or ``POST voila/kit/signout``: clears the cookie (GET redirects to the landing page).
"""

from __future__ import annotations

import json
import secrets
import time

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from kit.ui.session import (
    CLIENT_COOKIE,
    SESSION_COOKIE,
    issue_token,
    read_handoff,
    read_token,
    token_expiry,
)

#: where the routes live, below the server's base URL
SESSION_ROUTE = "voila/kit/session"
SIGNOUT_ROUTE = "voila/kit/signout"
#: a browser's ``kit_client`` id lives a year: the rate limit must outlast a lock-out
CLIENT_DAYS = 365


class _Used:
    """Hand-off tokens already exchanged (by nonce, until they expire): each works once."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def claim(self, nonce: str, expires: float) -> bool:
        now = time.time()
        self._seen = {n: e for n, e in self._seen.items() if e > now}
        if nonce in self._seen:
            return False
        self._seen[nonce] = expires
        return True


USED_HANDOFFS = _Used()


class _KitCookieHandler(JupyterHandler):
    """Shared cookie settings: path is the base URL, HttpOnly, SameSite=Lax, Secure on https."""

    def _cookie_options(self) -> dict:
        return {
            "path": self.base_url or "/",
            "httponly": True,
            "samesite": "Lax",
            "secure": self.request.protocol == "https",
        }

    def _ensure_client_id(self) -> None:
        if not self.get_cookie(CLIENT_COOKIE):
            self.set_cookie(
                CLIENT_COOKIE,
                secrets.token_urlsafe(18),
                expires_days=CLIENT_DAYS,
                **self._cookie_options(),
            )

    def _ensure_xsrf_cookie(self) -> None:
        """Give the page an ``_xsrf`` cookie whose value its script can echo in its POSTs.

        Why here: behind JupyterHub (4.1 and later) the single-user server signs its XSRF
        token and sets the cookie only on page navigations that read the token, which Voilà's
        page does not; a token the page made up is refused. The page script asks this route
        first, as a same-origin ``no-cors`` GET (which the hub lets through on its login
        cookie), and reads the cookie set here. On a plain server Tornado's token is set the
        same way; when the cookie already holds the server's token nothing is sent."""
        token = self.xsrf_token
        value = token.decode() if isinstance(token, bytes) else str(token)
        if self.get_cookie("_xsrf") != value:
            options = {"path": self.base_url or "/", **self.settings.get("xsrf_cookie_kwargs", {})}
            options.pop("httponly", None)  # the page script must read it
            self.set_cookie("_xsrf", value, **options)

    def _clear_session(self) -> None:
        self.clear_cookie(SESSION_COOKIE, **self._cookie_options())

    def write_error(self, status_code: int, **kwargs) -> None:
        """A short JSON answer: the page script reads it, no one sees an error page."""
        self.set_header("Content-Type", "application/json")
        self.finish({"signed_in": False, "status": status_code})


class SessionHandler(_KitCookieHandler):
    """Turns a hand-off or session token into the session cookie; says who is signed in."""

    @web.authenticated
    def get(self) -> None:
        self._ensure_client_id()
        self._ensure_xsrf_cookie()
        self.set_header("Cache-Control", "no-store")
        identity = read_token(self.get_cookie(SESSION_COOKIE) or "")
        if identity is None:
            self.finish({"signed_in": False})
            return
        self.finish(
            {
                "signed_in": True,
                "label": identity.label,
                "person": identity.person,
                "role": identity.role,
            }
        )

    @web.authenticated
    def post(self) -> None:
        try:
            token = str(json.loads(self.request.body or b"{}").get("token") or "")
        except (ValueError, AttributeError) as error:
            raise web.HTTPError(400, "expected a JSON body with a token") from error
        handoff = read_handoff(token)
        if handoff is not None:
            identity, nonce, expires = handoff
            if not USED_HANDOFFS.claim(nonce, expires):
                raise web.HTTPError(403, "that sign-in was already used")  # replayed
            session = issue_token(identity)
        else:
            identity = read_token(token)
            if identity is None:
                raise web.HTTPError(403, "not a valid session")
            session = token
        seconds = max(0, int(token_expiry(session) - time.time()))
        self.set_cookie(
            SESSION_COOKIE, session, expires_days=seconds / 86400, **self._cookie_options()
        )
        self._ensure_client_id()
        self.set_header("Cache-Control", "no-store")
        self.finish({"signed_in": True, "label": identity.label, "role": identity.role})


class SignOutHandler(_KitCookieHandler):
    """Clears the session cookie: a link (GET, then the landing page) or page script (POST)."""

    @web.authenticated
    def get(self) -> None:
        self._clear_session()
        self.redirect(self.base_url or "/")

    @web.authenticated
    def post(self) -> None:
        self._clear_session()
        self.finish({"signed_in": False})


def session_handlers(base_url: str) -> list[tuple]:
    """The Tornado routes for the session cookie below ``base_url``."""
    from jupyter_server.utils import url_path_join

    return [
        (url_path_join(base_url, SESSION_ROUTE), SessionHandler),
        (url_path_join(base_url, SIGNOUT_ROUTE), SignOutHandler),
    ]
