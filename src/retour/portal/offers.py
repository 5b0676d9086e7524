"""What the options screen shows for each item, built from the policy's decisions and the refund estimate:
what the shopper gets per resolution, how and when, and for a refused item why and what else to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from retour.catalog.models import Variant
from retour.catalog.services import exchange_options, variant_label
from retour.core.money import Money
from retour.orders.models import Order
from retour.policies import services as policies
from retour.policies.domain.vocabulary import SELLER_FAULT_REASONS, region_of
from retour.portal import wording
from retour.refunds.services import deadlines
from retour.returns.services.amounts import Estimate
from retour.returns.services.creating import KEEP, Decided, allowed_methods, quote

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale() -> str:
    return LOCALES["fr" if (translation.get_language() or "en").startswith("fr") else "en"]


def shopper_language() -> str:
    return "fr" if (translation.get_language() or "en").startswith("fr") else "en"


@dataclass(frozen=True)
class Choice:
    resolution: str
    label: str
    detail: str  # what it gives: "55,05 € back to your card", "10 % more than a refund, to spend…"


@dataclass(frozen=True)
class Offer:
    decided: Decided
    eligible: bool
    explanation: str
    choices: list[Choice]
    variants: list[tuple[int, str]]  # exchange candidates: variant id, how it reads
    alternatives: list[tuple[str, str]]  # a refused item: what else is possible (text, link or "")
    photo_required: bool
    photos_allowed: bool  # required, or welcome: the shopper says the item is faulty or damaged

    @property
    def line(self) -> object:
        return self.decided.line

    @property
    def key(self) -> str:
        return str(self.decided.line.pk)


@dataclass(frozen=True)
class Summary:
    refund: Money  # the total to the original payment, fees deducted
    fees: Money
    fees_waived: bool
    outbound_shipping: Money
    store_credit: Money
    expected_from: date
    expected_to: date
    credit_expected: date
    methods: list[tuple[str, str]]  # return methods every shipped item allows: (method, label)
    keep_only: bool  # every eligible item stays with the shopper


def _money(amount: Money) -> str:
    return amount.format(locale())


def _choices(item: Decided, refund: Money, pay_to: str) -> list[Choice]:
    """The resolutions offered; an item the policy lets the shopper keep is only offered that (it has no
    way back to the store). ``refund``: what the item refunds, its share of the return shipping deducted
    (its decision's refund amount)."""
    choices = []
    for resolution in (KEEP,) if item.decision.keep_item else item.resolutions:
        detail = ""
        if resolution in ("refund", KEEP):
            detail = _("%(amount)s back to %(where)s") % {"amount": _money(refund), "where": pay_to}
        elif resolution == "store_credit":
            bonus = _bonus_percent(item)
            detail = (
                _("%(bonus)s %% more than a refund, to spend in the store") % {"bonus": bonus}
                if bonus
                else _("The same amount, to spend in the store")
            )
        elif resolution == "exchange":
            detail = _("Another size or colour of the same item, sent when we receive yours")
        elif resolution == "replacement":
            detail = _("The same item again, at no cost")
        elif resolution == "repair":
            detail = _("We repair it and send it back to you")
        choices.append(Choice(resolution, wording.label(wording.RESOLUTIONS, resolution), detail))
    return choices


def _alternatives(item: Decided, order: Order) -> list[tuple[str, str]]:
    """For a refused item: the way out that fits why it was refused."""
    code = item.decision.code
    help_url = reverse("helpcenter:article", args=["non-returnable-items"])
    if code == "not_delivered":
        return [
            (
                _("Not delivered yet? If it does not arrive, the marketplace guarantee protects you."),
                reverse("helpcenter:article", args=["marketplace-guarantee"]),
            ),
            (
                _("What to do about a missing parcel"),
                reverse("helpcenter:article", args=["damaged-parcel-or-missing-items"]),
            ),
        ]
    found: list[tuple[str, str]] = []
    if item.request.reason not in SELLER_FAULT_REASONS and region_of(item.facts.country) != "other":
        found.append(
            (
                _("Faulty or not as described? The legal guarantee covers it: choose that reason instead."),
                "",
            )
        )
    if code == "window_expired":
        found.append((_("About return periods"), reverse("helpcenter:article", args=["return-window"])))
    else:
        found.append((_("Items that cannot be returned"), help_url))
    return found


def _bonus_percent(item: Decided) -> int:
    """The store-credit bonus the line's policy gives, in whole per cent (10 for 10 % more)."""
    return policies.store_credit_bonus(item.version)


def offers(order: Order, decided: Sequence[Decided]) -> tuple[list[Offer], Summary | None]:
    """One offer per requested item, and the summary of the eligible ones (None when none is)."""
    payment = order.payments.order_by("position").first()
    pay_to = wording.payment_method(payment.method if payment is not None else "card")
    eligible = [item for item in decided if item.decision.eligible]
    guess: Estimate = quote(order, decided)  # the same quote as the decisions' amounts
    language = shopper_language()
    result = []
    for item in decided:
        ok = item.decision.eligible
        part = guess.per_line.get(item.line.pk)
        refund = part.refund if part is not None else Money.zero(order.currency)
        variants: list[tuple[int, str]] = []
        if ok and "exchange" in item.resolutions and item.line.variant_id is not None:
            current = Variant.objects.select_related("product").get(pk=item.line.variant_id)
            variants = [(v.pk, variant_label(v)) for v in exchange_options(current)]
        choices = _choices(item, refund, pay_to) if ok else []
        if not variants:
            choices = [c for c in choices if c.resolution != "exchange"]
        result.append(
            Offer(
                decided=item,
                eligible=ok,
                explanation=item.decision.explanation(language),
                choices=choices,
                variants=variants,
                alternatives=[] if ok else _alternatives(item, order),
                photo_required=ok and item.decision.photo_required,
                photos_allowed=ok
                and (item.decision.photo_required or item.request.reason in SELLER_FAULT_REASONS),
            )
        )
    return result, _summary(order, eligible, guess)


def _summary(order: Order, eligible: Sequence[Decided], guess: Estimate) -> Summary | None:
    if not eligible:
        return None
    keep_only = all(item.decision.keep_item for item in eligible)
    shipped = [item for item in eligible if not item.decision.keep_item]
    methods = [(m, wording.label(wording.METHODS, m)) for m in allowed_methods(shipped)]
    refund = deadlines.expected_for_new_return(order, store_credit=False, returnless=keep_only)
    credit = deadlines.expected_for_new_return(order, store_credit=True, returnless=keep_only)
    b = guess.breakdown
    return Summary(
        refund=b.total,
        fees=b.fees,
        fees_waived=b.fees_waived,
        outbound_shipping=b.outbound_shipping,
        store_credit=guess.store_credit,
        expected_from=refund.earliest,
        expected_to=refund.latest,
        credit_expected=credit.latest,
        methods=methods,
        keep_only=keep_only,
    )
