"""Fixtures shared by the step tests: one demo database built once, copied for each test.

Copying a ready SQLite file is much faster than loading the demo into every test's store, and
each test still gets a database of its own to change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kit.demo import PRESENT_MONTH, load_demo
from kit.store import Store


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("steps-demo") / "demo.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    # the shipped dates, whatever today is: the apps' tests name them (tests/test_demo.py
    # checks that the demo loaded on any other day is moved whole)
    load_demo(store, today=PRESENT_MONTH)
    store.close()
    return path


@pytest.fixture
def store(demo_db: Path, tmp_path: Path):
    target = tmp_path / "kit.sqlite3"
    shutil.copy(demo_db, target)
    opened = Store.open(f"sqlite:///{target}")
    yield opened
    opened.close()
