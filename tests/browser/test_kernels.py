"""Kernels neither leak nor stall.

Voilà 0.5 starts a kernel for every page view and refuses the shutdown its own page sends when
the tab closes (no XSRF token), so kernels pile up; culling them stops the pile but used to kill
a preheated kernel that had waited in the pool, and nbclient's cell timeout failed one that had
waited longer than ``VoilaExecutor.timeout``. The kit's template sends the shutdown with a token,
its kernel manager restamps claimed pool kernels, and its cell timeout spares the cell that
waits for the visitor. Here a server with a pool of one kernel per app and culling after a few
seconds proves all three with real page views.
"""

from __future__ import annotations

import re
import shutil
import time

import psutil
import pytest

from .conftest import NOTEBOOKS, check_no_page_errors, notebook_folder, open_app, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POOL_SIZE = 1
CULL_INTERVAL = 2
CULL_IDLE_TIMEOUT = 6
CELL_TIMEOUT = 5
VIEWS = 50
START = "00-start-here.ipynb"
#: a light page with one widget: the leak is about the kernel's life, not the app in it
LIGHT = "light.ipynb"
LIGHT_CODE = (
    "import ipywidgets as w\n"
    "button = w.Button(description='Hello')\n"
    "button.add_class('kit-app')\n"
    "header = w.HTML('<span class=\"kit-who\">light page</span>')\n"
    "header.add_class('kit-header')\n"
    "box = w.VBox([header, button])\n"
    "box.add_class('kit-app')\n"
    "box"
)


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kernels")
    folder = notebook_folder(tmp, {LIGHT: LIGHT_CODE})
    shutil.copy(NOTEBOOKS / START, folder / START)
    with start_server(
        tmp,
        notebooks=folder,
        pool_size=POOL_SIZE,
        cull_interval=CULL_INTERVAL,
        cull_idle_timeout=CULL_IDLE_TIMEOUT,
        cell_timeout=CELL_TIMEOUT,
        extra_args=["--ServerApp.log_level=INFO"],
    ) as server:
        server.expected_kernels = POOL_SIZE * 2  # one pool per notebook in the folder
        yield server


def live_kernels(server) -> list[psutil.Process]:
    kernels = []
    for proc in psutil.Process(server.pid).children(recursive=True):
        try:
            if any("kernel_launcher" in part for part in proc.cmdline()):
                kernels.append(proc)
        except psutil.NoSuchProcess:
            continue
    return kernels


def wait_for_kernels(server, count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        live = len(live_kernels(server))
        if live == count or time.monotonic() > deadline:
            return live
        time.sleep(0.5)


def test_fifty_views_leave_only_the_pool(culling_server, browser_context):
    server = culling_server
    expected = server.expected_kernels
    assert wait_for_kernels(server, expected, 90) == expected, "the pool never filled"
    most = 0
    for view in range(VIEWS):
        page = browser_context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.kit_page_errors = errors
        open_app(page, server, LIGHT)
        page.wait_for_selector(".kit-app button")
        check_no_page_errors(page)
        page.close(run_before_unload=True)
        most = max(most, len(live_kernels(server)))
        assert most <= expected + 3, f"kernels pile up: {most} live after {view + 1} views"
    live = wait_for_kernels(server, expected, 30)
    log = server.log()
    culled = len(re.findall(r"Culling .*kernel", log))
    shut = len(set(re.findall(r"Kernel shutdown: ([0-9a-f-]{36})", log)))
    print(f"{VIEWS} views: at most {most} live kernels, {shut} shut down, {culled} culled")
    assert live == expected, f"{live} kernels live after {VIEWS} views, the pool is {expected}"
    # the tab's own shutdown did the work, not the culler (which only backs it up)
    assert shut >= VIEWS
    assert culled <= 5, f"{culled} kernels were culled: the tab-close shutdown did not reach them"


def test_voilas_own_tab_close_shutdown_is_refused(culling_server):
    """The baseline problem the template works around: the request Voilà's page sends is
    refused for want of an XSRF token, where the kit's request (same path, token) is accepted."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{culling_server.url}voila/api/shutdown/00000000-0000-0000-0000-000000000000",
        method="POST",
        data=b"",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_a_pool_kernel_idle_past_every_timeout_still_serves_its_page(
    culling_server, browser_context
):
    server = culling_server
    # let the pooled kernels wait longer than the idle timeout and the cell timeout,
    # through several culler passes
    time.sleep(max(CULL_IDLE_TIMEOUT, CELL_TIMEOUT) + 3 * CULL_INTERVAL)
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.kit_page_errors = errors
    try:
        open_app(page, server, START, join="RIV-2026")
        page.wait_for_selector(".kit-start .kit-journey-step")  # the app's widgets rendered
        assert "Signed in as" in page.inner_text(".kit-header")
        body = page.inner_text("body")
        assert "timed out" not in body and "Error" not in body
        # and it stays alive while the visitor is on it, past the idle timeout
        time.sleep(CULL_IDLE_TIMEOUT + 2 * CULL_INTERVAL)
        assert "Using pre-heated kernel" in server.log()
        kernel_ids = re.findall(
            r"Using pre-heated kernel: ([0-9a-f-]{36}) for 00-start", server.log()
        )
        assert kernel_ids
        assert "Culling" not in "\n".join(
            line for line in server.log().splitlines() if kernel_ids[-1] in line
        )
    finally:
        page.close(run_before_unload=True)


def test_a_room_arriving_at_once_gets_every_page(culling_server, browser_context):
    """Four participants open the start page together against a pool of one: the first takes
    the preheated kernel and, the pool being empty, each refill starts at once
    (``kit.server.kernels.install_refill_policy``), so every page loads and none waits on a delay."""
    server = culling_server
    assert wait_for_kernels(server, server.expected_kernels, 90) == server.expected_kernels
    pages = []
    try:
        for _ in range(4):
            page = browser_context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.kit_page_errors = errors
            page.goto(f"{server.url}voila/render/{START}?join=RIV-2026", wait_until="commit")
            pages.append(page)
        for page in pages:
            page.wait_for_selector(".kit-start .kit-journey-step", timeout=120_000)
            assert "Signed in as" in page.inner_text(".kit-header")
            check_no_page_errors(page)
    finally:
        for page in pages:
            page.close(run_before_unload=True)
    assert wait_for_kernels(server, server.expected_kernels, 60) == server.expected_kernels
