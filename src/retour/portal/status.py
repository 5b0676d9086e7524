"""A return's status as the shopper reads it, on its own page and in the help center's answers: the
state's wording and when the money should arrive."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from retour.helpcenter.hooks import OrderStatus
from retour.portal import access, wording
from retour.refunds.domain.timing import Expected
from retour.refunds.services.deadlines import expected_for_new_return, for_return
from retour.refunds.services.paying import refunds_for
from retour.returns.domain import states
from retour.returns.models import Return, ReturnLine

NO_REFUND = frozenset({states.REJECTED, states.CANCELLED, states.EXPIRED})


def expected(ret: Return, lines: list[ReturnLine] | None = None) -> Expected:
    """When the money should reach the shopper: if sent today while the parcel is still to go, else by
    the order's way of paying from today."""
    if ret.state in states.AWAITING_SHIPMENT or ret.state == states.REQUESTED:
        lines = list(ReturnLine.objects.filter(ret=ret)) if lines is None else lines
        credit = bool(lines) and all(line.resolution == "store_credit" for line in lines)
        returnless = ret.return_method == Return.Method.KEEP
        return expected_for_new_return(ret.order, store_credit=credit, returnless=returnless)
    return for_return(ret).expected


def order_statuses(request: HttpRequest) -> list[OrderStatus]:
    """The latest return of each order this session was granted (and no other), latest first."""
    found = (
        Return.objects.filter(order_id__in=access.granted_ids(request))
        .select_related("order__store", "store")
        .order_by("-created_at", "-id")
    )
    out: list[OrderStatus] = []
    seen: set[int] = set()
    for ret in found:
        if ret.order_id in seen:
            continue
        seen.add(ret.order_id)
        refunded = any(refund.status == "succeeded" for refund in refunds_for(ret))
        coming = ret.state not in NO_REFUND and not refunded
        dates = expected(ret) if coming else None
        out.append(
            OrderStatus(
                order=ret.order.number,
                ret=ret.number,
                state=wording.label(wording.STATES, ret.state),
                earliest=dates.earliest if dates else None,
                latest=dates.latest if dates else None,
                awaiting=ret.state in states.AWAITING_SHIPMENT and ret.return_method != Return.Method.KEEP,
                refunded=refunded,
                url=reverse("portal:return", kwargs={"number": ret.number}),
            )
        )
    return out[:3]
