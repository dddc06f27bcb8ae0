"""The command ``bts-kit serve`` runs, and the serving plumbing, without a browser."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
from pathlib import Path

from kit.envnames import BOKEH_FROM_PAGE
from kit.server.command import serve_environment, voila_command
from kit.server.kernels import KitKernelManager, cell_timeout, install_refill_policy
from kit.server.template import SHARE, TEMPLATE

ROOT = Path(__file__).resolve().parents[2]


def test_it_binds_to_loopback_unless_public():
    assert "--Voila.ip=127.0.0.1" in voila_command(port=8866)
    assert "--Voila.ip=0.0.0.0" in voila_command(port=8866, public=True)


def test_safe_defaults():
    command = voila_command(port=9999, pool_size=2)
    assert command[1:3] == ["-m", "kit.server.voila_app"]
    for option in (
        "--port=9999",
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        "--preheat_kernel=True",
        "--pool_size=2",
        "--no-browser",
        "--VoilaConfiguration.multi_kernel_manager_class=kit.server.kernels.KitKernelManager",
        "--KernelManager.transport=ipc",  # local kernels on Unix sockets: no TCP warning
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


def test_the_server_tells_kernels_that_the_page_brings_bokehjs(monkeypatch):
    monkeypatch.delenv(BOKEH_FROM_PAGE, raising=False)
    assert serve_environment("sqlite:///x.db")[BOKEH_FROM_PAGE] == "1"


def test_every_hosting_path_enables_the_kits_server_extension():
    hosting = ROOT / "facilitator-guide" / "hosting"
    assert (
        "--ServerApp.jpserver_extensions=kit.server.extension=True"
        in (hosting / "jupyterhub_config.py").read_text()
    )
    assert "kit.server.extension: true" in (hosting / "z2jh-values.yaml").read_text()
    assert (
        '"jpserver_extensions": {"kit.server.extension": True}' in (ROOT / "postBuild").read_text()
    )


class FakeWebApp:
    def __init__(self) -> None:
        self.settings: dict = {}
        self.routes: list = []

    def add_handlers(self, host: str, handlers: list) -> None:
        self.routes += handlers


class FakeServerApp:
    def __init__(self, template: str) -> None:
        from traitlets.config import Config

        self.base_url = "/user/alice/"
        self.web_app = FakeWebApp()
        self.config = Config({"VoilaConfiguration": {"template": template}})


def test_as_a_server_extension_it_serves_bokehjs_and_fetches_no_mathjax(monkeypatch):
    from kit.server.bokeh_script import BokehScriptHandler
    from kit.server.extension import _load_jupyter_server_extension

    monkeypatch.delenv(BOKEH_FROM_PAGE, raising=False)
    server = FakeServerApp(TEMPLATE)
    _load_jupyter_server_extension(server)
    (route, handler, options), *session_routes = server.web_app.routes
    assert route == "/user/alice/voila/kit/bokeh/(.*)" and handler is BokehScriptHandler
    # the sign-in cookie's routes live under the user's server prefix too (JupyterHub)
    assert [r[0] for r in session_routes] == [
        "/user/alice/voila/kit/session",
        "/user/alice/voila/kit/signout",
    ]
    assert (Path(options["path"]) / "bokeh.min.js").exists()
    assert server.web_app.settings["mathjax_url"] is None
    assert server.web_app.settings["mathjax_config"] is None
    assert os.environ[BOKEH_FROM_PAGE] == "1"  # kernels started by this server inherit it


def test_under_another_template_kernels_keep_their_own_bokehjs(monkeypatch):
    from kit.server.extension import _load_jupyter_server_extension

    monkeypatch.delenv(BOKEH_FROM_PAGE, raising=False)
    _load_jupyter_server_extension(FakeServerApp("lab"))
    assert BOKEH_FROM_PAGE not in os.environ


class FakePoolManager:
    """What ``install_refill_policy`` sees of Voilà's pooling kernel manager."""

    fill_delay = 3.0

    def __init__(self, ready: int, starting: int = 0) -> None:
        loop = asyncio.new_event_loop()
        items = []
        for _ in range(ready):
            item = loop.create_future()
            item.set_result({"kernel_id": f"k{len(items)}"})
            items.append(item)
        items += [loop.create_future() for _ in range(starting)]
        self._pools = {"01-setup-and-topic.ipynb": items}
        self.calls: list[float | None] = []
        loop.close()

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.calls.append(delay)


def test_a_pool_with_a_kernel_still_ready_refills_later():
    manager = FakePoolManager(ready=1)
    install_refill_policy(manager)
    manager.fill_if_needed(delay=None, notebook_name="01-setup-and-topic.ipynb")
    assert manager.calls == [3.0]


def test_a_pool_that_ran_dry_refills_at_once():
    # the second visitor of a burst took the last ready kernel; one refill is still starting
    manager = FakePoolManager(ready=0, starting=1)
    install_refill_policy(manager)
    manager.fill_if_needed(delay=None, notebook_name="01-setup-and-topic.ipynb")
    manager.fill_if_needed(delay=None, notebook_name="another.ipynb")
    assert manager.calls == [0, 0]


def test_the_start_up_fill_keeps_its_own_delay():
    manager = FakePoolManager(ready=2)
    install_refill_policy(manager)
    manager.fill_if_needed(delay=0, notebook_name="01-setup-and-topic.ipynb")
    assert manager.calls == [0]


def test_the_refill_delay_is_an_option():
    assert "--VoilaKernelManager.fill_delay=3.0" in voila_command(port=1)
    assert "--VoilaKernelManager.fill_delay=0.5" in voila_command(port=1, fill_delay=0.5)
    assert not any("fill_delay" in part for part in voila_command(port=1, pool_size=0))


class FakeKernel:
    execution_state = "idle"

    def __init__(self, last_activity: dt.datetime) -> None:
        self.last_activity = last_activity


def test_a_kernel_claimed_from_the_pool_starts_its_idle_time_when_claimed():
    """The culler backstop: a kernel preheated two hours ago and just claimed is not idle."""
    manager = KitKernelManager(cull_idle_timeout=3600, cull_interval=60)
    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    manager._kernels = {"pooled": FakeKernel(two_hours_ago), "claimed": FakeKernel(two_hours_ago)}
    loop = asyncio.new_event_loop()
    pooled, claimed = loop.create_future(), loop.create_future()
    pooled.set_result({"kernel_id": "pooled"})
    claimed.set_result({"kernel_id": "claimed"})
    manager._pools = {"01-setup-and-topic.ipynb": [pooled, claimed]}
    culled: list[str] = []

    async def cull_kernel_if_idle(kernel_id: str) -> None:
        kernel = manager._kernels[kernel_id]
        idle = dt.datetime.now(dt.UTC) - kernel.last_activity
        if idle.total_seconds() > manager.cull_idle_timeout:
            culled.append(kernel_id)

    manager.cull_kernel_if_idle = cull_kernel_if_idle
    loop.run_until_complete(manager.cull_kernels())  # both still pooled: the pass only notes them
    manager._pools = {"01-setup-and-topic.ipynb": [pooled]}  # a visitor took "claimed"
    culled.clear()
    loop.run_until_complete(manager.cull_kernels())
    loop.close()
    assert "claimed" not in culled
    assert manager._kernels["claimed"].last_activity > two_hours_ago
    # a kernel still in the pool keeps its stamp (Voilà's culler skips pooled kernels itself)
    assert manager._kernels["pooled"].last_activity == two_hours_ago


def test_every_app_that_draws_declares_its_charts_to_the_template():
    """The template loads BokehJS only for notebooks whose metadata says ``kit.charts``; an app
    that calls ``run(..., uses_bokeh=True)`` without it would get no BokehJS when served."""
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        source = "".join(
            "".join(cell["source"])
            for cell in json.loads(notebook.read_text())["cells"]
            if cell["cell_type"] == "code"
        )
        steps = re.findall(r"from kit\.steps import (\w+)", source)
        draws = any(
            "uses_bokeh=True" in module.read_text()
            for step in steps
            for module in (ROOT / "kit" / "steps" / step).rglob("*.py")  # view.py or view/
        )
        declared = json.loads(notebook.read_text())["metadata"].get("kit", {}).get("charts")
        assert bool(declared) == draws, notebook.name
