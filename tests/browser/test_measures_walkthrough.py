"""A participant builds a family from the measure library, pastes 18 months copied from a
spreadsheet, finds them after a reload, then uploads a bad CSV and gets the row report with
nothing saved. Chromium against a real ``bts-kit serve``; the hooks are listed in
``kit/steps/measures/view/__init__.py``."""

from __future__ import annotations

import pytest

from .conftest import (
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .steps import (
    PERIODS,
    adopt_family,
    chosen,
    paste_18_months,
    stored_measures,
    upload_bad_csv,
)
from .waits import text_in, wait_for_database, wait_for_value

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("04-measures-and-data.png")
NOTEBOOK = "04-measures-and-data.ipynb"


def test_a_participant_adopts_a_family_pastes_18_months_and_finds_them_after_reload(
    page, kit_server
):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    assert "Riverside General, Ward 7" in header_text(page)
    page.wait_for_selector(".kit-measures-family")
    text_in(page, ".kit-measures-family", "Core (set by the facilitator)")

    # 1. an outcome, a process and a balancing measure from the library
    adopt_family(page)
    own, _data = wait_for_database(lambda: stored_measures(kit_server), lambda s: len(s[0]) == 3)
    assert {m.measure_kind for m in own.values()} == {"outcome", "process", "balancing"}
    for measure in own.values():
        text_in(page, ".kit-measures-family", measure.name)
    restraint = own["falls_restraint"]
    assert page.input_value(".kit-measures-select select") == chosen(restraint)
    text_in(page, ".kit-measures-review", "Baseline")  # its definition asks for one

    # 2. 18 months pasted from a spreadsheet: previewed, nothing saved, then saved
    paste_18_months(page, lambda: stored_measures(kit_server)[1]["falls_restraint"])
    row = f".kit-measures-row-{PERIODS[10]:%Y-%m-%d}"
    assert page.input_value(f"{row} .kit-measures-cell-numerator input") == "3"
    check_no_page_errors(page)
    tall_screenshot(page, SCREENSHOT, ".kit-header")

    # 3. a new page is a new kernel: the family and the data come back from the store
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    page.wait_for_selector(".kit-measures-select select")
    for measure in own.values():
        text_in(page, ".kit-measures-family", measure.name)
    page.select_option(".kit-measures-select select", value=chosen(restraint))
    first = f".kit-measures-row-{PERIODS[0]:%Y-%m-%d} .kit-measures-cell-numerator input"
    wait_for_value(page, first, "6")
    last = f".kit-measures-row-{PERIODS[-1]:%Y-%m-%d} .kit-measures-cell-numerator input"
    assert page.input_value(last) == "1"
    check_no_page_errors(page)


def test_a_bad_csv_gets_the_row_report_and_nothing_is_saved(page, kit_server):
    own, before = stored_measures(kit_server)
    restraint = own["falls_restraint"]  # adopted by the test above
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    page.wait_for_selector(".kit-measures-select select")
    text_in(page, ".kit-measures-family", restraint.name)
    page.select_option(".kit-measures-select select", value=chosen(restraint))
    text_in(page, ".kit-measures-definition", restraint.name)
    upload_bad_csv(page)
    assert stored_measures(kit_server)[1] == before
    check_no_page_errors(page)
