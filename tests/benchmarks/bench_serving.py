"""How fast and how heavy the kit's app pages are, against a bare Voilà page with one button.

Run on demand (not collected by pytest):

    python tests/benchmarks/bench_serving.py [--runs 5] [--json results.json]
    python tests/benchmarks/bench_serving.py --only 04 05 06 07 08 09 10   # the team-year apps

Every app in ``notebooks/`` is measured (``--only`` picks some by prefix), each as the person
it is for: a team (Riverside's join code), or the facilitator for the faculty's apps (08
dashboard, 10 learning sessions).

In one run it starts two servers exactly as ``bts-kit serve`` does (``kit.server.command.voila_command``)
on a folder holding the app notebooks and ``bare.ipynb`` (one ipywidgets Button: the floor):
one cold (``--pool-size 0``, every view starts a kernel) and one preheated with the pool
``bts-kit serve`` runs (two kernels per notebook, refilled by its policy). For each page it measures, in headless Chromium:

- time from the request to all of its widgets rendered (median of ``--runs`` views; an app
  counts as rendered when its header names the signed-in team, its body holds the app and every
  chart has drawn its canvas; the bare page when its button is there), with a warm browser
  cache as a participant moving between apps has it;
- page weight: the bytes of every response of a first visit with an empty cache, as
  transferred (compressed) and as decoded;
- memory: the resident set size of the page's kernel once rendered (psutil), on both servers
  (a preheated kernel ran its notebook up to the visitor in the pool), and its unique set
  size, the part no other kernel shares.

Targets (the serving issue): each app within 1.5x the bare page's time with preheating, at most
3 MB per page, at most 150 MB per kernel. Machines differ and shared ones are noisy: read the
times as ratios against the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from kit.server.command import serve  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    FACILITATOR_PASSCODE,
    NOTEBOOKS,
    declared_audience,
    notebook_folder,
    start_server,
)

BARE = "bare.ipynb"
BARE_CODE = "import ipywidgets as w\nw.Button(description='Click me')"
JOIN = "RIV-2026"
READY = {
    BARE: "() => document.querySelector('.jupyter-button, .widget-button') !== null",
    # an app is rendered when its header names the visitor (a team, or the facilitator on the
    # faculty's apps), its body holds the app and every
    # chart (``.kit-chart``, a jupyter_bokeh view) has drawn its canvas
    "app": (
        "() => { const who = document.querySelector('.kit-app .kit-header .kit-who');"
        " const body = document.querySelector('.kit-app .kit-body');"
        " const canvas = node => Array.from(node.querySelectorAll('*')).some(el =>"
        "   el.tagName === 'CANVAS' || (el.shadowRoot && canvas(el.shadowRoot)));"
        " const drawn = Array.from(document.querySelectorAll('.kit-chart')).every(canvas);"
        " return who && who.textContent.includes('Signed in as') && drawn"
        " && body && body.children.length > 0 && body.innerText.trim().length > 0; }"
    ),
}
TARGET_RATIO, TARGET_PAGE_MB, TARGET_KERNEL_MB = 1.5, 3.0, 150.0
#: how long a view may take to render before the run gives up (a shared, loaded machine can
#: take minutes for a cold kernel)
RENDER_TIMEOUT_MS = 300_000
#: the preheated server runs the pool ``bts-kit serve`` runs (kernels per notebook)
SERVE_POOL_SIZE = inspect.signature(serve).parameters["pool_size"].default


def sign_in_code(notebook: str) -> str:
    """Riverside's join code, or the facilitator passcode for the apps only faculty open
    (08 dashboard, 10 learning sessions: ``audience: facilitator`` in kit/content/apps.yaml),
    so that every app is measured as the person it is for sees it, not as a refusal."""
    return FACILITATOR_PASSCODE if declared_audience(notebook) == "facilitator" else JOIN


def kernels(server) -> list[psutil.Process]:
    found = []
    for proc in psutil.Process(server.pid).children(recursive=True):
        try:
            if any("kernel_launcher" in part for part in proc.cmdline()):
                found.append(proc)
        except psutil.NoSuchProcess:
            continue
    return found


def wait_quiet(server, count: int | None = None, timeout: float = 120) -> None:
    """Until the kernels (``count`` of them, if given) are started and idle: a preheated kernel
    idles in ``wait_for_request`` once its notebook has run up to the visitor."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs = kernels(server)
        if count is None or len(procs) >= count:
            try:
                busy = sum(p.cpu_percent(interval=None) for p in procs)
                time.sleep(0.5)
                busy = sum(p.cpu_percent(interval=None) for p in procs)
            except psutil.NoSuchProcess:
                continue
            if busy < 5:
                return
        else:
            time.sleep(0.5)
    print(f"  (kernels still busy after {timeout:.0f} s; measuring anyway)", file=sys.stderr)


PAGE_KERNEL = (
    "() => { const el = document.getElementById('jupyter-config-data');"
    " return el ? (JSON.parse(el.textContent).kernelId || null) : null; }"
)


def kernel_memory(page, server, before: set[int]) -> tuple[float, float]:
    """RSS and USS (MB) of the kernel serving ``page``: the one whose id the page's config
    names (on the preheated server that is a pool kernel, not the refill started since), else
    the kernel started for the view."""
    kernel_id = page.evaluate(PAGE_KERNEL)
    procs = kernels(server)
    try:
        mine = [p for p in procs if kernel_id and any(kernel_id in part for part in p.cmdline())]
        mine = mine or [p for p in procs if p.pid not in before]
        info = [p.memory_full_info() for p in mine]
    except psutil.NoSuchProcess:
        return float("nan"), float("nan")
    if not info:
        return float("nan"), float("nan")
    return max(i.rss for i in info) / 2**20, max(i.uss for i in info) / 2**20


def view(
    context, server, notebook: str, *, weigh: bool = False
) -> tuple[float, float, int, int, float]:
    """One page view: seconds to rendered, kernel RSS (MB), bytes transferred and decoded
    (``weigh``; else 0), kernel USS (MB: what this kernel alone holds, its libraries' shared
    pages aside).

    Weighing copies every response's body out of the browser over the DevTools protocol while
    the page loads, which slows the browser more the more a page loads; so a view is either
    weighed or timed, never both (``measure``)."""
    page = context.new_page()
    page.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    sizes: list[tuple[int, int]] = []

    def on_response(response) -> None:
        try:
            decoded = len(response.body())
        except Exception:
            decoded = 0
        try:
            transferred = response.request.sizes()["responseBodySize"]
        except Exception:
            transferred = decoded
        sizes.append((max(transferred, 0), decoded))

    if weigh:
        page.on("response", on_response)
    before = {p.pid for p in kernels(server)}
    query = "" if notebook == BARE else f"?join={sign_in_code(notebook)}"
    start = time.perf_counter()
    page.goto(f"{server.url}voila/render/{notebook}{query}", wait_until="commit")
    page.wait_for_function(
        READY[BARE if notebook == BARE else "app"], polling="raf", timeout=RENDER_TIMEOUT_MS
    )
    elapsed = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    rss, uss = kernel_memory(page, server, before)
    page.close(run_before_unload=True)
    transferred = sum(t for t, _ in sizes)
    decoded = sum(d for _, d in sizes)
    return elapsed, rss, transferred, decoded, uss


def measure(server, browser, notebooks: list[str], runs: int, pool_size: int) -> dict:
    results: dict[str, dict] = {}
    preheated = pool_size > 0
    pool = len(notebooks) * pool_size
    # page weight: a first visit, empty cache
    for notebook in notebooks:
        wait_quiet(server, pool)
        context = browser.new_context()
        _, _, transferred, decoded, _ = view(context, server, notebook, weigh=True)
        context.close()
        results[notebook] = {"transferred": transferred, "decoded": decoded}
    # times and memory: warm cache, median of runs
    context = browser.new_context()
    wait_quiet(server, pool)
    view(context, server, BARE)  # warm the cache
    for notebook in notebooks:
        times, memory, unique = [], [], []
        for _ in range(runs):
            wait_quiet(server, pool)
            elapsed, rss, _, _, uss = view(context, server, notebook)
            times.append(elapsed)
            memory.append(rss)
            unique.append(uss)
        results[notebook].update(
            seconds=statistics.median(times),
            times=times,
            rss_mb=statistics.median(memory),
            uss_mb=statistics.median(unique),
        )
        memory_note = f"  {results[notebook]['rss_mb']:.0f} MB"
        print(
            f"  {'preheated' if preheated else 'cold':9} {notebook:28} "
            f"{results[notebook]['seconds']:.2f} s{memory_note}",
            file=sys.stderr,
        )
    context.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="views per page and mode (median)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--only", nargs="+", metavar="NOTEBOOK", help="measure these apps only (and the floor)"
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only the cold server: kernel memory and cold times, without the preheated pool "
        "(two kernels per notebook), for a machine that cannot spare the pool's CPU and memory",
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    apps = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    if args.only:
        apps = [app for app in apps if any(app.startswith(prefix) for prefix in args.only)]
    notebooks = [BARE, *apps]
    tmp = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    folder = notebook_folder(tmp, {BARE: BARE_CODE})
    for app in apps:
        shutil.copy(NOTEBOOKS / app, folder / app)
    figures: dict[str, dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            modes = (
                [("cold", 0)] if args.cold_only else [("cold", 0), ("preheated", SERVE_POOL_SIZE)]
            )
            for mode, pool in modes:
                with start_server(tmp / mode, notebooks=folder, pool_size=pool) as server:
                    figures[mode] = measure(server, browser, notebooks, args.runs, pool)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report(figures, notebooks, args.runs)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def report_cold(cold: dict, notebooks: list[str], runs: int) -> None:
    """The cold server's figures only (``--cold-only``)."""
    floor = cold[BARE]["seconds"]
    print(f"\nCold server (a kernel started per view), median of {runs}; first-visit weight")
    header = f"{'page':28} {'cold s':>7} {'x bare':>7} {'kernel MB':>9} {'sent MB':>8}  target"
    print(header)
    print("-" * len(header))
    for notebook in notebooks:
        c = cold[notebook]
        kernel = c["rss_mb"]
        verdict = "memory ok" if kernel <= TARGET_KERNEL_MB else "MEMORY OVER"
        print(
            f"{notebook:28} {c['seconds']:7.2f} {c['seconds'] / floor:7.2f} {kernel:9.0f} "
            f"{c['transferred'] / 1e6:8.2f}  {verdict}"
        )


def report(figures: dict, notebooks: list[str], runs: int) -> None:
    if "preheated" not in figures:
        report_cold(figures["cold"], notebooks, runs)
        return
    cold, hot = figures["cold"], figures["preheated"]
    floor_cold, floor_hot = cold[BARE]["seconds"], hot[BARE]["seconds"]
    print(f"\nPage load, request to widgets rendered (median of {runs}); weight of a first visit")
    header = (
        f"{'page':28} {'cold s':>7} {'x bare':>7} {'preheat s':>9} {'x bare':>7} "
        f"{'kernel MB':>9} {'USS MB':>6} {'sent MB':>8} {'decoded MB':>10}  targets"
    )
    print(header)
    print("-" * len(header))
    for notebook in notebooks:
        c, h = cold[notebook], hot[notebook]
        ratio_cold, ratio_hot = c["seconds"] / floor_cold, h["seconds"] / floor_hot
        sent, decoded = h["transferred"] / 1e6, h["decoded"] / 1e6
        # the larger of the two servers' page kernels: the served one is preheated
        kernel = max(c["rss_mb"], h["rss_mb"])
        unique = max(c["uss_mb"], h["uss_mb"])
        verdict = []
        if notebook != BARE:
            verdict.append("time ok" if ratio_hot <= TARGET_RATIO else "TIME OVER")
        verdict.append("weight ok" if sent <= TARGET_PAGE_MB else "WEIGHT OVER")
        verdict.append("memory ok" if kernel <= TARGET_KERNEL_MB else "MEMORY OVER")
        print(
            f"{notebook:28} {c['seconds']:7.2f} {ratio_cold:7.2f} {h['seconds']:9.2f} "
            f"{ratio_hot:7.2f} {kernel:9.0f} {unique:6.0f} {sent:8.2f} {decoded:10.2f}  "
            f"{', '.join(verdict)}"
        )
    print(
        f"\nTargets: preheated time <= {TARGET_RATIO}x the bare page, <= {TARGET_PAGE_MB} MB "
        f"sent per page, <= {TARGET_KERNEL_MB:.0f} MB per kernel (RSS of the page's kernel, the "
        "larger of the cold and the preheated server's; USS, beside it, leaves out the library "
        "pages kernels share)."
    )


if __name__ == "__main__":
    raise SystemExit(main())
