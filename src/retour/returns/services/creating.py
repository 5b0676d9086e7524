"""One way to ask for a return, for the portal, the API and the back office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.orders.models import Order, OrderLine
from retour.policies import services as policies
from retour.policies.domain.vocabulary import CONDITIONS, REASONS, RESOLUTIONS
from retour.policies.order_facts import facts_for_line, with_fact_relations
from retour.returns.domain import states
from retour.returns.errors import LineNotReturnable, NoPolicy, QuantityUnavailable, ReturnInvalid
from retour.returns.models import Return, ReturnLine
from retour.returns.services.timeline import Actor, record_event, transition, user_of

KEEP = "keep"


@dataclass(frozen=True)
class LineRequest:
    order_line_id: int
    quantity: int
    reason: str
    condition: str
    resolution: str = "refund"
    reason_text: str = ""
    exchange_variant_id: int | None = None


def delivered_units(line: OrderLine) -> int:
    """Units the shopper has: those fulfilled; all of them when the order says it was fulfilled."""
    if line.fulfilled_quantity:
        return int(line.fulfilled_quantity)
    return int(line.quantity) if line.order.fulfillment_status == Order.FulfillmentStatus.FULFILLED else 0


def units_in_returns(line_ids: Sequence[int], exclude: int | None = None) -> dict[int, int]:
    """Units of each order line already asked for in returns that still hold them (requested to resolved)."""
    rows = (
        ReturnLine.objects.filter(order_line_id__in=line_ids, ret__state__in=states.OPEN)
        .exclude(ret_id=exclude)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["order_line_id"]: int(row["units"]) for row in rows}


def returnable_units(line: OrderLine) -> int:
    return max(0, delivered_units(line) - units_in_returns([line.pk]).get(line.pk, 0))


def _check_vocabulary(index: int, request: LineRequest) -> None:
    problems = []
    if request.reason not in REASONS:
        problems.append(_("“%(value)s” is not a return reason.") % {"value": request.reason})
    if request.condition not in CONDITIONS:
        problems.append(_("“%(value)s” is not a condition.") % {"value": request.condition})
    if request.resolution not in (*RESOLUTIONS, KEEP):
        problems.append(_("“%(value)s” is not a resolution.") % {"value": request.resolution})
    if request.quantity < 1:
        problems.append(_("The quantity must be at least 1."))
    if problems:
        raise ReturnInvalid(" ".join(problems), line=index)


def create_return(
    order: Order,
    requests: Sequence[LineRequest],
    *,
    channel: str = Return.Channel.PORTAL,
    actor: Actor = None,
    language: str = "",
    now: datetime | None = None,
) -> Return:
    """Create a return for ``requests`` (lines of ``order``), decided by the policy, and approve it at once
    when every line's decision says so; it waits for review otherwise. Nothing is created when a line is
    unknown, not returnable, or asks for more units than the shopper still has."""
    now = now or timezone.now()
    language = language or order.language or order.store.languages.split(",")[0] or "en"
    if not requests:
        raise ReturnInvalid(_("Choose at least one item to return."))
    for index, request in enumerate(requests):
        _check_vocabulary(index, request)
    with transaction.atomic():
        # One request per order at a time: a double click waits here, then sees the first one's units.
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("store", "customer").get(pk=order.pk)
        )
        ids = [request.order_line_id for request in requests]
        if len(set(ids)) != len(ids):
            raise ReturnInvalid(_("Each item may appear only once in a return."))
        lines = {
            line.pk: line for line in with_fact_relations(OrderLine.objects.filter(order=order, pk__in=ids))
        }
        unknown = [pk for pk in ids if pk not in lines]
        if unknown:
            raise ReturnInvalid(_("This order has no such item."), order_lines=unknown)
        taken = units_in_returns(ids)
        requested_on = timezone.localtime(now, order.store.zone).date()
        decided = []
        for index, request in enumerate(requests):
            line = lines[request.order_line_id]
            available = delivered_units(line) - taken.get(line.pk, 0)
            if request.quantity > available:
                raise QuantityUnavailable(
                    _("Only %(available)d of “%(title)s” can still be returned, not %(asked)d.")
                    % {"available": max(available, 0), "title": line.title, "asked": request.quantity},
                    line=index,
                    available=max(available, 0),
                )
            version = policies.active_version(order.store, line.seller)
            if version is None:
                raise NoPolicy(_("The store has no return policy yet; contact the store."))
            facts = facts_for_line(
                line,
                requested_at=requested_on,
                condition=request.condition,
                reason=request.reason,
                quantity=request.quantity,
            )
            decision = policies.decide(version, facts)
            if not decision.eligible:
                raise LineNotReturnable(
                    _("“%(title)s”: %(why)s") % {"title": line.title, "why": decision.explanation(language)},
                    line=index,
                    decision=decision.code,
                )
            allowed = (*decision.resolutions, KEEP) if decision.keep_item else decision.resolutions
            if request.resolution not in allowed:
                raise ReturnInvalid(
                    _("“%(title)s” can be returned for: %(allowed)s.")
                    % {"title": line.title, "allowed": ", ".join(allowed)},
                    line=index,
                )
            decided.append((request, line, version, facts, decision))
        ret = Return.objects.create(
            store=order.store,
            order=order,
            customer=order.customer,
            language=language,
            channel=channel,
            created_by=user_of(actor),
        )
        for request, line, version, facts, decision in decided:
            row = policies.record(order.store, version, facts, decision, when=now)
            ReturnLine.objects.create(
                ret=ret,
                order_line=line,
                quantity=request.quantity,
                reason=request.reason,
                reason_text=request.reason_text,
                reported_condition=request.condition,
                resolution=request.resolution,
                exchange_variant_id=request.exchange_variant_id,
                decision=row,
            )
        label = "shopper" if channel == Return.Channel.PORTAL else ""
        record_event(ret, "requested", actor=actor, actor_label=label, to_state=ret.state, at=now)
        if all(decision.approval == "auto" and not decision.photo_required for *_, decision in decided):
            with translation.override(language):
                why = _("The policy approves these returns without review.")
            transition(ret, states.APPROVED, actor_label="policy", reason=why, at=now)
    return ret
