"""Property: what a shopper is shown before confirming a return is what is stored and paid, to the cent.

Random orders (several lines and units, line and order discounts, tax included or added, shipping, four
currencies with two, zero and three decimals, members whose return shipping is free, gifts), random
returns (reasons, conditions, delivered days ago: withdrawal, standard, late), one or two returns in a
row. For each: the portal's offers (explanation, choice, summary, store credit), the stored decisions,
the API, the L242-4 base, the decisions at inspection, the refund paid and its store-credit bonus.

The default run tries ``RETOUR_MONEY_EXAMPLES`` examples (100); for the record it ran 1,000 on SQLite and on
PostgreSQL: ``RETOUR_MONEY_EXAMPLES=1000 pytest tests/integration/refunds/test_quote_properties.py``.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from integration.refunds.helpers import balanced
from retour.api.v1.returns import present
from retour.core.money import Money
from retour.portal.offers import offers
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.models import Return
from retour.returns.services import amounts, handling
from retour.returns.services.creating import KEEP, LineRequest, decide_lines, request_return

NUMBERS = itertools.count(1)
EXAMPLES = int(os.environ.get("RETOUR_MONEY_EXAMPLES", "100"))
CURRENCIES = {"EUR": ("FR", 2), "GBP": ("GB", 2), "USD": ("US", 2), "JPY": ("DE", 0), "KWD": ("FR", 3)}
REASONS = ["changed_mind", "size_fit", "defective", "not_as_described", "damaged_in_transit"]
CONDITIONS = ["unopened", "opened", "used", "damaged"]


@st.composite
def orders(draw):
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    country, places = CURRENCIES[currency]
    scale = 10**places

    def amount(units: int) -> str:
        return str(Money.from_minor(units, currency).amount)

    count = draw(st.integers(1, 4))
    lines, remaining = [], []
    tax_included = draw(st.booleans())
    for index in range(count):
        quantity = draw(st.integers(1, 4))
        price = draw(st.integers(1, 200 * scale))
        gross = price * quantity
        discount = draw(st.sampled_from([0, 0, gross // 3, draw(st.integers(0, gross))]))
        tax = 0 if tax_included else draw(st.sampled_from([0, (gross - discount) // 5]))
        line = {
            "title": f"Article {index}",
            "quantity": quantity,
            "unit_price": amount(price),
            "discount": amount(discount),
            "tax": amount(tax),
            "fulfilled_quantity": quantity,
            "final_sale": draw(st.sampled_from([False] * 9 + [True])),
        }
        lines.append(line)
        remaining.append(gross - discount + tax)
    order_discount = draw(st.sampled_from([0, 0, sum(remaining) // 10]))
    order_discount = min(order_discount, sum(r for r in remaining))  # never more than is left
    shipping = draw(st.sampled_from([0, 490 * scale // 100, 1290 * scale // 100]))
    return {
        "currency": currency,
        "country": draw(st.sampled_from([country, "FR", "US"])),
        "lines": lines,
        "tax_included": tax_included,
        "order_discount": amount(order_discount),
        "shipping": amount(shipping),
        "paid": amount(sum(remaining) - order_discount + shipping),
        "member": draw(st.sampled_from([False, False, True])),
        "is_gift": draw(st.sampled_from([False] * 5 + [True])),
        "delivered_days_ago": draw(st.sampled_from([2, 10, 20, 40, 70])),
    }


picks = st.lists(
    st.tuples(
        st.integers(0, 3),  # which line
        st.integers(1, 4),  # how many units
        st.sampled_from(REASONS),
        st.sampled_from(CONDITIONS),
        st.booleans(),  # store credit rather than a refund, when offered
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda pick: pick[0],
)


def make(make_order, spec) -> object:
    delivered = datetime.now(UTC) - timedelta(days=spec["delivered_days_ago"])
    number = f"#Q{next(NUMBERS)}"
    return make_order(
        number,
        delivered=delivered,
        currency=spec["currency"],
        shipping_country=spec["country"],
        customer={"email": f"{number[1:]}@example.com", "country": spec["country"], "member": spec["member"]},
        lines=spec["lines"],
        tax_included=spec["tax_included"],
        order_discount=spec["order_discount"],
        shipping=spec["shipping"],
        is_gift=spec["is_gift"],
        payments=[{"method": "card", "amount": spec["paid"]}],
    )


def requests_for(order, chosen, units_left) -> list[LineRequest]:
    ordered = list(order.lines.order_by("position"))
    found = []
    for which, count, reason, condition, credit in chosen:
        if which >= len(ordered) or units_left[ordered[which].pk] <= 0:
            continue
        line = ordered[which]
        units = min(count, units_left[line.pk])
        found.append(LineRequest(line.pk, units, reason, condition, "store_credit" if credit else "refund"))
    return found


def one_return(order, chosen, language: str, method: str, units_left: dict[int, int]) -> bool:
    """Ask, check what was shown against what is stored and paid; False when nothing could be returned."""
    asked = requests_for(order, chosen, units_left)
    if not asked:
        return False
    with translation.override(language):
        decided = decide_lines(order, asked, now=timezone.now())
        shown, summary = offers(order, decided)
    eligible = [offer for offer in shown if offer.eligible]
    if summary is None:
        return False
    currency = order.currency
    # What the shopper was told, line by line and in all.
    told = {offer.decided.line.pk: offer.decided.decision for offer in eligible}
    explained = {offer.decided.line.pk: offer.explanation for offer in eligible}
    lines_total = sum((Money(d.refund_amount, currency) for d in told.values()), Money.zero(currency))
    assert summary.refund == lines_total + summary.outbound_shipping
    assert summary.fees == sum((Money(d.fees_total, currency) for d in told.values()), Money.zero(currency))
    credit_total = sum((Money(d.store_credit_amount, currency) for d in told.values()), Money.zero(currency))
    assert summary.store_credit == credit_total + summary.outbound_shipping
    for offer in eligible:
        decision = offer.decided.decision
        assert decision.refund_amount == decision.item_refund - decision.fees_total >= 0
        assert Money(decision.refund_amount, currency).is_rounded
        for choice in offer.choices:
            if choice.resolution in ("refund", KEEP):
                assert (
                    Money(decision.refund_amount, currency).format("fr_FR" if language == "fr" else "en_GB")
                    in choice.detail
                )
    requests = []
    for offer in eligible:
        item = offer.decided
        wanted = "store_credit" if item.request.resolution == "store_credit" else "refund"
        allowed = [c.resolution for c in offer.choices]
        chosen_resolution = wanted if wanted in allowed else allowed[0]
        if chosen_resolution == "exchange":
            return False  # an exchange is no refund: not what this property is about
        requests.append(
            LineRequest(
                item.line.pk,
                item.request.quantity,
                item.request.reason,
                item.request.condition,
                chosen_resolution,
            )
        )
    shipped = [r for r in requests if r.resolution != KEEP]
    return_method = (summary.methods[0][0] if summary.methods else "") if shipped else ""
    ret, _created = request_return(order, requests, language=language, return_method=return_method)
    event(f"{len(requests)} line(s), {currency}, fee {'kept' if summary.fees else 'none'}")
    # What is stored and what the API says: the same amounts and words.
    stored = {line.order_line_id: line for line in ret.lines.select_related("decision")}
    for line_id, decision in told.items():
        row = stored[line_id].decision
        assert (row.item_refund, row.fees, row.refund_amount, row.store_credit_amount) == (
            decision.item_refund,
            decision.fees_total,
            decision.refund_amount,
            decision.store_credit_amount,
        )
        assert getattr(row, f"explanation_{language}") == explained[line_id]
    for line in present(ret).lines:
        assert line.decisions[0].refund_amount == told[line.order_line].refund_amount
    assert amounts.owed(ret) == summary.refund  # what the L242-4 surcharge is counted on
    if ret.state == "requested":
        ret = handling.approve(ret, actor=None)
    ret = Return.objects.get(pk=ret.pk)
    if any(r.resolution != KEEP for r in requests):
        ret = handling.receive(ret, actor=None)
        gradings = [handling.Grading(line.pk, line.reported_condition) for line in ret.lines.all()]
        ret = handling.inspect(ret, gradings, actor=None)
        for line in ret.lines.select_related("decision", "inspection_decision"):
            assert line.inspection_decision.refund_amount == line.decision.refund_amount
            assert line.inspection_decision.store_credit_amount == line.decision.store_credit_amount
    request, _ = request_refund(ret, idempotency_key=f"{order.number}-{ret.pk}", method=method)
    assert Money(request.amount, currency) == summary.refund
    assert Money(request.fees, currency) == summary.fees
    for refund in request.refunds.filter(status="pending", gateway="manual"):
        confirm_manual(refund, actor=None)
    paid_as_credit = sum((r.amount + r.bonus for r in request.refunds.all()), Decimal(0))
    if method == "store_credit":
        assert Money(paid_as_credit, currency) == summary.store_credit
    else:
        assert sum((r.bonus for r in request.refunds.all()), Decimal(0)) == 0
    for asked_line in requests:
        units_left[asked_line.order_line_id] -= asked_line.quantity
    return True


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no slow "explain"
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spec=orders(),
    first=picks,
    second=picks,
    again=st.booleans(),
    language=st.sampled_from(["en", "fr"]),
    credit=st.booleans(),
)
def test_what_is_shown_before_confirming_is_what_is_paid(
    make_order, policy_store, spec, first, second, again, language, credit
):
    order = make(make_order, spec)
    units_left = {line.pk: line.quantity for line in order.lines.all()}
    method = "store_credit" if credit else "original"
    done = one_return(order, first, language, method, units_left)
    if done and again and one_return(order, second, language, method, units_left):
        event("a second return of the same order")
    assert balanced()
