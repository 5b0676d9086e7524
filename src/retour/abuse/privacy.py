"""A shopper's right of access (GDPR art. 15) and to an explanation of automated decisions (art. 22): what
Retour stores about them in a store, and which signals and rules were used on their returns.

``access_report`` gathers it as JSON values, in the shopper's language; the back office shows it as a
page to send, and ``GET /api/v1/privacy/access`` returns it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from retour.abuse.models import Assessment, IdentityKey, Observation, VerdictRecord
from retour.abuse.services import assessment_data
from retour.catalog.models import Store
from retour.claims.models import Claim
from retour.core.errors import DomainError
from retour.orders.models import Customer, Order
from retour.returns.models import Return
from retour.segments import services as segments


class NoSuchShopper(DomainError):
    code = "shopper_not_found"
    status = 404


def _money(value: Any) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "language": customer.language,
        "country": customer.country,
        "loyalty_member": customer.is_member,
        "segment_imported": customer.segment,
        "external_id": customer.external_id,
    }


def _order(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "ordered_at": order.ordered_at.isoformat(),
        "email": order.email,
        "total": _money(order.total),
        "currency": order.currency,
        "ship_to": ", ".join(
            part
            for part in (
                order.shipping_name,
                order.shipping_address1,
                order.shipping_address2,
                order.shipping_postal_code,
                order.shipping_city,
                order.shipping_country,
                order.shipping_phone,
            )
            if part
        ),
        "payments": [payment.method for payment in order.payments.all()],
    }


def _return(ret: Return, language: str) -> dict[str, Any]:
    assessment = Assessment.objects.filter(ret=ret).first()
    observation = Observation.objects.filter(ret=ret).first()
    lines = ret.lines.select_related("order_line", "decision")
    return {
        "number": ret.number,
        "state": ret.state,
        "asked_at": ret.created_at.isoformat(),
        "lines": [
            {
                "item": line.order_line.title,
                "quantity": line.quantity,
                "reason": line.reason,
                "in_your_words": line.reason_text,
                "condition": line.reported_condition,
                "policy_decision": line.decision.explanation_fr
                if language == "fr"
                else line.decision.explanation_en,
            }
            for line in lines
        ],
        "abuse_assessment": assessment_data(assessment, language) if assessment is not None else None,
        "verdicts": [
            {"verdict": record.verdict, "at": record.at.isoformat()}
            for record in VerdictRecord.objects.filter(assessment=assessment)
        ]
        if assessment is not None
        else [],
        "observed": {
            "shipped_weight_grams": observation.shipped_weight_grams,
            "received_weight_grams": observation.received_weight_grams,
            "worn": observation.worn,
            "device_cookie": observation.device_cookie,
            "card_fingerprint": observation.card_fingerprint,
            "refund_before_shipping": observation.refund_before_shipping,
        }
        if observation is not None
        else None,
    }


def access_report(store: Store, email: str, language: str = "en") -> dict[str, Any]:
    """Everything stored about the shopper of ``email`` in ``store``, and how it was used, in ``language``
    ("en" or "fr"). ``NoSuchShopper`` when the store knows no one by that address."""
    language = "fr" if language.startswith("fr") else "en"
    customers = list(
        Customer.objects.filter(store=store, email__iexact=email.strip()).select_related("store")
    )
    orders = list(
        Order.objects.filter(store=store, email__iexact=email.strip()).prefetch_related("payments")
        | Order.objects.filter(customer__in=customers).prefetch_related("payments")
    )
    if not customers and not orders:
        raise NoSuchShopper(_("The store knows no shopper by this email address."))
    with translation.override(language):
        returns = Return.objects.filter(order__in=orders).order_by("created_at", "id")
        profiles = []
        for customer in customers:
            profile = segments.profile_data(segments.recompute(customer))
            label = (
                segments.segment_label(store.pk, profile["segment"], language) if profile["segment"] else ""
            )
            profile["segment_label"] = label or _("no segment")
            profiles.append(profile)
        return {
            "store": store.code,
            "email": email.strip(),
            "language": language,
            "generated_for": _("Your personal data held by %(store)s, and how it was used.")
            % {"store": store.name},
            "customers": [_customer(customer) for customer in customers],
            "profiles": profiles,
            "identity_keys": sorted({row.kind for row in IdentityKey.objects.filter(customer__in=customers)}),
            "orders": [_order(order) for order in sorted(set(orders), key=lambda o: o.ordered_at)],
            "returns": [_return(ret, language) for ret in returns],
            "claims": [
                {
                    "number": claim.number,
                    "type": claim.claim_type,
                    "state": claim.state,
                    "filed_at": claim.filed_at.isoformat(),
                }
                for claim in Claim.objects.filter(order__in=orders).order_by("filed_at")
            ],
            "automated_decisions": _(
                "Your returns are decided by the store's published return policy (each decision above says "
                "why). Abuse signals only send a return to a person for review: no return is refused on "
                "them without a person deciding, and you may ask for that person's review and contest it."
            ),
        }
