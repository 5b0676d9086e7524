"""Where a return's parcel is: the carrier's signed tracking webhooks, and polling when they do not come.

Each event received is logged with its outcome (``domain.tracking``); only an applied one moves the
return: to ``in_transit`` when the carrier has the parcel, and "delivered to the warehouse" (an event on
the timeline, the shopper told) when the carrier delivers it. The warehouse then receives it line by line.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from easypost.errors.general.signature_verification_error import SignatureVerificationError
from easypost.util import validate_webhook

from retour.logistics import shipping
from retour.logistics.aggregator import tracking_update
from retour.logistics.carriers import Carrier, carrier_named
from retour.logistics.domain import parcels, tracking
from retour.logistics.errors import CarrierFailed
from retour.logistics.models import Shipment, TrackingEvent
from retour.returns.domain import states
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.timeline import locked, record_event

logger = logging.getLogger(__name__)

BODY_KEPT = 4_000  # characters of a refused body kept in the log (enough to see what it was)
DELIVERED_EVENT = "delivered"  # the timeline's kind: the carrier delivered the parcel to the warehouse


def receive_webhook(body: bytes, headers: dict[str, str], *, now: datetime | None = None) -> TrackingEvent:
    """Verify and apply one EasyPost event; whatever it is, it is logged with its outcome."""
    secret = settings.EASYPOST_WEBHOOK_SECRET
    try:
        if not secret:
            raise SignatureVerificationError("EASYPOST_WEBHOOK_SECRET is not set")
        event = validate_webhook(body, headers, secret)
    except SignatureVerificationError as error:
        return _log(tracking.FORGED, body=body, detail=str(error))
    except ValueError as error:  # signed, but not JSON
        return _log(tracking.MALFORMED, body=body, detail=repr(error))
    try:
        event_id, result = str(event["id"]), event["result"]
        if event.get("object") != "Event" or not str(event.get("description", "")).startswith("tracker."):
            return _log(
                tracking.NO_CHANGE, body=body, event_id=event_id, detail=str(event.get("description"))
            )
        update = tracking_update(result)
    except (KeyError, TypeError, ValueError) as error:
        return _log(tracking.MALFORMED, body=body, detail=repr(error))
    return apply(
        update, source=TrackingEvent.Source.WEBHOOK, event_id=event_id, body=body, now=now or timezone.now()
    )


def apply(
    update: parcels.TrackingUpdate,
    *,
    source: str,
    event_id: str = "",
    body: bytes = b"",
    now: datetime | None = None,
) -> TrackingEvent:
    """Judge ``update`` against what we know of its parcel, log it, and move the return when applied."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update()
            .filter(tracking_number=update.tracking_number, status=Shipment.Status.ACTIVE)
            .exclude(tracking_number="")
            .first()
        )
        if (
            event_id
            and TrackingEvent.objects.filter(event_id=event_id)
            .exclude(outcome__in=(tracking.FORGED, tracking.MALFORMED))
            .exists()
        ):
            return _log(
                tracking.DUPLICATE, update=update, shipment=shipment, event_id=event_id, source=source
            )
        verdict = tracking.judge(update, shipment.parcel() if shipment else None, now=now)
        if verdict.outcome == tracking.NO_CHANGE and shipment is not None:
            _remember(shipment, update)  # not older than what we knew (judged): the latest word
            if source == TrackingEvent.Source.POLLING:
                return TrackingEvent(outcome=verdict.outcome)  # the same answer each poll: not logged
        logged = _log(
            verdict.outcome,
            update=update,
            shipment=shipment,
            event_id=event_id,
            source=source,
            body=b"" if verdict.outcome == tracking.APPLIED else body,
        )
        if verdict.outcome == tracking.APPLIED and shipment is not None:
            _remember(shipment, update)
            _move(shipment, verdict.move_to, update)
        return logged


def _remember(shipment: Shipment, update: parcels.TrackingUpdate) -> None:
    shipment.tracking_status, shipment.tracking_updated_at = update.status, update.at
    fields = ["tracking_status", "tracking_updated_at"]
    if update.status == parcels.DELIVERED:
        shipment.delivered_at = update.at
        fields.append("delivered_at")
    shipment.save(update_fields=fields)


def _move(shipment: Shipment, move_to: str, update: parcels.TrackingUpdate) -> None:
    """The return follows its parcel, as far as its state table lets it (a return received already by
    the warehouse is not moved back to in transit)."""
    ret = locked(shipment.ret)
    data = {"tracking": update.tracking_number, "carrier": update.carrier or shipment.carrier}
    if ret.state == states.LABEL_ISSUED:
        ret = handling.mark_in_transit(ret, tracking=update.tracking_number)
    if move_to == tracking.TO_DELIVERED and ret.state in (states.IN_TRANSIT, states.LABEL_ISSUED):
        record_event(ret, DELIVERED_EVENT, actor_label="carrier", data=data, at=update.at)


def _log(
    outcome: str,
    *,
    update: parcels.TrackingUpdate | None = None,
    shipment: Shipment | None = None,
    event_id: str = "",
    source: str = TrackingEvent.Source.WEBHOOK,
    body: bytes = b"",
    detail: str = "",
) -> TrackingEvent:
    if outcome != tracking.APPLIED:
        logger.warning(
            "tracking event %s refused or ignored: %s (%s)",
            event_id or "-",
            outcome,
            update.tracking_number if update else detail,
        )
    return TrackingEvent.objects.create(
        source=source,
        event_id=event_id[:100],
        shipment=shipment,
        tracking_number=update.tracking_number if update else "",
        status=update.status if update else "",
        occurred_at=update.at if update else None,
        outcome=outcome,
        detail=(detail or (update.detail if update else ""))[:300],
        body=body.decode("utf-8", "replace")[:BODY_KEPT],
    )


def poll(carrier: Carrier | None = None, limit: int = 500) -> dict[str, int]:
    """Ask the carrier about every label still on its way (the webhooks' fallback); outcomes counted."""
    counts: dict[str, int] = {}
    moving = Shipment.objects.filter(
        status=Shipment.Status.ACTIVE,
        postage_paid=True,
        delivered_at__isnull=True,
        ret__state__in=(states.LABEL_ISSUED, states.IN_TRANSIT),
    ).order_by("tracking_updated_at", "id")[:limit]
    for shipment in moving:
        try:
            update = (carrier or carrier_named(shipment.adapter)).track(shipping.as_bought(shipment))
        except CarrierFailed as error:
            logger.warning("tracking %s failed: %s", shipment.tracking_number, error.message)
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        if update is None:
            continue
        outcome = apply(update, source=TrackingEvent.Source.POLLING).outcome
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def outcome_counts(**filters: Any) -> dict[str, int]:
    """How many events had each outcome (for the CLI and the tests)."""
    counts: dict[str, int] = {}
    for outcome in TrackingEvent.objects.filter(**filters).values_list("outcome", flat=True):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def delivered(ret: Return) -> bool:
    return ret.events.filter(kind=DELIVERED_EVENT).exists()
