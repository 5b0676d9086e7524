"""Searches that several shoppers followed to one article become that article's questions."""

from __future__ import annotations

from retour.helpcenter.domain.learning import Click, learned_questions


def test_a_query_two_visitors_followed_to_one_article_is_learned_in_their_words():
    clicks = [Click("Who pays  the postage", "costs", "a"), Click("who pays the postage", "costs", "b")]
    assert learned_questions(clicks) == {"costs": ("who pays the postage",)}


def test_one_visitor_alone_or_the_same_visitor_twice_teaches_nothing():
    assert learned_questions([Click("postage", "costs", "a"), Click("postage", "costs", "a")]) == {}


def test_an_ambiguous_query_is_learned_for_no_article_and_a_clear_one_for_the_most_followed():
    tied = [Click("label", "labels", "a"), Click("label", "labels", "b")]
    tied += [Click("label", "qr", "c"), Click("label", "qr", "d")]
    assert learned_questions(tied) == {}
    clear = [*tied, Click("label", "labels", "e")]
    assert learned_questions(clear) == {"labels": ("label",)}


def test_a_visitor_who_said_the_article_did_not_help_does_not_count():
    clicks = [Click("postage", "costs", "a"), Click("postage", "costs", "b")]
    assert learned_questions(clicks, unhelpful=[("costs", "b")]) == {}
