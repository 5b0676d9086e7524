"""A store's own translation of a shared article wins, per slug and language."""

from __future__ import annotations

from retour.helpcenter.domain.overrides import Candidate, preferred, shown


def test_the_stores_own_translation_wins_whatever_the_order():
    shared, own = Candidate("fees", "en", False, "shared"), Candidate("fees", "en", True, "own")
    assert shown([shared, own]) == {("fees", "en"): "own"}
    assert shown([own, shared]) == {("fees", "en"): "own"}


def test_a_language_the_store_did_not_write_keeps_the_shared_text():
    found = shown(
        [
            Candidate("fees", "en", False, "shared en"),
            Candidate("fees", "fr", False, "shared fr"),
            Candidate("fees", "fr", True, "own fr"),
            Candidate("window", "en", False, "window en"),
        ]
    )
    assert found == {("fees", "en"): "shared en", ("fees", "fr"): "own fr", ("window", "en"): "window en"}


def test_the_readers_language_first_else_another_in_a_stable_order():
    assert preferred({"en": 1, "fr": 2}, "fr") == 2
    assert preferred({"fr": 2, "en": 1}, "de") == 1
    assert preferred({}, "en") is None
