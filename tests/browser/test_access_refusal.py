"""A facilitator-only app refuses a participant with a clear page, and opens for the facilitator.

Served from a folder of its own holding a tiny facilitator-only app built on the kit's
``AppShell`` (the refusal is the shell's, whichever app declares ``audience="facilitator"``),
plus every app of ``notebooks/`` that declares itself facilitator-only.
"""

from __future__ import annotations

import shutil

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    NOTEBOOKS,
    TEAM_NAMES,
    app_notebooks,
    declared_audience,
    header_text,
    notebook_folder,
    open_app,
    sign_in,
    start_server,
)

pytestmark = pytest.mark.browser

FACULTY = "90-faculty-only.ipynb"
SECRET_TEXT = "FACULTY-ONLY-CONTENT-7f3a"
FACULTY_CODE = f"""\
import ipywidgets as w
from kit.ui import AppShell, run

def build(context):
    box = w.HTML("<p class='kit-faculty-secret'>{SECRET_TEXT}</p>")
    box.add_class("kit-faculty-secret")
    return box

run(AppShell("Faculty room", build, audience="facilitator", css_name="faculty"))
"""
FACILITATOR_APPS = [nb for nb in app_notebooks() if declared_audience(nb) == "facilitator"]


@pytest.fixture(scope="module")
def refusal_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refusal")
    folder = notebook_folder(tmp, {FACULTY: FACULTY_CODE})
    for notebook in FACILITATOR_APPS:
        shutil.copy(NOTEBOOKS / notebook, folder / notebook)
    with start_server(tmp, notebooks=folder, pool_size=1) as server:
        yield server


@pytest.mark.parametrize("notebook", [FACULTY, *FACILITATOR_APPS])
def test_a_participant_gets_the_refusal_page(page, refusal_server, notebook):
    open_app(page, refusal_server, notebook, join="RIV-2026")
    assert f"Signed in as {TEAM_NAMES['team-riverside']}" in header_text(page)
    refusal = page.wait_for_selector(".kit-refusal")
    assert "faculty" in refusal.inner_text().lower()
    body = page.inner_text("body")
    assert SECRET_TEXT not in body
    assert "Traceback" not in body and "Error" not in body


def test_the_facilitator_gets_the_app(page, refusal_server):
    open_app(page, refusal_server, FACULTY)
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(".kit-faculty-secret")
    assert SECRET_TEXT in page.inner_text("body")
    assert page.locator(".kit-refusal").count() == 0


def test_a_participant_who_signs_in_by_hand_is_refused_too(page, refusal_server):
    open_app(page, refusal_server, FACULTY)
    sign_in(page, "RIV-2026")
    page.wait_for_selector(".kit-refusal")
    assert SECRET_TEXT not in page.inner_text("body")
