"""Sign-in that sticks (issue 10): signed in on Start here, a person stays signed in across a
reload, the top bar, a new tab and the landing page, until they sign out.

The session is an HttpOnly, SameSite=Lax cookie set by the kit's server
(``kit/server/session_cookie.py``) from a one-time token the kernel hands to the page; page
script cannot read it, a forged one is refused (``test_access.py``), and signing out clears it.
"""

from __future__ import annotations

import pytest

from .conftest import (
    APP_TIMEOUT_MS,
    FACILITATOR_PASSCODE,
    TEAM_NAMES,
    check_no_page_errors,
    header_text,
    open_app,
    sign_in,
)

pytestmark = pytest.mark.browser

START = "00-start-here.ipynb"
AIM = "02-aim.ipynb"
RIVERSIDE = TEAM_NAMES["team-riverside"]


def wait_for_cookie(page) -> None:
    """The page posted the kernel's hand-off and the server answered with the cookie."""
    page.wait_for_function(
        "() => document.documentElement.dataset.kitSession === 'saved'", timeout=APP_TIMEOUT_MS
    )


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "kit_session"), None)


def test_a_sign_in_lasts_across_reload_top_bar_new_tab_and_landing_page(
    page, kit_server, browser_context
):
    open_app(page, kit_server, START)
    assert "Not signed in" in header_text(page)
    assert page.get_attribute(".kit-signin-passcode input", "type") == "password"
    sign_in(page, "RIV-2026", name="Ana Silva")
    wait_for_cookie(page)

    cookie = session_cookie(browser_context)
    assert cookie is not None, "no session cookie after signing in"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find("kit_session") == -1, "script can read it"

    page.reload(wait_until="domcontentloaded")  # reload
    page.wait_for_selector(".kit-app .kit-header .kit-who", timeout=APP_TIMEOUT_MS)
    assert f"Signed in as {RIVERSIDE}" in header_text(page)

    page.click(".kit-topbar-apps a[href$='02-aim.ipynb']")  # the top bar, no ?session=
    page.wait_for_url("**/02-aim.ipynb", timeout=APP_TIMEOUT_MS)
    page.wait_for_selector(".kit-app .kit-header .kit-who", timeout=APP_TIMEOUT_MS)
    assert f"Signed in as {RIVERSIDE}" in header_text(page)
    page.wait_for_selector(".kit-topbar-who .kit-topbar-signout", timeout=APP_TIMEOUT_MS)
    assert "Ana Silva" in page.inner_text(".kit-topbar-who")

    tab = browser_context.new_page()  # a new tab
    try:
        open_app(tab, kit_server, AIM)
        assert f"Signed in as {RIVERSIDE}" in header_text(tab)
        tab.goto(kit_server.url)  # the landing page
        tab.wait_for_selector("#kit-identity[data-kit-checked]", timeout=APP_TIMEOUT_MS)
        assert f"Signed in as Ana Silva ({RIVERSIDE})" in tab.inner_text("#kit-identity")
    finally:
        tab.close(run_before_unload=True)

    open_app(page, kit_server, START)  # sign out from the header
    page.click(".kit-app-links a.kit-signout")
    page.wait_for_selector("#kit-identity[data-kit-checked]", timeout=APP_TIMEOUT_MS)
    assert "Not signed in" in page.inner_text("#kit-identity")
    assert session_cookie(browser_context) is None
    open_app(page, kit_server, AIM)
    assert "Not signed in" in header_text(page)
    check_no_page_errors(page)


def test_the_facilitator_stays_signed_in_and_signs_out_from_the_landing_page(
    page, kit_server, browser_context
):
    open_app(page, kit_server, START)
    sign_in(page, FACILITATOR_PASSCODE)
    wait_for_cookie(page)
    page.goto(kit_server.url)
    page.wait_for_selector("#kit-identity[data-kit-checked]", timeout=APP_TIMEOUT_MS)
    assert "Signed in as Facilitator" in page.inner_text("#kit-identity")
    page.click("#kit-identity a.kit-signout")
    page.wait_for_selector("#kit-identity[data-kit-checked]", timeout=APP_TIMEOUT_MS)
    assert "Not signed in" in page.inner_text("#kit-identity")
    open_app(page, kit_server, START)
    assert "Not signed in" in header_text(page)
