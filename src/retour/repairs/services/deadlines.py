"""Staff are warned before a repair's deadline (repairs/domain/clock.py), once per repair: an event on its
timeline and an email to the staff who handle repairs, in their store's language (English or French)."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_date
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.notifications.emails import LOCALES, Email, send
from retour.repairs.domain import clock, states
from retour.repairs.models import Repair
from retour.repairs.services.timeline import deadline_of, local_today, record_event


def staff_addresses() -> list[str]:
    users = get_user_model().objects.with_perm("repairs.change_repair", include_superusers=True)
    return sorted({u.email for u in users if u.email})


def warn_staff(now: datetime | None = None) -> int:
    """Warn about each open repair whose warning day has come; a repair is warned about once (``warned_at``
    set under its row lock). Returns how many were warned."""
    now = now or timezone.now()
    horizon = (now + timedelta(days=clock.WARN_DAYS_BEFORE + 1)).date()
    candidates = Repair.objects.filter(
        warned_at__isnull=True, state__in=[s.value for s in states.OPEN], due_on__lte=horizon
    ).values_list("pk", flat=True)
    warned = []
    for pk in list(candidates):
        with transaction.atomic():
            repair = Repair.objects.select_for_update(of=("self",)).select_related("store").get(pk=pk)
            if repair.warned_at is not None or local_today(repair, now) < clock.warn_on(deadline_of(repair)):
                continue
            repair.warned_at = now
            repair.save(update_fields=["warned_at"])
            record_event(
                repair,
                "deadline_warning",
                actor_label="system",
                data={"due_on": repair.due_on.isoformat(), "legal": repair.due_legal},
                at=now,
            )
            warned.append(repair)
    addresses = staff_addresses()
    by_store: dict[int, list[Repair]] = {}
    for repair in warned:
        by_store.setdefault(repair.store_id, []).append(repair)
    for repairs in by_store.values():
        language = repairs[0].store.default_language  # the staff's emails are in their store's language
        try:
            for to in addresses:
                send(_warning(to, repairs, language))
        except OSError:
            break  # the events say it; the warning is on the staff's repairs page too
    return len(warned)


def _warning(to: str, repairs: list[Repair], language: str) -> Email:
    """The warning in ``language`` (English or French), dates as its readers write them."""
    language = language if language in LOCALES else "en"
    with translation.override(language):
        lines = [
            _("%(number)s: due by %(due)s (%(basis)s)")
            % {
                "number": r.number,
                "due": format_date(r.due_on, "long", locale=LOCALES[language]),
                "basis": r.due_basis or _("store's target"),
            }
            for r in repairs
        ]
        subject = ngettext(
            "%(count)d repair is near its deadline", "%(count)d repairs are near their deadline", len(repairs)
        ) % {"count": len(repairs)}
        text = "\n".join(lines)
        html = "<br>".join(escape(line) for line in lines)
    return Email(to, subject, text, html, language)
