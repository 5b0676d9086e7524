"""Issuing the return label once a return is approved."""

from __future__ import annotations

from django.db import transaction

from retour.logistics.carriers import Carrier, default_carrier
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import Actor, locked


def issue_label(ret: Return, *, actor: Actor = None, carrier: Carrier | None = None) -> Return:
    """Give an approved return that goes back by label its tracking number, and move it to label issued.

    Idempotent: a return whose label was issued already is returned as it is; a return not (yet)
    approved, or sent back another way, is left alone.
    """
    with transaction.atomic():
        current = locked(ret)
        if current.return_method != Return.Method.LABEL or current.state != states.APPROVED:
            return current
        shipment = (carrier or default_carrier()).create_label(current)
        Return.objects.filter(pk=current.pk).update(tracking_number=shipment.tracking_number)
        current = handling.mark_label_issued(current, actor=actor, tracking=shipment.tracking_number)
        current.tracking_number = ret.tracking_number = shipment.tracking_number
        return current
