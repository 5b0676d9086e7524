"""Balances shoppers spend: a customer's store credit (``/api/v1/customers/{id}/store-credit``) and a gift
card's (``/api/v1/gift-cards/{code}``). Spending is once per ``reference`` (what it pays for, e.g. the
order's number): asking again with it returns the first answer and spends nothing more."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.scope import one_store, store_scope, within
from retour.api.v1.returns import require
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.orders.models import Customer
from retour.refunds.services import gift_cards, store_credit

customers_router = Router(tags=["store credit"])
gift_cards_router = Router(tags=["gift cards"])


class CustomerNotFound(DomainError):
    code = "customer_not_found"
    status = 404


class BalanceOut(Schema):
    amount: Decimal
    currency: str


class SpendIn(Schema):
    amount: Decimal
    currency: str
    reference: str


class SpentOut(Schema):
    reference: str
    amount: Decimal
    currency: str
    at: datetime
    balance: BalanceOut


def _balance(money: Money) -> BalanceOut:
    return BalanceOut(amount=money.rounded().amount, currency=money.currency)


def _customer(request: HttpRequest, customer_id: int, store: str | None) -> Customer:
    found = within(Customer.objects.filter(pk=customer_id), store_scope(request, store)).first()
    if found is None:
        raise CustomerNotFound(_("There is no customer %(id)s.") % {"id": customer_id})
    return found


@customers_router.get(
    "/{customer_id}/store-credit", response=list[BalanceOut], summary="Store credit balances"
)
def get_store_credit(request: HttpRequest, customer_id: int, store: str | None = None) -> list[BalanceOut]:
    """One balance per currency the customer holds credit in."""
    require(request, "refunds.view_storecreditaccount", _("You may not see store credit."))
    return [_balance(b) for b in store_credit.balances(_customer(request, customer_id, store))]


@customers_router.post(
    "/{customer_id}/store-credit/use",
    response={200: SpentOut, 201: SpentOut},
    summary="Spend store credit",
)
def use_store_credit(
    request: HttpRequest, customer_id: int, body: SpendIn, store: str | None = None
) -> Status[SpentOut]:
    """Never below zero (``not_enough_store_credit``); the same reference with another amount is refused
    (``reference_reused``)."""
    require(request, "refunds.add_storecreditmovement", _("You may not spend store credit."))
    customer = _customer(request, customer_id, store)
    amount = Money(body.amount, body.currency.upper())
    movement, created = store_credit.spend(customer, amount, reference=body.reference)
    left = store_credit.balance(customer, amount.currency)
    out = SpentOut(
        reference=movement.reference,
        amount=Money(-Decimal(movement.amount), amount.currency).rounded().amount,
        currency=amount.currency,
        at=movement.created_at,
        balance=_balance(left),
    )
    return Status(201 if created else 200, out)


@gift_cards_router.get("/{code}", response=BalanceOut, summary="A gift card's balance")
def get_gift_card(request: HttpRequest, code: str, store: str | None = None) -> BalanceOut:
    require(request, "refunds.view_giftcard", _("You may not see gift cards."))
    return _balance(gift_cards.balance(gift_cards.find(one_store(request, store), code)))


@gift_cards_router.post("/{code}/use", response={200: SpentOut, 201: SpentOut}, summary="Spend a gift card")
def use_gift_card(
    request: HttpRequest, code: str, body: SpendIn, store: str | None = None
) -> Status[SpentOut]:
    require(request, "refunds.add_giftcardmovement", _("You may not spend gift cards."))
    card = gift_cards.find(one_store(request, store), code)
    movement, created = gift_cards.spend(
        card, Money(body.amount, body.currency.upper()), reference=body.reference
    )
    out = SpentOut(
        reference=movement.reference,
        amount=Money(-Decimal(movement.amount), card.currency).rounded().amount,
        currency=card.currency,
        at=movement.created_at,
        balance=_balance(gift_cards.balance(card)),
    )
    return Status(201 if created else 200, out)
