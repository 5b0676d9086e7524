"""Moving a variant's stock, with the movement recorded (``StockMovement``), under the variant's lock."""

from __future__ import annotations

from django.db import transaction

from retour.catalog.models import StockMovement, Variant


def move(variant_id: int, quantity: int, reason: str, *, return_line_id: int | None = None) -> StockMovement:
    """Add ``quantity`` (negative: take) to the variant's stock when it is tracked, and record it. A line
    already moved for this reason is not moved again (the first movement is returned)."""
    with transaction.atomic():
        if return_line_id is not None:
            done = StockMovement.objects.filter(return_line_id=return_line_id, reason=reason).first()
            if done is not None:
                return done
        variant = Variant.objects.select_for_update().get(pk=variant_id)
        if variant.stock is not None:
            variant.stock += quantity
            variant.save(update_fields=["stock"])
        return StockMovement.objects.create(
            variant=variant,
            quantity=quantity,
            reason=reason,
            stock_after=variant.stock,
            return_line_id=return_line_id,
        )
