"""The return metrics as text for a person, in the active language (``retour report metrics``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from retour.core.money import Money
from retour.insights.queries import StoreMetrics


def render(figures: StoreMetrics) -> str:
    data: dict[str, Any] = figures.as_dict()
    language = (get_language() or "en")[:2]
    currency = figures.store.currency

    def money(value: str) -> str:
        return Money(Decimal(value), currency).format(language)

    def percent(value: str) -> str:
        text = f"{Decimal(value) * 100:.2f}"
        return (text.replace(".", ",") if language == "fr" else text) + "\u00a0%"

    def slice_line(counts: dict[str, Any]) -> str:
        return _(
            "orders: %(orders)d, returned %(returned_orders)d (%(order_rate)s); units: %(units)d, "
            "returned %(returned_units)d (%(unit_rate)s); value: %(value)s, returned %(returned_value)s "
            "(%(value_rate)s)"
        ) % {
            "orders": counts["orders"],
            "returned_orders": counts["returned_orders"],
            "order_rate": percent(counts["order_return_rate"]),
            "units": counts["units"],
            "returned_units": counts["returned_units"],
            "unit_rate": percent(counts["unit_return_rate"]),
            "value": money(counts["value"]),
            "returned_value": money(counts["returned_value"]),
            "value_rate": percent(counts["value_return_rate"]),
        }

    period = figures.period
    out = [
        _("Return metrics of %(store)s: orders placed from %(start)s to %(last)s (%(zone)s)")
        % {
            "store": figures.store.name,
            "start": period.start.isoformat(),
            "last": (period.end - timedelta(days=1)).isoformat(),
            "zone": figures.store.time_zone,
        },
        "",
        _("All orders: %(figures)s") % {"figures": slice_line(data)},
        "",
        _("By category:"),
        *(
            "  " + _item(key or _("(no category)"), slice_line(counts))
            for key, counts in data["by_category"].items()
        ),
        _("By seller:"),
        *(
            "  " + _item(key or _("(the store)"), slice_line(counts))
            for key, counts in sorted(data["by_seller"].items(), key=lambda item: (item[0] != "", item[0]))
        ),
        _("By reason:"),
        *(
            "  "
            + _("%(reason)s: units: %(units)d, value: %(value)s (%(share)s of returned units)")
            % {
                "reason": key,
                "units": reason["returned_units"],
                "value": money(reason["returned_value"]),
                "share": percent(reason["share"]),
            }
            for key, reason in data["by_reason"].items()
        ),
        _("Outcomes (value of resolved returns):"),
        *("  " + _item(str(_RESOLUTION_WORDS[key]), money(value)) for key, value in data["outcomes"].items()),
        _("Retained revenue: %(ratio)s") % {"ratio": percent(data["retained_revenue_ratio"])},
        _("Refunds paid: %(refunds)s; store credit issued: %(credit)s")
        % {"refunds": money(data["refunds_paid"]), "credit": money(data["store_credit_issued"])},
        _(
            "Cost: labels %(labels)s, handling %(handling)s, less fees charged %(fees)s: net %(net)s, "
            "%(per_return)s per return"
        )
        % {
            "labels": money(data["cost"]["labels"]),
            "handling": money(data["cost"]["handling"]),
            "fees": money(data["cost"]["fees_charged"]),
            "net": money(data["cost"]["net"]),
            "per_return": money(data["cost"]["net_per_return"]),
        },
        _("Void returns (rejected, cancelled, expired): %(count)d") % {"count": data["void_returns"]},
    ]
    return "\n".join(out)


def _item(name: str, text: str) -> str:
    return _("%(name)s: %(text)s") % {"name": name, "text": text}


_RESOLUTION_WORDS = {
    "refund": gettext_lazy("refund"),
    "store_credit": gettext_lazy("store credit"),
    "exchange": gettext_lazy("exchange"),
    "keep": gettext_lazy("kept"),
    "repair": gettext_lazy("repair"),
    "replacement": gettext_lazy("replacement"),
}
