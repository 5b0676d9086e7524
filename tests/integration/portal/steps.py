"""What a shopper does in the portal, as test steps, and how a page reads to them.

Import it as ``from integration.portal.steps import ...`` (tests/ is on sys.path; see tests/conftest.py).
"""

from __future__ import annotations

import html
import re
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from retour.orders.models import Order, OrderLine


def text(response: HttpResponse) -> str:
    """The page as a reader sees it: no tags, entities decoded, white space collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def alert(response: HttpResponse) -> str:
    """The text of the page's first alert (the error a form answers with)."""
    found = re.search(r'<div class="alert" role="alert"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert found is not None, text(response)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def french() -> Client:
    return Client(headers={"Accept-Language": "fr"})


def look_up(client: Client, order: Order, proof: str | None = None, **extra: Any) -> HttpResponse:
    """Ask for the order by its number and (by default) its email."""
    data = {"store": order.store.code, "number": order.number, "proof": proof or order.email}
    return client.post(reverse("portal:home"), data, **extra)


def lines(order: Order) -> list[OrderLine]:
    return list(order.lines.order_by("position"))


def pick(
    line: OrderLine,
    quantity: int = 1,
    reason: str = "size_fit",
    condition: str = "unopened",
    details: str = "",
) -> dict[str, Any]:
    """The items screen's fields for one item chosen for the return."""
    prefix = f"l{line.pk}"
    return {
        f"{prefix}-selected": "on",
        f"{prefix}-quantity": quantity,
        f"{prefix}-reason": reason,
        f"{prefix}-condition": condition,
        f"{prefix}-details": details,
    }


def choose_items(client: Client, order: Order, *picks: dict[str, Any], **extra: Any) -> HttpResponse:
    """Send the items screen as a browser does: every item's fields, those not chosen left as shown."""
    data: dict[str, Any] = {}
    for line in lines(order):
        data.update({f"l{line.pk}-quantity": 1, f"l{line.pk}-reason": "", f"l{line.pk}-condition": ""})
    for item in picks:
        data.update(item)
    return client.post(reverse("portal:order", args=[order.pk]), data, **extra)


def confirm(client: Client, order: Order, data: dict[str, Any], **extra: Any) -> HttpResponse:
    return client.post(reverse("portal:options", args=[order.pk]), data, **extra)


def resolution(line: OrderLine, chosen: str = "refund") -> dict[str, str]:
    return {f"resolution-{line.pk}": chosen}


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def run_tasks(task: Any) -> list[Any]:
    """Run every queued call of ``task`` as the worker would (synchronously), oldest first; their results."""
    rows = DBTaskResult.objects.filter(task_path=task.module_path, status="READY").order_by(
        "enqueued_at", "id"
    )
    results = []
    for row in rows:
        results.append(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
    return results
