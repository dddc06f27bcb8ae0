"""The app shell's sign-in form: a password field for the passcode, wrong codes limited per
client with the lock-out shown in the form, and every sign-in handed to the page for the
session cookie (kit/ui/app.py, kit/ui/session.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipywidgets as w
import pytest

from kit.demo import PRESENT_MONTH, load_demo
from kit.store import Store
from kit.store.sign_in_limit import SignInLimit
from kit.ui.app import AppShell
from kit.ui.session import read_handoff

PASSCODE = "demo-facilitator"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sign-in-demo") / "demo.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    load_demo(store, today=PRESENT_MONTH)
    store.close()
    return path


@pytest.fixture
def store(demo_db: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KIT_SESSION_SECRET", "unit-test-secret")
    target = tmp_path / "kit.sqlite3"
    shutil.copy(demo_db, target)
    opened = Store.open(f"sqlite:///{target}")
    yield opened
    opened.close()


def shell(store, params: dict[str, str] | None = None) -> AppShell:
    return AppShell("Test", lambda context: w.HTML("built"), store=store).start(params or {})


def handed_off(app: AppShell):
    value = app.handoff.value
    if 'data-token="' not in value:
        return None
    return read_handoff(value.split('data-token="')[1].split('"')[0])[0]


def test_the_passcode_is_typed_into_a_password_field(store):
    app = shell(store)
    assert isinstance(app._passcode, w.Password)
    assert "kit-signin-passcode" in app._passcode._dom_classes
    assert not isinstance(app._code, w.Password), "a join code stays readable"


def test_a_facilitator_signs_in_with_the_passcode_field_and_it_is_handed_to_the_page(store):
    app = shell(store)
    app._passcode.value = PASSCODE
    assert app.identity is not None and app.identity.is_facilitator
    assert app._passcode.value == "", "the passcode must not stay in the page"
    assert handed_off(app) == app.identity
    assert app.identity.session_id


def test_a_participant_signs_in_with_code_and_name(store):
    app = shell(store)
    app._person.value = "Ana Silva"
    app._code.value = "riv 2026"
    assert app.identity.team_id == "team-riverside"
    assert app.identity.person == "Ana Silva"
    assert handed_off(app) == app.identity
    assert "Sign out" in app.header.value and "kit/signout" in app.header.value


def test_a_join_link_is_handed_to_the_page_too(store):
    app = shell(store, {"join": "RIV-2026"})
    assert app.identity is not None and handed_off(app) == app.identity


def test_a_passcode_in_the_join_code_field_does_not_sign_a_facilitator_in(store):
    app = shell(store)
    app._code.value = PASSCODE
    assert app.identity is None
    assert "not a join code" in app._sign_in_error.value


def test_wrong_codes_are_limited_per_client_and_the_lock_out_shows_in_the_form(store):
    store.sign_in_limit = SignInLimit(max_failures=3)
    guesser = {"cookie_client": "guesser"}
    for attempt in range(3):
        app = shell(store, guesser)
        app._code.value = f"XXX-00{attempt}"
        assert app.identity is None
    assert "Too many wrong join codes" in app._sign_in_error.value
    app = shell(store, guesser)
    app._code.value = "RIV-2026"  # even the right code waits out the lock-out
    assert app.identity is None
    assert "Too many wrong join codes" in app._sign_in_error.value
    other = shell(store, {"cookie_client": "someone else"})
    other._code.value = "RIV-2026"
    assert other.identity is not None, "another browser is not locked out"


def test_a_wrong_passcode_counts_once_and_locks_out_the_client(store):
    store.sign_in_limit = SignInLimit(max_failures=2)
    guesser = {"cookie_client": "guesser"}
    for guess in ("wrong-one", "wrong-two"):
        app = shell(store, guesser)
        app._passcode.value = guess
        assert app.identity is None
    assert "Too many wrong passcodes" in app._sign_in_error.value
    app = shell(store, guesser)
    app._passcode.value = PASSCODE
    assert app.identity is None


def test_a_facilitators_join_links_are_never_counted_as_wrong_codes(store):
    """Issue 15: the passcode in a join link was first tried as a join code and counted as a
    wrong one, so a facilitator's sixth page in ten minutes showed the sign-in form."""
    store.sign_in_limit = SignInLimit(max_failures=2)
    facilitator = {"cookie_client": "facilitator's laptop", "join": PASSCODE}
    for _page in range(5):
        app = shell(store, facilitator)
        assert app.identity is not None and app.identity.is_facilitator
    guesser = {"cookie_client": "guesser"}
    for guess in ("XXX-001", "XXX-002"):
        assert shell(store, {**guesser, "join": guess}).identity is None
    locked = shell(store, {**guesser, "join": PASSCODE})  # the lock holds for every code
    assert locked.identity is None
