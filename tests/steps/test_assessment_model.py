"""The assessment model over the demo collaborative: gaps, who and when, the collaborative's
wording, rights, the distribution and the exports."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi import Assessment, Collaborative
from kit.steps.assessment.model import GAP_TO_DISCUSS, AssessmentModel, Rating, TeamMonth
from kit.store import Actor

COLLAB = "demo-falls"
FACULTY = Actor.facilitator("Dr Ana Ruiz", COLLAB)
RIVERSIDE = Actor.participant("team-riverside", "Sam", COLLAB)
TODAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)
MONTH = dt.date(2026, 11, 1)


def model(store, actor=FACULTY) -> AssessmentModel:
    return AssessmentModel(store, actor, today=TODAY, clock=lambda: NOW)


def rating(score: float) -> Rating:
    return Rating(score, "", "x", NOW, "x")


@pytest.mark.parametrize(
    ("faculty", "own", "gap", "flagged", "words"),
    [
        (3.0, 3.0, 0.0, False, "the team agrees with faculty"),
        (3.0, 3.5, 0.5, False, "the team rates itself 0.5 higher than faculty"),
        (3.0, 4.0, 1.0, True, "the team rates itself 1 higher than faculty"),
        (4.0, 2.5, -1.5, True, "the team rates itself 1.5 lower than faculty"),
        (None, 3.0, None, False, "no gap to show yet"),
        (None, None, None, False, "not rated"),
    ],
)
def test_the_gap_is_the_team_minus_faculty_and_a_whole_point_is_flagged(
    faculty, own, gap, flagged, words
):
    row = TeamMonth(
        "t", "T", MONTH, rating(faculty) if faculty else None, rating(own) if own else None
    )
    assert row.gap == gap
    assert row.flagged is flagged
    assert row.gap_text == words
    assert GAP_TO_DISCUSS == 1.0


def test_the_demo_scores_load_with_who_and_when(store):
    m = model(store)
    row = m.team_month("team-riverside", dt.date(2026, 6, 1))
    assert row.faculty is not None and row.own is not None
    assert row.faculty.who_when.startswith("by ")
    assert "25 Jun 2026 10:00 UTC" in row.faculty.who_when
    assert row.faculty.label  # the level's label in this collaborative's words


def test_faculty_rate_a_team_and_the_rater_and_time_are_recorded(store):
    m = model(store)
    saved = m.rate("team-riverside", MONTH, 3.5)
    assert saved is not None
    stored = store.get(Assessment, saved.record.id, Actor.system()).record
    assert (stored.score, stored.rated_by, stored.rater, stored.rated_at) == (
        3.5,
        "faculty",
        "Dr Ana Ruiz",
        NOW,
    )
    fresh = model(store).team_month("team-riverside", MONTH)
    assert fresh.faculty is not None and fresh.faculty.score == 3.5
    assert fresh.faculty.who_when == "by Dr Ana Ruiz on 02 Dec 2026 10:30 UTC"


def test_a_second_rating_is_a_new_version_of_the_same_record(store):
    m = model(store)
    first = m.rate("team-harbour", MONTH, 2.0)
    second = m.rate("team-harbour", MONTH, 2.5)
    assert first is not None and second is not None
    assert second.record.id == first.record.id
    revisions = store.revisions(Assessment, first.record.id, Actor.system())
    assert [r.record.score for r in revisions][-2:] == [2.0, 2.5]


def test_clearing_a_rating_deletes_it(store):
    m = model(store)
    m.rate("team-harbour", MONTH, 2.0)
    assert m.rate("team-harbour", MONTH, None) is None
    assert model(store).team_month("team-harbour", MONTH).faculty is None


def test_a_team_rates_itself_as_the_team_and_only_itself(store):
    m = model(store, RIVERSIDE)
    assert m.teams() == [(m.teams()[0][0], "team-riverside")]
    saved = m.rate("team-riverside", MONTH, 4.0)
    assert saved is not None and saved.record.rated_by == "team" and saved.record.rater == "Sam"
    with pytest.raises(PermissionDenied):
        m.rate("team-harbour", MONTH, 4.0)


def test_a_team_cannot_write_a_faculty_score(store):
    bogus = Assessment(
        team_id="team-riverside",
        month=MONTH,
        score=5.0,
        rated_by="faculty",
        rater="Sam",
    )
    with pytest.raises(PermissionDenied):
        store.save(bogus, RIVERSIDE, expected_version=None)


def test_scores_off_the_scale_and_future_months_are_refused(store):
    m = model(store)
    with pytest.raises(KitInputError, match="not on the scale"):
        m.rate("team-riverside", MONTH, 3.2)
    with pytest.raises(KitInputError, match="has not begun"):
        m.rate("team-riverside", dt.date(2027, 1, 1), 3.0)


def test_a_stale_rating_is_a_conflict(store):
    mine, theirs = model(store), model(store)
    theirs.rate("team-riverside", dt.date(2026, 6, 1), 1.0)
    with pytest.raises(Conflict):
        mine.rate("team-riverside", dt.date(2026, 6, 1), 5.0)


def test_the_collaborative_rewords_a_level_and_everyone_sees_it(store):
    m = model(store)
    m.set_wording(2.5, "Tests under way", "Changes are tested on the ward; falls not down yet.")
    levels = {lv["score"]: lv for lv in model(store, RIVERSIDE).levels()}
    assert levels[2.5]["label"] == "Tests under way"
    assert levels[2.5]["customised"] is True
    assert levels[3.0]["customised"] is False
    stored = store.get(Collaborative, COLLAB, Actor.system()).record
    assert stored.assessment_wording == {
        "2.5": {
            "label": "Tests under way",
            "description": "Changes are tested on the ward; falls not down yet.",
        }
    }
    m.reset_wording(2.5)
    assert model(store).levels()[3]["customised"] is False


def test_wording_is_checked_and_only_faculty_reword(store):
    with pytest.raises(KitInputError, match="cannot be empty"):
        model(store).set_wording(2.0, " ", "x")
    with pytest.raises(PermissionDenied):
        model(store, RIVERSIDE).set_wording(2.0, "a", "b")


def test_the_distribution_counts_teams_per_level_each_month(store):
    m = model(store)
    counts = m.distribution()
    june = counts[dt.date(2026, 6, 1)]
    assert sum(june.values()) == len(m.teams())
    assert set(june) <= {1.0 + i / 2 for i in range(9)}
    own = m.distribution("team")
    assert sum(own[dt.date(2026, 6, 1)].values()) == len(m.teams())


def test_months_run_from_the_collaborative_start_to_this_month(store):
    months = model(store).months()
    assert months[0] == dt.date(2026, 12, 1)
    assert months == sorted(months, reverse=True)


def test_the_csv_export_is_formula_safe_and_complete(store, tmp_path):
    m = model(store)
    m.rate("team-riverside", MONTH, 3.0, note='=HYPERLINK("http://x")')
    path = m.export_csv(tmp_path / "a.csv")
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == ["team", "month", "rated_by", "score"]
    assert len(rows) - 1 == len(m.export_rows())
    mine = [r for r in rows if r[-1] == "team-riverside" and r[1] == "2026-11-01"]
    assert mine[0][3] == "3" and mine[0][5] == "Dr Ana Ruiz"
    assert mine[0][7].startswith("'=")


def test_the_excel_export_marks_formula_text_as_text(store, tmp_path):
    from openpyxl import load_workbook

    m = model(store)
    m.set_wording(2.0, "+Busy", "Planning")
    m.rate("team-riverside", MONTH, 2.0, note="-2+3")
    book = load_workbook(m.export_xlsx(tmp_path / "a.xlsx"))
    assert book.sheetnames == ["Ratings", "Scale"]
    sheet = book["Ratings"]
    note = next(
        row[7]
        for row in sheet.iter_rows(min_row=2)
        if row[9].value == "team-riverside" and row[1].value.date() == MONTH
    )
    assert note.data_type == "s" and note.value == "-2+3" and note.quotePrefix
    scale = book["Scale"]
    assert scale.cell(4, 2).value == "+Busy" and scale.cell(4, 4).value == "yes"
