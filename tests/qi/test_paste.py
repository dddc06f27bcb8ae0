"""What pasting a spreadsheet block does: ragged, partly bad, extra-column and ambiguous blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError
from kit.qi.paste import MAX_PASTE_ROWS, PastePreview, parse_paste
from kit.qi.records import Measure, Observation

D = dt.date

RATE = Measure(
    id="m-falls",
    collaborative_id="c",
    name="Falls per 1,000 patient-days",
    measure_kind="outcome",
    unit="falls per 1,000 patient-days",
    has_denominator=True,
    chart="u",
    multiply=1000,
    direction="down",
)
PROPORTION = RATE.model_copy(
    update={"id": "m-assess", "name": "Risk assessed", "chart": "p", "unit": "%", "multiply": 100}
)
VALUE = Measure(
    id="m-tnaa",
    collaborative_id="c",
    name="Days to third next available appointment",
    measure_kind="outcome",
    unit="days",
    chart="i",
    direction="down",
)


def paste(text: str, measure: Measure = RATE, **options: object) -> PastePreview:
    return parse_paste(text, measure=measure, team_id="t1", **options)  # type: ignore[arg-type]


def statuses(preview: PastePreview) -> list[str]:
    return [r.status for r in preview.rows]


def values(preview: PastePreview) -> list[tuple[dt.date, float | None, float | None]]:
    return [(o.period, o.numerator, o.denominator) for o in preview.observations()]


# --- good blocks ----------------------------------------------------------------------------


def test_eighteen_months_with_a_header_and_windows_line_endings() -> None:
    rows = [
        f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}\t{3 + m % 4}\t{900 + m}"
        for m in range(1, 19)
    ]
    text = "period\tnumerator\tdenominator\r\n" + "\r\n".join(rows) + "\r\n"
    preview = paste(text)
    assert preview.header and preview.ready and preview.messages == ()
    assert statuses(preview) == ["new"] * 18
    observations = preview.observations()
    assert observations[0].period == D(2025, 1, 1) and observations[-1].period == D(2026, 6, 1)
    assert all(isinstance(o, Observation) and o.team_id == "t1" for o in observations)
    assert [r.line for r in preview.rows][:2] == [2, 3]


@pytest.mark.parametrize(
    ("text", "header_message"),
    [
        (
            "Jan 2026\t3\t900\nFeb 2026\t4\t880",
            "No header row: the columns were read as period, numerator, denominator.",
        ),
        (
            "Month\tFalls\tBed-days\nJan 2026\t3\t900\nFeb 2026\t4\t880",
            "The first row ('Month', 'Falls', 'Bed-days') was read as a header and skipped",
        ),
        ("Denominator\tPeriod\tNumerator\n900\tJan 2026\t3\n880\tFeb 2026\t4", None),
    ],
)
def test_the_header_row_is_optional_and_what_was_read_is_said(
    text: str, header_message: str | None
) -> None:
    preview = paste(text)
    assert values(preview) == [(D(2026, 1, 1), 3, 900), (D(2026, 2, 1), 4, 880)]
    if header_message:
        assert any(header_message in m for m in preview.messages), preview.messages
    else:
        assert preview.messages == ()


def test_blank_lines_are_skipped_and_counted() -> None:
    preview = paste("\n2026-01\t3\t900\n\n   \t \n2026-02\t4\t880\n\n")
    assert statuses(preview) == ["new", "new"]
    assert "3 blank lines were skipped." in preview.messages
    assert [r.line for r in preview.rows] == [2, 5]


def test_a_quoted_cell_with_a_line_break_stays_one_note() -> None:
    preview = paste('period\tnumerator\tdenominator\tnote\n2026-01\t3\t900\t"new lead\nstarted"\n')
    assert preview.observations()[0].note == "new lead\nstarted"


# --- ragged, partly bad and extra-column blocks ---------------------------------------------


def test_a_ragged_partly_bad_block_reports_each_row_and_keeps_the_good_ones() -> None:
    text = "\n".join(
        [
            "2026-01\t3\t900",
            "2026-02\t4",  # ragged: no denominator
            "2026-03\tfour\t880",  # not a number
            "Total\t7\t1780",  # not a period
            "2026-04\t-1\t870",  # negative count
            "2026-05\t2\t0",  # nothing to count
            "2026-01\t5\t910",  # January again
            "2026-06\t1\t860",
        ]
    )
    preview = paste(text)
    assert statuses(preview) == ["new", "error", "error", "error", "error", "error", "error", "new"]
    messages = [r.messages[0] for r in preview.rows if r.status == "error"]
    assert messages == [
        "Line 2: the denominator is missing.",
        "Line 3: 'four' in numerator is not a number.",
        "Line 4: 'Total' is not a period the kit can read; write it like 2026-03 or Mar 2026.",
        "Line 5: the numerator is negative; a count cannot be below zero.",
        "Line 6: the denominator is 0; a period with nothing to count has no value, so leave it out.",
        "Line 7: Jan 2026 is pasted twice (also line 1).",
    ]
    assert not preview.ready
    # the good rows are still there to save, once the person decides to
    assert [o.period for o in preview.observations()] == [D(2026, 1, 1), D(2026, 6, 1)]


def test_a_proportion_refuses_a_numerator_above_its_denominator() -> None:
    preview = paste("2026-01\t21\t20", PROPORTION)
    assert statuses(preview) == ["error"]
    assert "larger than the denominator" in preview.rows[0].messages[0]
    # a rate may count more events than its exposure
    assert statuses(paste("2026-01\t21\t20", RATE)) == ["new"]


def test_extra_columns_are_named_not_silently_used() -> None:
    text = "period\tward\tnumerator\tdenominator\tstaff\n2026-01\tW7\t3\t900\tAnn\n"
    preview = paste(text)
    assert preview.columns == ("period", "ignored", "numerator", "denominator", "ignored")
    assert preview.messages == (
        "Column 2 ('ward') was not used.",
        "Column 5 ('staff') was not used.",
    )
    assert values(preview) == [(D(2026, 1, 1), 3, 900)]


def test_numbers_in_an_unused_column_get_a_hint() -> None:
    # a one-value measure pasted as numerator and denominator: the third column is not a note
    preview = paste("2026-01\t3\t900\n2026-02\t4\t880", VALUE)
    assert preview.columns == ("period", "value", "ignored")
    assert any("Column 3 was not used. It holds numbers" in m for m in preview.messages)
    assert any("takes one value per period" in m for m in preview.messages)
    preview = paste("period\tvalue\tdenominator\n2026-01\t3\t900", VALUE)
    assert any("Column 3 ('denominator') was not used" in m for m in preview.messages)
    # text after the values is a note, and the preview says it was read as one
    preview = paste("2026-01\t3\tnew lead\textra\n2026-02\t4\t\t12", VALUE)
    assert preview.columns == ("period", "value", "note", "ignored")
    assert "No header row: the columns were read as period, value, note." in preview.messages
    assert [o.note for o in preview.observations()] == ["new lead", ""]


def test_cells_beyond_the_header_on_one_row_are_named() -> None:
    preview = paste("period\tvalue\n2026-01\t12\n2026-02\t14\toops", VALUE)
    assert statuses(preview) == ["new", "new"]
    assert preview.columns == ("period", "value", "ignored")
    assert preview.messages == ("Column 3 was not used.",)  # no header name to quote


def test_a_header_that_contradicts_the_measure_is_refused() -> None:
    with pytest.raises(KitInputError, match="no numerator, denominator column"):
        paste("period\tvalue\n2026-01\t12", RATE)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Nothing was pasted"),
        ("\r\n\t\r\n", "Nothing was pasted"),
        ("period\tnumerator\tdenominator\r\n", "Only a header row"),
    ],
)
def test_empty_blocks_are_refused(text: str, words: str) -> None:
    with pytest.raises(KitInputError, match=words):
        paste(text)


def test_a_block_too_large_for_a_paste_is_refused() -> None:
    text = "\n".join(f"2026-01\t{i}" for i in range(MAX_PASTE_ROWS + 1))
    with pytest.raises(KitInputError, match="upload the file"):
        paste(text, VALUE)


# --- decimal commas and ambiguous dates: asked, not guessed ---------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["12,5", "14,25"], [12.5, 14.25]),
        (["12,5", "1,250"], [12.5, 1.25]),  # the block shows decimal commas
        (["1,250.5", "1,250"], [1250.5, 1250.0]),  # the block shows thousands separators
        (["12.5", "1,250"], [12.5, 1250.0]),
        (["1,250,000", "3"], [1250000.0, 3.0]),
        (["0,250", "1,5"], [0.25, 1.5]),  # a thousands group never follows a lone 0
        (["1.250,5", "980"], [1250.5, 980.0]),  # continental: dot for thousands
        (["12", "14"], [12.0, 14.0]),
    ],
)
def test_commas_are_read_from_the_evidence_in_the_block(
    cells: list[str], expected: list[float]
) -> None:
    text = "\n".join(f"2026-0{i + 1}\t{c}" for i, c in enumerate(cells))
    preview = paste(text, VALUE)
    assert preview.questions == ()
    assert [o.value for o in preview.observations()] == expected


@pytest.mark.parametrize(("answer", "expected"), [(True, 1.25), (False, 1250.0)])
def test_a_lone_ambiguous_comma_asks_and_the_answer_settles_it(
    answer: bool, expected: float
) -> None:
    text = "2026-01\t1,250\n2026-02\t14"
    preview = paste(text, VALUE)
    assert [q.key for q in preview.questions] == ["decimal_comma"]
    assert "'1,250'" in preview.questions[0].text
    assert statuses(preview) == ["ask", "new"] and not preview.ready
    answered = paste(text, VALUE, decimal_comma=answer)
    assert answered.questions == () and answered.ready
    assert answered.observations()[0].value == expected


def test_conflicting_comma_evidence_asks() -> None:
    preview = paste("2026-01\t12,5\n2026-02\t1,250.5", VALUE)
    assert [q.key for q in preview.questions] == ["decimal_comma"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["13/01/2026", "13/02/2026"], [D(2026, 1, 1), D(2026, 2, 1)]),  # day above 12
        (["01/13/2026", "02/13/2026"], [D(2026, 1, 1), D(2026, 2, 1)]),  # month first
        (["01/01/2026", "01/02/2026", "01/03/2026"], [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]),
        (["Jan 2026", "February 2026", "Mar-26"], [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]),
        (["2026-01-15", "2026/02/01", "03/2026"], [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]),
    ],
)
def test_dates_the_block_settles_are_read_as_in_file_import(
    cells: list[str], expected: list[dt.date]
) -> None:
    text = "\n".join(f"{c}\t{i + 10}" for i, c in enumerate(cells))
    preview = paste(text, VALUE)
    assert preview.questions == ()
    assert [o.period for o in preview.observations()] == expected


def test_an_ambiguous_date_asks_instead_of_guessing() -> None:
    text = "05/03/2026\t12\n2026-04\t14"
    preview = paste(text, VALUE)
    assert [q.key for q in preview.questions] == ["day_first"]
    assert statuses(preview) == ["ask", "new"]
    assert "could be day/month or month/day" in preview.rows[0].messages[0]
    assert values_of(paste(text, VALUE, day_first=True)) == [D(2026, 3, 1), D(2026, 4, 1)]
    assert values_of(paste(text, VALUE, day_first=False)) == [D(2026, 5, 1), D(2026, 4, 1)]


def values_of(preview: PastePreview) -> list[dt.date]:
    return [o.period for o in preview.observations()]


# --- against what is stored -----------------------------------------------------------------


def test_rows_say_whether_they_add_change_or_repeat_a_stored_value() -> None:
    stored = {
        D(2026, 1, 1): Observation(
            measure_id="m-tnaa", team_id="t1", period=D(2026, 1, 1), value=12
        ),
        D(2026, 2, 1): Observation(
            measure_id="m-tnaa", team_id="t1", period=D(2026, 2, 1), value=14
        ),
    }
    preview = paste("2026-01\t12\n2026-02\t15\n2026-03\t16", VALUE, existing=stored)
    assert statuses(preview) == ["same", "change", "new"]
    assert preview.rows[1].messages == (
        "Line 2: replaces 14 for Feb 2026 with 15 (the old value stays in the history).",
    )
    changed = preview.observations()
    assert [o.value for o in changed] == [15, 16]
    # a changed value keeps the stored observation's id, so the store records a revision
    assert changed[0].id == stored[D(2026, 2, 1)].id


def test_gaps_between_pasted_months_are_flagged() -> None:
    preview = paste("2026-01\t12\n2026-02\t13\n2026-05\t14", VALUE)
    assert preview.missing_periods == (D(2026, 3, 1), D(2026, 4, 1))
    assert "No data pasted for Mar 2026, Apr 2026; those periods stay empty." in preview.messages
    assert preview.ready


def test_a_column_of_numbers_after_the_values_is_not_taken_for_a_note() -> None:
    preview = paste("2026-01\t3\t900\t3.33\n2026-02\t4\t880\t4.55")
    assert preview.columns == ("period", "numerator", "denominator", "ignored")
    assert "Column 4 was not used. It holds numbers; notes are text." in preview.messages
    assert [o.note for o in preview.observations()] == ["", ""]


def test_weekly_gaps_are_flagged_by_week() -> None:
    weekly = VALUE.model_copy(
        update={"definition": VALUE.definition.model_copy(update={"frequency": "weekly"})}
    )
    preview = paste("2026-03-02\t12\n2026-03-09\t13\n2026-03-23\t14", weekly)
    assert preview.missing_periods == (D(2026, 3, 16),)
    assert (
        "No data pasted for the week of 16 Mar 2026; those periods stay empty." in preview.messages
    )


@pytest.mark.parametrize(
    ("measure", "cell", "status", "words"),
    [
        (VALUE.model_copy(update={"unit": "% of patients"}), "45%", "new", None),
        (VALUE, "45%", "error", "is a percentage, but the value"),
        (RATE, "45%\t900", "error", "is a percentage, but the numerator"),
    ],
)
def test_percent_cells_are_read_only_where_the_unit_is_a_percentage(
    measure: Measure, cell: str, status: str, words: str | None
) -> None:
    preview = paste(f"2026-01\t{cell}", measure)
    assert statuses(preview) == [status]
    if words:
        assert words in preview.rows[0].messages[0]
    else:
        assert preview.observations()[0].value == 45
