"""The marketplace's guarantee terms, from the environment (12-factor) or the Django settings.

A deployment changes a term with an environment variable; a settings module may instead set
``CLAIM_TERMS`` to a ``Terms``, which then wins. Unset, every term is the spec's default
(claims/domain/terms.py).

    CLAIM_CAPS                     USD=2500,EUR=2300,GBP=1975,CAD=3400,JPY=375000 (the whole table)
    CLAIM_FILING_HOURS             2160  a claim is too late after max_delivery_at + this
    CLAIM_RETURN_FILING_HOURS      720   …or, unrefunded return, after return_delivered_at + this
    CLAIM_LATE_DELIVERY_HOURS      72    not received: claim from max_delivery_at + this…
    CLAIM_ORDER_AGE_HOURS          720   …or from ordered_at + this, whichever comes first
    CLAIM_SELLER_RETURN_HOURS      48    not as described: the seller's time to answer a return request
    CLAIM_SELLER_REFUND_HOURS      48    return not refunded: the seller's time to refund
    CLAIM_RESPONSE_HOURS           72    the seller's time to answer a claim
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from retour.claims.domain.terms import WINDOWS, Terms, TermsError


def configured_terms() -> Terms:
    """The terms this deployment runs with: ``settings.CLAIM_TERMS`` if set, else the environment."""
    terms = getattr(settings, "CLAIM_TERMS", None)
    if terms is None:
        return read_terms(os.environ)
    if not isinstance(terms, Terms):
        raise ImproperlyConfigured("CLAIM_TERMS must be a retour.claims.domain.terms.Terms")
    return terms


def read_terms(env: Mapping[str, str]) -> Terms:
    """The terms the variables of ``env`` set; a variable that is unset or empty keeps its default."""
    values: dict[str, Any] = {}
    caps = env.get("CLAIM_CAPS", "").strip()
    if caps:
        values["caps"] = _caps(caps)
    for window in WINDOWS:
        name = "CLAIM_" + window.upper()
        raw = env.get(name, "").strip()
        if raw:
            try:
                values[window] = int(raw)
            except ValueError:
                raise ImproperlyConfigured(f"{name} must be a whole number of hours, not {raw!r}") from None
    try:
        return Terms(**values)
    except TermsError as error:
        raise ImproperlyConfigured(f"claim terms: {error}") from None


def _caps(raw: str) -> dict[str, Decimal]:
    caps = {}
    for item in raw.split(","):
        currency, equals, amount = item.partition("=")
        try:
            cap = Decimal(amount.strip())
        except InvalidOperation:
            cap = None
        if not equals or cap is None:
            raise ImproperlyConfigured(
                f"CLAIM_CAPS must list CURRENCY=AMOUNT pairs such as USD=2500,EUR=2300, not {raw!r}"
            )
        caps[currency.strip()] = cap
    return caps
