"""What if, the words: the period asked for, and the report's figures and sentences for staff, in the
locale asked (Babel formats numbers, money and dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.core.money import Money
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.simulation import Example, SimulationReport, Totals

# -- periods and words for staff ---------------------------------------------------------------------


class BadPeriod(DomainError):
    code = "bad_period"
    status = 422


MAX_DAYS = 3660


def parse_since(text: str, store: Store, now: datetime) -> datetime:
    """``90d``: the 90 days before ``now``; ``2026-01-31``: from the start of that day, store time."""
    value = text.strip()
    if value.endswith("d") and value[:-1].isdigit() and 1 <= int(value[:-1]) <= MAX_DAYS:
        return now - timedelta(days=int(value[:-1]))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(
            _("The period is a number of days such as 90d, or a day as YYYY-MM-DD, not “%(value)s”.")
            % {"value": text}
        ) from None
    return datetime.combine(day, time(), tzinfo=store.zone)


def locale_now() -> str:
    """The babel locale of the active language ("en", "fr")."""
    return translation.to_locale(translation.get_language() or "en")


def number(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def share(part: int, whole: int, locale: str) -> str:
    return format_percent(part / whole if whole else 0, "#,##0.0 %", locale=locale)


def money(amount: Decimal, currency: str, locale: str) -> str:
    return Money(amount, currency).format(locale)


def day(moment: datetime, locale: str) -> str:
    return format_date(moment.date(), "long", locale=locale)


def _signed(text: str, value: Decimal | int) -> str:
    return ("+" if value > 0 else "") + text if value else "0"


@dataclass(frozen=True)
class Row:
    label: str
    recorded: str
    active: str
    draft: str
    change: str  # draft minus active


def _row(label: str, texts: Sequence[str], change: str) -> Row:
    return Row(label, texts[0], texts[1], texts[2], change)


def summary_rows(report: SimulationReport, locale: str) -> list[Row]:
    """The report's figures, side by side: as recorded, under the active policy, under the draft."""
    sides = (report.recorded, report.active, report.draft)
    rows = []
    for label, counts in (
        (_("Requests"), [side.requests for side in sides]),
        (_("Approved"), [side.approved for side in sides]),
        (_("Refused"), [side.refused for side in sides]),
    ):
        difference = counts[2] - counts[1]
        rows.append(
            _row(label, [number(n, locale) for n in counts], _signed(number(difference, locale), difference))
        )
    more = report.draft.approved - report.active.approved
    rows.append(
        _row(
            _("Approval rate"),
            [share(side.approved, side.requests, locale) for side in sides],
            _signed(share(more, report.requests, locale), more),
        )
    )
    rows.append(
        _row(
            _("Offered store credit (share of approved)"),
            [share(side.store_credit_offered, side.approved, locale) for side in sides],
            "",
        )
    )
    for currency in report.currencies:
        for label, attribute in (
            (_("Refunds (%(currency)s)"), "refunds"),
            (_("Fees (%(currency)s)"), "fees"),
            (_("Store credit (%(currency)s)"), "store_credit"),
        ):
            amounts: list[Decimal] = [
                getattr(side.money.get(currency, Totals()), attribute) for side in sides
            ]
            change = amounts[2] - amounts[1]
            rows.append(
                _row(
                    label % {"currency": currency},
                    [money(amount, currency, locale) for amount in amounts],
                    _signed(money(change, currency, locale), change),
                )
            )
    return rows


def period_sentence(report: SimulationReport, locale: str) -> str:
    since = day(report.since, locale) if report.since else ""
    if not report.requests:
        return _("There are no past return requests since %(since)s.") % {"since": since}
    return ngettext(
        "%(count)s past return request since %(since)s (%(decided)s different sets of facts decided).",
        "%(count)s past return requests since %(since)s (%(decided)s different sets of facts decided).",
        report.requests,
    ) % {"count": number(report.requests, locale), "since": since, "decided": number(report.decided, locale)}


def changes_sentence(report: SimulationReport, locale: str) -> str:
    changes = report.changes
    if not changes.total:
        return _("The draft decides every one of these requests as the active policy does.")
    return ngettext(
        "The outcome changes for %(count)s request (%(share)s): %(approved)s now approved, %(refused)s now "
        "refused, %(higher)s with a higher refund, %(lower)s with a lower one.",
        "The outcome changes for %(count)s requests (%(share)s): %(approved)s now approved, %(refused)s now "
        "refused, %(higher)s with a higher refund, %(lower)s with a lower one.",
        changes.total,
    ) % {
        "count": number(changes.total, locale),
        "share": share(changes.total, report.requests, locale),
        "approved": number(changes.now_approved, locale),
        "refused": number(changes.now_refused, locale),
        "higher": number(changes.refund_higher, locale),
        "lower": number(changes.refund_lower, locale),
    }


def decision_words(decision: Decision, locale: str) -> str:
    """ "standard: 100 %, refund €31.05" or "refused: window_expired"."""
    if not decision.eligible:
        return _("refused (%(code)s)") % {"code": decision.code}
    return _("%(code)s at %(percent)d %%, refund %(refund)s") % {
        "code": decision.code,
        "percent": decision.refund_percent,
        "refund": money(decision.refund_amount, decision.currency, locale),
    }


def request_words(facts: Facts, locale: str) -> str:
    """One past request, as staff read it: who, what, why, when."""
    from retour.policies.forms import CONDITION_LABELS, REASON_LABELS, label  # words shared with the admin

    days = facts.days_since_delivery
    when = (
        _("not delivered")
        if days is None
        else ngettext("%(days)d day after delivery", "%(days)d days after delivery", days) % {"days": days}
    )
    marks = [facts.category or "-"]
    if facts.final_sale:
        marks.append(_("final sale"))
    if facts.personalised:
        marks.append(_("personalised"))
    return _("%(country)s, %(quantity)d × %(category)s at %(price)s, %(condition)s, %(reason)s, %(when)s") % {
        "country": facts.country,
        "quantity": facts.quantity,
        "category": ", ".join(marks),
        "price": money(facts.unit_price, facts.currency, locale),
        "condition": label(CONDITION_LABELS, facts.condition),
        "reason": label(REASON_LABELS, facts.reason),
        "when": when,
    }


def example_sentence(example: Example, locale: str) -> str:
    return _("Request %(id)s (%(alike)s alike): %(request)s: %(active)s → %(draft)s") % {
        "id": example.request_id,
        "alike": number(example.count, locale),
        "request": request_words(example.facts, locale),
        "active": decision_words(example.active, locale),
        "draft": decision_words(example.draft, locale),
    }
