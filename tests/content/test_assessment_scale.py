"""The assessment scale names the IHI version it paraphrases, and a collaborative can reword
each level without touching the kit's defaults.

Source: Institute for Healthcare Improvement, Assessment Scale for Collaboratives (tool),
as named in ``kit/content/assessment_scale.yaml``.
"""

from __future__ import annotations

import pytest

import kit.content as content
from kit.errors import KitInputError


def test_the_file_names_the_version_it_follows_and_says_it_is_paraphrased() -> None:
    data = content.assessment_scale()
    assert "IHI" in data["version"] and "Assessment Scale for Collaboratives" in data["version"]
    assert "paraphrased" in data["sources"]["ihi_assessment_scale"].lower()


def test_spread_appears_first_at_the_level_the_cited_version_puts_it() -> None:
    data = content.assessment_scale()
    spread_from = data["spread_begins_at"]
    assert spread_from in content.ASSESSMENT_SCORES
    for level in data["levels"]:
        mentions_spread = "spread" in level["description"].lower()
        assert mentions_spread == (level["score"] >= spread_from), level["score"]


def test_levels_are_one_to_five_in_halves_with_our_own_short_wording() -> None:
    levels = content.assessment_levels()
    assert tuple(level["score"] for level in levels) == content.ASSESSMENT_SCORES
    for level in levels:
        assert level["label"] and 20 < len(level["description"]) < 260
        assert level["customised"] is False


def test_overrides_replace_only_the_levels_they_name() -> None:
    levels = content.assessment_levels(
        {2.5: "PDSA tests under way on falls-risk assessment; no change in the falls rate yet."}
    )
    by_score = {level["score"]: level for level in levels}
    assert by_score[2.5]["description"].startswith("PDSA tests under way")
    assert by_score[2.5]["customised"] is True
    assert by_score[2.5]["label"] == "Changes tested, no improvement yet"
    assert [s for s, lv in by_score.items() if lv["customised"]] == [2.5]


def test_overrides_accept_a_label_and_scores_written_as_text() -> None:
    levels = content.assessment_levels({"4.5": {"label": "Holding the gains"}})
    level = next(lv for lv in levels if lv["score"] == 4.5)
    assert level["label"] == "Holding the gains" and level["customised"]
    assert "spread" in level["description"]


def test_merging_never_changes_the_shared_defaults() -> None:
    before = [dict(level) for level in content.assessment_scale()["levels"]]
    content.assessment_levels({1.0: "Our own words for level one."})
    assert content.assessment_scale()["levels"] == before
    assert content.assessment_levels()[0]["description"] == before[0]["description"]


@pytest.mark.parametrize("score", [0.5, 5.5, 2.25, 0, "three", None, True])
def test_scores_off_the_scale_are_refused(score: object) -> None:
    with pytest.raises(KitInputError, match="assessment scale"):
        content.assessment_levels({score: "Some wording"})


@pytest.mark.parametrize("wording", ["", "   ", {"description": ""}, {"label": "\n"}])
def test_empty_wording_is_refused(wording: object) -> None:
    with pytest.raises(KitInputError, match="cannot be empty"):
        content.assessment_levels({3.0: wording})  # type: ignore[dict-item]


def test_only_label_and_description_can_be_changed() -> None:
    with pytest.raises(KitInputError, match="only its label and description"):
        content.assessment_levels({3.0: {"score": "4"}})
