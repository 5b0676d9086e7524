"""One way to ask for a return, for the portal, the API and the back office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.orders.models import Order, OrderLine
from retour.policies import services as policies
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.vocabulary import CONDITIONS, REASONS, RESOLUTIONS
from retour.policies.models import PolicyVersion
from retour.policies.order_facts import delivered_on, facts_for_line, with_fact_relations
from retour.returns import hooks
from retour.returns.domain import returnable, states
from retour.returns.errors import (
    LineNotReturnable,
    NoPolicy,
    NotDelivered,
    QuantityUnavailable,
    ReturnInvalid,
)
from retour.returns.models import Return, ReturnLine
from retour.returns.services.amounts import Estimate, Pick, estimate, settled
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


def units_of(line: OrderLine, in_returns: int) -> returnable.Returnable:
    """What of ``line`` can go back now (the one rule, ``returns/domain/returnable.py``)."""
    return returnable.returnable(returnable.LineUnits(delivered_units(line), delivered_on(line), in_returns))


def returnable_units(line: OrderLine) -> int:
    return units_of(line, units_in_returns([line.pk]).get(line.pk, 0)).units


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


@dataclass(frozen=True)
class Decided:
    """One requested line with the policy's decision on it, before anything is saved."""

    request: LineRequest
    line: OrderLine
    version: PolicyVersion
    facts: Facts
    decision: Decision  # with the amounts the line refunds in this return (``quote``)
    alone: Decision | None = None  # the policy's decision on the line alone, before the return's quote

    @property
    def resolutions(self) -> tuple[str, ...]:
        """What the shopper may choose for this line: keeping it comes first when the policy allows it."""
        return (KEEP, *self.decision.resolutions) if self.decision.keep_item else self.decision.resolutions


def _checked(order: Order, requests: Sequence[LineRequest]) -> dict[int, OrderLine]:
    if not requests:
        raise ReturnInvalid(_("Choose at least one item to return."))
    for index, request in enumerate(requests):
        _check_vocabulary(index, request)
    ids = [request.order_line_id for request in requests]
    if len(set(ids)) != len(ids):
        raise ReturnInvalid(_("Each item may appear only once in a return."))
    lines = {line.pk: line for line in with_fact_relations(OrderLine.objects.filter(order=order, pk__in=ids))}
    unknown = [pk for pk in ids if pk not in lines]
    if unknown:
        raise ReturnInvalid(_("This order has no such item."), order_lines=unknown)
    return lines


@dataclass(frozen=True)
class Outlook:
    """What the policy would say of a line before the shopper picks a reason: for a change of mind (the
    item unopened) and for a fault. The items screen shows a line no reason can bring back as such."""

    change_of_mind: Decision
    fault: Decision

    @property
    def returnable(self) -> bool:
        return self.change_of_mind.eligible or self.fault.eligible

    @property
    def only_if_faulty(self) -> bool:
        return self.fault.eligible and not self.change_of_mind.eligible


def outlook(order: Order, lines: Sequence[OrderLine], *, now: datetime) -> dict[int, Outlook]:
    """Each line's ``Outlook`` today (lines under no active policy are left out)."""
    requested_on = timezone.localtime(now, order.store.zone).date()
    found = {}
    for line in lines:
        version = policies.active_version(order.store, line.seller)
        if version is None:
            continue

        def decided(
            reason: str, condition: str, line: OrderLine = line, version: PolicyVersion = version
        ) -> Decision:
            facts = facts_for_line(
                line, requested_at=requested_on, condition=condition, reason=reason, quantity=1
            )
            return policies.decide_line(version, facts, line.pk)

        found[line.pk] = Outlook(decided("changed_mind", "unopened"), decided("defective", "damaged"))
    return found


def decide_lines(order: Order, requests: Sequence[LineRequest], *, now: datetime) -> list[Decided]:
    """The policy's decision on each requested line, eligible or not; refused when a line is unknown or
    asks for more units than the shopper still has. Saves nothing: the portal shows these before the
    shopper confirms, and ``create_return`` decides the same way under the order's lock."""
    lines = _checked(order, requests)
    taken = units_in_returns(list(lines))
    requested_on = timezone.localtime(now, order.store.zone).date()
    decided = []
    for index, request in enumerate(requests):
        line = lines[request.order_line_id]
        can = units_of(line, taken.get(line.pk, 0))
        if can.why_not == returnable.NOT_DELIVERED:
            raise NotDelivered(
                _("“%(title)s” has not been delivered yet: it can be returned once it has arrived.")
                % {"title": line.title},
                line=index,
            )
        available = can.units
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
        decided.append(Decided(request, line, version, facts, policies.decide_line(version, facts, line.pk)))
    return _settle(order, decided)


def quote(order: Order, decided: Sequence[Decided]) -> Estimate:
    """What the eligible lines refund together, as one return: each line's part and the total (one
    fee for the return, each policy's store-credit bonus)."""
    picks = [
        Pick(
            item.line,
            item.request.quantity,
            item.alone or item.decision,
            item.request.reason,
            policies.store_credit_bonus(item.version),
        )
        for item in decided
        if item.decision.eligible
    ]
    return estimate(order, picks)


def _settle(order: Order, decided: Sequence[Decided]) -> list[Decided]:
    """The decisions with the amounts the return's quote gives each line: what the shopper is told (the
    explanation, the choices, the summary), what is stored with the return, and what a refund pays."""
    parts = quote(order, decided).per_line
    return [
        replace(item, decision=settled(item.decision, parts[item.line.pk]), alone=item.decision)
        if item.decision.eligible and item.alone is None
        else item
        for item in decided
    ]


def _refuse_what_the_policy_refuses(decided: Sequence[Decided], language: str) -> None:
    for index, item in enumerate(decided):
        line, decision = item.line, item.decision
        if not decision.eligible:
            raise LineNotReturnable(
                _("“%(title)s”: %(why)s") % {"title": line.title, "why": decision.explanation(language)},
                line=index,
                decision=decision.code,
            )
        if item.request.resolution not in item.resolutions:
            raise ReturnInvalid(
                _("“%(title)s” can be returned for: %(allowed)s.")
                % {"title": line.title, "allowed": ", ".join(item.resolutions)},
                line=index,
            )


def allowed_methods(shipped: Sequence[Decided]) -> list[str]:
    """The ways back that every one of these lines' decisions allows, in the policy's order."""
    if not shipped:
        return []
    return [
        method
        for method in shipped[0].decision.return_methods
        if method != KEEP and all(method in item.decision.return_methods for item in shipped)
    ]


def method_for(decided: Sequence[Decided], chosen: str) -> str:
    """How the parcel goes back: ``keep`` when every line stays with the shopper, else the method chosen,
    which every shipped line's decision must allow (none chosen: left to staff, as for a phoned-in return)."""
    shipped = [item for item in decided if item.request.resolution != KEEP]
    if not shipped:
        return Return.Method.KEEP
    allowed = allowed_methods(shipped)
    if not chosen:
        return Return.Method.NONE
    if chosen not in allowed:
        raise ReturnInvalid(
            _("These items cannot go back that way; choose one of: %(allowed)s.")
            % {"allowed": ", ".join(str(Return.Method(m).label) for m in allowed if m in Return.Method)}
        )
    return chosen


def request_return(
    order: Order,
    requests: Sequence[LineRequest],
    *,
    channel: str = Return.Channel.PORTAL,
    actor: Actor = None,
    language: str = "",
    now: datetime | None = None,
    return_method: str = "",
    request_key: str = "",
) -> tuple[Return, bool]:
    """Create a return for ``requests`` (lines of ``order``), decided by the policy, and approve it at once
    when every line's decision says so; it waits for review otherwise. Nothing is created when a line is
    unknown, not returnable, or asks for more units than the shopper still has.

    ``request_key`` makes the request idempotent: asked again with the same key (a double click, a
    retried API call), the return made the first time is returned and nothing new is created. Returns the
    return and whether this call created it."""
    now = now or timezone.now()
    language = language or order.language or order.store.languages.split(",")[0] or "en"
    if len(request_key) > 64:
        raise ReturnInvalid(_("The request key is at most 64 characters long."))
    with transaction.atomic():
        # One request per order at a time: a double click waits here, then sees the first one's units.
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("store", "customer").get(pk=order.pk)
        )
        if request_key:
            earlier = Return.objects.filter(store=order.store, request_key=request_key).first()
            if earlier is not None:
                if earlier.order_id != order.pk:
                    raise ReturnInvalid(_("This request key was used for another order."))
                return earlier, False
        decided = decide_lines(order, requests, now=now)
        _refuse_what_the_policy_refuses(decided, language)
        ret = Return.objects.create(
            store=order.store,
            order=order,
            customer=order.customer,
            language=language,
            channel=channel,
            created_by=user_of(actor),
            return_method=method_for(decided, return_method),
            request_key=request_key or None,
        )
        for item in decided:
            request = item.request
            row = policies.record(order.store, item.version, item.facts, item.decision, when=now)
            ReturnLine.objects.create(
                ret=ret,
                order_line=item.line,
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
        # Asked of every new return (the abuse signals score it); a reason keeps it for a person.
        held = hooks.held_for_review(ret)
        auto = all(item.decision.approval == "auto" and not item.decision.photo_required for item in decided)
        if auto and not held:
            with translation.override(language):
                why = _("The policy approves these returns without review.")
            ret = after_approval(transition(ret, states.APPROVED, actor_label="policy", reason=why, at=now))
    return ret, True


def create_return(order: Order, requests: Sequence[LineRequest], **options: Any) -> Return:
    """``request_return``, for callers that need only the return."""
    return request_return(order, requests, **options)[0]


def after_approval(ret: Return, *, actor: Actor = None) -> Return:
    """What follows an approval, inside its transaction: the label of a return sent back by label is
    issued; a return the shopper keeps entirely is refunded (after commit, by the worker)."""
    if ret.return_method == Return.Method.LABEL:
        return hooks.label_needed(ret, actor=actor)  # logistics issues it
    if ret.return_method == Return.Method.KEEP:
        pk = ret.pk
        transaction.on_commit(lambda: hooks.kept(pk))  # refunds enqueue its refund
    return ret
