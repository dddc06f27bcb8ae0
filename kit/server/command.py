"""``bts-kit serve``: Voilà over the kit's notebooks with the kit's template and safe defaults.

Decisions (the serving issue): bind to 127.0.0.1 unless asked, strip
sources, hide tracebacks, preheat kernels, pass the ``Cookie`` header to kernels so a signed-in
participant stays signed in across apps, shut a page's kernel down when its tab closes (the
template sends the request with an XSRF token, which Voilà 0.5's own beacon lacks), and cull
idle kernels as a backstop that spares the preheated pool.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from kit.envnames import BOKEH_FROM_PAGE
from kit.server.room import estimate, pools_argument
from kit.server.template import APP_KERNELS, SHARE, TEMPLATE

log = logging.getLogger("kit.server")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def voila_command(
    *,
    port: int,
    public: bool = False,
    open_browser: bool = False,
    pool_size: int = 2,
    room: int = 0,
    cull_interval: int = 60,
    cull_idle_timeout: int = 900,
    cell_timeout: int = 120,
    fill_delay: float = 3.0,
    notebooks: Path = NOTEBOOKS,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """The exact Voilà command line, separate from running it so tests can read it."""
    args = [
        sys.executable,
        "-m",
        "kit.server.voila_app",  # Voilà, with compressed responses
        str(notebooks),
        f"--port={port}",
        f"--Voila.ip={'0.0.0.0' if public else '127.0.0.1'}",
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        "--VoilaConfiguration.http_header_envs=Cookie",
        "--VoilaConfiguration.file_allowlist=.*\\.(png|svg|css)",
        "--VoilaConfiguration.multi_kernel_manager_class=kit.server.kernels.KitKernelManager",
        f"--VoilaExecutor.timeout={cell_timeout}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
        "--ServerApp.log_level=WARNING",
        # the kernels run on this machine: Unix sockets in Jupyter's runtime folder (readable by
        # this user only) rather than TCP ports on 127.0.0.1 that any local user can reach, and
        # no "running over TCP without encryption" warning per kernel in the facilitator's terminal
        "--KernelManager.transport=ipc",
    ]
    if pool_size > 0 or room > 0:
        # seconds before a pool that still holds a ready kernel is refilled after a visitor
        # (an emptied pool is refilled at once: kit.server.kernels.install_refill_policy). A refill
        # runs the app's imports, which compete with the visitor's page for the CPU.
        args += [
            "--preheat_kernel=True",
            f"--pool_size={pool_size}",
            f"--VoilaKernelManager.fill_delay={fill_delay}",
            # exercises are opened once or twice in a workshop, not by every team all month: a
            # warm pool for each of them would double the kernels (and memory) a server holds
            "--VoilaKernelManager.preheat_denylist=exercises/",
        ]
        if room > 0:  # a pool per expected visitor for the apps a room opens first
            args.append(pools_argument(room, pool_size))
    if not open_browser:
        args.append("--no-browser")
    args += list(extra_args)
    return args


def serve_environment(database: str | None) -> dict[str, str]:
    """The environment Voilà and its kernels run in: template path, database, session secret."""
    from kit.store import default_database_url

    env = dict(os.environ)
    # the app kernels' spec (kit/share/app-kernels: ipykernel without its debugger,
    # kit.server.kernel_launcher) first, then the kit's template
    env["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(APP_KERNELS), str(SHARE), env.get("JUPYTER_PATH", "")])
    )
    env["KIT_DATABASE_URL"] = database or default_database_url()
    env.setdefault("KIT_SESSION_SECRET", secrets.token_hex(32))
    env.setdefault("PYTHONUNBUFFERED", "1")
    env[BOKEH_FROM_PAGE] = "1"  # the kit's template loads BokehJS (kit.server.bokeh_script)
    return env


def ensure_collaborative(database: str) -> bool:
    """Load the demo collaborative into an empty database; True when it did."""
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    with Store.open(database) as store:
        if store.find(Collaborative, Actor.system()):
            return False
        from kit.demo import load_demo  # numpy and the demo's records, only when needed

        load_demo(store)
        return True


def serve(
    *,
    database: str | None = None,
    port: int = 8866,
    public: bool = False,
    open_browser: bool = True,
    pool_size: int = 2,
    room: int = 0,
) -> int:
    """Run Voilà in the foreground until interrupted; returns its exit code.

    With ``room`` it first says what the warmed kernels cost and refuses (exit code 2) a room
    whose estimate exceeds the memory available (``kit/server/room.py``).
    """
    if room > 0:
        cost = estimate(room, pool_size, NOTEBOOKS)
        print(cost.message(), file=sys.stdout if cost.fits else sys.stderr)
        if not cost.fits:
            return 2
    env = serve_environment(database)
    if ensure_collaborative(env["KIT_DATABASE_URL"]):
        print("No collaborative in the database yet: loaded the demo collaborative.")
    if public:
        print(
            "WARNING: serving on all network interfaces. Anyone who can reach this machine can "
            "open the apps; put the kit behind authentication (JupyterHub or a reverse proxy), "
            "see facilitator-guide/hosting/.",
            file=sys.stderr,
        )
    host = "0.0.0.0" if public else "127.0.0.1"
    print(f"Breakthrough Kit is starting at http://{host}:{port}/ (Ctrl+C stops it).")
    command = voila_command(
        port=port, public=public, open_browser=open_browser, pool_size=pool_size, room=room
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
