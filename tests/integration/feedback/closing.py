"""Closing a return through the services, and running the worker, for the feedback tests."""

from __future__ import annotations

from django.core.management import call_command

from retour.orders.models import Order
from retour.refunds.services.paying import confirm_manual, request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def refunded(order: Order, reason: str = "size_fit", text: str = "") -> Return:
    """A return of the order's first line, received, inspected and refunded by hand: closed."""
    line = order.lines.order_by("position").first()
    assert line is not None
    ret = create_return(order, [LineRequest(line.pk, 1, reason, "unopened", "refund", reason_text=text)])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    request, _created = request_refund(ret, idempotency_key=f"close-{ret.number}", actor=None)
    confirm_manual(request.refunds.get(), actor=None)
    closed = Return.objects.get(pk=ret.pk)
    assert (closed.state, closed.outcome) == ("resolved", "refunded")
    return closed
