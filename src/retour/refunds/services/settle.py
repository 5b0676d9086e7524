"""Closing a return once its money is settled: every accepted unit refunded (or exchanged), no refund
pending, every exchange paid for. The outcome says how it ended."""

from __future__ import annotations

from retour.refunds.gateways.base import PENDING, SUCCEEDED
from retour.refunds.models import Refund, RefundRequest
from retour.refunds.services import charging
from retour.returns.domain import states
from retour.returns.models import Exchange, Return, ReturnLine
from retour.returns.services import handling
from retour.returns.services.amounts import left_to_refund


def resolve_if_settled(ret: Return) -> Return:
    """Resolve ``ret`` if it is inspected (or approved and kept by the shopper) and nothing is left to
    pay either way; otherwise leave it as it is (a line still to review, a refund pending, a charge due)."""
    current = Return.objects.get(pk=ret.pk)
    lines = list(current.lines.all())
    kept = bool(lines) and all(line.resolution == "keep" for line in lines)
    if not (current.state == states.INSPECTED or (current.state == states.APPROVED and kept)):
        return current
    if Refund.objects.filter(request__ret=current, status=PENDING).exists():
        return current
    if left_to_refund(current) or charging.unpaid_on(current):
        return current
    return handling.resolve(current, outcome(current, lines))


def outcome(ret: Return, lines: list[ReturnLine]) -> str:
    """kept, exchanged or replaced when every line was; otherwise store_credit when that is all the
    money went back as, else refunded."""
    if all(line.resolution == "keep" for line in lines):
        return "kept"
    kinds = list(Exchange.objects.filter(line__in=lines).values_list("kind", flat=True))
    if len(kinds) == len(lines):
        return "exchanged" if "exchange" in kinds else "replaced"
    methods = set(
        RefundRequest.objects.filter(ret=ret, refunds__status=SUCCEEDED).values_list("method", flat=True)
    )
    return "store_credit" if methods == {"store_credit"} else "refunded"
