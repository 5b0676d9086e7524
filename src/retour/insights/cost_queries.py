"""The cost of returns of a store's orders placed in a period (issue 11, item 3).

The records are the return metrics' (``queries.cohort_records``: labels and fees from the ledger, refunds
from Retour's refunds, the imported figures of past returns, each line's disposition); the rates are the
store's settings (``services.cost_settings``). ``domain.cost`` does the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from retour.catalog.models import Store
from retour.core.money import Money
from retour.insights.domain import cost, metrics
from retour.insights.queries import cohort_records
from retour.insights.services.cost_settings import cost_settings


@dataclass(frozen=True)
class Filters:
    seller: str | None = None  # a seller's code, "" for the store itself
    category: str | None = None

    def keeps(self, line: metrics.Line) -> bool:
        return (self.seller is None or line.seller == self.seller) and (
            self.category is None or line.category == self.category
        )

    @property
    def any(self) -> bool:
        return self.seller is not None or self.category is not None


@dataclass(frozen=True)
class StoreCost:
    store: Store
    period: metrics.Period
    settings: cost.CostSettings
    result: cost.Costs

    def as_dict(self) -> dict[str, object]:
        return cost.report(self.result, self.store.currency)


def store_cost(
    store: Store,
    start: date,
    end: date,
    *,
    handling_cost: Decimal | None = None,
    filters: Filters | None = None,
) -> StoreCost:
    """What the returns of ``store``'s orders placed in ``[start, end)`` cost it."""
    period = metrics.Period(start, end, store.zone)
    rates = cost_settings(store, handling_cost=handling_cost)
    orders, returns = cohort_records(store, period, returned_only=True)
    keep = filters.keeps if filters is not None and filters.any else None
    return StoreCost(store, period, rates, cost.compute(orders, returns, period, rates, only=keep))


def net_cost_per_return(store: Store, start: date, end: date) -> Money:
    """The dashboard's "net cost per return": every cost of a return (labels, handling, tracking,
    insurance, payment fees kept, value lost by disposition) less the fees the shopper paid, over the
    non-void returns of the orders placed in ``[start, end)``."""
    found = store_cost(store, start, end)
    return Money(cost.net_per_return(found.result, store.currency), store.currency)
