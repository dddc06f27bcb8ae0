"""The set-up and topic-selection app's widgets: set values and click in Python, check the store."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re

import ipywidgets as w
import pytest

from kit import demo
from kit.qi import Collaborative, Team, TopicBallot, TopicCandidate, TopicSelection
from kit.steps import setup
from kit.steps.setup.view import NO_SCORE, SetupView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

DEMO = "demo-falls"
SYSTEM = Actor.system()


def facilitator() -> dict[str, str]:
    """The facilitator's page parameters, signed when the test runs (a token made at import
    is signed with whatever secret the collecting session had, which a long run can outlive)."""
    return {"session": issue_token(Identity("facilitator", DEMO, None, "Facilitator"))}


def open_app(store, params=None):
    shell = setup.app(store=store, params=params or facilitator())
    assert isinstance(shell.content, SetupView), shell.alert.text
    return shell, shell.content


def texts(widget: w.Widget) -> str:
    """Every piece of text and every value the page shows, for 'is it on screen' checks."""
    found = []
    if isinstance(widget, w.HTML | w.Label):
        found.append(str(widget.value))
    elif isinstance(widget, w.Text | w.Textarea):
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found.append(texts(child))
    return "\n".join(found)


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def collaborative(store) -> Collaborative:
    return store.get(Collaborative, DEMO, SYSTEM).record


# --- building and the charter ---------------------------------------------------------------


def test_the_facilitator_sees_every_section(store):
    shell, view = open_app(store)
    assert shell.alert.text == ""
    assert view.charter.inputs["name"].value == "Safer Wards Falls Collaborative"
    assert [row.children[0].value for row in view.charter.faculty_rows.children][:2] == [
        "Dr Amina Patel",
        "Prof. Lars Jensen",
    ]
    assert f"{len(demo.JOIN_CODES)} teams enrolled" in view.enrolment.teams_table.value
    assert "ANN-2026" in view.enrolment.teams_table.value and "missing: day-to-day leader" in (
        view.enrolment.teams_table.value
    )
    assert view.timeline.date_inputs["learning_session-1"][0].value == dt.date(2026, 2, 3)
    assert view.results.ranking.value.index("Inpatient falls") < view.results.ranking.value.index(
        "Delirium"
    )
    assert "Develop and test changes first" in view.results.ranking.value
    source = view.timeline.figure.select_one({"name": "timeline"})
    assert source.data["label"][0] == "Prework" and len(source.data["label"]) == 8


def test_typing_in_the_charter_saves_it(store):
    shell, view = open_app(store)
    view.charter.inputs["topic"].value = "Falls with harm on adult wards"
    view.charter.inputs["aim"].value = "Reduce falls with harm by 30% by March 2027"
    view.flush()
    record = collaborative(store)
    assert record.topic == "Falls with harm on adult wards"
    assert record.aim == "Reduce falls with harm by 30% by March 2027"
    assert shell.save_state.state == "saved"


def test_a_bad_value_is_a_message_beside_its_field(store):
    shell, view = open_app(store)
    view.charter.inputs["name"].value = "   "
    assert "Collaborative name cannot be empty" in view.charter.errors["name"].value
    assert shell.save_state.state == "error"
    assert collaborative(store).name == "Safer Wards Falls Collaborative"
    view.charter.inputs["name"].value = "Safer Wards"
    assert view.charter.errors["name"].value == ""
    assert collaborative(store).name == "Safer Wards"


def test_edits_wait_for_typing_to_pause(store):
    async def scenario():
        shell = setup.app(store=store, params=facilitator())
        # in a kernel (a running loop) the app's body is built once the page's cell has ended
        assert shell.content is None
        assert "Opening your work" in texts(shell.body)
        await asyncio.sleep(0)
        view = shell.content
        assert isinstance(view, SetupView), shell.alert.text
        view.charter.inputs["sponsor"].value = "The regional board"
        assert shell.save_state.state == "pending"
        assert collaborative(store).sponsor == "Regional Patient Safety Collaborative"
        view.flush()
        assert collaborative(store).sponsor == "The regional board"

    asyncio.run(scenario())


def test_faculty_are_added_changed_and_removed(store):
    _, view = open_app(store)
    view.charter.faculty_new_name.value = "Ines Ramos"
    view.charter.faculty_new_role.value = "improvement_advisor"
    view.charter.faculty_new_name.value = "Ines Ramos"
    add = view.charter.faculty_add_button
    add.click()
    assert collaborative(store).faculty[-1].name == "Ines Ramos"
    last = view.charter.faculty_rows.children[-1]
    last.children[1].value = "director"
    assert collaborative(store).faculty[-1].role == "director"
    last.children[2].click()
    assert [f.name for f in collaborative(store).faculty][-1] == "Mei Chen"
    add.click()  # nothing typed
    assert "Faculty member's name cannot be empty" in plain(view.charter.faculty_error.value)


# --- timeline ----------------------------------------------------------------------------------


def test_dates_are_checked_saved_and_drawn(store):
    shell, view = open_app(store)
    start, end = view.timeline.date_inputs["learning_session-1"]
    end.value = dt.date(2026, 2, 1)
    assert "Learning Session 1 ends (2026-02-01) before it starts (2026-02-03)." in (
        view.timeline.error.value
    )
    assert shell.save_state.state == "error"
    end.value = dt.date(2026, 2, 4)
    assert view.timeline.error.value == ""
    start.value = dt.date(2026, 2, 2)
    saved = next(m for m in collaborative(store).timeline if m.label == "Learning Session 1")
    assert (saved.start, saved.end) == (dt.date(2026, 2, 2), dt.date(2026, 2, 4))
    source = view.timeline.figure.select_one({"name": "timeline"})
    row = source.data["label"].index("Learning Session 1")
    assert source.data["left"][row] == dt.datetime(2026, 2, 2)
    assert source.data["days"][row] == 3


def test_clearing_a_block_and_choosing_a_start_date(store):
    _, view = open_app(store)
    clear = view.timeline.clear_buttons["learning_session-2"]
    assert "kit-setup-clear-learning_session-2" in clear._dom_classes
    clear.click()
    assert "Learning Session 2" not in [m.label for m in collaborative(store).timeline]
    assert "The timeline has 2 learning sessions" in view.timeline.warnings.value
    factors = view.timeline.figure.y_range.factors
    assert "Learning Session 2" not in factors and len(factors) == 7
    start, end = view.timeline.date_inputs["learning_session-2"]
    start.value = dt.date(2026, 6, 2)  # the end follows until it is chosen
    assert end.value == dt.date(2026, 6, 2)
    assert "Learning Session 2 lasts 1 day" in view.timeline.warnings.value
    end.value = dt.date(2026, 6, 3)
    assert view.timeline.warnings.value == ""


def test_overlapping_dates_are_refused(store):
    _, view = open_app(store)
    start, end = view.timeline.date_inputs["closing_congress"]
    start.value = dt.date(2027, 2, 1)
    assert "overlaps" in view.timeline.error.value
    closing = next(m for m in collaborative(store).timeline if m.kind == "closing_congress")
    assert closing.start == dt.date(2027, 3, 16)


# --- enrolment ----------------------------------------------------------------------------------


def test_enrolling_a_team_with_its_members(store):
    _, view = open_app(store)
    view.enrolment.team_new_name.value = "Hilltop Ward 3"
    view.enrolment.team_new_org.value = "Hilltop Hospital"
    view.enrolment.team_add_button.click()
    teams = store.find(Team, SYSTEM, collaborative_id=DEMO)
    new = next(t.record for t in teams if t.record.name == "Hilltop Ward 3")
    assert new.organisation == "Hilltop Hospital"
    assert view.enrolment.team_select.value == new.id
    assert f"{len(demo.JOIN_CODES) + 1} teams enrolled" in view.enrolment.teams_table.value
    assert "Hilltop Ward 3 has no members yet" in view.enrolment.team_warning.value
    code = store.join_codes(DEMO, SYSTEM)[new.id]
    assert code in view.enrolment.teams_table.value
    assert store.join(code).team_id == new.id

    for name, role in [
        ("Sam Lee", "senior_leader"),
        ("Ade Obi", "technical_expert"),
        ("Kim Day", "day_to_day_leader"),
    ]:
        view.enrolment.member_new_name.value = name
        view.enrolment.member_new_role.value = role
        view.enrolment.member_add_button.click()
    stored = store.get(Team, new.id, SYSTEM).record
    assert [(m.name, m.role) for m in stored.members] == [
        ("Sam Lee", "senior_leader"),
        ("Ade Obi", "technical_expert"),
        ("Kim Day", "day_to_day_leader"),
    ]
    assert "has no" not in view.enrolment.team_warning.value
    assert (
        "Consider adding a patient or lived-experience partner" in view.enrolment.team_warning.value
    )
    assert "all three roles" in view.enrolment.teams_table.value.split("Hilltop Ward 3")[1]
    row = view.enrolment.member_rows.children[2]
    row.children[1].value = "member"  # the role dropdown
    assert "no day-to-day leader" in view.enrolment.team_warning.value
    row.children[2].value = "not an email"
    assert "does not look like an email address" in view.enrolment.member_error.value


def test_renaming_and_removing_a_team(store):
    _, view = open_app(store)
    view.enrolment.team_select.value = "team-stanne"
    view.enrolment.team_name.value = "St Anne's Ward 4"
    assert store.get(Team, "team-stanne", SYSTEM).record.name == "St Anne's Ward 4"
    view.enrolment.team_name.value = "Riverside General, Ward 7"
    assert "There is already a team called" in view.enrolment.team_error.value
    view.enrolment.team_select.value = "team-stanne"
    view.enrolment.remove_team_button.click()
    assert view.enrolment.remove_team_button.description.startswith("Click again to remove")
    teams = len(demo.JOIN_CODES)
    assert len(store.find(Team, SYSTEM, collaborative_id=DEMO)) == teams
    view.enrolment.remove_team_button.click()
    assert len(store.find(Team, SYSTEM, collaborative_id=DEMO)) == teams - 1
    assert f"{teams - 1} teams enrolled" in view.enrolment.teams_table.value


# --- topics, weights and ballots -----------------------------------------------------------------


def test_topics_and_weights_are_edited_in_place(store):
    _, view = open_app(store)
    view.topics.candidate_new.value = "Hand hygiene"
    view.topics.candidate_add_button.click()
    titles = {c.record.title for c in store.find(TopicCandidate, SYSTEM, collaborative_id=DEMO)}
    assert "Hand hygiene" in titles
    assert any("Hand hygiene" in texts(row) for row in view.ballot.ballot_rows.children)
    assert "Hand hygiene" in view.results.ranking.value

    view.topics.weight_inputs["belief"].value = 4
    selection = store.find(TopicSelection, SYSTEM, collaborative_id=DEMO)[0].record
    assert next(c.weight for c in selection.criteria if c.key == "belief") == 4
    view.topics.weight_inputs["gap"].value = 11
    assert "Weight cannot be above 10." in view.topics.weight_errors["gap"].value

    row = next(
        r for r in view.topics.candidate_rows.children if r.children[0].value == "Hand hygiene"
    )
    row.children[0].value = "Hand hygiene on wards"
    assert "Hand hygiene on wards" in view.results.ranking.value
    row.children[1].click()
    titles = {c.record.title for c in store.find(TopicCandidate, SYSTEM, collaborative_id=DEMO)}
    assert titles == {"Inpatient falls", "Sepsis recognition", "Delirium prevention"}
    assert "Hand hygiene" not in view.results.ranking.value


def test_a_participant_votes_on_their_own_ballot(store):
    shell, view = open_app(store, {"join": "RIV-2026"})
    assert not hasattr(view, "charter_inputs") and not hasattr(view, "teams_table")
    page = texts(view)
    assert "Safer Wards Falls Collaborative" in page
    assert "NOR-2026" not in page and "RIV-2026" not in page  # no join codes for teams
    assert "Dr Helen Brooks (Riverside)" in view.own_team.details.value

    falls = next(
        cid for cid, c in view.model.candidates.items() if c.record.title == "Inpatient falls"
    )
    view.ballot.score_inputs[(falls, "gap")].value = 5  # no name yet
    assert "Type your name first" in view.ballot.voter_error.value
    assert view.ballot.score_inputs[(falls, "gap")].value == NO_SCORE

    view.ballot.voter.value = "Ana Silva"
    for key in ("gap", "better_performers", "buildable", "shared_problem", "belief"):
        view.ballot.score_inputs[(falls, key)].value = 5
    assert view.ballot.voter_error.value == ""
    ballots = store.find(TopicBallot, SYSTEM, collaborative_id=DEMO, voter="Ana Silva")
    assert len(ballots) == 1
    assert ballots[0].record.team_id == "team-riverside"
    assert ballots[0].record.scores == {
        falls: dict.fromkeys(
            ("gap", "better_performers", "buildable", "shared_problem", "belief"), 5
        )
    }
    assert "8 ballots cast" in view.results.ranking.value
    dots = view.results.ratings_figure.select_one({"name": "ratings"}).data
    assert dots["voter"].count("Ana Silva (you)") == 5
    assert "Amina" not in dots["voter"]  # other voters are anonymous to a team
    assert shell.save_state.state == "saved"

    # the first score fixed the name for this sign-in, and the session cookie carries it
    assert view.ballot.voter.disabled
    assert shell.identity.person == "Ana Silva"
    assert "kit-session-handoff" in shell.handoff.value

    # a new page of the same sign-in (the cookie) finds their ballot again, name and all
    _, again = open_app(store, {"cookie_session": issue_token(shell.identity)})
    assert again.ballot.voter.value == "Ana Silva" and again.ballot.voter.disabled
    assert again.ballot.score_inputs[(falls, "belief")].value == 5
    again.ballot.score_inputs[(falls, "belief")].value = NO_SCORE
    ballot = store.find(TopicBallot, SYSTEM, collaborative_id=DEMO, voter="Ana Silva")[0]
    assert "belief" not in ballot.record.scores[falls]

    # another sign-in typing her name gets no ballot of hers
    _, other = open_app(store, {"join": "riv 2026"})
    other.ballot.voter.value = "ana silva"
    assert "already voted from another sign-in" in other.ballot.voter_error.value
    assert len(store.find(TopicBallot, SYSTEM, collaborative_id=DEMO, voter="Ana Silva")) == 1


def test_the_facilitator_votes_too(store):
    _, view = open_app(store)
    view.ballot.voter.value = "Dr Amina Patel"
    candidate = next(iter(view.model.candidates))
    view.ballot.score_inputs[(candidate, "belief")].value = 2
    ballot = store.find(TopicBallot, SYSTEM, collaborative_id=DEMO, voter="Dr Amina Patel")[0]
    assert ballot.record.team_id is None and ballot.record.scores == {candidate: {"belief": 2}}
    assert (
        "Dr Amina Patel (you)"
        in view.results.ratings_figure.select_one({"name": "ratings"}).data["voter"]
    )


# --- conflicts, reloads and sign-in ----------------------------------------------------------------


def test_a_conflict_is_shown_with_a_way_to_reload(store):
    _, first = open_app(store)
    shell, second = open_app(store)
    first.charter.inputs["topic"].value = "Topic from the first tab"
    second.charter.inputs["aim"].value = "Aim from the second tab"
    assert second.conflict.visible
    assert "while you were editing" in second.conflict.message.value
    assert shell.save_state.state == "error"
    assert collaborative(store).aim != "Aim from the second tab"
    second.conflict.reload_button.click()
    assert not second.conflict.visible
    assert second.charter.inputs["topic"].value == "Topic from the first tab"
    second.charter.inputs["aim"].value = "Aim from the second tab"
    record = collaborative(store)
    assert (record.topic, record.aim) == ("Topic from the first tab", "Aim from the second tab")


def test_keep_mine_puts_my_field_on_top_of_their_save(store):
    _, first = open_app(store)
    shell, second = open_app(store)
    first.charter.inputs["topic"].value = "Topic from the first tab"
    second.charter.inputs["aim"].value = "Aim from the second tab"
    assert "They changed: Topic." in second.conflict.text
    second.conflict.keep_button.click()
    assert not second.conflict.visible
    assert shell.save_state.state == "saved"
    record = collaborative(store)
    assert (record.topic, record.aim) == ("Topic from the first tab", "Aim from the second tab")
    assert second.charter.inputs["topic"].value == "Topic from the first tab"  # theirs, shown


def test_everything_is_there_after_a_kernel_restart(store):
    _, view = open_app(store)
    view.charter.inputs["sponsor"].value = "Regional board"
    view.timeline.date_inputs["prework"][1].value = dt.date(2026, 1, 30)
    view.enrolment.team_new_name.value = "Hilltop Ward 3"
    view.enrolment.team_add_button.click()
    view.topics.candidate_new.value = "Hand hygiene"
    view.topics.candidate_add_button.click()
    _, fresh = open_app(store)
    assert fresh.charter.inputs["sponsor"].value == "Regional board"
    assert fresh.timeline.date_inputs["prework"][1].value == dt.date(2026, 1, 30)
    assert "Hilltop Ward 3" in fresh.enrolment.teams_table.value
    assert "Hand hygiene" in fresh.results.ranking.value


def test_an_unknown_join_link_shows_the_sign_in_form(store):
    shell = setup.app(store=store, params={"join": "NOPE-000"})
    assert shell.content is None
    assert "not recognised" in shell.alert.text
    assert any("kit-signin" in c._dom_classes for c in shell.body.children)


def test_result_warnings_name_voters_so_only_the_facilitator_sees_them(store):
    _, view = open_app(store)
    row = next(
        r
        for r in view.topics.candidate_rows.children
        if r.children[0].value == "Delirium prevention"
    )
    row.children[1].click()
    assert "no longer on the list" in plain(view.results.ranking.value)
    assert "Delirium" not in view.results.ranking.value.split("<ul")[0]
    _, team_view = open_app(store, {"join": "NOR-2026"})
    assert "no longer on the list" not in plain(team_view.results.ranking.value)
    assert "7 ballots cast" in team_view.results.ranking.value


def test_the_facilitator_sees_every_ballot_and_deletes_one(store):
    _, view = open_app(store)
    items = view.results.ballot_list.children[1:]
    assert len(items) == 7
    first = plain(items[0].children[0].value)
    assert "last saved" in first and "score" in first
    voter = items[0].children[0].value.split("<b>")[1].split("</b>")[0]
    delete = items[0].children[1]
    delete.click()
    assert delete.description == "Really delete?"  # one click asks
    assert "7 ballots cast" in view.results.ranking.value
    delete.click()
    assert "6 ballots cast" in view.results.ranking.value
    assert len(view.results.ballot_list.children) == 1 + 6
    gone = [b for b in store.find(TopicBallot, SYSTEM, collaborative_id=DEMO)]
    assert html.unescape(voter) not in [b.record.voter for b in gone]


def test_participants_see_no_ballot_list(store):
    _, view = open_app(store, {"join": "NOR-2026"})
    assert view.results.ballot_list.children == ()


def test_the_results_warn_everyone_when_one_teams_ballots_outweigh_the_rest(store):
    candidate = next(
        c.record.id
        for c in store.find(TopicCandidate, SYSTEM, collaborative_id=DEMO)
        if c.record.title == "Inpatient falls"
    )
    # the demo's 7 ballots are the faculty's; eight Riverside sign-ins outweigh them
    from kit.steps.setup.model import SetupModel

    riverside = Actor.participant("team-riverside", collaborative_id=DEMO)
    for n in range(7):
        model = SetupModel(store, riverside)
        model.sign_ballot_as(f"Voter {n}", f"sign-in-{n}")
        model.cast_vote(f"Voter {n}", candidate, "gap", 5)
    _, view = open_app(store, {"join": "RIV-2026"})
    view.ballot.voter.value = "Voter H"
    view.ballot.score_inputs[(candidate, "gap")].value = 5
    assert view.ballot.voter_error.value == ""
    assert "8 of the 15 ballots" in plain(view.results.balance.value)
    _, chair = open_app(store)
    warning = plain(chair.results.balance.value)
    assert "Riverside" in warning and "more than everyone else together" in warning
    _, own = open_app(store, {"join": "RIV-2026"})
    assert "Riverside" in plain(own.results.balance.value)
    _, other = open_app(store, {"join": "NOR-2026"})
    assert "One team cast" in plain(other.results.balance.value)
    assert "Riverside" not in other.results.balance.value


# --- the charts' data ---------------------------------------------------------------------------


def test_timeline_bars_cover_whole_days_and_an_empty_timeline_has_a_placeholder():
    from kit.charts.setup_charts import timeline_columns
    from kit.qi import Milestone

    columns, factors = timeline_columns(
        [
            Milestone(
                kind="closing_congress", start=dt.date(2027, 3, 16), end=dt.date(2027, 3, 16)
            ),
            Milestone(kind="prework", start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 30)),
        ]
    )
    assert columns["label"] == ["Prework", "Closing congress"]
    assert factors == ["Closing congress", "Prework"]  # first event drawn on top
    assert columns["right"][1] - columns["left"][1] == dt.timedelta(days=1)
    assert columns["dates"][1] == "16 Mar 2027" and columns["days"] == [26, 1]
    assert timeline_columns([]) == ({k: [] for k in columns}, ["(no dates yet)"])


def test_ratings_keep_every_vote_visible_and_hide_other_voters_on_request():
    from kit.charts.setup_charts import ratings_columns
    from kit.qi import Criterion, TopicBallot, TopicCandidate, TopicSelection
    from kit.qi.topics import aggregate_ballots

    selection = TopicSelection(
        collaborative_id="c", criteria=[Criterion(key="belief", label="Degree of belief")]
    )
    candidates = [
        TopicCandidate(id="a", collaborative_id="c", title="Falls"),
        TopicCandidate(id="b", collaborative_id="c", title="Falls"),
    ]
    ballots = [
        TopicBallot(id=f"v{i}", collaborative_id="c", voter=name, scores={"a": {"belief": 4}})
        for i, name in enumerate(["Ana", "Ben", "Cy"])
    ]
    result = aggregate_ballots(selection, candidates, ballots)
    data = ratings_columns(result, mine=["v0"], hide_voters=True)
    dots = data["dots"]
    assert dots["score"] == [4, 4, 4]
    assert len(set(dots["x"])) == 3 and sum(dots["x"]) == pytest.approx(12)
    assert dots["voter"] == ["Ana (you)", "a voter", "a voter"]
    assert dots["marker"] == ["triangle", "circle", "circle"]
    assert [f[0] for f in data["factors"]] == ["Falls (2)", "Falls"]  # titles kept apart
    assert data["means"]["mean"] == [4.0]


def test_a_second_refused_date_does_not_hide_the_first(store):
    """Issue 10: each event keeps its own message until its dates are fixed or put back."""
    shell, view = open_app(store)
    _start1, end1 = view.timeline.date_inputs["learning_session-1"]
    start3, _end3 = view.timeline.date_inputs["closing_congress"]
    end1.value = dt.date(2026, 2, 1)  # before its start
    start3.value = dt.date(2027, 2, 1)  # overlaps the last action period
    message = view.timeline.error.value
    assert "Learning Session 1 ends (2026-02-01) before it starts" in message
    assert "overlaps" in message
    assert end1.value == dt.date(2026, 2, 1)  # the rejected date stays in its box
    start3.value = dt.date(2027, 3, 16)  # back to the saved date
    assert "overlaps" not in view.timeline.error.value
    assert "Learning Session 1 ends" in view.timeline.error.value
    end1.value = dt.date(2026, 2, 4)
    assert view.timeline.error.value == ""


def test_every_readiness_verdict_has_its_own_colour_class():
    """The borderline verdict (kit.qi.topics) is not shown in the develop-first colour."""
    import typing
    from pathlib import Path

    from kit.qi.topics import Readiness
    from kit.steps.setup.view.topics import VERDICT_CLASSES

    verdicts = set(typing.get_args(typing.get_type_hints(Readiness)["verdict"]))
    assert set(VERDICT_CLASSES) == verdicts
    assert len(set(VERDICT_CLASSES.values())) == len(verdicts)
    style = (
        Path(__file__).resolve().parents[2]
        / "kit/share/jupyter/voila/templates/bts-kit/kit-style.html"
    ).read_text()
    for css in VERDICT_CLASSES.values():
        assert f".{css}" in style, css


def test_the_ranking_shows_a_borderline_topic_in_its_own_colour():
    """Issue 10: the results table used a copy of the verdict colours without "borderline",
    so a borderline topic was drawn muted; it takes the one mapping in view/topics.py."""
    from kit.qi.topics import CandidateResult, Readiness, TopicResult
    from kit.steps.setup.view.results import ranking_html
    from kit.steps.setup.view.topics import VERDICT_CLASSES

    candidates = [
        CandidateResult(
            candidate_id=f"c-{verdict}",
            title=f"Topic {verdict}",
            score=3.0,
            rank=n,
            n_voters=2,
            criteria=[],
            readiness=Readiness(verdict, verdict.title(), "why"),
        )
        for n, verdict in enumerate(VERDICT_CLASSES, start=1)
    ]
    page = ranking_html(TopicResult(candidates=candidates, ratings=[], weights={}, n_ballots=2))
    for verdict, css in VERDICT_CLASSES.items():
        row = next(r for r in page.split("<tr")[1:] if f"Topic {verdict}" in r)
        assert f"kit-setup-readiness {css}" in row, (verdict, row)
    assert "kit-setup-readiness kit-borderline" in page
