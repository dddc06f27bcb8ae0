"""A room arriving at once: 20 Chromium pages open the apps within 10 s against
``bts-kit serve --room 20``; time to usable, and the kernels afterwards.

Run on demand (not collected by pytest):

    python tests/benchmarks/bench_room.py [--room 20] [--pages 20] [--within 10]
        [--apps 00-start-here.ipynb,02-aim.ipynb] [--json results.json]

Issue 15 (Concurrency): six pages opened at once used to take up to 38 s. ``bts-kit serve
--room N`` warms N kernels for each app a room opens first (``kit/server/room.py``), so a
room's pages take kernels that are already running. The benchmark:

1. starts ``bts-kit serve --room N --pool-size 1`` exactly as a facilitator types it, on a
   fresh demo database, and waits until every pool is full (the kernels warmed before the
   session starts; the count is reported, with the server's memory estimate);
2. opens ``--pages`` pages, each in a browser context of its own (a person at a laptop, signed
   in with their team's join code, the seven demo teams in turn), started evenly over
   ``--within`` seconds, alternating the ``--apps``;
3. times each page from its request to usable: the header names who is signed in and the
   app's body is built (no "Opening your work" left) -- the moment a person can type;
4. closes every page as a tab is closed (the page asks the server to shut its kernel down)
   and waits until the kernels are back to the full pools: the used kernels shut down and
   the pools refilled to their size.

Reported: p50/p95/max time to usable, pages that never became usable (target 0), kernel
counts before, at the peak and afterwards. The machine's load is printed with them: on a
shared machine the figures are not the server's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from tests.browser import conftest  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    bts_kit_serve_command,
    join_codes,
    start_server,
)

#: usable: the header names the signed-in visitor and the app's body is built
USABLE = (
    "() => { const who = document.querySelector('.kit-app .kit-header .kit-who');"
    " const body = document.querySelector('.kit-app .kit-body');"
    " return !!(who && who.textContent.includes('Signed in as') && body"
    " && body.children.length && !body.querySelector('.kit-loading')); }"
)
PAGE_TIMEOUT_S = 300


def kernels(server) -> list[psutil.Process]:
    """The server's kernel processes (they run in sessions of their own, as its children)."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def wait_for_kernels(
    server, count: int, timeout: float, stable: float = 5.0, at_least: bool = False
) -> float:
    """Seconds until the server holds ``count`` kernels (or more, ``at_least``) and the number
    has not changed for ``stable`` seconds."""
    start = time.monotonic()
    since, last = None, -1
    while time.monotonic() - start < timeout:
        now = len(kernels(server))
        if now != last:
            since, last = None, now
        if now == count or (at_least and now >= count):
            since = since or time.monotonic()
            if time.monotonic() - since >= stable:
                return since - start
        else:
            since = None
        time.sleep(0.5)
    raise TimeoutError(f"{len(kernels(server))} kernels, not {count}, after {timeout:.0f} s")


def wait_for_pools(server, notebooks: list[str], timeout: float) -> float:
    """Seconds until Voilà says every preheated notebook's pool is filled (its kernels have
    run the app's imports and wait for a visitor), not merely started as processes."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        log = server.log()
        if all(f"Kernel pool of {name} is filled" in log for name in notebooks):
            return time.monotonic() - start
        time.sleep(1)
    raise TimeoutError(f"the pools were not filled within {timeout:.0f} s")


async def open_room(
    urls: list[str], within: float, count_kernels
) -> tuple[list[float | None], int]:
    """Open every URL in a context of its own, evenly over ``within`` s: the seconds each
    took to become usable, and the kernels running while they are all open."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []

        async def visit(index: int, url: str) -> float | None:
            await asyncio.sleep(index * within / max(len(urls), 1))
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            pages.append(page)
            start = time.monotonic()
            try:
                await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
                await page.wait_for_function(USABLE, timeout=PAGE_TIMEOUT_S * 1000, polling=100)
            except Exception as error:
                print(f"page {index} never became usable: {error}".splitlines()[0])
                shot = Path(tempfile.gettempdir()) / f"bench-room-page-{index}.png"
                with contextlib.suppress(Exception):
                    await page.screenshot(path=str(shot), full_page=True)
                    print(f"  its screen: {shot}")
                return None
            return time.monotonic() - start

        times = await asyncio.gather(*(visit(i, url) for i, url in enumerate(urls)))
        peak = count_kernels()
        for page in pages:  # as a closed tab: the page asks the server to stop its kernel
            await page.close(run_before_unload=True)
            await page.context.close()
        await browser.close()
    return list(times), peak


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--room", type=int, default=20)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--within", type=float, default=10.0, help="seconds to open them in")
    parser.add_argument("--apps", default="00-start-here.ipynb,02-aim.ipynb")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    from kit.server.room import estimate, preheated_notebooks
    from tests.browser.conftest import NOTEBOOKS

    cost = estimate(args.room, 1, NOTEBOOKS)
    print(cost.message())
    apps = args.apps.split(",")
    command = [*bts_kit_serve_command(pool_size=1), "--room", str(args.room)]
    # starting N kernels at once keeps a small server from answering for minutes: wait longer
    # than the browser tests' 90 s for it to come up
    wait_until_up = conftest._wait_until_up
    conftest._wait_until_up = lambda server: wait_until_up(server, timeout=1200)
    with (
        tempfile.TemporaryDirectory(prefix="bench-room-") as tmp,
        start_server(Path(tmp), command) as server,
    ):
        warm_s = wait_for_pools(server, preheated_notebooks(NOTEBOOKS), timeout=1800)
        wait_for_kernels(server, cost.kernels, timeout=600, stable=10, at_least=True)
        before = len(kernels(server))
        print(f"{before} kernels warm after {warm_s:.0f} s (estimate {cost.kernels})")
        codes = list(join_codes(server).values())
        urls = [
            server.render_url(apps[i % len(apps)], join=codes[i % len(codes)])
            for i in range(args.pages)
        ]
        load = os.getloadavg()
        opened = time.monotonic()
        times, peak = asyncio.run(open_room(urls, args.within, lambda: len(kernels(server))))
        closed = time.monotonic()
        back_s = wait_for_kernels(server, before, timeout=1800)
        after = len(kernels(server))
        usable = [t for t in times if t is not None]
        figures = {
            "room": args.room,
            "pages": args.pages,
            "within_s": args.within,
            "apps": apps,
            "usable": len(usable),
            "never_usable": len(times) - len(usable),
            "p50_s": round(statistics.median(usable), 2) if usable else None,
            "p95_s": round(percentile(usable, 0.95), 2) if usable else None,
            "max_s": round(max(usable), 2) if usable else None,
            "kernels_warm_before": before,
            "kernels_at_peak": peak,
            "kernels_after": after,
            "seconds_until_kernels_back": round(back_s, 1),
            "seconds_room_open": round(closed - opened, 1),
            "warm_up_s": round(warm_s, 0),
            "load_average_at_start": [round(x, 1) for x in load],
            "cpus": os.cpu_count(),
        }
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if figures["never_usable"] == 0 and after == before else 1


if __name__ == "__main__":
    sys.exit(main())
