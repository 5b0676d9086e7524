"""The repairer is chosen by the store's rules (the most specific first), else the marketplace seller who
sold the item, else the store's workshop; a repair under the guarantee is never quoted, and a declined
quote costs at most the store's diagnosis fee."""

from __future__ import annotations

from decimal import Decimal

import pytest

from retour.core.money import Money
from retour.repairs.domain import quotes, routing
from retour.repairs.domain.routing import Choice, Item, Rule

pytestmark = pytest.mark.unit

RULES = (
    Rule("fixit", category="electronics"),
    Rule("brand-lab", category="electronics", brand="Sonora"),
    Rule("atelier", seller="durand"),
)
PARTNERS = frozenset({"fixit", "brand-lab"})


def test_the_most_specific_rule_wins():
    assert routing.choose(Item("electronics", "SONORA", ""), RULES, PARTNERS) == Choice(
        "partner", "brand-lab", 1
    )
    assert routing.choose(Item("electronics", "Other", ""), RULES, PARTNERS) == Choice("partner", "fixit", 0)


def test_a_rule_naming_no_partner_sends_to_the_stores_workshop_of_that_name():
    item = Item("shoes", "", "durand", own_stock=False)

    assert routing.choose(item, RULES, PARTNERS) == Choice("workshop", "atelier", 2)


def test_without_a_rule_a_marketplace_item_goes_to_its_seller_and_the_rest_to_the_workshop():
    assert routing.choose(Item("shoes", "", "leroux", own_stock=False), RULES, PARTNERS) == Choice(
        "seller", "leroux", -1
    )
    assert routing.choose(Item("shoes", "", ""), RULES, PARTNERS) == Choice("workshop", "workshop", -1)


def test_a_repair_under_the_guarantee_is_free_and_is_never_quoted():
    with pytest.raises(quotes.QuoteRefused) as refused:
        quotes.check_quote(Money(Decimal("45"), "EUR"), under_guarantee=True)
    assert refused.value.code == "free_under_guarantee"
    assert quotes.due_on_acceptance(Money(Decimal("45"), "EUR"), under_guarantee=True) == Money.zero("EUR")


def test_a_quote_is_more_than_nothing():
    with pytest.raises(quotes.QuoteRefused) as refused:
        quotes.check_quote(Money(Decimal("0"), "EUR"), under_guarantee=False)
    assert refused.value.code == "quote_not_positive"


def test_a_declined_quote_costs_the_diagnosis_fee_never_more_than_the_quote():
    quote = Money(Decimal("30.00"), "EUR")

    assert quotes.due_on_decline(quote, Decimal("15.00"), under_guarantee=False) == Money(
        Decimal("15.00"), "EUR"
    )
    assert quotes.due_on_decline(quote, Decimal("50.00"), under_guarantee=False) == quote
    assert quotes.due_on_decline(quote, Decimal("0"), under_guarantee=False) == Money.zero("EUR")
    assert quotes.due_on_decline(quote, Decimal("15.00"), under_guarantee=True) == Money.zero("EUR")
    assert quotes.due_on_acceptance(quote, under_guarantee=False) == quote


def test_a_quote_records_the_stores_diagnosis_fee_or_a_lower_one_never_a_higher():
    store_fee = Decimal("25.00")

    assert quotes.fee_for_quote(None, store_fee) == store_fee  # stated none: the store's
    assert quotes.fee_for_quote(Decimal("10.00"), store_fee) == Decimal("10.00")
    assert quotes.fee_for_quote(Decimal("0"), store_fee) == Decimal("0")  # waived
    assert quotes.fee_for_quote(Decimal("25.00"), store_fee) == store_fee
    with pytest.raises(quotes.QuoteRefused) as refused:
        quotes.fee_for_quote(Decimal("25.01"), store_fee)
    assert refused.value.code == "fee_above_policy"
    with pytest.raises(quotes.QuoteRefused) as refused:
        quotes.fee_for_quote(Decimal("5"), Decimal("0"))  # a store without a fee: none may be stated
    assert refused.value.code == "fee_above_policy"
    with pytest.raises(quotes.QuoteRefused) as refused:
        quotes.fee_for_quote(Decimal("-1"), store_fee)
    assert refused.value.code == "fee_not_an_amount"
    assert quotes.fee_for_quote(None, Decimal("-3")) == Decimal(0)  # a negative policy charges nothing
