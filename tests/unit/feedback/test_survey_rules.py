"""The survey's rules without a database: what an answer is, and when one may be given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.feedback.domain import survey


def test_a_valid_answer_is_taken_with_its_comment_cleaned() -> None:
    checked = survey.check_answer("4", "oui", "  Très bien\x00 emballé \n")
    assert checked.errors == {}
    assert checked.answer == survey.Answer(4, True, "Très bien emballé")


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_a_missing_satisfaction_is_named(raw: object) -> None:
    assert survey.check_answer(raw, "yes", "").errors == {"satisfaction": survey.SATISFACTION_MISSING}


@pytest.mark.parametrize("raw", ["0", "6", "3.5", "trois", True, -1, 10])
def test_a_satisfaction_outside_one_to_five_is_refused(raw: object) -> None:
    checked = survey.check_answer(raw, "no", "")
    assert checked.answer is None
    assert checked.errors == {"satisfaction": survey.SATISFACTION_OUT_OF_RANGE}


@pytest.mark.parametrize(("raw", "expected"), [("yes", True), ("NON", False), (False, False), ("1", True)])
def test_would_buy_again_reads_both_languages(raw: object, expected: bool) -> None:
    answer = survey.check_answer(5, raw, "").answer
    assert answer is not None
    assert answer.would_buy_again is expected


def test_every_error_is_given_at_once() -> None:
    checked = survey.check_answer("9", "maybe", "x" * (survey.COMMENT_MAX + 1))
    assert checked.errors == {
        "satisfaction": survey.SATISFACTION_OUT_OF_RANGE,
        "would_buy_again": survey.BUY_AGAIN_MISSING,
        "comment": survey.COMMENT_TOO_LONG,
    }


def test_a_survey_is_answered_once_and_only_after_the_return_closes() -> None:
    assert survey.may_answer(closed=True, answered=False) == (True, "")
    assert survey.may_answer(closed=False, answered=False) == (False, survey.NOT_CLOSED)
    assert survey.may_answer(closed=True, answered=True) == (False, survey.ANSWERED)


@given(st.integers(min_value=-1000, max_value=1000))
def test_only_one_to_five_is_ever_accepted(score: int) -> None:
    accepted = survey.check_answer(score, True, "").answer is not None
    assert accepted == (1 <= score <= 5)


def test_opt_outs_are_kept_whatever_the_spelling_of_the_address() -> None:
    assert survey.normalised_email("  Lea.Martin@Example.COM ") == "lea.martin@example.com"
