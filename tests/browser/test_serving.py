"""Every app page renders in the browser with no error text, and says who is signed in."""

from __future__ import annotations

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    TEAM_NAMES,
    app_notebooks,
    declared_audience,
    header_text,
    open_app,
    sign_in,
)

pytestmark = pytest.mark.browser

ERROR_TEXT = ("Traceback", "Error", "There was an error when executing")
APPS = app_notebooks()


def assert_no_error_text(page) -> None:
    body = page.inner_text("body")
    for text in ERROR_TEXT:
        assert text not in body, f"{text!r} on the page:\n{body[:3000]}"
    assert (
        page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").count()
        == 0
    )


@pytest.mark.parametrize("notebook", APPS)
def test_app_renders_for_a_team_via_join_link(page, kit_server, notebook):
    open_app(page, kit_server, notebook, join="RIV-2026")
    header = header_text(page)
    assert "Signed in as" in header and TEAM_NAMES["team-riverside"] in header
    assert "(team)" in header
    if declared_audience(notebook) == "facilitator":
        page.wait_for_selector(".kit-refusal")
    else:
        assert page.locator(".kit-refusal").count() == 0
    assert_no_error_text(page)


@pytest.mark.parametrize("notebook", APPS)
def test_app_renders_for_the_facilitator_signing_in(page, kit_server, notebook):
    open_app(page, kit_server, notebook)
    assert "Not signed in" in header_text(page)
    sign_in(page, FACILITATOR_PASSCODE)
    header = header_text(page)
    assert "Signed in as" in header and "(facilitator)" in header
    assert page.locator(".kit-refusal").count() == 0
    assert_no_error_text(page)
