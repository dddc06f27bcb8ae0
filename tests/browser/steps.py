"""Steps more than one browser test takes on a page, written once.

The measures walkthrough (04) and a team's year (04 to 07) adopt the same family, paste the
same 18 months and upload the same bad CSV; the conflict and durability tests reword a box of
the driver diagram (03) the same way; the PDSA and monthly-report walkthrough and a team's
year type into the same fields and read the same report period picker. Each step here checks
what the page shows; the database checks that differ between the tests stay with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kit.qi.family import library_entry

from .waits import text_in, wait_for_database

# --- typing and picking -----------------------------------------------------------------------


def type_in(page, selector: str, text: str) -> None:
    """Fill the text box (an ``input`` or a ``textarea``) of the widget at ``selector``:
    ipywidgets wraps the box in a ``div`` carrying the widget's class."""
    page.fill(f"{selector} input, {selector} textarea", text)


def report_periods(page, containing: str, *, timeout: float | None = None) -> list[str]:
    """The monthly report's period picker, once an option holds ``containing``.

    Read from the options' values: ipywidgets writes their visible text with non-breaking
    spaces. ``timeout`` (ms) defaults to the page's default timeout."""
    options = "() => [...document.querySelectorAll('.kit-report-period-picker option')]"
    page.wait_for_function(
        f"text => ({options})().some(o => o.value.includes(text))",
        arg=containing,
        timeout=timeout,
    )
    return page.evaluate(f"({options})().map(o => o.value)")


# --- the driver diagram (03) ------------------------------------------------------------------


def box_label(page, text: str) -> str:
    """The box picker's label for the box with ``text`` (ipywidgets shows spaces as &nbsp;)."""
    labels = page.eval_on_selector_all(
        ".kit-cp-box select option", "options => options.map(o => o.label)"
    )
    return next(label for label in labels if text in label.replace("\xa0", " "))


def reword_box(page, box_text: str, new_text: str) -> None:
    """Pick the box with ``box_text``, wait for its text in the editor, type ``new_text`` and
    press save (the save is the caller's to wait for: it may be refused)."""
    page.select_option(".kit-cp-box select", label=box_label(page, box_text))
    page.wait_for_function(
        "text => document.querySelector('.kit-cp-box-text input').value === text", arg=box_text
    )
    page.fill(".kit-cp-box-text input", new_text)
    page.click(".kit-cp-box-save")


# --- measures and data (04) -------------------------------------------------------------------

#: an outcome, a process and a balancing measure, in the order the participant adopts them
ADOPTED = ("pressure_injury_prevalence", "skin_bundle", "falls_restraint")
FIRST_MONTH = dt.date(2025, 7, 1)


def months(count: int, first: dt.date = FIRST_MONTH) -> list[dt.date]:
    """``count`` first days of consecutive months from ``first``."""
    out = []
    for i in range(count):
        index = first.month - 1 + i
        out.append(dt.date(first.year + index // 12, index % 12 + 1, 1))
    return out


#: 18 months as a spreadsheet copies them (tab-separated, Windows line ends, a header of the
#: sheet's own names), with a shift down after a change in the eleventh month (May 2026)
PERIODS = months(18)
NUMERATORS = [6, 7, 5, 6, 8, 6, 7, 5, 6, 7, 3, 2, 3, 2, 2, 3, 2, 1]
PASTED = "Month\tRestrained\tAudited\r\n" + "".join(
    f"{p:%b %Y}\t{n}\t20\r\n" for p, n in zip(PERIODS, NUMERATORS, strict=True)
)
BAD_CSV = b"period,numerator,denominator\n2027-01,3,20\n2027-02,abc,20\n2027-03,30,20\n"


def chosen(measure: Any) -> str:
    """How the measure picker names a measure (ipywidgets 8 makes the labels the <option> values)."""
    return f"{measure.measure_kind}: {measure.name}"


def stored_measures(
    server, team_id: str = "team-riverside"
) -> tuple[dict[str, Any], dict[str, dict[dt.date, Any]]]:
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


def adopt_family(page) -> None:
    """Adopt the ``ADOPTED`` measures from the library, each confirmed on the page."""
    for key in ADOPTED:
        entry = library_entry(key)
        page.select_option(
            ".kit-measures-library select",
            value=f"{entry.topic_name} · {entry.measure_kind} · {entry.name}",
        )
        text_in(page, ".kit-measures-library-detail", entry.name)
        page.click(".kit-measures-adopt")
        text_in(page, ".kit-alert", f"'{entry.name}' is in the family now")


def paste_18_months(
    page, observations: Callable[[], dict[dt.date, Any]], *, timeout_s: float = 30
) -> dict[dt.date, Any]:
    """Paste ``PASTED`` into the open measure's paste box: the preview lists 18 new months and
    saves nothing, the save stores all 18 with their numerators.

    ``observations()`` reads the measure's stored data points by period; they are returned
    once all 18 are there (``timeout_s``: how long the database may take)."""
    page.fill(".kit-measures-paste textarea", PASTED)  # as the clipboard holds it
    page.click(".kit-measures-paste-preview-button")
    text_in(page, ".kit-measures-paste-preview", "Ready")
    assert page.locator(".kit-measures-paste-preview tr.kit-measures-paste-new").count() == 18
    assert observations() == {}  # a preview saves nothing
    page.click(".kit-measures-paste-save")
    text_in(page, ".kit-alert", "Saved 18 periods")
    data = wait_for_database(observations, lambda found: len(found) == 18, timeout=timeout_s)
    assert [data[p].numerator for p in PERIODS] == NUMERATORS
    return data


def upload_bad_csv(page) -> None:
    """Upload ``BAD_CSV`` to the open measure and read the row report: nothing imported (the
    database check that nothing changed is the caller's)."""
    # ipywidgets' upload button makes its file input only when clicked: take the chooser
    with page.expect_file_chooser() as chooser:
        page.click(".kit-measures-upload")
    chooser.value.set_files(
        files=[{"name": "restraint.csv", "mimeType": "text/csv", "buffer": BAD_CSV}]
    )
    text_in(page, ".kit-measures-upload-report", "was not imported; nothing was changed")
    report = page.inner_text(".kit-measures-upload-report")
    assert "Row 3: 'abc' in numerator is not a number." in report
    assert "Row 4: For Mar 2027 the numerator (30) is larger than the denominator (20)." in report
    assert page.is_disabled(".kit-measures-import")
