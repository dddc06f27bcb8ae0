"""JupyterHub serving the kit to two users on one PostgreSQL store (the hosting guide, run).

Starts JupyterHub with ``facilitator-guide/hosting/jupyterhub_config.py`` (loaded as is, then
made local: the ``simple`` spawner, the shared-password authenticator and
configurable-http-proxy on loopback), logs two users in through the hub's login form, and
shows both of them working on the same collaborative in PostgreSQL: each one's Voilà start page
renders from the shared database, an aim saved by one is what the other opens, and neither can
open the other's server.

Needs ``KIT_TEST_POSTGRES_URL`` (a role allowed to create databases) and node/npm for the proxy
(installed locally into ``tests/hosting/.npm`` when missing). Skipped without them, failed in CI.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
HUB_CONFIG = ROOT / "facilitator-guide" / "hosting" / "jupyterhub_config.py"
NPM_PREFIX = Path(__file__).resolve().parent / ".npm"
CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "smoke-test-password"
USERS = ("alice", "bob")
START = "00-start-here.ipynb"
AIM = "02-aim.ipynb"
CHARTS = "03-change-package.ipynb"


def missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proxy_command() -> str:
    """configurable-http-proxy: on PATH, or installed locally from npm (CI has node and npm)."""
    local = NPM_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return str(local)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        missing("configurable-http-proxy needs node and npm")
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX),
         "configurable-http-proxy@5"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    if result.returncode != 0 or not local.exists():
        missing(f"npm could not install configurable-http-proxy:\n{result.stderr[-2000:]}")
    return str(local)


@pytest.fixture(scope="module")
def postgres_database():
    """A database of its own on the test PostgreSQL server, dropped afterwards."""
    url = os.environ.get("KIT_TEST_POSTGRES_URL")
    if not url:
        missing("KIT_TEST_POSTGRES_URL is not set")
    import sqlalchemy as sa

    name = f"kit_hub_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        missing(f"cannot create a database at KIT_TEST_POSTGRES_URL: {error}")
    database = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        yield database
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="module")
def hub(tmp_path_factory, postgres_database, request):
    """JupyterHub on loopback with the guide's configuration, the demo collaborative in PG."""
    from kit.demo import load_demo
    from kit.store import Store

    failed_before = request.session.testsfailed
    proxy = proxy_command()
    with Store.open(postgres_database) as store:
        load_demo(store)
    tmp = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = tmp / "jupyterhub_config.py"
    config.write_text(
        f"""
c = get_config()
load_subconfig({str(HUB_CONFIG)!r})
# local and on loopback for the test; everything else as the guide has it
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / "home" / "{username}")!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{tmp / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(tmp / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(tmp / "jupyterhub.pid")!r}
c.ConfigurableHTTPProxy.pid_file = {str(tmp / "proxy.pid")!r}
"""
    )
    env = dict(os.environ)
    env.update(
        KIT_DATABASE_URL=postgres_database,
        KIT_SESSION_SECRET=uuid.uuid4().hex,
        KIT_HUB_PASSWORD=PASSWORD,
        KIT_HUB_ADMINS="",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    env.pop("JUPYTERHUB_API_TOKEN", None)
    log_path = tmp / "hub.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        cwd=tmp,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    import requests

    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited:\n{log_path.read_text()[-5000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/hub/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterHub did not start:\n{log_path.read_text()[-5000:]}")
            time.sleep(0.3)
        yield {"url": url, "log": log_path, "database": postgres_database, "tmp": tmp}
    finally:
        _stop(process)
        log.close()
        if request.session.testsfailed > failed_before:  # keep the hub's log for a failure
            kept = ROOT / "test-artifacts" / "hosting"
            with contextlib.suppress(OSError):
                kept.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(log_path, kept / "hub.log")


def _stop(process: subprocess.Popen) -> None:
    import psutil

    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=10)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


def log_in(hub_url: str, username: str):
    """The hub's login form as a browser fills it: GET for the _xsrf field, then POST."""
    import requests

    session = requests.Session()
    form = session.get(f"{hub_url}/hub/login", timeout=30)
    form.raise_for_status()
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', form.text)
    assert xsrf, "the login form has no _xsrf field"
    response = session.post(
        f"{hub_url}/hub/login",
        data={"username": username, "password": PASSWORD, "_xsrf": xsrf.group(1)},
        timeout=120,
    )
    assert response.status_code == 200, response.text[-2000:]
    # start the user's server (what the hub does for a browser after login) and wait for it
    session.get(f"{hub_url}/hub/spawn", timeout=120)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        # the kit's landing page: served by the user's Voilà without starting a kernel
        landing = session.get(f"{hub_url}/user/{username}/voila/tree", timeout=30)
        if landing.status_code == 200 and "kit-apps" in landing.text:
            return session
        time.sleep(0.5)
    raise AssertionError(f"{username}'s server did not start")


@pytest.fixture(scope="module")
def sessions(hub):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(USERS)) as pool:  # two people logging in at once
        logged_in = pool.map(lambda name: log_in(hub["url"], name), USERS)
        return dict(zip(USERS, logged_in, strict=True))


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed")
    if not Path(CHROMIUM).exists():
        missing(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


def browser_page(browser, session, hub_url: str):
    """A browser page carrying ``session``'s hub and user-server cookies."""
    context = browser.new_context()
    context.set_default_timeout(60_000)
    context.add_cookies(
        [
            {"name": c.name, "value": c.value, "url": hub_url + (c.path or "/")}
            for c in session.cookies
        ]
    )
    return context, context.new_page()


def open_app(page, hub_url: str, user: str, notebook: str, **query: str):
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    page.goto(f"{hub_url}/user/{user}/voila/render/{notebook}?{suffix}")
    page.wait_for_selector(".kit-app .kit-header .kit-who")
    return page


def test_two_users_work_on_one_collaborative_in_postgresql(hub, sessions, browser):
    url = hub["url"]
    unique = f"adult inpatients over 65 (hub smoke {uuid.uuid4().hex[:6]})"
    pages = {}
    try:
        for user in USERS:
            context, page = browser_page(browser, sessions[user], url)
            pages[user] = (context, page)
            open_app(page, url, user, START, join="RIV-2026")
            header = page.inner_text(".kit-header")
            assert "Signed in as Riverside General, Ward 7" in header
            assert "Safer Wards Falls Collaborative" in header  # read from PostgreSQL
            assert "Traceback" not in page.inner_text("body")
        # alice edits her team's aim ...
        _, page = pages["alice"]
        open_app(page, url, "alice", AIM, join="RIV-2026")
        page.fill(".kit-aim-for-whom input", unique)
        page.wait_for_function(
            "() => /Saved/.test(document.querySelector('.kit-save-state')?.textContent || '')"
        )
        # ... and bob, on his own server and kernel, opens the same team's aim and sees it
        _, page = pages["bob"]
        open_app(page, url, "bob", AIM, join="RIV-2026")
        assert page.input_value(".kit-aim-for-whom input") == unique
    finally:
        for context, page in pages.values():
            with contextlib.suppress(Exception):
                page.close(run_before_unload=True)
            context.close()
    # the kit's page shut each kernel down when its tab closed, through the hub's proxy too
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        log = hub["log"].read_text(errors="replace")
        if all(re.search(rf"20\d POST /user/{user}/voila/api/shutdown/", log) for user in USERS):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("no tab-close kernel shutdown reached a user's server")
    # and the write is in the shared database itself
    from kit.qi import Aim
    from kit.store import Actor, Store

    with Store.open(hub["database"]) as store:
        aim = store.get(Aim, "aim-team-riverside", Actor.system()).record
    assert aim.for_whom == unique


def test_charts_draw_under_the_hub_with_bokehjs_from_the_users_server(hub, sessions, browser):
    """Under the hub Voilà runs as a server extension: ``kit.server.extension`` (enabled by the hub's
    configuration) serves BokehJS there too, so a chart page draws with no CDN."""
    url = hub["url"]
    context, page = browser_page(browser, sessions["alice"], url)
    outside: list[str] = []
    documents: list = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((url, "data:")) else None,
    )
    page.on("response", lambda r: documents.append(r) if f"/render/{CHARTS}" in r.url else None)
    try:
        open_app(page, url, "alice", CHARTS, join="RIV-2026")
        page.wait_for_selector(".kit-cp-chart canvas", timeout=60_000)
        assert page.evaluate("typeof window.Bokeh") == "object"
        # the kernel knew the page had BokehJS and sent no inline copy (2.8 MB)
        assert len(documents[-1].body()) < 300_000
        assert "Traceback" not in page.inner_text("body")
        assert outside == []
    finally:
        with contextlib.suppress(Exception):
            page.close(run_before_unload=True)
        context.close()


def test_a_user_cannot_open_another_users_server(hub, sessions):
    response = sessions["bob"].get(
        f"{hub['url']}/user/alice/voila/render/{START}", allow_redirects=True, timeout=60
    )
    assert response.status_code == 403


def test_a_sign_in_sticks_across_a_reload_and_the_top_bar_behind_the_hubs_proxy(
    hub, sessions, browser
):
    """Issue 10: the kit's session cookie is set through the hub's proxy on the user's own
    server, so a participant signed in on the start page stays signed in after a reload (no
    ``?join=`` or ``?session=`` in the address), on the app the top bar opens, in a new tab and
    on the landing page. It failed while the page made up its own XSRF token, which the hub's
    signed tokens refuse (``kit/server/session_cookie.py`` now hands the page the server's)."""
    url = hub["url"]
    context, page = browser_page(browser, sessions["bob"], url)
    try:
        open_app(page, url, "bob", START)
        assert "Not signed in" in page.inner_text(".kit-header")
        page.fill(".kit-signin-name input", "Ana Silva")
        page.fill(".kit-signin-code input", "NOR-2026")
        page.click(".kit-signin-button")
        page.wait_for_function(
            "() => (document.querySelector('.kit-header .kit-who')?.textContent || '')"
            ".includes('Signed in as')"
        )
        # the page hands the kernel's one-time token to the kit's cookie route, through the proxy
        page.wait_for_function("() => document.documentElement.dataset.kitSession === 'saved'")
        cookie = next(c for c in context.cookies() if c["name"] == "kit_session")
        assert cookie["httpOnly"]
        page.goto(f"{url}/user/bob/voila/render/{START}")  # a reload, nothing in the address
        page.wait_for_selector(".kit-app .kit-header .kit-who")
        assert "Signed in as Northfield Community Hospital" in page.inner_text(".kit-header")
        page.click(f".kit-topbar-apps a[href$='{AIM}']")  # the top bar
        page.wait_for_url(f"**/{AIM}")
        page.wait_for_selector(".kit-app .kit-header .kit-who")
        assert "Signed in as Northfield Community Hospital" in page.inner_text(".kit-header")
        assert "Traceback" not in page.inner_text("body")
        tab = context.new_page()  # a new tab: the app, then the landing page
        open_app(tab, url, "bob", AIM)
        assert "Signed in as Northfield Community Hospital" in tab.inner_text(".kit-header")
        tab.goto(f"{url}/user/bob/voila/tree")
        tab.wait_for_selector("#kit-identity[data-kit-checked]")
        assert "Signed in as Ana Silva" in tab.inner_text("#kit-identity")
        tab.close(run_before_unload=True)
    finally:
        with contextlib.suppress(Exception):
            page.close(run_before_unload=True)
        context.close()
