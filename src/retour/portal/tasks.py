"""Sending a shopper the link that opens their order (django-tasks, `retour worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from retour.catalog.models import Store
from retour.portal import access, throttle


@task()
def send_access_link(store_id: int, number: str, email: str, language: str, site: str) -> str:
    """Email a signed link to the order, when the number and the email match one; otherwise nothing.

    The check happens here, not in the request, so the page answers the same, as fast, either way.
    ``site`` is the scheme and host the shopper used (``https://returns.example.com``).
    """
    store = Store.objects.filter(pk=store_id).first()
    order = access.find_order(store, number, email) if store is not None and "@" in email else None
    if order is None:
        return "no match"
    link = site.rstrip("/") + reverse("portal:access", args=[access.link_token(order)])
    with translation.override(language if language in ("en", "fr") else "en"):
        context = {"order": order, "store": store, "link": link, "hours": access.LINK_MAX_AGE // 3600}
        subject = _("Your link to order %(number)s") % {"number": order.number}
        text = render_to_string("portal/emails/access_link.txt", context)
        html = render_to_string("portal/emails/access_link.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    return "sent"


@task()
def prune_lookup_attempts() -> int:
    """Delete lookup attempts too old to count (periodic: ``config/schedule.py``)."""
    return throttle.prune()
