"""Test-session setup shared by ``tests/`` and the notebooks run under nbval.

Notebooks open the default store; point it at a throwaway database so a test run never
touches a person's real collaborative, and give kernels a session secret.
"""

from __future__ import annotations

import os
import tempfile

_scratch = tempfile.mkdtemp(prefix="bts-kit-tests-")
os.environ.setdefault("KIT_DATABASE_URL", f"sqlite:///{_scratch}/kit.sqlite3")
os.environ.setdefault("KIT_SESSION_SECRET", "test-session-secret")
