"""The app shell's plumbing that decides how a page loads: deferred body, where BokehJS comes from."""

from __future__ import annotations

import asyncio

import pytest

from kit.envnames import BOKEH_FROM_PAGE
from kit.ui.app import page_has_bokeh
from kit.ui.widgets import after_this_cell


def test_without_a_running_loop_the_action_runs_at_once():
    done: list[str] = []
    after_this_cell(lambda: done.append("built"))
    assert done == ["built"]


def test_in_a_kernel_the_action_waits_for_the_cell_to_end():
    done: list[str] = []

    async def cell():
        after_this_cell(lambda: done.append("built"))
        done.append("cell ended")
        await asyncio.sleep(0)
        done.append("next message")

    asyncio.run(cell())
    assert done == ["cell ended", "built", "next message"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({BOKEH_FROM_PAGE: "1", "VOILA_KERNEL_ID": "k"}, True),  # bts-kit serve, preheated
        ({BOKEH_FROM_PAGE: "1", "VOILA_BASE_URL": "/"}, True),  # bts-kit serve, cold kernel
        ({BOKEH_FROM_PAGE: "1"}, False),  # JupyterLab beside the hub: no template there
        ({"VOILA_KERNEL_ID": "k"}, False),  # plain Voilà with its own template
        ({}, False),  # a notebook in JupyterLab
    ],
)
def test_the_kernel_skips_its_inline_bokehjs_only_under_the_kits_template(
    monkeypatch, environment, expected
):
    for name in (BOKEH_FROM_PAGE, "VOILA_KERNEL_ID", "VOILA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert page_has_bokeh() is expected


def test_an_edit_waiting_for_typing_to_pause_is_saved_when_the_kernel_shuts_down():
    from kit.ui.widgets import Debouncer, flush_pending

    saved: list[str] = []

    async def typing():
        debouncer = Debouncer(lambda: saved.append("the last words"), delay=60)
        debouncer()
        assert debouncer.pending and saved == []
        # the tab closes: ipykernel stops its loop and the interpreter runs its atexit hooks
        assert flush_pending() == 1
        assert not debouncer.pending
        assert flush_pending() == 0  # nothing is saved twice

    asyncio.run(typing())
    assert saved == ["the last words"]


def test_one_failing_save_at_shutdown_does_not_stop_the_others():
    from kit.ui.widgets import Debouncer, flush_pending

    saved: list[str] = []

    def broken() -> None:
        raise RuntimeError("database gone")

    async def typing():
        Debouncer(broken, delay=60)()
        Debouncer(lambda: saved.append("kept"), delay=60)()
        flush_pending()

    asyncio.run(typing())
    assert saved == ["kept"]


def test_a_preheated_kernel_preloads_and_warms_its_chart_modules(monkeypatch, caplog):
    import sys
    import types

    from kit.ui.app import preload

    warmed: list[str] = []
    module = types.ModuleType("kit_test_charts")
    module.warm_up = lambda: warmed.append("drawn")  # type: ignore[attr-defined]
    broken = types.ModuleType("kit_test_broken_charts")

    def fail() -> None:
        raise RuntimeError("no fonts")

    broken.warm_up = fail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kit_test_charts", module)
    monkeypatch.setitem(sys.modules, "kit_test_broken_charts", broken)

    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a cold kernel, JupyterLab: nothing to gain
    preload(["kit_test_charts"])
    assert warmed == []

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    preload(["kit_test_broken_charts", "kit_test_charts"])  # one failure stops nothing
    assert warmed == ["drawn"]
    assert "could not preload kit_test_broken_charts" in caplog.text


def test_the_chart_warm_up_draws_and_serialises_a_chart():
    from kit.charts.spc import warm_up

    widget = warm_up()
    assert widget.render_bundle["docs_json"], "the chart was serialised as a page receives it"
