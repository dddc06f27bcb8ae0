"""JupyterHub serving Breakthrough Kit's Voilà apps to a whole collaborative.

Every participant logs in to the hub and gets their own single-user server running the kit's
Voilà apps; all of them read and write one PostgreSQL database, so a team's work is shared by
its members and the facilitator sees every team. Read README.md beside this file first.

Settings come from the environment, so this file stays the same from a test laptop to a
server (names in capitals are environment variables):

KIT_DATABASE_URL      the shared store, ``postgresql+psycopg://kit:PASSWORD@HOST/kit`` (required)
KIT_SESSION_SECRET    one long random string shared by every user's server (required), so a
                      kit sign-in works in every app: ``python -c "import secrets;
                      print(secrets.token_hex(32))"``
KIT_HUB_BIND_URL      where the hub listens (default ``http://127.0.0.1:8000``; put HTTPS in
                      front of it)
KIT_HUB_DB_URL        the hub's own database (default a SQLite file; PostgreSQL works too)
KIT_HUB_PASSWORD      the shared password of the built-in ``shared-password`` authenticator
                      (the default authenticator here; swap in OAuth for real accounts)
KIT_HUB_ADMINS        comma-separated usernames with hub admin rights
KIT_NOTEBOOKS         the folder holding the kit's notebooks (default: the installed kit's)
KIT_SERVER_IDLE       seconds before an idle user's server is stopped (default 3600)
KIT_KERNEL_IDLE       seconds before an idle app kernel is culled (default 900)
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file


def _kit_paths() -> tuple[Path, Path]:
    """The kit's template folder (``share/jupyter``) and its notebooks, from the installed kit."""
    from kit.server.template import SHARE

    notebooks = Path(os.environ.get("KIT_NOTEBOOKS", SHARE.parents[2] / "notebooks"))
    return SHARE, notebooks


SHARE, NOTEBOOKS = _kit_paths()
DATABASE = os.environ["KIT_DATABASE_URL"]
SESSION_SECRET = os.environ["KIT_SESSION_SECRET"]
KERNEL_IDLE = int(os.environ.get("KIT_KERNEL_IDLE", "900"))
SERVER_IDLE = int(os.environ.get("KIT_SERVER_IDLE", "3600"))

# --- the hub -----------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("KIT_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = os.environ.get("KIT_HUB_DB_URL", "sqlite:///jupyterhub.sqlite")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.shutdown_on_logout = True
# a user's page goes straight to the kit's start page once their server runs
c.JupyterHub.redirect_to_server = True

# --- who may log in ----------------------------------------------------------------------------
# The kit's own join codes and facilitator passcode decide what each person sees; the hub only
# decides who gets a server. The shared password suits a workshop; for a standing collaborative
# use your organisation's accounts (e.g. oauthenticator's GenericOAuthenticator or AzureAD).
if os.environ.get("KIT_HUB_PASSWORD"):
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ["KIT_HUB_PASSWORD"]
    c.Authenticator.allow_all = True  # anyone with the password (JupyterHub 5 admits nobody else)
admins = [name.strip() for name in os.environ.get("KIT_HUB_ADMINS", "").split(",") if name.strip()]
if admins:
    c.Authenticator.admin_users = set(admins)

# --- each user's server: Voilà with the kit's template on the shared store ---------------------
c.Spawner.environment = {
    "KIT_DATABASE_URL": DATABASE,
    "KIT_SESSION_SECRET": SESSION_SECRET,
    "JUPYTER_PATH": os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")])),
    "PYTHONUNBUFFERED": "1",
}
c.Spawner.notebook_dir = str(NOTEBOOKS)
c.Spawner.default_url = "/voila/render/00-start-here.ipynb"
c.Spawner.args = [
    # the kit's look, no code, no tracebacks (the same choices as ``bts-kit serve``)
    "--VoilaConfiguration.template=bts-kit",
    "--VoilaConfiguration.strip_sources=True",
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.http_header_envs=Cookie",
    "--VoilaConfiguration.classic_tree=True",  # /voila/tree is the kit's landing page
    "--VoilaExecutor.timeout=120",
    # every page view starts a kernel: the kit's page shuts it when the tab closes, and
    # culling catches the rest (a page fetched but never shown, a laptop put to sleep)
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=False",
    # participants use the apps, not a terminal
    "--ServerApp.terminals_enabled=False",
    "--ServerApp.tornado_settings=compress_response=True",
    # kit.server.extension as a server extension: serves BokehJS to the kit's chart pages (no CDN) and
    # tells the app kernels so, and keeps Voila's pages from fetching MathJax from a CDN
    "--ServerApp.jpserver_extensions=kit.server.extension=True",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # without it a root-run spawn hangs and fails
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
c.Spawner.mem_limit = "512M"  # enforced by container spawners; a kernel of the kit is ~110 MB

# --- stop idle servers -------------------------------------------------------------------------
if importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={SERVER_IDLE}",
                "--cull-every=300",
            ],
        }
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": [
                "list:users",
                "read:users:activity",
                "read:servers",
                "delete:servers",
            ],
            "services": ["idle-culler"],
        }
    ]
