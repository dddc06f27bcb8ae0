"""A team's year in the order issue 13 tells it, across apps 04 to 07, on one server.

Riverside (join code RIV-2026; the demo gives it the core measures and none of its own)
1. adopts an outcome, a process and a balancing measure from the library (04);
2. pastes 18 months copied from a spreadsheet, with a shift down after a change in May 2026,
   through the page's paste box (04);
3. sees the shift marked and explained in words on the chart, and starts a new phase at the
   change (05);
4. logs two PDSA cycles of one change idea, linked to that measure, the first refused at Do
   until it has a prediction (06), and sees both on the chart as annotations (05);
5. uploads a bad CSV and gets the row report, with nothing saved (04);
6. submits a monthly report (07);
7. reloads each app and finds everything there, on the page and in the database.

Each step is a test, in this order, sharing the module's server, database and browser
(``tests/browser/conftest.py``); each waits on what the page or the database shows, never on
a passing "pending" state or a fixed sleep (a click on Do, Study, Act or Submit
first saves what typing left waiting, in the order the browser sent it). The helpers of the apps' own walkthroughs are
reused (their data and database reads) or live in ``tests/browser/steps.py`` and
``tests/browser/waits.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kit.qi.family import library_entry

from .conftest import check_no_page_errors, header_text, open_app, wait_for_kernel_pool
from .steps import (
    ADOPTED,
    PERIODS,
    adopt_family,
    chosen,
    paste_18_months,
    report_periods,
    stored_measures,
    type_in,
    upload_bad_csv,
)
from .test_pdsa_report_walkthrough import IDEA, SECTIONS, cycles, reports
from .waits import main_chart, text_in, wait_for_database, wait_for_main_chart, wait_for_value

pytestmark = pytest.mark.browser

MEASURES, CHARTS, PDSA, REPORT = (
    "04-measures-and-data.ipynb",
    "05-charts.ipynb",
    "06-pdsa.ipynb",
    "07-monthly-report.ipynb",
)
JOIN = "RIV-2026"
TEAM = "team-riverside"
#: the measure the data goes into: the balancing measure adopted last
KEY = ADOPTED[-1]
NAME = library_entry(KEY).name
CHANGE = dt.date(2026, 5, 1)  # the eleventh pasted month, the first after the change
SECOND = f"{IDEA} (cycle 2)"
#: a cold kernel on a loaded 2-core machine: generous
TIMEOUT_MS = 180_000

#: how many times each app was opened (a pool of one kernel per app is refilled after each)
_visits: dict[str, int] = {}
#: what one step leaves for a later one to find (the month whose report was submitted)
_found: dict[str, str] = {}


def until_stored(read, ok):
    """``wait_for_database`` with this module's generous patience."""
    return wait_for_database(read, ok, timeout=TIMEOUT_MS / 1000)


def visit(page, server, notebook: str):
    """Open an app as Riverside once Voilà has a kernel ready for it."""
    _visits[notebook] = _visits.get(notebook, 0) + 1
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    wait_for_kernel_pool(server, notebook, _visits[notebook])
    # with this module's patience (a loaded machine can take minutes)
    open_app(page, server, notebook, timeout_ms=TIMEOUT_MS, join=JOIN)
    assert "Riverside" in header_text(page)
    return page


def restraint(server):
    """The adopted measure and its data points by period, from the database."""
    own, data = stored_measures(server, TEAM)
    return own.get(KEY), data.get(KEY, {})


def chart_settings(server, measure_id: str):
    from kit.qi.chart_settings import ChartSettings
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        found = store.find(ChartSettings, Actor.system(), team_id=TEAM, measure_id=measure_id)
    return found[0].record if found else None


def open_measure_in_04(page, server):
    visit(page, server, MEASURES)
    page.wait_for_selector(".kit-measures-select select")
    text_in(page, ".kit-measures-family", NAME)
    measure, _data = restraint(server)
    page.select_option(".kit-measures-select select", value=chosen(measure))
    text_in(page, ".kit-measures-definition", NAME)
    return measure


def open_chart_in_05(page, server):
    visit(page, server, CHARTS)
    measure, _data = restraint(server)
    label = f"{measure.name} ({measure.measure_kind})"
    page.wait_for_function(
        "label => [...document.querySelectorAll('.kit-charts-measure option')]"
        ".some(o => o.value === label)",
        arg=label,
    )
    page.select_option(".kit-charts-measure select", value=label)
    wait_for_main_chart(page, "s.data.x.length === 18", "kit-points")
    text_in(page, ".kit-charts-explain", "bed rails raised or restraint")
    return measure


def test_1_a_participant_adopts_an_outcome_a_process_and_a_balancing_measure(page, kit_server):
    visit(page, kit_server, MEASURES)
    text_in(page, ".kit-measures-family", "Core (set by the facilitator)")
    assert stored_measures(kit_server, TEAM)[0] == {}  # no measures of its own yet
    adopt_family(page)
    own, _data = until_stored(lambda: stored_measures(kit_server, TEAM), lambda s: len(s[0]) == 3)
    assert {m.measure_kind for m in own.values()} == {"outcome", "process", "balancing"}
    for measure in own.values():
        text_in(page, ".kit-measures-family", measure.name)
    check_no_page_errors(page)


def test_2_they_paste_18_months_from_a_spreadsheet_with_a_shift_after_the_change(page, kit_server):
    open_measure_in_04(page, kit_server)
    paste_18_months(page, lambda: restraint(kit_server)[1], timeout_s=TIMEOUT_MS / 1000)
    wait_for_value(
        page, f".kit-measures-row-{CHANGE:%Y-%m-%d} .kit-measures-cell-numerator input", "3"
    )
    check_no_page_errors(page)


def test_3_they_see_the_shift_explained_and_start_a_new_phase_at_the_change(page, kit_server):
    measure = open_chart_in_05(page, kit_server)
    text_in(page, ".kit-charts-explain", "moved down from May 2026")
    assert "lower is better" in page.inner_text(".kit-charts-explain")
    # the shift is marked on the chart: the eight points from May 2026 read as improvement
    marked = main_chart(page, "Array.from(s.data.variation)", "kit-points")
    assert marked[10:] == ["improvement"] * 8, marked
    assert main_chart(page, "s.data.x.length", "kit-phase-dividers") == 0

    page.select_option(".kit-charts-period select", value="May 2026")
    page.click(".kit-charts-phase")
    wait_for_main_chart(page, "s.data.x.length === 1", "kit-phase-dividers")
    text_in(page, ".kit-charts-settings", "New phases from May 2026")
    text_in(page, ".kit-charts-explain", "phase 2")
    saved = until_stored(lambda: chart_settings(kit_server, measure.id), bool)
    assert saved.phase_starts == [CHANGE]
    check_no_page_errors(page)


def test_4_they_log_two_pdsa_cycles_the_first_refused_at_do_and_see_both_on_the_chart(
    page, kit_server
):
    measure, _data = restraint(kit_server)
    visit(page, kit_server, PDSA)
    text_in(page, ".kit-pdsa-ramps", "Pharmacist review of sedatives")
    page.select_option(".kit-pdsa-new-idea select", label=IDEA)
    page.click(".kit-pdsa-new")
    wait_for_value(page, ".kit-pdsa-title input", IDEA)
    page.select_option(".kit-pdsa-measures select", value=measure.name)
    page.fill(".kit-pdsa-start input", "2026-05-04")

    type_in(page, ".kit-pdsa-do-notes", "Socks put out at every bed in bay 2")
    page.click(".kit-pdsa-do")
    text_in(page, ".kit-pdsa-do-error", "Write a prediction in the plan")
    assert cycles(kit_server)[IDEA].do_notes == ""  # refused: nothing recorded

    type_in(page, ".kit-pdsa-prediction", "8 of 10 beds will have socks at 06:00")
    page.select_option(".kit-pdsa-scale select", label="One shift")
    page.click(".kit-pdsa-do")
    text_in(page, ".kit-pdsa-stage", "now at Study")
    type_in(page, ".kit-pdsa-study-notes", "Only 5 of 10: the socks ran out at 02:00")
    page.click(".kit-pdsa-held button:has-text('No')")
    page.click(".kit-pdsa-study")
    text_in(page, ".kit-pdsa-stage", "now at Act")
    page.click(".kit-pdsa-decision label:has-text('Adapt')")
    type_in(page, ".kit-pdsa-act-notes", "Stock socks in the bay cupboard")
    page.click(".kit-pdsa-act")
    text_in(page, ".kit-alert", "Next cycle of the ramp planned")
    wait_for_value(page, ".kit-pdsa-title input", SECOND)

    page.fill(".kit-pdsa-start input", "2026-06-08")
    type_in(page, ".kit-pdsa-prediction", "10 of 10 beds will have socks at 06:00")
    type_in(page, ".kit-pdsa-do-notes", "Cupboard stocked; all beds had socks")
    page.click(".kit-pdsa-do")
    text_in(page, ".kit-pdsa-stage", "now at Study")
    text_in(page, ".kit-pdsa-ramps", SECOND)
    stored = until_stored(
        lambda: cycles(kit_server),
        lambda c: SECOND in c and bool(c[SECOND].do_notes) and c[SECOND].start is not None,
    )
    first = stored[IDEA]
    assert (first.act, first.prediction_held, first.start) == ("adapt", "no", dt.date(2026, 5, 4))
    assert measure.id in first.measure_ids and measure.id in stored[SECOND].measure_ids
    check_no_page_errors(page)

    # both cycles are on the measure's chart, as annotations
    open_chart_in_05(page, kit_server)
    wait_for_main_chart(
        page,
        f"Array.from(s.data.text).some(t => t.includes({SECOND!r}))",
        "kit-annotations",
    )
    marks = main_chart(page, "Array.from(s.data.text)", "kit-annotations")
    assert any(IDEA in m and "adapt" in m for m in marks), marks
    check_no_page_errors(page)


def test_5_a_bad_csv_gets_the_row_report_and_nothing_is_saved(page, kit_server):
    from .conftest import team_rows

    open_measure_in_04(page, kit_server)
    before = team_rows(kit_server.database_url, TEAM)
    upload_bad_csv(page)
    assert team_rows(kit_server.database_url, TEAM) == before
    check_no_page_errors(page)


def test_6_they_submit_a_monthly_report(page, kit_server):
    visit(page, kit_server, REPORT)
    text_in(page, ".kit-report-status-list", "Overdue by")
    period = next(label for label in report_periods(page, "overdue") if "overdue" in label)
    month = _found["report month"] = period.split(" (")[0]
    page.select_option(".kit-report-period-picker select", value=period)
    text_in(page, ".kit-report-state", f"{month}: Draft")
    for css, text in SECTIONS.items():
        type_in(page, f".kit-report-{css}", text)
    page.click(".kit-report-score label:has-text('3.0')")
    page.click(".kit-report-submit")
    text_in(page, ".kit-report-state", "Submitted to the faculty")
    until_stored(
        lambda: reports(kit_server),
        lambda rs: any(r.submitted and r.learned == SECTIONS["learned"] for r in rs),
    )
    check_no_page_errors(page)


def test_7_after_a_reload_of_each_app_everything_is_still_there(page, kit_server):
    measure, data = restraint(kit_server)
    own, _data = stored_measures(kit_server, TEAM)
    assert len(own) == 3 and len(data) == 18
    assert chart_settings(kit_server, measure.id).phase_starts == [CHANGE]
    assert {IDEA, SECOND} <= set(cycles(kit_server))
    assert any(r.submitted and r.next_steps == SECTIONS["next-steps"] for r in reports(kit_server))

    # 04: the family and the pasted months
    open_measure_in_04(page, kit_server)
    for m in own.values():
        text_in(page, ".kit-measures-family", m.name)
    for period, numerator in ((PERIODS[0], "6"), (CHANGE, "3"), (PERIODS[-1], "1")):
        wait_for_value(
            page, f".kit-measures-row-{period:%Y-%m-%d} .kit-measures-cell-numerator input",
            numerator,
        )  # fmt: skip

    # 05: the phase and both cycles on the chart
    open_chart_in_05(page, kit_server)
    wait_for_main_chart(page, "s.data.x.length === 1", "kit-phase-dividers")
    text_in(page, ".kit-charts-settings", "New phases from May 2026")
    marks = main_chart(page, "Array.from(s.data.text)", "kit-annotations")
    assert sum(IDEA in m for m in marks) == 2, marks

    # 06: both cycles in the ramp
    visit(page, kit_server, PDSA)
    text_in(page, ".kit-pdsa-ramps", SECOND)
    text_in(page, ".kit-pdsa-ramps", "One shift")

    # 07: the report, submitted and locked
    visit(page, kit_server, REPORT)
    month = _found["report month"]
    option = next(o for o in report_periods(page, month) if o.startswith(month))
    assert "submitted" in option
    page.select_option(".kit-report-period-picker select", value=option)
    text_in(page, ".kit-report-state", "Submitted to the faculty")
    assert page.input_value(".kit-report-learned textarea") == SECTIONS["learned"]
    assert page.locator(".kit-report-learned textarea").is_disabled()
    check_no_page_errors(page)

    # and the database still holds it all
    assert restraint(kit_server)[1].keys() == data.keys()
    assert {IDEA, SECOND} <= set(cycles(kit_server))
