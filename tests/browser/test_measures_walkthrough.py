"""A participant builds a family from the measure library, pastes 18 months copied from a
spreadsheet, finds them after a reload, then uploads a bad CSV and gets the row report with
nothing saved. Chromium against a real ``bts-kit serve``; the hooks are listed in
``kit/steps/measures/view/__init__.py``."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.qi.family import library_entry

from .conftest import (
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .waits import wait_for_database

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("04-measures-and-data.png")
NOTEBOOK = "04-measures-and-data.ipynb"
#: an outcome, a process and a balancing measure, in the order the participant adopts them
ADOPTED = ("pressure_injury_prevalence", "skin_bundle", "falls_restraint")
FIRST_MONTH = dt.date(2025, 7, 1)


def months(count: int) -> list[dt.date]:
    out = []
    for i in range(count):
        index = FIRST_MONTH.month - 1 + i
        out.append(dt.date(FIRST_MONTH.year + index // 12, index % 12 + 1, 1))
    return out


#: 18 months as a spreadsheet copies them (tab-separated, Windows line ends, a header of the
#: sheet's own names), with a shift down after a change in the eleventh month
PERIODS = months(18)
NUMERATORS = [6, 7, 5, 6, 8, 6, 7, 5, 6, 7, 3, 2, 3, 2, 2, 3, 2, 1]
PASTED = "Month\tRestrained\tAudited\r\n" + "".join(
    f"{p:%b %Y}\t{n}\t20\r\n" for p, n in zip(PERIODS, NUMERATORS, strict=True)
)
BAD_CSV = b"period,numerator,denominator\n2027-01,3,20\n2027-02,abc,20\n2027-03,30,20\n"


def wait_for_text(page, css: str, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([css, text]) => { const el = document.querySelector('.' + css);"
        " return el && el.innerText.includes(text); }",
        arg=[css, text],
        timeout=timeout,
    )


def chosen(measure) -> str:
    """How the measure picker names a measure (ipywidgets 8 makes the labels the <option> values)."""
    return f"{measure.measure_kind}: {measure.name}"


def stored(server, team_id: str = "team-riverside"):
    """The team's own measures (by library key) and their data, read from the database."""
    from kit.qi import Measure, Observation
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        own = {
            s.record.library_key: s.record
            for s in store.find(Measure, Actor.system(), team_id=team_id)
        }
        data = {
            key: {
                s.record.period: s.record
                for s in store.find(Observation, Actor.system(), team_id=team_id, measure_id=m.id)
            }
            for key, m in own.items()
        }
    return own, data


def test_a_participant_adopts_a_family_pastes_18_months_and_finds_them_after_reload(
    page, kit_server
):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    assert "Riverside General, Ward 7" in header_text(page)
    page.wait_for_selector(".kit-measures-family")
    wait_for_text(page, "kit-measures-family", "Core (set by the facilitator)")

    # 1. an outcome, a process and a balancing measure from the library
    for key in ADOPTED:
        entry = library_entry(key)
        name = entry.name
        page.select_option(
            ".kit-measures-library select",
            value=f"{entry.topic_name} · {entry.measure_kind} · {name}",
        )
        wait_for_text(page, "kit-measures-library-detail", name)
        page.click(".kit-measures-adopt")
        wait_for_text(page, "kit-alert", f"'{name}' is in the family now")
    own, _data = wait_for_database(lambda: stored(kit_server), lambda s: len(s[0]) == 3)
    assert {m.measure_kind for m in own.values()} == {"outcome", "process", "balancing"}
    for measure in own.values():
        wait_for_text(page, "kit-measures-family", measure.name)
    restraint = own["falls_restraint"]
    assert page.input_value(".kit-measures-select select") == chosen(restraint)
    wait_for_text(page, "kit-measures-review", "Baseline")  # its definition asks for one

    # 2. 18 months pasted from a spreadsheet: previewed, nothing saved, then saved
    page.fill(".kit-measures-paste textarea", PASTED)
    page.click(".kit-measures-paste-preview-button")
    wait_for_text(page, "kit-measures-paste-preview", "Ready")
    assert page.locator(".kit-measures-paste-preview tr.kit-measures-paste-new").count() == 18
    assert stored(kit_server)[1]["falls_restraint"] == {}
    page.click(".kit-measures-paste-save")
    wait_for_text(page, "kit-alert", "Saved 18 periods")
    _own, data = wait_for_database(
        lambda: stored(kit_server), lambda s: len(s[1]["falls_restraint"]) == 18
    )
    assert [data["falls_restraint"][p].numerator for p in PERIODS] == NUMERATORS
    row = f".kit-measures-row-{PERIODS[10]:%Y-%m-%d}"
    assert page.input_value(f"{row} .kit-measures-cell-numerator input") == "3"
    check_no_page_errors(page)
    tall_screenshot(page, SCREENSHOT, ".kit-header")

    # 3. a new page is a new kernel: the family and the data come back from the store
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    page.wait_for_selector(".kit-measures-select select")
    for measure in own.values():
        wait_for_text(page, "kit-measures-family", measure.name)
    page.select_option(".kit-measures-select select", value=chosen(restraint))
    first = f".kit-measures-row-{PERIODS[0]:%Y-%m-%d} .kit-measures-cell-numerator input"
    page.wait_for_function(
        "css => { const el = document.querySelector(css); return el && el.value === '6'; }",
        arg=first,
    )
    last = f".kit-measures-row-{PERIODS[-1]:%Y-%m-%d} .kit-measures-cell-numerator input"
    assert page.input_value(last) == "1"
    check_no_page_errors(page)


def test_a_bad_csv_gets_the_row_report_and_nothing_is_saved(page, kit_server):
    own, before = stored(kit_server)
    restraint = own["falls_restraint"]  # adopted by the test above
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    page.wait_for_selector(".kit-measures-select select")
    wait_for_text(page, "kit-measures-family", restraint.name)
    page.select_option(".kit-measures-select select", value=chosen(restraint))
    wait_for_text(page, "kit-measures-definition", restraint.name)
    # ipywidgets' upload button makes its file input only when clicked: take the chooser
    with page.expect_file_chooser() as chooser:
        page.click(".kit-measures-upload")
    chooser.value.set_files(
        files=[{"name": "restraint.csv", "mimeType": "text/csv", "buffer": BAD_CSV}]
    )
    wait_for_text(page, "kit-measures-upload-report", "was not imported; nothing was changed")
    report = page.inner_text(".kit-measures-upload-report")
    assert "Row 3: 'abc' in numerator is not a number." in report
    assert "Row 4: For Mar 2027 the numerator (30) is larger than the denominator (20)." in report
    assert page.is_disabled(".kit-measures-import")
    assert stored(kit_server)[1] == before
    check_no_page_errors(page)
