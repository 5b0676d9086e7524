"""French as it is set: every main page and email a French shopper reads has a no-break space before
`: ; ! ?` and inside « » (tests/typography.py says what counts: not 10:30, not a URL, not code)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

import typography
from integration.portal.steps import (
    choose_items,
    confirm,
    french,
    lines,
    look_up,
    pick,
    resolution,
    run_tasks,
)
from retour.helpcenter.services.articles import import_folder
from retour.notifications.tasks import send_notification
from retour.orders.models import Order
from retour.portal.tasks import send_access_link
from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def visible(markup: str) -> str:
    """What a reader sees of a page: its text and the placeholders and labels of its controls, with
    neither code (<pre>, <code>) nor scripts."""
    markup = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", markup, flags=re.S)
    shown = re.findall(r'(?:placeholder|aria-label|alt|title)="([^"]*)"', markup)
    body = re.sub(r"<[^>]+>", "\n", markup)
    return html.unescape("\n".join([body, *shown]))


def mistakes(where: str, text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for problem in typography.problems(line.strip()):
            found.append(f"{where}: {problem.context!r}")
    return found


def test_the_french_pages_and_emails_set_a_no_break_space_before_high_punctuation(
    make_order: Callable[..., Order], kb_dir: Path
):
    assert not import_folder(kb_dir).errors
    order = make_order()
    client = french()
    shown: dict[str, str] = {"lookup": client.get(f"/?store={order.store.code}").content.decode()}
    look_up(client, order)
    shown["order"] = client.get(reverse("portal:order", args=[order.pk])).content.decode()
    shown["withdrawal"] = client.get(reverse("portal:withdraw", args=[order.pk])).content.decode()
    first = lines(order)[0]
    choose_items(client, order, pick(first))
    shown["options"] = client.get(reverse("portal:options", args=[order.pk])).content.decode()
    confirm(client, order, {**resolution(first), "method": "label"})
    ret = Return.objects.get(order=order)
    shown["return"] = client.get(reverse("portal:return", args=[ret.number])).content.decode()
    shown["help home"] = client.get("/help/").content.decode()
    shown["help search"] = client.get("/help/search/?q=remboursement").content.decode()
    article = re.search(r'href="(/help/a/[a-z0-9-]+/)"', shown["help home"])
    assert article is not None
    shown["help article"] = client.get(article.group(1)).content.decode()

    client.post(
        reverse("portal:send_link"), {"store": order.store.code, "number": order.number, "email": order.email}
    )
    run_tasks(send_access_link)
    for notification in ret.notifications.all():
        send_notification.call(notification.pk)
    assert mail.outbox, "no email was sent"

    found = [problem for where, page in shown.items() for problem in mistakes(where, visible(page))]
    for sent in mail.outbox:
        found += mistakes(f"email {sent.subject}", sent.subject + "\n" + sent.body)
        for content, kind in getattr(sent, "alternatives", []):
            if kind == "text/html":
                found += mistakes(f"email {sent.subject} (HTML)", visible(str(content)))
    assert not found, "\n".join(found)
