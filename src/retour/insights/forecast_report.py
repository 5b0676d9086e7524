"""The refund forecast and its backtest as data (JSON, CSV rows) and as text, in the active language."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.money import Money
from retour.insights.cashflow import Liability, money
from retour.insights.domain.forecast import Backtest, Forecast
from retour.returns.models import Return


def forecast_rows(made: Forecast, liability: Liability, currency: str) -> list[dict[str, Any]]:
    """One row a week: its first day, what is owed now that falls due in it, the expected cash refunded
    (pipeline, returns still to come, returns from new orders, total) with its band, and expected sales."""
    owed = liability.by_week(made.origin, len(made.weeks))
    return [
        {
            "week": week.start.isoformat(),
            "owed_due": str(owed[number]),
            "pipeline": str(money(week.pipeline, currency)),
            "coming": str(money(week.coming, currency)),
            "new_orders": str(money(week.new_orders, currency)),
            "expected": str(money(week.expected, currency)),
            "low": str(money(week.low, currency)),
            "high": str(money(week.high, currency)),
            "sales": str(money(week.sales, currency)),
        }
        for number, week in enumerate(made.weeks)
    ]


def forecast_data(store: Store, made: Forecast, liability: Liability) -> dict[str, Any]:
    currency = store.currency
    low, high = made.band(4)
    return {
        "store": store.code,
        "currency": currency,
        "as_of": (made.origin - timedelta(days=1)).isoformat(),
        "owed_now": {
            "total": str(liability.total),
            "returns": [
                {
                    "number": owed.number,
                    "state": owed.state,
                    "amount": str(owed.amount),
                    "expected_from": owed.expected_from.isoformat(),
                    "expected_by": owed.expected_by.isoformat(),
                }
                for owed in liability.returns
            ],
        },
        "next_4_weeks": {
            "expected": str(money(made.total(4), currency)),
            "low": str(money(low, currency)),
            "high": str(money(high, currency)),
        },
        "weeks": forecast_rows(made, liability, currency),
        "return_rates": {key: round(rate, 4) for key, rate in sorted(made.return_rates.items())},
    }


def backtest_data(result: Backtest) -> dict[str, Any]:
    """The contract: ``{"wape": {"1": 0.08, "4": 0.12, "12": 0.2}}``, fractions (null: no origin whose
    horizon has passed)."""
    return {"wape": {str(h): _fraction(value) for h, value in result.wape.items()}}


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def render_forecast(store: Store, made: Forecast, liability: Liability) -> str:
    language = (get_language() or "en")[:2]
    currency = store.currency

    def amount(value: Decimal | float) -> str:
        decimal = value if isinstance(value, Decimal) else money(value, currency)
        return Money(decimal, currency).format(language)

    low, high = made.band(4)
    count = len(liability.returns)
    out = [
        _("Refunds of %(store)s as of %(day)s")
        % {"store": store.name, "day": _day(made.origin - timedelta(days=1), language)},
        "",
        ngettext(
            "Owed now: %(amount)s on %(count)d return.", "Owed now: %(amount)s on %(count)d returns.", count
        )
        % {"amount": amount(liability.total), "count": count},
        _("Next 4 weeks: %(amount)s expected (90%% band: %(low)s to %(high)s).")
        % {"amount": amount(made.total(4)), "low": amount(low), "high": amount(high)},
        "",
        _("Week of | open returns | still to come | new orders | expected | band | sales"),
    ]
    for week in made.weeks:
        out.append(
            " | ".join(
                [
                    _day(week.start, language),
                    amount(week.pipeline),
                    amount(week.coming),
                    amount(week.new_orders),
                    amount(week.expected),
                    f"{amount(week.low)} – {amount(week.high)}",
                    amount(week.sales),
                ]
            )
        )
    if liability.returns:
        out += ["", _("Owed now, by return:")]
        for owed in liability.returns:
            out.append(
                _("  %(number)s (%(state)s): %(amount)s, expected from %(start)s to %(end)s")
                % {
                    "number": owed.number,
                    "state": Return.State(owed.state).label,
                    "amount": amount(owed.amount),
                    "start": _day(owed.expected_from, language),
                    "end": _day(owed.expected_by, language),
                }
            )
    return "\n".join(out) + "\n"


def render_backtest(store: Store, result: Backtest) -> str:
    language = (get_language() or "en")[:2]

    def percent(value: float | None) -> str:
        if value is None:
            return _("n/a")
        text = f"{value * 100:.1f}"
        return (text.replace(".", ",") if language == "fr" else text) + "\u00a0%"

    origins = sorted({row.origin for row in result.rows})
    out = [
        _(
            "Backtest of the refund forecast of %(store)s: %(count)d weekly forecasts, each made with "
            "what was known that Monday"
        )
        % {"store": store.name, "count": len(origins)},
        "",
    ]
    for horizon, value in result.wape.items():
        counted = sum(1 for row in result.rows if row.horizon == horizon)
        out.append(
            (
                _("Next week: WAPE %(wape)s, over %(count)d forecasts")
                if horizon == 1
                else _(
                    "Next %(weeks)d weeks: WAPE %(wape)s on their total (week %(weeks)d alone: %(week)s), "
                    "over %(count)d forecasts"
                )
            )
            % {
                "weeks": horizon,
                "wape": percent(value),
                "week": percent(result.wape_week[horizon]),
                "count": counted,
            }
        )
    return "\n".join(out) + "\n"


def _day(day: date, language: str) -> str:
    return day.strftime("%d/%m/%Y") if language == "fr" else day.isoformat()
