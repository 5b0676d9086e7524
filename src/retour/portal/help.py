"""The help articles a returns page shows beside each step: the questions shoppers ask at that point."""

from __future__ import annotations

from django.utils import translation

from retour.catalog.models import Store
from retour.helpcenter.models import Article
from retour.helpcenter.services import reading

# Articles of the help center per step (slugs of the demo's, in helpcenter/sample: a test checks that each
# exists); the most popular ones stand in for a step whose articles the store has not published.
STEPS: dict[str, tuple[str, ...]] = {
    "lookup": ("start-a-return-online", "return-window", "return-a-gift"),
    "items": ("non-returnable-items", "return-window", "damaged-parcel-or-missing-items"),
    "options": ("refund-methods", "refund-timelines", "exchange-size-or-colour"),
    "confirmation": ("print-return-label-and-pack", "box-free-qr-drop-off", "return-shipping-costs"),
    "status": ("track-return-status", "refund-timelines", "late-or-missing-refund"),
    "withdrawal": ("return-window", "refund-timelines", "international-returns"),
    "claim": ("return-marketplace-item", "damaged-parcel-or-missing-items", "late-or-missing-refund"),
}


def articles_for(step: str, limit: int = 3, store: Store | None = None) -> list[tuple[Article, str]]:
    """The step's articles the store's help center shows (its own and the shared ones)."""
    language = "fr" if (translation.get_language() or "en").startswith("fr") else "en"
    found = reading.by_slugs(STEPS.get(step, ()), language, store)
    return found[:limit] if found else reading.popular(language, limit, store)
