"""What each step of a refund posts to the ledger.

Asked for: the whole request is promised (sales returns for the goods, shipping cost for the outbound
shipping paid back, fee income for the fees kept, the rest owed to the shopper in refunds payable). Each
tender then settles its part of the promise when it is paid (by a provider or by hand, as store credit,
back to a gift card), or withdraws it when it fails; a request whose every tender failed is closed out.
The items of a marketplace seller are charged back to the seller once the whole request is paid.
"""

from __future__ import annotations

from decimal import Decimal

from retour.core.money import Money
from retour.refunds import gateways
from retour.refunds.domain import ledger
from retour.refunds.gateways.base import FAILED
from retour.refunds.models import Refund, RefundRequest
from retour.refunds.services import books
from retour.returns.services.amounts import Computed

PAID_TO = {
    gateways.STORE_CREDIT: ledger.STORE_CREDIT_LIABILITY,
    gateways.GIFT_CARD: ledger.GIFT_CARD_LIABILITY,
}


def promised(request: RefundRequest, computed: Computed) -> None:
    b = computed.breakdown
    books.post(
        ledger.refund_promised(b.merchandise + b.tax, b.outbound_shipping, b.fees),
        store_id=request.store_id,
        currency=request.currency,
        request=request,
    )


def paid(refund: Refund) -> None:
    account = PAID_TO.get(refund.gateway, ledger.PAYMENT_CLEARING)
    _post(refund, ledger.settle_payable(_money(refund.amount, refund), paid_to=account))
    if refund.bonus:  # the policy's bonus on top: a marketing expense, owed as store credit
        _post(refund, ledger.store_credit_bonus(_money(refund.bonus, refund)))


def failed(refund: Refund) -> None:
    request = refund.request
    # A payout (no return) was charged to the account its breakdown names, under its reference.
    charged_to = request.breakdown.get("charged_to", ledger.SALES_RETURNS)
    reference = request.breakdown.get("reference", "")
    books.post(
        ledger.refund_failed(_money(refund.amount, refund), charged_to=charged_to),
        store_id=request.store_id,
        currency=refund.currency,
        refund=refund,
        reference=f"{reference}:failed:{refund.pk}" if reference else "",
    )
    if not request.refunds.exclude(status=FAILED).exists():  # nothing of it was paid: no promise left
        books.post(
            ledger.closing("refund withdrawn", books.balances_of(request)),
            store_id=request.store_id,
            currency=request.currency,
            request=request,
        )


def charged_back_to_sellers(request: RefundRequest) -> None:
    for code, owed in request.breakdown.get("sellers", {}).items():
        if Decimal(owed) > 0:
            books.post(
                ledger.seller_charged_back(Money(Decimal(owed), request.currency)),
                store_id=request.store_id,
                currency=request.currency,
                request=request,
                memo=f"seller {code}",
            )


def _money(amount: Decimal, refund: Refund) -> Money:
    return Money(Decimal(amount), refund.currency)


def _post(refund: Refund, entry: ledger.Transaction) -> None:
    books.post(entry, store_id=refund.request.store_id, currency=refund.currency, refund=refund)
