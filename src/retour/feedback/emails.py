"""The survey's email, in the order's language, as text and HTML, sent by the notifications' mailer."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from retour.core.site import site_url
from retour.feedback.models import Survey
from retour.notifications.emails import Email


def links(survey: Survey) -> tuple[str, str]:
    """The survey's page and its opt-out page, as absolute addresses (the worker has no request)."""
    site = site_url()
    return (
        site + reverse("feedback:survey", args=[survey.token]),
        site + reverse("feedback:opt_out", args=[survey.token]),
    )


def render(survey: Survey) -> Email:
    ret = survey.ret
    link, opt_out = links(survey)
    with translation.override(survey.language):
        context = {"ret": ret, "store": survey.store, "link": link, "opt_out": opt_out}
        subject = _("How did your return %(number)s go?") % {"number": ret.number}
        text = render_to_string("feedback/emails/survey.txt", context)
        html = render_to_string("feedback/emails/survey.html", context)
    return Email(survey.email, subject, text, html, survey.language)
