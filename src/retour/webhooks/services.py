"""Outgoing webhooks: registering endpoints, recording a delivery per subscribed event in the fact's own
transaction (an outbox), sending it from the worker (never in a request), retrying, pausing, replaying."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.claims.models import ClaimEvent
from retour.notifications.emails import Email, send
from retour.repairs.models import RepairEvent
from retour.returns.models import ReturnEvent
from retour.webhooks.domain import schedule, signing, urls
from retour.webhooks.errors import WebhookInvalid, WebhookNotFound
from retour.webhooks.models import RESPONSE_BODY_LIMIT, Delivery, Endpoint

TIMEOUT_SECONDS = 5  # a slow receiver holds one worker this long at most, never a request
LEASE = schedule.BACKOFF[1]  # a delivery being sent is not taken by another worker meanwhile


# --- Endpoints -------------------------------------------------------------------------------------------


def check_url(url: str) -> str:
    url = url.strip()
    if not urls.acceptable(url):
        raise WebhookInvalid(_("A webhook URL must start with https:// (http:// only for localhost)."))
    return url


def check_events(events: Iterable[str]) -> list[str]:
    chosen = [e.strip() for e in events if e.strip()]
    unknown = [e for e in chosen if e not in schedule.EVENTS]
    if unknown or not chosen:
        raise WebhookInvalid(
            _("Choose events among: %(events)s.") % {"events": ", ".join(schedule.EVENTS)},
            unknown=unknown,
        )
    return sorted(set(chosen), key=schedule.EVENTS.index)


def register(
    store: Store, url: str, events: Iterable[str], owner_email: str, language: str = "fr"
) -> Endpoint:
    """A new active endpoint with a new secret (shown to its owner once, by the caller)."""
    if not owner_email.strip() or "@" not in owner_email:
        raise WebhookInvalid(_("Give the email address of the endpoint's owner."))
    return Endpoint.objects.create(
        store=store,
        url=check_url(url),
        events=check_events(events),
        owner_email=owner_email.strip(),
        language="en" if language == "en" else "fr",
        secret=signing.new_secret(),
    )


def resume(endpoint: Endpoint) -> Endpoint:
    """Active again: the deliveries it kept are sent by the next periodic run."""
    endpoint.status, endpoint.paused_at, endpoint.failing_since = Endpoint.Status.ACTIVE, None, None
    endpoint.owner_told_at = None
    endpoint.save(update_fields=["status", "paused_at", "failing_since", "owner_told_at"])
    return endpoint


# --- Emission --------------------------------------------------------------------------------------------


def _return_payload(event: ReturnEvent) -> dict[str, Any]:
    ret = event.ret
    return {
        "return": {
            "number": ret.number,
            "state": ret.state,
            "order": ret.order.number,
            "store": ret.store.code,
        },
        "event": {"kind": event.kind, "from": event.from_state, "to": event.to_state, "data": event.data},
    }


def _claim_payload(event: ClaimEvent) -> dict[str, Any]:
    claim = event.claim
    return {
        "claim": {
            "number": claim.number,
            "state": claim.state,
            "type": claim.claim_type,
            "store": claim.store.code,
        },
        "event": {"kind": event.kind, "from": event.from_state, "to": event.to_state},
    }


@dataclass(frozen=True)
class Fact:
    store_id: int
    event_id: str
    event_type: str
    at: datetime
    data: dict[str, Any]


def return_facts(event: ReturnEvent) -> list[Fact]:
    found = schedule.RETURN_KINDS.get(event.kind)
    if found is None:
        return []
    data = _return_payload(event)
    facts = [Fact(event.ret.store_id, f"evt_r{event.pk}", found, event.at, data)]
    if event.kind == "refunded" and event.data.get("method") == "store_credit":
        facts.append(
            Fact(event.ret.store_id, f"evt_r{event.pk}_credit", "store_credit.issued", event.at, data)
        )
    return facts


def claim_facts(event: ClaimEvent) -> list[Fact]:
    found = schedule.CLAIM_KINDS.get(event.kind)
    if found is None:
        return []
    return [Fact(event.claim.store_id, f"evt_c{event.pk}", found, event.at, _claim_payload(event))]


def _repair_payload(event: RepairEvent) -> dict[str, Any]:
    repair = event.repair
    return {
        "repair": {
            "number": repair.number,
            "state": repair.state,
            "return": repair.ret.number,
            "store": repair.store.code,
            "due_on": repair.due_on.isoformat(),
            "under_guarantee": repair.under_guarantee,
        },
        "event": {"kind": event.kind, "from": event.from_state, "to": event.to_state, "data": event.data},
    }


def repair_facts(event: RepairEvent) -> list[Fact]:
    found = schedule.REPAIR_KINDS.get(event.kind)
    if found is None:
        return []
    return [Fact(event.repair.store_id, f"evt_f{event.pk}", found, event.at, _repair_payload(event))]


def emit_repair_event(event: RepairEvent) -> None:
    """Called in the repair event's transaction (repairs' hook): its deliveries are written with it."""
    _record_with_event(repair_facts(event))


def emit_return_event(event: ReturnEvent) -> None:
    """Called in the event's transaction (returns' hook): its deliveries are written with it."""
    _record_with_event(return_facts(event))


def emit_claim_event(event: ClaimEvent) -> None:
    _record_with_event(claim_facts(event))


def _record_with_event(facts: list[Fact]) -> None:
    """An outbox: the deliveries are rows written in the event's own transaction, so an event committed
    always has its deliveries and an event rolled back has none. Only the worker's wake-up waits for the
    commit; if it is lost (a crash right after the commit), the periodic ``send-webhooks`` job finds the
    pending rows and sends them."""
    if facts and Endpoint.objects.filter(store_id=facts[0].store_id, status=Endpoint.Status.ACTIVE).exists():
        record(facts)


def record(facts: Iterable[Fact]) -> list[Delivery]:
    """A delivery per active endpoint subscribed to each fact, made once per (endpoint, event id), in the
    caller's transaction; its sending is queued for the worker once that transaction commits."""
    made = []
    for fact in facts:
        endpoints = Endpoint.objects.filter(store_id=fact.store_id, status=Endpoint.Status.ACTIVE)
        for endpoint in endpoints:
            if fact.event_type not in endpoint.events:
                continue
            payload = {
                "id": fact.event_id,
                "type": fact.event_type,
                "created_at": fact.at.isoformat(),
                "data": fact.data,
            }
            try:
                with transaction.atomic():
                    made.append(
                        Delivery.objects.create(
                            endpoint=endpoint,
                            event_id=fact.event_id,
                            event_type=fact.event_type,
                            payload=payload,
                            next_attempt_at=timezone.now(),
                        )
                    )
            except IntegrityError:
                continue  # recorded already: each event goes once to each endpoint
    ids = [d.pk for d in made]
    if ids:
        transaction.on_commit(lambda: _queue(ids), robust=True)  # a lost wake-up: send-webhooks sends it
    return made


def _queue(ids: list[int]) -> None:
    from retour.webhooks.tasks import deliver_webhook  # the task sends through this module

    for pk in ids:
        deliver_webhook.enqueue(pk)


# --- Delivery --------------------------------------------------------------------------------------------

WAITING = (Delivery.Status.PENDING, Delivery.Status.FAILED)


def due(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            status__in=WAITING, next_attempt_at__lte=now, endpoint__status=Endpoint.Status.ACTIVE
        ).values_list("pk", flat=True)
    )


def queue_due() -> int:
    tell_owners()
    ids = due()
    _queue(ids)
    return len(ids)


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    signed = signing.headers(endpoint.secret, delivery.event_id, int(timezone.now().timestamp()), body)
    request = urllib.request.Request(  # noqa: S310  # check_url allows http(s) only
        endpoint.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Retour-Webhooks/1", **signed},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # http(s) only
            return response.status, response.read(RESPONSE_BODY_LIMIT).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(RESPONSE_BODY_LIMIT).decode(errors="replace")
    except (
        OSError,
        ValueError,
        http.client.HTTPException,
    ) as error:  # refused, timed out, garbled: no answer
        return None, str(error)[:RESPONSE_BODY_LIMIT]


def deliver(delivery_id: int) -> str:
    """One attempt, if the delivery is due and its endpoint active; taken first (a lease on
    next_attempt_at), so that two workers never send it at the same time, and no lock is held while the
    receiver answers."""
    now = timezone.now()
    taken = Delivery.objects.filter(
        pk=delivery_id, status__in=WAITING, next_attempt_at__lte=now, endpoint__status=Endpoint.Status.ACTIVE
    ).update(next_attempt_at=now + LEASE)
    if not taken:
        return "not due"
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    status, body = _post(endpoint, delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_status, delivery.response_body = status, body[:RESPONSE_BODY_LIMIT]
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.Status.SUCCEEDED,
            now,
            None,
        )
        delivery.save()
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return "succeeded"
    retry = schedule.next_attempt(delivery.attempts, now)
    delivery.status = Delivery.Status.FAILED if retry else Delivery.Status.GIVEN_UP
    delivery.next_attempt_at = retry
    delivery.save()
    Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    _pause_if_failing(endpoint.pk, now)
    return delivery.status


def _pause_if_failing(endpoint_id: int, now: datetime) -> None:
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    finished = Delivery.objects.filter(
        endpoint=endpoint, status__in=(Delivery.Status.SUCCEEDED, Delivery.Status.GIVEN_UP)
    ).order_by("-updated_at", "-id")[: schedule.PAUSE_AFTER_GIVEN_UP]
    outcomes = [d.status == Delivery.Status.GIVEN_UP for d in finished]
    if endpoint.status != Endpoint.Status.ACTIVE or not schedule.should_pause(
        outcomes, endpoint.failing_since, now
    ):
        return
    Endpoint.objects.filter(pk=endpoint.pk, status=Endpoint.Status.ACTIVE).update(
        status=Endpoint.Status.PAUSED, paused_at=now, owner_told_at=None
    )
    tell_owners()


def tell_owners() -> int:
    """Email the owner of each endpoint paused and not told yet (once; tried again by the periodic job
    while the mail server is down)."""
    told = 0
    for endpoint in Endpoint.objects.filter(status=Endpoint.Status.PAUSED, owner_told_at__isnull=True):
        try:
            send(_paused_email(endpoint))
        except OSError:  # smtplib's errors are OSErrors: the next periodic run tries again
            continue
        Endpoint.objects.filter(pk=endpoint.pk).update(owner_told_at=timezone.now())
        told += 1
    return told


def _paused_email(endpoint: Endpoint) -> Email:
    with translation.override(endpoint.language):
        subject = _("Retour paused your webhook endpoint %(url)s") % {"url": endpoint.url}
        text = _(
            "Deliveries to %(url)s (store %(store)s) kept failing, so Retour paused the endpoint: "
            "events are kept and sent once you resume it in the back office."
        ) % {"url": endpoint.url, "store": endpoint.store.code}
    return Email(
        to=endpoint.owner_email,
        subject=subject,
        text=text,
        html=f"<p>{escape(text)}</p>",
        language=endpoint.language,
    )


# --- Replay ----------------------------------------------------------------------------------------------


def replay(delivery: Delivery) -> Delivery:
    """Send the same event again (the same id, freshly signed), as a new series of attempts."""
    delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.PENDING, 0, timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    pk = delivery.pk
    transaction.on_commit(lambda: _queue([pk]))
    return delivery


def find_delivery(pk: int, store: Store | None = None) -> Delivery:
    query = Delivery.objects.select_related("endpoint__store").filter(pk=pk)
    if store is not None:
        query = query.filter(endpoint__store=store)
    found = query.first()
    if found is None:
        raise WebhookNotFound(_("There is no webhook delivery %(id)s.") % {"id": pk})
    return found


def find_endpoint(pk: int, store: Store | None = None) -> Endpoint:
    query = Endpoint.objects.select_related("store").filter(Q(pk=pk))
    if store is not None:
        query = query.filter(store=store)
    found = query.first()
    if found is None:
        raise WebhookNotFound(_("There is no webhook endpoint %(id)s.") % {"id": pk})
    return found
