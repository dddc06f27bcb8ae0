"""A participant of one team can neither see nor change another team's work: not through the
apps, not by editing the address (extra parameters, forged, edited or expired session tokens),
not with a forged cookie."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    TEAM_NAMES,
    app_notebooks,
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    tall_screenshot,
    team_rows,
    wait_for_kernel_pool,
)
from .waits import wait_for_database

pytestmark = pytest.mark.browser

APPS = app_notebooks()
AIM = "02-aim.ipynb"
A, B = "team-riverside", "team-northfield"
A_CODE, B_CODE = "RIV-2026", "NOR-2026"
#: text only team B's own work shows: its members' names and its aim's "where"
B_MARKERS = ("(Northfield)", "at Northfield Community Hospital", "Northfield Community Hospital")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def tokens(kit_server, monkeypatch):
    """Session tokens as an attacker could make them, beside real ones of the server."""
    from kit.ui.session import Identity, issue_token

    team_a = Identity("participant", "demo-falls", A, TEAM_NAMES[A])
    team_b = Identity("participant", "demo-falls", B, TEAM_NAMES[B])
    facilitator = Identity("facilitator", "demo-falls", None, "Facilitator")
    monkeypatch.setenv("KIT_SESSION_SECRET", kit_server.secret)
    real_a = issue_token(team_a)
    expired_b = issue_token(team_b, hours=-1)
    body, signature = real_a.split(".")
    payload = json.loads(_unb64(body))
    payload.update(team=B, label=TEAM_NAMES[B])
    edited_to_b = f"{_b64(json.dumps(payload, separators=(',', ':')).encode())}.{signature}"
    payload.update(role="facilitator", team=None, label="Facilitator")
    edited_to_facilitator = (
        f"{_b64(json.dumps(payload, separators=(',', ':')).encode())}.{signature}"
    )
    monkeypatch.setenv("KIT_SESSION_SECRET", "not-the-server-secret")
    forged_b = issue_token(team_b)
    forged_facilitator = issue_token(facilitator)
    return {
        "real_a": real_a,
        "expired_b": expired_b,
        "edited_to_b": edited_to_b,
        "edited_to_facilitator": edited_to_facilitator,
        "forged_b": forged_b,
        "forged_facilitator": forged_facilitator,
    }


def assert_not_b(page) -> None:
    header = header_text(page)
    assert TEAM_NAMES[B] not in header, header
    assert "(facilitator)" not in header, header
    body = page.inner_text("body")
    for marker in B_MARKERS:
        assert marker not in body, f"team B's {marker!r} is on team A's page"
    assert B_CODE not in body


@pytest.mark.parametrize("notebook", APPS)
def test_a_team_sees_only_its_own_work(page, kit_server, notebook):
    open_app(page, kit_server, notebook, join=A_CODE)
    assert f"Signed in as {TEAM_NAMES[A]}" in header_text(page)
    page.wait_for_load_state("networkidle")
    assert_not_b(page)


def test_the_markers_do_show_team_b_its_own_work(page, kit_server):
    """The control: the strings the other tests look for are on team B's own aim page."""
    open_app(page, kit_server, AIM, join=B_CODE)
    page.wait_for_selector(".kit-aim")
    assert "Northfield Community Hospital" in page.inner_text("body")


URL_TAMPERING = {
    "team parameter": lambda t: {"join": A_CODE, "team": B},
    "team_id and collaborative parameters": lambda t: {
        "join": A_CODE,
        "team_id": B,
        "collaborative": "demo-falls",
        "role": "facilitator",
    },
    "token signed with another secret": lambda t: {"session": t["forged_b"]},
    "facilitator token signed with another secret": lambda t: {"session": t["forged_facilitator"]},
    "own token edited to team B": lambda t: {"session": t["edited_to_b"]},
    "own token edited to facilitator": lambda t: {"session": t["edited_to_facilitator"]},
    "team B token expired": lambda t: {"session": t["expired_b"]},
    "join code plus edited token": lambda t: {"join": A_CODE, "session": t["edited_to_b"]},
    "own token plus team parameter": lambda t: {"session": t["real_a"], "team": B},
}


@pytest.mark.parametrize("how", list(URL_TAMPERING))
def test_editing_the_address_does_not_reach_team_b(page, kit_server, tokens, how):
    query = URL_TAMPERING[how](tokens)
    open_app(page, kit_server, AIM, **query)
    header = header_text(page)
    if query.get("join") or query.get("session") == tokens["real_a"]:
        assert f"Signed in as {TEAM_NAMES[A]}" in header, header
    else:
        assert "Not signed in" in header, f"a bad token was accepted: {header}"
        assert page.locator(".kit-signin").count() == 1
    page.wait_for_load_state("networkidle")
    assert_not_b(page)


def test_a_forged_session_cookie_is_refused(page, kit_server, tokens, browser_context):
    host = kit_server.url.split("//")[1].split(":")[0]
    for name in ("forged_b", "edited_to_b", "edited_to_facilitator", "expired_b"):
        browser_context.add_cookies(
            [{"name": "kit_session", "value": tokens[name], "domain": host, "path": "/"}]
        )
        open_app(page, kit_server, APPS[0])
        assert "Not signed in" in header_text(page), name
        assert_not_b(page)
    browser_context.clear_cookies()


def test_team_a_cannot_change_team_b_work(page, kit_server, tokens):
    """Team A edits its aim with team B's id in the address: the edit lands on A, B is as it was."""
    before_b = team_rows(kit_server.database_url, B)
    before_a = team_rows(kit_server.database_url, A)
    open_app(page, kit_server, AIM, join=A_CODE, team=B, team_id=B)
    field = page.locator(".kit-aim-for-whom input")
    field.fill("older adult inpatients (access test)")
    page.wait_for_function(
        "() => { const el = document.querySelector('.kit-save-state');"
        " return el && /Saved/.test(el.textContent); }"
    )
    after_a = wait_for_database(
        lambda: team_rows(kit_server.database_url, A),
        lambda rows: any("access test" in " ".join(map(str, row)) for row in rows),
    )
    assert after_a != before_a, "team A's edit was not saved at all"
    assert team_rows(kit_server.database_url, B) == before_b, "team B's work changed"


def _post_json(url: str, body: dict, cookies: str = "") -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-XSRFToken": "abc", "Cookie": cookies},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_the_cookie_route_refuses_forged_and_reused_tokens(kit_server, tokens, monkeypatch):
    """Only a token signed with this server's secret buys the session cookie
    (kit/server/session_cookie.py), with the page's XSRF token, and a hand-off only once."""
    from kit.ui.session import Identity, issue_handoff

    url = f"{kit_server.url}voila/kit/session"
    xsrf = "_xsrf=abc"
    for name in ("forged_b", "edited_to_b", "edited_to_facilitator", "expired_b"):
        status, headers = _post_json(url, {"token": tokens[name]}, xsrf)
        assert status == 403, name
        assert "kit_session=" not in headers.get("Set-Cookie", ""), name
    status, _ = _post_json(url, {"token": tokens["real_a"]})  # no XSRF token: refused
    assert status == 403
    status, headers = _post_json(url, {"token": tokens["real_a"]}, xsrf)
    assert status == 200 and "HttpOnly" in headers["Set-Cookie"]

    monkeypatch.setenv("KIT_SESSION_SECRET", kit_server.secret)
    handoff = issue_handoff(Identity("participant", "demo-falls", A, TEAM_NAMES[A]))
    assert _post_json(url, {"token": handoff}, xsrf)[0] == 200
    assert _post_json(url, {"token": handoff}, xsrf)[0] == 403, "a hand-off token works once"


# --- the planning pages (00-03) as a new user sees them (issue 10) --------------------------

START = "00-start-here.ipynb"
#: each planning app, who opens it, and an element that is there once its body is built
PLANNING = [
    (START, "", ".kit-signin-code"),
    (START, A_CODE, ".kit-journey"),
    ("01-setup-and-topic.ipynb", FACILITATOR_PASSCODE, ".kit-setup-team-org input"),
    ("02-aim.ipynb", A_CODE, ".kit-aim-builder"),
    ("03-change-package.ipynb", A_CODE, ".kit-change-package"),
]
CUT_LABELS = """() => [...document.querySelectorAll('.kit-app button, .kit-app label')]
    .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.innerText)"""
#: arrows not in one flex item with the step they point to, or on another line than it
STRAY_ARROWS = """() => [...document.querySelectorAll('.kit-journey-arrow')].filter(arrow => {
    const step = arrow.nextElementSibling;
    if (!arrow.parentElement.classList.contains('kit-journey-item')) return true;
    if (!step || !step.classList.contains('kit-journey-step')) return true;
    const a = arrow.getBoundingClientRect(), s = step.getBoundingClientRect();
    return a.bottom < s.top || a.top > s.bottom;
}).length"""
#: steps wider than the journey's box (clipped at its right edge)
CLIPPED_STEPS = """() => { const box = document.querySelector('.kit-journey').getBoundingClientRect();
    return [...document.querySelectorAll('.kit-journey-step')]
        .filter(s => s.getBoundingClientRect().right > box.right + 1).map(s => s.innerText); }"""
LINES = """() => new Set([...document.querySelectorAll('.kit-journey-item')]
    .map(el => Math.round(el.getBoundingClientRect().top))).size"""


def test_the_planning_pages_show_every_label_whole_and_the_journey_keeps_its_arrows(
    page, kit_server
):
    """Issue 10: "Organisati..." was cut in the set-up app's enrolment, and the start page's
    journey map wrapped leaving an arrow alone at a line's end."""
    page.set_default_timeout(150_000)  # five cold kernels on a busy machine
    wait_for_kernel_pool(kit_server, START, 1)
    for notebook, code, built in PLANNING:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 900})
        open_app(page, kit_server, notebook, **({"join": code} if code else {}))
        page.wait_for_selector(built)
        assert page.evaluate(CUT_LABELS) == [], notebook
        check_no_page_errors(page)
    # the start page of a signed-in team, in a window narrow enough for the journey to wrap
    open_app(page, kit_server, START, join=A_CODE)
    page.wait_for_selector(".kit-journey")
    tall_screenshot(page, screenshot_path("00-start-here.png"), ".kit-app", height=1100)
    for width in (1280, 900, 700, 420):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(
            "w => document.documentElement.clientWidth <= w", arg=width, timeout=10_000
        )
        assert page.evaluate(STRAY_ARROWS) == 0, width
        assert page.evaluate(CLIPPED_STEPS) == [], width
        if width <= 700:
            assert page.evaluate(LINES) > 1, f"the journey did not wrap at {width} px"
    check_no_page_errors(page)
