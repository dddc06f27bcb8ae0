"""Session tokens (kit.ui.session): what a forged, tampered, expired or garbled token gets."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest

from kit.ui.session import (
    HANDOFF_SECONDS,
    Identity,
    client_key,
    handoff_html,
    identify,
    issue_handoff,
    issue_token,
    read_handoff,
    read_token,
    request_parameters,
    token_expiry,
)

TEAM = Identity("participant", "demo-falls", "team-riverside", "Riverside General, Ward 7")
FACILITATOR = Identity("facilitator", "demo-falls", None, "Facilitator")


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("KIT_SESSION_SECRET", "unit-test-secret")


def _parts(token: str) -> tuple[dict, str]:
    body, signature = token.split(".")
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))), signature


def _body(payload: dict) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("identity", [TEAM, FACILITATOR])
def test_a_token_round_trips(identity):
    assert read_token(issue_token(identity)) == identity


def test_a_token_signed_with_another_secret_is_refused(monkeypatch):
    monkeypatch.setenv("KIT_SESSION_SECRET", "someone-elses-secret")
    forged = issue_token(FACILITATOR)
    monkeypatch.setenv("KIT_SESSION_SECRET", "unit-test-secret")
    assert read_token(forged) is None


@pytest.mark.parametrize(
    "change",
    [
        {"team": "team-northfield", "label": "Northfield Community Hospital"},
        {"role": "facilitator", "team": None},
        {"collab": "another-collaborative"},
        {"exp": int(time.time()) + 10 * 365 * 24 * 3600},
    ],
)
def test_an_edited_payload_is_refused(change):
    payload, signature = _parts(issue_token(TEAM))
    payload.update(change)
    assert read_token(f"{_body(payload)}.{signature}") is None


def test_an_edited_signature_is_refused():
    token = issue_token(TEAM)
    body, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert read_token(f"{body}.{flipped}") is None
    assert read_token(f"{body}.") is None
    assert read_token(body) is None


def test_an_expired_token_is_refused():
    assert read_token(issue_token(TEAM, hours=-0.01)) is None
    assert read_token(issue_token(TEAM, hours=0.01)) == TEAM


def test_an_unknown_role_is_refused_even_when_signed():
    odd = Identity("admin", "demo-falls", None, "Root")
    assert read_token(issue_token(odd)) is None


@pytest.mark.parametrize(
    "garbage", ["", ".", "..", "not-a-token", "a.b.c", "%%%.###", "e30.e30", "😀.😀", "x" * 5000]
)
def test_garbage_is_refused_not_raised(garbage):
    assert read_token(garbage) is None


def test_identify_prefers_a_session_link_then_the_cookie():
    team_token, facilitator_token = issue_token(TEAM), issue_token(FACILITATOR)
    assert identify(None, {"session": team_token}) == TEAM
    assert identify(None, {"cookie_session": facilitator_token}) == FACILITATOR
    assert identify(None, {"session": "forged.token", "cookie_session": team_token}) == TEAM
    assert identify(None, {"team": "team-riverside"}) is None
    assert identify(None, {}) is None


def test_request_parameters_read_the_query_and_the_session_cookie(monkeypatch):
    token = issue_token(TEAM)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "join=RIV-2026&team=team-northfield")
    monkeypatch.setenv("HTTP_COOKIE", f"_xsrf=abc; kit_session={token}")
    params = request_parameters()
    assert params["join"] == "RIV-2026"
    assert params["cookie_session"] == token
    monkeypatch.setenv("QUERY_STRING", "signout=1")
    assert "cookie_session" not in request_parameters(), "signing out must drop the cookie"
    monkeypatch.setenv("HTTP_COOKIE", "garbled;;; = =")
    assert "cookie_session" not in request_parameters()


# --- the hand-off to the session cookie (kit/server/session_cookie.py) ---------------------


def test_a_handoff_token_buys_the_cookie_but_never_opens_a_page():
    handoff = issue_handoff(TEAM)
    assert read_token(handoff) is None, "a hand-off token must not work as a ?session= link"
    identity, nonce, expires = read_handoff(handoff)
    assert identity == TEAM and nonce and expires <= time.time() + HANDOFF_SECONDS + 1
    assert read_handoff(issue_token(TEAM)) is None, "a session token is no hand-off"
    payload, signature = _parts(handoff)
    payload["role"] = "facilitator"
    assert read_handoff(f"{_body(payload)}.{signature}") is None


def test_the_handoff_element_carries_a_fresh_token_each_time():
    first, second = handoff_html(TEAM), handoff_html(TEAM)
    assert 'class="kit-session-handoff"' in first and "hidden" in first
    token = first.split('data-token="')[1].split('"')[0]
    assert read_handoff(token)[0] == TEAM
    assert first != second


def test_the_persons_name_and_sign_in_travel_in_the_token():
    named = Identity("participant", "demo-falls", "team-riverside", "Riverside", "Ana", "s1")
    assert read_token(issue_token(named)) == named
    assert named.actor().name == "Ana"
    assert named.with_person("Bo").person == "Bo" and named.with_person("Bo").session_id == "s1"
    assert token_expiry(issue_token(named, hours=1)) == pytest.approx(time.time() + 3600, abs=5)
    assert token_expiry("forged.token") == 0


def test_the_client_key_is_the_browsers_cookie_else_the_page(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.setenv("HTTP_COOKIE", "kit_client=abc123; kit_session=x")
    params = request_parameters()
    assert client_key(params) == "browser:abc123"
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    assert client_key({}) == "page:kernel-1"


def test_a_join_link_keeps_the_same_teams_existing_sign_in():
    class Store:
        def check_sign_in_allowed(self, what, client):
            """No lock-out here: this test is about which sign-in the page keeps."""

        def join(self, code, client=None, **_options):
            from kit.store import Actor

            return Actor.participant("team-riverside", collaborative_id="demo-falls")

        def get(self, cls, record_id, actor):
            from types import SimpleNamespace

            team = SimpleNamespace(
                collaborative_id="demo-falls", id="team-riverside", name=TEAM.label
            )
            return SimpleNamespace(record=team)

    named = Identity("participant", "demo-falls", "team-riverside", TEAM.label, "Ana", "s1")
    other = Identity("participant", "demo-falls", "team-northfield", "Northfield", "Bo", "s2")
    kept = identify(Store(), {"join": "RIV-2026", "cookie_session": issue_token(named)})
    assert kept == named
    fresh = identify(Store(), {"join": "RIV-2026", "cookie_session": issue_token(other)})
    assert fresh.team_id == "team-riverside" and fresh.person == "" and fresh.session_id


# --- a preheated kernel learns its page request from Voilà's own handler ----------------------


@pytest.fixture
def voila_query_socket():
    """Voilà's request-info websocket (``voila.request_info_handler``) served by Tornado on a
    free port in a thread, as the Voilà server serves it to its preheated kernels."""
    import asyncio
    import socket

    import tornado.web
    from voila.request_info_handler import RequestInfoSocketHandler

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(.*)", RequestInfoSocketHandler)])
        app.listen(port, address="127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)

    def send(kernel_id: str, variables: dict[str, str]) -> None:
        message = {"kernel_id": kernel_id, "payload": json.dumps(variables)}
        loop.call_soon_threadsafe(RequestInfoSocketHandler.send_updates, message)

    yield port, send
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_preheated_kernel_waits_for_its_page_request(monkeypatch, voila_query_socket):
    port, send = voila_query_socket
    token = issue_token(TEAM)
    for name, value in {
        "VOILA_PREHEAT": "True",
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
        "VOILA_KERNEL_ID": "kernel-abc",
        "QUERY_STRING": "",
        "HTTP_COOKIE": "",
    }.items():
        monkeypatch.setenv(name, value)
    # the page claims the kernel a moment after the kernel began waiting
    timer = threading.Timer(
        0.3,
        send,
        args=(
            "kernel-abc",
            {"QUERY_STRING": "join=RIV-2026", "HTTP_COOKIE": f"kit_session={token}"},
        ),
    )
    timer.start()
    params = request_parameters()
    timer.join()
    assert params["join"] == "RIV-2026"
    assert params["cookie_session"] == token


def test_a_kernel_that_cannot_reach_voila_still_opens_its_sign_in(monkeypatch):
    """No request arrives (the server is gone): the page falls back to the sign-in form."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nobody listens here
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.setenv("HTTP_COOKIE", "")
    assert request_parameters() == {}


def test_reading_the_request_does_not_load_voilas_server_code():
    """``voila.utils`` brings Jupyter server and nbconvert (42 MB) into every pool kernel."""
    import subprocess
    import sys

    code = (
        "import sys; import kit.ui.session as s; import websockets.sync.client; "
        "print(sorted(m for m in sys.modules if m.startswith(('voila', 'jupyter_server', "
        "'nbconvert'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
