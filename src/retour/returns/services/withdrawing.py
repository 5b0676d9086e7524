"""The statutory right of withdrawal, exercised in two steps as EU Directive 2023/2673 (art. 11a of
Directive 2011/83/EU) asks: "Withdraw from contract here", then "Confirm withdrawal". The statement is
kept with its date and time, acknowledged by email, and a return brings the items back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.orders.models import Order, OrderLine
from retour.policies.domain.vocabulary import WITHDRAWAL_BASES
from retour.returns.errors import ReturnInvalid
from retour.returns.models import Return, Withdrawal
from retour.returns.services.creating import (
    Decided,
    LineRequest,
    allowed_methods,
    decide_lines,
    request_return,
    returnable_units,
)
from retour.returns.services.timeline import Actor, record_event

# The statement needs no reason; the items are taken as sent back unopened, and graded at inspection.
REASON = "changed_mind"
CONDITION = "unopened"


class NotWithdrawable(ReturnInvalid):
    code = "not_withdrawable"


def withdrawable(order: Order, *, now: datetime | None = None) -> list[Decided]:
    """The order's lines the withdrawal right covers today (every unit still with the shopper)."""
    now = now or timezone.now()
    lines = [line for line in order.lines.order_by("position") if returnable_units(line) > 0]
    if not lines:
        return []
    requests = [LineRequest(line.pk, returnable_units(line), REASON, CONDITION) for line in lines]
    return [
        item
        for item in decide_lines(order, requests, now=now)
        if item.decision.eligible and (item.decision.legal_basis or "") in WITHDRAWAL_BASES
    ]


def withdraw(
    order: Order,
    line_ids: Sequence[int],
    *,
    name: str,
    email: str,
    language: str = "",
    channel: str = Return.Channel.PORTAL,
    actor: Actor = None,
    request_key: str = "",
    now: datetime | None = None,
) -> Withdrawal:
    """Record the withdrawal from ``line_ids`` (every unit of each), and the return that brings them back.
    Refused, with nothing saved, when a line is not covered by the right today. Idempotent on
    ``request_key``: the same statement sent twice is recorded once."""
    now = now or timezone.now()
    if not name.strip() or not email.strip():
        raise ReturnInvalid(_("Give your name and an email address for the acknowledgement."))
    with transaction.atomic():
        if request_key:
            earlier = Withdrawal.objects.filter(ret__store=order.store, ret__request_key=request_key).first()
            if earlier is not None:
                return earlier
        covered = {item.line.pk: item for item in withdrawable(order, now=now)}
        chosen = [covered[pk] for pk in dict.fromkeys(line_ids) if pk in covered]
        if not chosen or len(chosen) != len(set(line_ids)):
            raise NotWithdrawable(_("The right of withdrawal does not cover these items (any more)."))
        methods = allowed_methods(chosen)
        ret, created = request_return(
            order,
            [item.request for item in chosen],
            channel=channel,
            actor=actor,
            language=language,
            now=now,
            return_method=methods[0] if methods else "",
            request_key=request_key,
        )
        if not created:  # the same statement, sent at the same moment by a second click
            return Withdrawal.objects.get(ret=ret)
        statement = Withdrawal.objects.create(
            store=order.store,
            order=order,
            ret=ret,
            name=name.strip(),
            email=email.strip(),
            at=now,
            channel=channel,
        )
        record_event(
            ret,
            "withdrawal",
            actor=actor,
            actor_label="shopper" if channel == Return.Channel.PORTAL else "",
            data={
                "at": now.isoformat(),
                "name": statement.name,
                "email": statement.email,  # the acknowledgement goes where the shopper asked
                "order": order.number,
                "lines": [i.line.pk for i in chosen],
            },
            at=now,
        )
    return statement


def lines_of(statement: Withdrawal) -> list[OrderLine]:
    return [line.order_line for line in statement.ret.lines.select_related("order_line")]
