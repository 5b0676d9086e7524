"""Choosing a return address: the first rule by priority whose every criterion holds; none, the store's."""

from __future__ import annotations

import pytest

from retour.logistics.domain.routing import AddressRule, ReturnFacts, choose, codes, matches

pytestmark = pytest.mark.unit

FRENCH_SHOES = ReturnFacts(country="FR", sellers=frozenset({"store"}), categories=frozenset({"shoes"}))
BELGIAN_DRESS = ReturnFacts(country="BE", sellers=frozenset({"atelier"}), categories=frozenset({"dresses"}))


def test_an_empty_rule_takes_every_return():
    assert matches(AddressRule(1), FRENCH_SHOES)
    assert matches(AddressRule(1), BELGIAN_DRESS)


def test_a_seller_rule_takes_only_returns_of_that_sellers_items():
    atelier = AddressRule(2, seller="atelier")
    assert matches(atelier, BELGIAN_DRESS)
    assert not matches(atelier, FRENCH_SHOES)
    mixed = ReturnFacts("BE", frozenset({"atelier", "store"}), frozenset())
    assert not matches(atelier, mixed)  # the store's own items do not go to the seller


def test_country_and_category_rules_must_both_hold():
    rule = AddressRule(3, countries=frozenset({"FR"}), categories=frozenset({"shoes"}))
    assert matches(rule, FRENCH_SHOES)
    assert not matches(rule, ReturnFacts("FR", frozenset({"store"}), frozenset({"dresses"})))
    assert not matches(rule, ReturnFacts("BE", frozenset({"store"}), frozenset({"shoes"})))


def test_the_first_rule_by_priority_wins_then_the_oldest():
    rules = [AddressRule(10, priority=100), AddressRule(11, priority=10, seller="atelier"), AddressRule(9)]
    assert choose(rules, BELGIAN_DRESS) == 11
    assert choose(rules, FRENCH_SHOES) == 9  # same priority: the lower id


def test_no_rule_matching_leaves_the_stores_own_address():
    assert choose([AddressRule(1, countries=frozenset({"DE"}))], FRENCH_SHOES) is None
    assert choose([], FRENCH_SHOES) is None


def test_codes_are_read_from_a_comma_list():
    assert codes(" fr, BE ,,de", upper=True) == frozenset({"FR", "BE", "DE"})
    assert codes("") == frozenset()
