"""Issuing the return label once a return is approved, and printing it."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from retour.logistics import shipping
from retour.logistics.carriers import Carrier, default_carrier
from retour.logistics.errors import CarrierFailed, NoLabel
from retour.logistics.labels import label_pdf
from retour.logistics.models import Shipment
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import Actor, locked

# A label exists from its issue on; a cancelled or expired return's label must not be used any more.
LABELLED = frozenset(
    {states.LABEL_ISSUED, states.IN_TRANSIT, states.RECEIVED, states.INSPECTED, states.RESOLVED}
)


logger = logging.getLogger(__name__)


def issue_label(
    ret: Return, *, actor: Actor = None, carrier: Carrier | None = None, strict: bool = False
) -> Return:
    """Buy (or make) the label of an approved return that goes back by label, keep its tracking number,
    and move the return to label issued.

    Idempotent: a return whose label was issued already is returned as it is; a return not (yet)
    approved, or sent back another way, is left alone. When the carrier fails, the return stays approved
    (the approval is not undone) and the periodic job tries again; ``strict`` raises ``CarrierFailed``.
    """
    with transaction.atomic():
        current = locked(ret)
        if current.return_method != Return.Method.LABEL or current.state != states.APPROVED:
            return current
        try:
            with transaction.atomic():
                shipment = shipping.buy(current, carrier or default_carrier())
        except CarrierFailed as error:
            logger.warning("no label for %s: %s", current.number, error.message)
            if strict:
                raise
            return current
        Return.objects.filter(pk=current.pk).update(tracking_number=shipment.tracking_number)
        current = handling.mark_label_issued(current, actor=actor, tracking=shipment.tracking_number)
        current.tracking_number = ret.tracking_number = shipment.tracking_number
        return current


def issue_missing_labels() -> int:
    """Labels a carrier failed to give at approval, asked for again (the periodic job); how many issued."""
    issued = 0
    waiting = Return.objects.filter(state=states.APPROVED, return_method=Return.Method.LABEL)
    for ret in waiting.exclude(shipments__status=Shipment.Status.ACTIVE)[:200]:
        issued += issue_label(ret).state == states.LABEL_ISSUED
    return issued


def postage_paid(ret: Return) -> bool:
    """Whether the return's label in use was bought from a carrier (nothing for the shopper to pay)."""
    return Shipment.objects.filter(ret=ret, status=Shipment.Status.ACTIVE, postage_paid=True).exists()


def label_of(ret: Return) -> Shipment | None:
    """The return's label in use (bought or store-made), or None."""
    return shipping.active_label(ret)


def has_label(ret: Return) -> bool:
    """Whether ``ret`` has a label to print (and to offer for download)."""
    return ret.return_method == Return.Method.LABEL and ret.state in LABELLED


def printed_label(ret: Return, language: str = "") -> bytes:
    """The label and packing slip PDF of ``ret``, in ``language`` (default: the return's); refused with
    ``NoLabel`` when it has none."""
    if ret.return_method != Return.Method.LABEL:
        raise NoLabel(
            _("Return %(number)s does not go back by label, so it has no label.") % {"number": ret.number},
            return_method=ret.return_method,
            state=ret.state,
        )
    if ret.state not in LABELLED:
        raise NoLabel(
            _("Return %(number)s has no label: it is %(state)s.")
            % {"number": ret.number, "state": Return.State(ret.state).label},
            return_method=ret.return_method,
            state=ret.state,
        )
    shipment = shipping.active_label(ret)
    if (
        shipment is not None
        and shipment.postage_paid
        and shipment.label_format == "PDF"
        and shipment.label_file
    ):
        return bytes(shipment.label_file)  # the carrier's own label: the one its scanners read
    return label_pdf(ret, language or ret.language or ret.store.default_language)


def packing_slip(ret: Return, language: str = "") -> bytes:
    """The packing slip alone, to go with a carrier's label."""
    return label_pdf(ret, language or ret.language or ret.store.default_language, slip_only=True)
