"""The browser test harness: a real ``bts-kit serve`` and Debian's Chromium driven by Playwright.

Every browser test module (the serving, access and kernel tests here, and each app's
walkthrough) uses these; the names are stable.

Fixtures
--------
``kit_server`` (module scope)
    A fresh SQLite database in a temporary folder with the demo collaborative loaded, served by
    ``bts-kit serve --no-browser --port <free port> --pool-size 1`` in its own process group.
    Yields a :class:`KitServer`: ``.url`` (base URL ending in ``/``), ``.database_url``,
    ``.log_path`` (Voilà's stdout and stderr), ``.secret`` (its ``KIT_SESSION_SECRET``),
    ``.pid``, ``.tmp``. One server per module keeps the suite fast. Readiness is polled on
    ``/voila/api/contents`` (standalone Voilà has no ``/api/status``; this starts no kernel).
``browser_context``, ``chromium`` (module scope, one ``kit_playwright`` for both)
    Debian's Chromium (``/usr/bin/chromium``, ``KIT_CHROMIUM`` overrides), headless, no sandbox:
    a persistent context with a fresh profile, or the browser for contexts of one's own. Without
    Playwright or Chromium the browser tests are skipped, unless ``CI`` is set: then they fail.
``page`` (function scope)
    A new page in ``browser_context``, its cookies cleared (so signed out). A JavaScript error on
    the page (``pageerror``) fails the test; console warnings and errors do not (Voilà logs a
    dozen version warnings on every page). When a test fails, a screenshot and a copy of the
    server log go to ``test-artifacts/``. The page is closed with ``run_before_unload=True`` so
    its kernel is shut down.
``people`` (function scope)
    ``people()`` opens one more person's page in a context of their own (``person_page``), closed
    after the test; on failure each page's screenshot goes to ``test-artifacts/``.

Helpers (import them: ``from .conftest import open_app, join_codes``)
--------------------------------------------------------------------
``open_app(page, server, notebook, **query)``
    Opens ``/voila/render/<notebook>?<query>`` and waits until the app shell (``.kit-app``) and
    its header line (``.kit-header .kit-who``) are on the page; returns the page.
``join_codes(server)``
    ``{team_id: join code}`` of the served collaborative, read from its database.
``sign_in(page, code)``
    Types a join code or the facilitator passcode into the sign-in form and waits for the
    header to say who is signed in.
``start_server(tmp, command=None, *, pool_size=1, notebooks=None, **voila)``
    Context manager starting another server (its own database and notebook folder, Voilà
    options such as ``cull_interval``) for modules that need one; yields a :class:`KitServer`.
``app_notebooks()``
    The app notebooks in ``notebooks/`` in BTS order, for parametrising ("every app").
``declared_audience(notebook)``
    ``"facilitator"`` when the notebook's step declares ``audience="facilitator"``.
``team_rows(database_url, team_id)``
    Every stored row that mentions a team: snapshot before and after to prove it unchanged.
``header_text(page)``, ``check_no_page_errors(page)``
    The app header's text; fail now if the page had a JavaScript error.
``notebook_folder(tmp, {name: code}, copy_apps=False)``
    A folder of one-cell notebooks (plus copies of the apps, all or those named) for
    ``start_server(notebooks=...)``.

Constants: ``FACILITATOR_PASSCODE``, ``TEAM_NAMES`` (demo team ids to names), ``NOTEBOOKS``.
Waits on the page are in ``waits.py``, steps two walkthroughs share in ``steps.py``.
Mark browser test modules with ``pytestmark = pytest.mark.browser``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .diagnosis import ARTIFACTS, artifact_name, print_diagnosis, record_console, save_artifacts

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FACILITATOR_PASSCODE = "demo-facilitator"
TEAM_NAMES = {
    "team-riverside": "Riverside General, Ward 7",
    "team-northfield": "Northfield Community Hospital",
    "team-stanne": "St Anne's Medical Unit",
}
#: how long a page may take to show its app (a cold kernel on a busy CI machine)
APP_TIMEOUT_MS = 60_000
SERVER_START_S = 90


def missing(reason: str) -> None:
    """Skip for a developer without the browser stack; fail loudly in CI, where it must exist."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# --- the server -------------------------------------------------------------------------------


@dataclass
class KitServer:
    """A running server: where it listens, its database and its log."""

    url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen
    tmp: Path
    secret: str
    env: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def render_url(self, notebook: str, **query: str) -> str:
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.url}voila/render/{notebook}{suffix}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_demo_database(database_url: str) -> None:
    """A database holding the demo collaborative with its fixed join codes and the shipped
    dates (``kit.demo.PRESENT_MONTH``), which the walkthroughs name."""
    from kit.demo import PRESENT_MONTH, load_demo
    from kit.store import Store

    with Store.open(database_url) as store:
        load_demo(store, today=PRESENT_MONTH)


def _wait_until_up(server: KitServer, timeout: float = SERVER_START_S) -> None:
    # /voila/api/contents answers without starting a kernel (standalone Voilà has no /api/status)
    probe = f"{server.url}voila/api/contents"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited with code {server.process.returncode}:\n{server.log()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{server.log()[-4000:]}")


def stop_server(server: KitServer) -> None:
    """Stop the server's process group and any kernel it left behind (kernels run in their own
    sessions, so killing the group alone would leave them)."""
    import psutil

    try:
        descendants = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
    _gone, alive = psutil.wait_procs(descendants, timeout=5)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


@contextlib.contextmanager
def start_server(
    tmp: Path,
    command: list[str] | None = None,
    *,
    pool_size: int = 1,
    notebooks: Path | None = None,
    database_url: str | None = None,
    load_demo: bool = True,
    extra_env: dict[str, str] | None = None,
    **voila: object,
) -> Iterator[KitServer]:
    """Start a server on a free port and stop it on exit.

    Without ``command`` it runs ``kit.server.command.voila_command`` (``notebooks`` and ``voila``
    options such as ``cull_interval`` go to it) in the environment ``bts-kit serve`` uses.
    """
    from kit.server.command import serve_environment, voila_command

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{tmp / 'kit.sqlite3'}"
    if load_demo:
        load_demo_database(database_url)
    port = free_port()
    secret = f"browser-tests-{port}-{os.getpid()}"
    env = serve_environment(database_url)
    env.update({"KIT_SESSION_SECRET": secret, "KIT_DATABASE_URL": database_url})
    env.update(extra_env or {})
    if command is None:
        options = dict(voila)
        if notebooks is not None:
            options["notebooks"] = notebooks
        command = voila_command(port=port, pool_size=pool_size, **options)
    else:
        command = [part.format(port=port, database=database_url) for part in command]
    log_path = tmp / "server.log"
    log_file = open(log_path, "wb")  # noqa: SIM115 - closed below, outlives this frame
    process = subprocess.Popen(
        command,
        env=env,
        cwd=tmp,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = KitServer(
        url=f"http://127.0.0.1:{port}/",
        database_url=database_url,
        log_path=log_path,
        process=process,
        tmp=tmp,
        secret=secret,
        env=env,
    )
    try:
        _wait_until_up(server)
        yield server
    finally:
        stop_server(server)
        log_file.close()


def bts_kit_serve_command(pool_size: int = 1) -> list[str]:
    """``bts-kit serve`` exactly as a facilitator types it ({port} and {database} filled in)."""
    return [
        sys.executable,
        "-m",
        "kit.cli",
        "--database",
        "{database}",
        "serve",
        "--no-browser",
        "--port",
        "{port}",
        "--pool-size",
        str(pool_size),
    ]


@pytest.fixture(scope="module")
def kit_server(tmp_path_factory) -> Iterator[KitServer]:
    """``bts-kit serve`` on a fresh demo database, for one test module."""
    tmp = tmp_path_factory.mktemp("kit-server")
    with start_server(tmp, bts_kit_serve_command(pool_size=1)) as server:
        yield server


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit_playwright():
    """Playwright, shared by ``browser_context`` and ``chromium``: a thread runs only one."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser_context(kit_playwright, tmp_path_factory):
    """Debian's Chromium, headless, with a fresh profile for this module."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    context = kit_playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    context.set_default_timeout(APP_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def chromium(kit_playwright):
    """Debian's Chromium without a context of its own: each person opens theirs (``people``)."""
    launched = kit_playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


#: a person's page: several cold kernels per test on a busy two-core machine
PERSON_TIMEOUT_MS = 150_000


def person_page(chromium, *, timeout_ms: float = PERSON_TIMEOUT_MS):
    """A page in a new context of ``chromium`` (cookies and storage of its own, as a second
    laptop has), 1280x900, its JavaScript errors in ``page.kit_page_errors``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.kit_page_errors = errors
    record_console(page)
    return page


@pytest.fixture
def people(chromium, request):
    """``people()``: one more person's page, in a context of their own. On failure each page's
    screenshot is kept and its text printed (CI keeps only what a run prints); all closed after."""
    opened: list[object] = []

    def new_person(*, timeout_ms: float = PERSON_TIMEOUT_MS):
        page = person_page(chromium, timeout_ms=timeout_ms)
        opened.append(page)
        return page

    yield new_person
    if _failed(request.node):
        folder = ARTIFACTS / Path(request.node.fspath).stem
        folder.mkdir(parents=True, exist_ok=True)
        name = artifact_name(request.node)
        for n, page in enumerate(opened):
            with contextlib.suppress(Exception):
                page.screenshot(path=str(folder / f"{name}-person-{n}.png"), full_page=True)
            print_diagnosis(page, None)
        print_diagnosis(None, _module_server(request), log_lines=150)
        print(f"browser artifacts kept in {folder}")
    for page in opened:  # run_before_unload: Voila shuts the page's kernel down
        with contextlib.suppress(Exception):
            page.close(run_before_unload=True)
        with contextlib.suppress(Exception):
            page.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"kit_report_{report.when}", report)


def _failed(item) -> bool:
    """Whether the test's set-up or body failed (the reports the hook above keeps)."""
    reports = (getattr(item, f"kit_report_{when}", None) for when in ("setup", "call"))
    return any(getattr(report, "failed", False) for report in reports)


def _module_server(request) -> KitServer | None:
    """The server fixture the test uses (``kit_server`` or a module's own), for its log."""
    names = [name for name in request.fixturenames if name.endswith("server")]
    values = (request.getfixturevalue(name) for name in names)
    return next((value for value in values if isinstance(value, KitServer)), None)


#: no sign-in cookie exchange of the page's script (kit-script.html) is still unanswered
SESSION_SETTLED_JS = (
    "() => { const n = document.documentElement.dataset.kitSessionPosts;"
    " return n === undefined || n === '0'; }"
)


@pytest.fixture
def page(browser_context, request):
    """A fresh page; a JavaScript error on it fails the test, a failure keeps a screenshot."""
    browser_context.clear_cookies()  # each test starts signed out, whatever the last one did
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.kit_page_errors = errors  # open_app checks it too, so the failure points at the step
    record_console(page)
    yield page
    failed = _failed(request.node)
    if failed or errors:
        folder = save_artifacts(request.node, page, _module_server(request))
        print(f"browser artifacts kept in {folder}")
    with contextlib.suppress(Exception):
        # a sign-in's cookie exchange still in flight would land in the next test's browser,
        # after its clear_cookies(): let it finish first
        page.wait_for_function(SESSION_SETTLED_JS, timeout=15_000)
    with contextlib.suppress(Exception):
        page.close(run_before_unload=True)
    if errors and not failed:
        pytest.fail("JavaScript error on the page:\n" + "\n".join(errors), pytrace=False)


# --- helpers ----------------------------------------------------------------------------------


def check_no_page_errors(page) -> None:
    errors = getattr(page, "kit_page_errors", [])
    if errors:
        pytest.fail("JavaScript error on the page:\n" + "\n".join(errors), pytrace=False)


def open_app(
    page, server: KitServer, notebook: str, *, timeout_ms: float = APP_TIMEOUT_MS, **query: str
):
    """Open an app and wait for its shell and header (``timeout_ms`` each); returns the page."""
    page.goto(server.render_url(notebook, **query), wait_until="domcontentloaded")
    page.wait_for_selector(".kit-app", timeout=timeout_ms)
    page.wait_for_selector(".kit-app .kit-header .kit-who", timeout=timeout_ms)
    check_no_page_errors(page)
    return page


def sign_in(page, code: str, name: str = ""):
    """Sign in through the app's own form and wait until the header names who is signed in.

    The facilitator passcode goes into the form's password field, a join code (with the
    person's ``name``, if given) into the join-code field."""
    if code == FACILITATOR_PASSCODE:
        page.fill(".kit-signin-passcode input", code)
    else:
        if name:
            page.fill(".kit-signin-name input", name)
        page.fill(".kit-signin-code input", code)
    page.click(".kit-signin-button")
    page.wait_for_function(
        "() => { const el = document.querySelector('.kit-header .kit-who');"
        " return el && el.textContent.includes('Signed in as'); }",
        timeout=APP_TIMEOUT_MS,
    )
    # the header changes before the page has handed the session to the server for its cookie
    page.wait_for_function(
        "() => document.querySelector('.kit-session-handoff[data-kit-sent]') !== null",
        timeout=APP_TIMEOUT_MS,
    )
    page.wait_for_function(SESSION_SETTLED_JS, timeout=APP_TIMEOUT_MS)
    check_no_page_errors(page)
    return page


def header_text(page) -> str:
    return page.inner_text(".kit-app .kit-header")


def join_codes(server: KitServer) -> dict[str, str]:
    """``{team_id: code}`` for the served collaborative, from its database."""
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    codes: dict[str, str] = {}
    with Store.open(server.database_url) as store:
        for saved in store.find(Collaborative, Actor.system()):
            codes.update(store.join_codes(saved.record.id, Actor.system()))
    return codes


def app_notebooks() -> list[str]:
    """The app notebooks, in BTS order (their names start with the step number)."""
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if not p.name.startswith("."))


def declared_audience(notebook: str | Path) -> str:
    """``"facilitator"`` when ``kit/content/apps.yaml`` (the one list the shell enforces) makes
    the app facilitator-only, else ``"participants"``."""
    from kit import apps as app_list

    name = Path(notebook).name
    for app in (*app_list.apps(), *app_list.exercises()):
        if app.notebook == name:
            return "facilitator" if app.audience == "facilitator" else "participants"
    raise AssertionError(f"{name} has no entry in kit/content/apps.yaml")


def team_rows(database_url: str, team_id: str) -> list[tuple]:
    """Every row in every table with a value mentioning ``team_id`` (sorted, comparable)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    rows: list[tuple] = []
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(bind=conn)
            for table in metadata.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    if any(team_id in str(value) for value in row):
                        rows.append((table.name, *(str(v) for v in row)))
    finally:
        engine.dispose()
    return sorted(rows)


def notebook_folder(
    tmp: Path, notebooks: dict[str, str], *, copy_apps: bool | tuple[str, ...] = False
) -> Path:
    """A folder of notebooks for a server of one's own: ``{name: code of its one cell}``, and
    copies of the apps (``copy_apps``: True for all, or a tuple of notebook names; a server
    warms a kernel per notebook, so a module that edits two apps serves only those two)."""
    folder = Path(tmp) / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    if copy_apps:
        for path in NOTEBOOKS.glob("*.ipynb"):
            if copy_apps is True or path.name in copy_apps:
                shutil.copy(path, folder / path.name)
    for name, code in notebooks.items():
        notebook = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "cell-0",
                    "metadata": {},
                    "outputs": [],
                    "source": code,
                }
            ],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (folder / name).write_text(json.dumps(notebook))
    return folder


def screenshot_path(name: str) -> Path:
    """Where a walkthrough saves its screenshot: the README's images when refreshing them on
    request (``KIT_UPDATE_SCREENSHOTS=1``), else the test artifacts, so a test run leaves the
    work tree clean."""
    folder = ROOT / "facilitator-guide" / "images"
    return (folder if os.environ.get("KIT_UPDATE_SCREENSHOTS") else ARTIFACTS) / name


def tall_screenshot(page, path: Path, top_css: str, height: int = 1500) -> None:
    """The app from ``top_css`` down, in a window tall enough for a README picture."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.set_viewport_size({"width": 1280, "height": height})
    page.locator(top_css).first.evaluate("element => element.scrollIntoView()")
    page.wait_for_timeout(500)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})


def wait_for_kernel_pool(server: KitServer, notebook: str, fills: int, timeout: float = 180):
    """Wait until Voilà has preheated a kernel for ``notebook`` ``fills`` times in all.

    On a busy machine a cold kernel can take longer than a page's timeout; a visitor who
    arrives after the pool is filled gets the page in a couple of seconds.
    """
    line = f"Kernel pool of {notebook} is filled"
    deadline = time.monotonic() + timeout
    while server.log().count(line) < fills and time.monotonic() < deadline:
        time.sleep(0.5)
