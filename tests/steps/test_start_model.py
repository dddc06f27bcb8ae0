"""The start page's model: pure (no widgets, Jupyter or database engine), driven by an ``Actor``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kit import demo
from kit.qi import Team
from kit.steps.start import model
from kit.store import Actor

HEAVY = {"ipywidgets", "IPython", "ipykernel", "bokeh", "jupyter_bokeh", "jupyter_server",
         "jupyter_client", "tornado", "zmq", "sqlalchemy"}  # fmt: skip


def test_importing_the_model_loads_no_widgets_jupyter_or_engine():
    probe = (
        "import sys, kit.steps.start.model\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert HEAVY & set(loaded) == set()


def test_the_facilitator_gets_every_teams_code(store):
    actor = Actor.facilitator("Faculty", collaborative_id="demo-falls")
    rows = model.join_codes(store, actor)
    names = {t: store.get(Team, t, actor).record.name for t in demo.JOIN_CODES}
    assert [r.code for r in rows] == [
        demo.JOIN_CODES[t] for t in sorted(demo.JOIN_CODES, key=names.get)
    ]
    assert model.collaborative(store, actor).name == "Safer Wards Falls Collaborative"


def test_a_participant_sees_the_collaborative_but_not_the_codes(store):
    from kit.errors import PermissionDenied

    actor = Actor.participant("team-riverside", collaborative_id="demo-falls")
    assert model.collaborative(store, actor).id == "demo-falls"
    with pytest.raises(PermissionDenied):
        model.join_codes(store, actor)


def test_an_actor_without_a_collaborative_is_refused(store):
    with pytest.raises(ValueError, match="one collaborative"):
        model.collaborative(store, Actor.system())
