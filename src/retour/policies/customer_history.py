"""A customer's history as a policy sees it, from the app that computes it, without policies importing it.

The segments app builds on orders and returns (which build on policies): it registers, at start-up, how
to compute a customer's ``CustomerHistory`` as of a day, and how to compute it for stored decisions (as
of each one's request day, for replays). Policies ask whatever is registered; with nothing registered
every customer has no history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from retour.policies.domain.facts import NO_HISTORY, CustomerHistory

AsOf = Callable[[int, date], CustomerHistory]  # (customer id, request day) -> history before that day
OfDecisions = Callable[[Iterable[int]], dict[int, CustomerHistory]]  # decision ids -> their history

_as_of: list[AsOf] = []
_of_decisions: list[OfDecisions] = []


def provide(as_of: AsOf, of_decisions: OfDecisions) -> None:
    """Register the one computation of customer histories; registering again replaces it."""
    _as_of[:] = [as_of]
    _of_decisions[:] = [of_decisions]


def history_as_of(customer_id: int | None, day: date) -> CustomerHistory:
    """The customer's history in the 365 days before ``day`` (``day`` itself excluded)."""
    if customer_id is None or not _as_of:
        return NO_HISTORY
    return _as_of[0](customer_id, day)


def history_of_decisions(decision_ids: Iterable[int]) -> dict[int, CustomerHistory]:
    """Each stored decision's customer history as of its request day (decisions without a customer or a
    return are left out: they have none)."""
    if not _of_decisions:
        return {}
    return _of_decisions[0](decision_ids)
