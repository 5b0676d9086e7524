"""The cost of returns read from the analytics rollup: the total of a period's returns (the dashboard's
net cost per return), exactly what ``cost_queries.store_cost`` computes from the raw rows for it.
"""

from __future__ import annotations

from decimal import Decimal

from retour.insights.analytics.base import Filters, grouped, total
from retour.insights.domain import cost, rollup
from retour.insights.services.cost_settings import cost_settings


def rolled_up_sums(filters: Filters) -> cost.Sums:
    """What the rollup sums over the returns of the orders placed in the filters' period (every line:
    the seller and category filters share a return's costs among its lines, which the rollup does not)."""
    whole = Filters(filters.store, filters.start, filters.end)
    summed = total(whole)
    dispositions = grouped(whole, rollup.DISPOSITION)
    return cost.Sums(
        returns=summed.returns,
        units=summed.returned_units,
        returned_value=summed.returned_value,
        received_units=summed.received_units,
        labels=summed.labels,
        fees_charged=summed.fees_charged,
        labelled_returns=summed.labelled_returns,
        labelled_value=summed.labelled_value,
        refunded=summed.refunds_paid,
        refunded_returns=summed.refunded_returns,
        dispositions={key: (cell.returned_units, cell.returned_value) for key, cell in dispositions.items()},
    )


def net_cost_per_return(filters: Filters) -> Decimal:
    """The net cost of a return of the filters' period, rounded to the currency's minor unit."""
    costs = cost.from_sums(rolled_up_sums(filters), cost_settings(filters.store))
    return cost.net_per_return(costs, filters.currency)
