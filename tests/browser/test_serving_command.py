"""The command ``bts-kit serve`` runs, and the serving plumbing, without a browser."""

from __future__ import annotations

from pathlib import Path

from kit.serve import serve_environment, voila_command
from kit.serving import SHARE, TEMPLATE, cell_timeout


def test_it_binds_to_loopback_unless_public():
    assert "--Voila.ip=127.0.0.1" in voila_command(port=8866)
    assert "--Voila.ip=0.0.0.0" in voila_command(port=8866, public=True)


def test_safe_defaults():
    command = voila_command(port=9999, pool_size=2)
    assert command[1:3] == ["-m", "kit.serving"]
    for option in (
        "--port=9999",
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        "--preheat_kernel=True",
        "--pool_size=2",
        "--no-browser",
        "--VoilaConfiguration.multi_kernel_manager_class=kit.serving.KitKernelManager",
    ):
        assert option in command
    assert not any("preheat" in part for part in voila_command(port=1, pool_size=0))


def test_culling_and_timeouts_are_options():
    command = voila_command(port=1, cull_interval=2, cull_idle_timeout=6, cell_timeout=5)
    assert "--MappingKernelManager.cull_interval=2" in command
    assert "--MappingKernelManager.cull_idle_timeout=6" in command
    assert "--VoilaExecutor.timeout=5" in command
    assert voila_command(port=1, extra_args=["--debug"])[-1] == "--debug"


def test_the_environment_finds_the_template_and_the_database(monkeypatch):
    monkeypatch.delenv("KIT_SESSION_SECRET", raising=False)
    env = serve_environment("sqlite:///x.db")
    assert env["KIT_DATABASE_URL"] == "sqlite:///x.db"
    assert str(SHARE) in env["JUPYTER_PATH"].split(":")
    assert len(env["KIT_SESSION_SECRET"]) >= 32
    assert (Path(SHARE) / "voila" / "templates" / TEMPLATE / "conf.json").exists()


def test_the_cell_waiting_for_its_visitor_has_no_executor_timeout():
    timeout_for = cell_timeout(120)
    assert timeout_for({"source": "from kit.steps import aim\n\naim.app()"}) is None
    assert timeout_for({"source": ["from kit.ui import run\n", "run(shell)"]}) is None
    assert timeout_for({"source": "import pandas as pd\ndf = pd.DataFrame()"}) == 120
