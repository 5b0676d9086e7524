"""What the apps downstream of orders do once orders are imported, without orders importing them.

The segments app brings the customers' profiles up to date: it registers its callback at start-up (its
AppConfig.ready) and the one import writer calls whatever is registered, inside the import's transaction
(a callback defers its work with ``transaction.on_commit``: a rejected import tells nobody).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_imported: list[Callable[[int, Sequence[int]], object]] = []


def on_orders_imported(callback: Callable[[int, Sequence[int]], object]) -> None:
    """``callback(store_id, customer_ids)`` with the customers whose orders an import created or changed."""
    if callback not in _imported:
        _imported.append(callback)


def orders_imported(store_id: int, customer_ids: Sequence[int]) -> None:
    if not customer_ids:
        return
    for callback in _imported:
        callback(store_id, customer_ids)
