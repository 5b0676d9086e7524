"""The staff alert when a product's return rate jumps (periodic: ``config/schedule.py``).

Each day, each product's units of the orders placed in the last ``RECENT_DAYS`` days and those that came
back are tested against its own ``BEFORE_DAYS`` days before (``domain.health.jumped``). A jump opens a
``feedback.ProductAlert`` and emails the staff who see the analytics and work for the product's store,
each in their language (``feedback.StaffLanguage``, else the store's), once: while the alert is open the
product is not announced again; when the rate is back to normal the alert closes, and a later jump
opens a new one. An email that could not be sent (SMTP down) is sent on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.site import site_url
from retour.feedback.models import ProductAlert, StaffLanguage
from retour.insights import product_health
from retour.insights.domain import health
from retour.notifications.emails import LOCALES, Email, send

SEE = "insights.view_insightssettings"
PERCENT = {"fr": "#,##0.0\u00a0%", "en": "#,##0.0%"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    opened: int
    closed: int
    emailed: int


def _rate(count: health.Count) -> Decimal:
    return (
        (Decimal(count.returned) / Decimal(count.units)).quantize(Decimal("0.0001"))
        if count.units
        else Decimal(0)
    )


def jumps(store: Store, now: datetime) -> dict[int, tuple[health.Count, health.Count, health.Verdict]]:
    """The store's products whose rate jumped: product -> (recent, before, verdict)."""
    today = now.astimezone(store.zone).date()
    start = today - timedelta(days=health.RECENT_DAYS - 1)
    recent = product_health.counts(product_health.scope_of(store, start, today + timedelta(days=1)))
    before = product_health.counts(
        product_health.scope_of(store, start - timedelta(days=health.BEFORE_DAYS), start)
    )
    found = {}
    for product_id, count in recent.items():
        earlier = before.get(product_id, product_health.NOTHING)
        verdict = health.jumped(count, earlier)
        if verdict.flagged:
            found[product_id] = (count, earlier, verdict)
    return found


def follow(store: Store, now: datetime | None = None) -> Outcome:
    """Open an alert for each new jump, close those that are over, email what is not emailed yet."""
    now = now or timezone.now()
    found = jumps(store, now)
    opened_alerts = ProductAlert.objects.filter(store=store, closed_at__isnull=True)
    closed = opened_alerts.exclude(product_id__in=list(found)).update(closed_at=now)
    already = set(opened_alerts.values_list("product_id", flat=True))
    opened = 0
    for product_id, (recent, before, verdict) in found.items():
        if product_id in already:
            continue
        try:
            with transaction.atomic():
                ProductAlert.objects.create(
                    store=store,
                    product_id=product_id,
                    recent_units=recent.units,
                    recent_returned=recent.returned,
                    recent_rate=_rate(recent),
                    baseline_rate=_rate(before),
                    p_value=verdict.p_value or 0.0,
                )
        except IntegrityError:  # another worker opened it a moment ago
            continue
        opened += 1
    emailed = sum(
        _email(alert) for alert in opened_alerts.filter(emailed_at__isnull=True).select_related("product")
    )
    return Outcome(opened, closed, emailed)


# Whether a staff member may see a store: the back office knows (``backoffice.access.may_reach``) and
# registers it at start-up, since the back office builds on insights and not the other way round.
_may_reach: list[Callable[[Any, int], bool]] = []


def on_store_access(check: Callable[[Any, int], bool]) -> None:
    """``check(user, store_id)``: whether ``user`` works for the store; registering again replaces it."""
    _may_reach[:] = [check]


def recipients(store: Store) -> list[tuple[str, str]]:
    """(address, language) of the staff who see the analytics and work for ``store``, each in the language
    chosen for their alerts, else the store's."""
    users = (
        get_user_model().objects.with_perm(SEE, include_superusers=True).filter(is_active=True, is_staff=True)
    )
    languages = dict(StaffLanguage.objects.values_list("user_id", "language"))
    found: dict[str, str] = {}
    for user in users.order_by("pk"):
        if not user.email or not all(check(user, store.pk) for check in _may_reach):
            continue
        found.setdefault(user.email, languages.get(user.pk) or store.default_language)
    return sorted(found.items())


def _message(alert: ProductAlert, language: str) -> tuple[str, str, str]:
    """The alert's subject, text and HTML in ``language``."""
    store: Store = alert.store
    with translation.override(language):
        link = site_url() + reverse("backoffice:analytics-page", args=["product-health"])
        locale = LOCALES.get(language, "en_GB")
        context = {
            "alert": alert,
            "product": alert.product,
            "store": store,
            "link": f"{link}?store={store.pk}",
            "rate_now": format_percent(alert.recent_rate, PERCENT[locale[:2]], locale=locale),
            "rate_before": format_percent(alert.baseline_rate, PERCENT[locale[:2]], locale=locale),
        }
        subject = _("Returns of %(product)s jumped") % {"product": alert.product.title}
        text = render_to_string("insights/emails/product_alert.txt", context)
        html = render_to_string("insights/emails/product_alert.html", context)
    return subject, text, html


def _email(alert: ProductAlert) -> bool:
    """Email the alert once; False (tried again next run) when nobody can be told or SMTP fails."""
    to = recipients(alert.store)
    if not to:
        return False
    messages = {language: _message(alert, language) for language in sorted({lang for _a, lang in to})}
    sent = []
    for address, language in to:
        subject, text, html = messages[language]
        try:
            send(Email(address, subject, text, html, language))
        except (OSError, ValueError) as error:  # smtplib errors are OSErrors
            log.warning("product alert %s not sent to %s: %s", alert.pk, address, error)
            continue
        sent.append(address)
    if not sent:
        return False
    ProductAlert.objects.filter(pk=alert.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), emailed_to=", ".join(sent)
    )
    return True


def follow_all(now: datetime | None = None) -> Outcome:
    total = Outcome(0, 0, 0)
    for store in Store.objects.order_by("code"):
        done = follow(store, now)
        total = Outcome(total.opened + done.opened, total.closed + done.closed, total.emailed + done.emailed)
    return total
