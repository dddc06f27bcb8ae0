"""Wrong passcodes and join codes are limited per client; the lock-out says when to try again
and is logged; no passcode or typed code is ever stored or logged in plain text.

Time is a clock the test moves (``Store.clock``), never a sleep."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from kit.errors import PermissionDenied
from kit.store import Store, TooManyAttempts
from kit.store.schema import metadata

from .conftest import SYSTEM, World

PASSCODE = "Lighthouse-Kestrel-47"
START = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(world: World) -> Clock:
    world.store.clock = clock = Clock()
    return clock


@pytest.fixture
def code(world: World) -> str:
    return world.store.issue_join_code(world.north.id, SYSTEM, code="NOR-TH7")


def _wrong_joins(store: Store, client: str, times: int) -> None:
    for n in range(times):
        with pytest.raises(PermissionDenied, match="not a join code we know"):
            store.join(f"XYZ-{n:03d}", client=client)


def test_five_wrong_join_codes_lock_the_client_out_until_the_time_it_is_told(
    world: World, clock: Clock, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = world.store
    _wrong_joins(store, "10.0.0.7", 4)
    assert store.join(code, client="10.0.0.7").team_id == world.north.id  # not locked yet
    with (
        caplog.at_level(logging.WARNING, logger="kit.store.sign_in"),
        pytest.raises(TooManyAttempts) as caught,
    ):
        store.join("XYZ-999", client="10.0.0.7")
    assert caught.value.retry_at == START + dt.timedelta(minutes=15)
    message = str(caught.value)
    assert "Too many wrong join codes" in message
    assert "try again after 10:15 UTC (in 15 minutes)" in message
    locks = [r for r in caplog.records if "Sign-in locked" in r.getMessage()]
    assert len(locks) == 1 and "'10.0.0.7'" in locks[0].getMessage()
    assert "XYZ-999" not in caplog.text

    # locked: even the right code is refused, so guessing during the lock learns nothing
    clock.advance(minutes=14)
    with pytest.raises(TooManyAttempts, match=r"in 1 minute\)"):
        store.join(code, client="10.0.0.7")
    # another client is not affected; the command line (no client) is never limited
    assert store.join(code, client="10.0.0.8").team_id == world.north.id
    assert store.join(code).team_id == world.north.id

    clock.advance(minutes=1)
    assert store.join(code, client="10.0.0.7").team_id == world.north.id
    # the old failures do not count again: four more wrong codes are allowed
    _wrong_joins(store, "10.0.0.7", 4)


def test_failures_spread_beyond_the_window_do_not_lock(
    world: World, clock: Clock, code: str
) -> None:
    for _ in range(3):
        _wrong_joins(world.store, "laptop-3", 4)
        clock.advance(minutes=11)
    assert world.store.join(code, client="laptop-3").team_id == world.north.id


def test_wrong_passcodes_are_limited_and_logged_without_the_passcode(
    world: World, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    store = world.store
    collaborative = world.collaborative.id
    store.set_facilitator_passcode(collaborative, PASSCODE, SYSTEM)
    caplog.set_level(logging.DEBUG)
    guesses = [f"{PASSCODE[:-2]}{n:02d}" for n in range(4)]
    for guess in guesses:
        with pytest.raises(PermissionDenied, match="passcode is not right"):
            store.sign_in_facilitator(collaborative, guess, client="203.0.113.9")
    with pytest.raises(TooManyAttempts, match="Too many wrong passcodes.*after 10:15 UTC"):
        store.sign_in_facilitator(collaborative, "guess-five", client="203.0.113.9")
    with pytest.raises(TooManyAttempts):
        store.sign_in_facilitator(collaborative, PASSCODE, client="203.0.113.9")
    # wrong join codes and wrong passcodes are counted apart
    assert store.join(store.issue_join_code(world.north.id, SYSTEM), client="203.0.113.9")
    clock.advance(minutes=15)
    signed_in = store.sign_in_facilitator(collaborative, PASSCODE, "Fay", client="203.0.113.9")
    assert signed_in.is_staff and signed_in.collaborative_id == collaborative
    assert "Sign-in locked: 5 wrong passcodes from client '203.0.113.9'" in caplog.text
    for secret in [PASSCODE, "guess-five", *guesses]:
        assert secret not in caplog.text


def _every_stored_text(store: Store) -> str:
    """Every value in every table of the store, as one text to search."""
    with store.engine.connect() as conn:
        rows = [
            row for table in metadata.sorted_tables for row in conn.execute(sa.select(table)).all()
        ]
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


def test_passcodes_and_clients_are_never_stored_in_plain_text(world: World, clock: Clock) -> None:
    store = world.store
    store.set_facilitator_passcode(world.collaborative.id, PASSCODE, SYSTEM)
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            store.sign_in_facilitator(world.collaborative.id, "Wrong-Guess-123", client="10.9.8.7")
    stored = _every_stored_text(store)
    assert "scrypt:" in stored  # the passcode's hash is there ...
    for secret in [PASSCODE, PASSCODE.lower(), PASSCODE.encode().hex(), "Wrong-Guess-123"]:
        assert secret not in stored  # ... the passcode and the guesses are not
    assert "10.9.8.7" not in stored  # the client is kept as a hash
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sign_in_locks")).scalar_one() == 1
