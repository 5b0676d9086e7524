"""What shoppers read before they started a return: the help center records each visitor's readings, the
shopper portal the returns they start, under the same visitor id (``helpcenter.visitors``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from retour.catalog.models import Store
from retour.helpcenter.models import Article, Reading, ReturnStart


def read(article: Article, language: str, visitor: str, store: Store | None = None) -> None:
    """One more reading of ``article`` by ``visitor`` in ``store``'s help center: the first one is kept,
    the latest updated (with the store it was read in, for that store's analytics)."""
    updated = Reading.objects.filter(article=article, visitor=visitor).update(
        reads=F("reads") + 1, last_read_at=timezone.now(), language=language, store=store
    )
    if updated:
        return
    try:
        with transaction.atomic():
            Reading.objects.create(article=article, visitor=visitor, language=language, store=store)
    except IntegrityError:  # the same visitor's other tab got there first
        read(article, language, visitor, store)


def return_started(visitor: str, number: str) -> None:
    """Idempotent: telling twice about the same return records it once."""
    try:
        with transaction.atomic():
            ReturnStart.objects.get_or_create(visitor=visitor, return_number=number[:16])
    except IntegrityError:  # told twice at the same moment: recorded once all the same
        pass
