"""Issuing the return label once a return is approved, and printing it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from retour.logistics.carriers import Carrier, default_carrier
from retour.logistics.errors import NoLabel
from retour.logistics.labels import label_pdf
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import Actor, locked

# A label exists from its issue on; a cancelled or expired return's label must not be used any more.
LABELLED = frozenset(
    {states.LABEL_ISSUED, states.IN_TRANSIT, states.RECEIVED, states.INSPECTED, states.RESOLVED}
)


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
    return label_pdf(ret, language or ret.language or ret.store.default_language)
