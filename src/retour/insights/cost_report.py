"""``retour report cost`` and ``retour report chasing``: their arguments, their JSON and their text.

The command (``management/commands/report.py``) adds these reports' parsers and hands them their options;
the figures are the queries' (``cost_queries``, ``chasing_queries``), the same as the pages, the CSV files
and the API.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.money import Money
from retour.insights.chasing_queries import StoreChasing, store_chasing
from retour.insights.cost_queries import Filters, StoreCost, store_cost

COST_REPORTS = ("cost", "chasing")


def add_cost_parsers(
    sub: Any, parser: CommandParser, day: Callable[[str], date], amount: Callable[[str], Decimal]
) -> None:
    helps = {
        "cost": _("What the returns of the orders placed in a period cost, in total and per return."),
        "chasing": _(
            "How fast approved returns are sent back and refunds paid, for returns asked in a period."
        ),
    }
    for name in COST_REPORTS:
        report: argparse.ArgumentParser = sub.add_parser(
            name, help=helps[name], called_from_command_line=parser.called_from_command_line
        )
        report.add_argument(
            "--from", dest="start", required=True, type=day, help=_("The period's first day (YYYY-MM-DD).")
        )
        report.add_argument(
            "--to", dest="end", required=True, type=day, help=_("The day after the period (YYYY-MM-DD).")
        )
        report.add_argument("--json", action="store_true", help=_("Print the figures as one JSON object."))
        report.add_argument("--store", help=_("The store's code (needed when there are several stores)."))
        report.add_argument("--seller", help=_("Only the lines of this seller (its code; '' for the store)."))
        report.add_argument("--category", help=_("Only the lines of this category."))
        report.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("The language of the text report (default: the active language)."),
        )
        if name == "cost":
            report.add_argument(
                "--handling-cost-per-unit",
                dest="handling",
                type=amount,
                help=_(
                    "What handling one received unit costs, for this report (default: the store's setting)."
                ),
            )


def run_cost_report(store: Store, options: dict[str, Any], write: Callable[[str], object]) -> None:
    start, end = options["start"], options["end"]
    if end <= start:
        raise CommandError(_("--to must be a day after --from."))
    filters = Filters(seller=options.get("seller"), category=options.get("category"))
    figures: StoreCost | StoreChasing
    if options["report"] == "cost":
        figures = store_cost(store, start, end, handling_cost=options.get("handling"), filters=filters)
    else:
        figures = store_chasing(store, start, end, filters=filters)
    if options["json"]:
        write(json.dumps(figures.as_dict(), indent=2, ensure_ascii=False))
        return
    with translation.override(options.get("language") or translation.get_language()):
        write(render_cost(figures) if isinstance(figures, StoreCost) else render_chasing(figures))


def _formatters(store: Store) -> tuple[Callable[[str], str], Callable[[str], str]]:
    language = (translation.get_language() or "en")[:2]

    def money(value: str) -> str:
        return Money(Decimal(value), store.currency).format(language)

    def percent(value: str) -> str:
        text = f"{Decimal(value) * 100:.2f}"
        return (text.replace(".", ",") if language == "fr" else text) + "\u00a0%"

    return money, percent


def _heading(title: str, store: Store, start: date, end: date) -> str:
    return title % {
        "store": store.name,
        "start": start.isoformat(),
        "last": (end - timedelta(days=1)).isoformat(),
        "zone": store.time_zone,
    }


def component_names() -> dict[str, str]:
    return {
        "labels": _("Return labels"),
        "handling": _("Handling and restocking"),
        "tracking": _("Tracking"),
        "insurance": _("Insurance"),
        "payment_fees": _("Payment fees not given back"),
        "disposition_loss": _("Value lost by disposition"),
        "fees_charged": _("Fees paid by shoppers (taken off)"),
    }


def render_cost(figures: StoreCost) -> str:
    data: dict[str, Any] = figures.as_dict()
    money, percent = _formatters(figures.store)
    period = figures.period
    out = [
        _heading(
            _("Cost of returns of %(store)s: orders placed from %(start)s to %(last)s (%(zone)s)"),
            figures.store,
            period.start,
            period.end,
        ),
        "",
        *(f"{name}: {money(data[key])}" for key, name in component_names().items()),
        "",
        _("Net cost: %(net)s, %(share)s of the returned value (%(value)s)")
        % {
            "net": money(data["net"]),
            "share": percent(data["share_of_value"]),
            "value": money(data["returned_value"]),
        },
        _(
            "Returns: %(returns)d, net cost per return: %(per_return)s; "
            "units: %(units)d, per unit: %(per_unit)s"
        )
        % {
            "returns": data["returns"],
            "per_return": money(data["net_per_return"]),
            "units": data["units"],
            "per_unit": money(data["net_per_unit"]),
        },
    ]
    for title, key, empty in (
        (_("By category:"), "by_category", _("(no category)")),
        (_("By seller:"), "by_seller", _("(the store)")),
        (_("By reason:"), "by_reason", "-"),
    ):
        out += ["", title]
        for name, counts in data[key].items():
            out.append(
                "  "
                + _(
                    "%(name)s: %(returns)d returns, net %(net)s "
                    "(%(per_return)s per return, %(share)s of value)"
                )
                % {
                    "name": name or empty,
                    "returns": counts["returns"],
                    "net": money(counts["net"]),
                    "per_return": money(counts["net_per_return"]),
                    "share": percent(counts["share_of_value"]),
                }
            )
    return "\n".join(out) + "\n"


def render_chasing(figures: StoreChasing) -> str:
    data: dict[str, Any] = figures.as_dict()
    money, percent = _formatters(figures.store)
    days, refunds = data["days_to_ship"], data["refunds"]
    period = figures.period
    out = [
        _heading(
            _(
                "Chasing and refund speed of %(store)s: "
                "returns asked for from %(start)s to %(last)s (%(zone)s)"
            ),
            figures.store,
            period.start,
            period.end,
        ),
        "",
        _(
            "Returns asked for: %(requested)d; approved with something to send: %(to_ship)d; "
            "sent: %(shipped)d (%(share)s)"
        )
        % {
            "requested": data["requested"],
            "to_ship": data["to_ship"],
            "shipped": data["shipped"],
            "share": percent(data["shipped_share"]),
        },
        _("Days from approval to sending: mean %(mean)s, median %(median)s, 90th percentile %(p90)s")
        % {"mean": days["mean"], "median": days["median"], "p90": days["p90"]},
        _("Sent before any reminder: %(count)d") % {"count": data["shipped_before_reminders"]},
        *(
            _("Reminder of day %(day)s: %(reminded)d reminded, %(shipped)d sent after it (%(share)s)")
            % {
                "day": day,
                "reminded": counts["reminded"],
                "shipped": counts["shipped_after"],
                "share": percent(counts["share"]),
            }
            for day, counts in data["reminders"].items()
        ),
        _("Expired approvals: %(count)d, worth %(value)s")
        % {"count": data["expired"], "value": money(data["expired_value"])},
        "",
        _("Refunds paid: %(paid)d; days from request to refund: mean %(mean)s, median %(median)s")
        % {"paid": refunds["paid"], "mean": refunds["days_mean"], "median": refunds["days_median"]},
        _("Within the legal 14 days: %(within)d (%(share)s); after: %(after)d")
        % {
            "within": refunds["within_14_days"],
            "share": percent(refunds["within_14_days_share"]),
            "after": refunds["after_14_days"],
        },
        _("Paid after their legal deadline: %(late)d; late-refund surcharges owed: %(owed)s")
        % {"late": refunds["paid_late"], "owed": money(refunds["surcharges_owed"])},
    ]
    return "\n".join(out) + "\n"
