"""Customer histories and segments: load the records, compute with ``segments.domain``, save profiles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.orders.models import Customer, Order
from retour.policies.domain.facts import CustomerHistory
from retour.returns.models import ReturnEvent, ReturnLine
from retour.segments.domain import rules as segment_rules
from retour.segments.domain.history import Figures, OrderRecord, ReturnRecord, figures
from retour.segments.models import CustomerProfile, SegmentRules

Records = tuple[list[OrderRecord], list[ReturnRecord]]
RECOMPUTE_BATCH = 500  # customers whose profiles one task (or one step of a store's) computes


class RulesRefused(DomainError):
    code = "segment_rules_invalid"
    status = 422


class CustomerNotFound(DomainError):
    code = "customer_not_found"
    status = 404


def rules_for(store_id: int) -> list[segment_rules.SegmentRule]:
    row = SegmentRules.objects.filter(store_id=store_id).first()
    return segment_rules.DEFAULT_RULES if row is None else segment_rules.parse(row.rules)


def save_rules(store: Store, data: Any) -> list[segment_rules.SegmentRule]:
    """Replace the store's rules with ``data``; refused with every problem, translated, and nothing
    changed, when they do not read."""
    try:
        parsed = segment_rules.parse(data)
    except segment_rules.RulesInvalid as error:
        raise RulesRefused(
            " ".join(f"{p.where}: {_(p.message) % dict(p.values)}" for p in error.problems)
        ) from error
    SegmentRules.objects.update_or_create(
        store=store, defaults={"rules": [rule.as_json() for rule in parsed]}
    )
    return parsed


def _records(customer_ids: Iterable[int]) -> dict[int, Records]:
    """Each customer's orders and return requests, as the pure computation reads them."""
    ids = list(set(customer_ids))
    found: dict[int, Records] = {pk: ([], []) for pk in ids}
    if not ids:
        return found
    zones: dict[int, Any] = {}
    orders = (
        Order.objects.filter(customer_id__in=ids)
        .values("customer_id", "ordered_at", "store__time_zone")
        .annotate(units=Sum("lines__quantity"), value=Sum(_lines_value("lines__")))
    )
    for row in orders:
        zone = zones.setdefault(row["store__time_zone"], _zone(row["store__time_zone"]))
        day = timezone.localtime(row["ordered_at"], zone).date()
        found[row["customer_id"]][0].append(
            OrderRecord(day, int(row["units"] or 0), Decimal(row["value"] or 0))
        )
    returned: dict[int, list[Any]] = defaultdict(list)
    lines = ReturnLine.objects.filter(ret__customer_id__in=ids).values(
        "ret_id",
        "ret__customer_id",
        "quantity",
        "decision__requested_at",
        "order_line__quantity",
        value=_lines_value("order_line__"),
    )
    for line in lines:
        returned[line["ret_id"]].append(line)
    for rows in returned.values():
        units = sum(int(row["quantity"]) for row in rows)
        value = sum(
            (
                Decimal(row["value"] or 0) * row["quantity"] / max(row["order_line__quantity"], 1)
                for row in rows
            ),
            Decimal(0),
        )
        day = min(row["decision__requested_at"] for row in rows)
        found[rows[0]["ret__customer_id"]][1].append(ReturnRecord(day, units, value))
    return found


def _lines_value(prefix: str) -> models.ExpressionWrapper[Any]:
    return models.ExpressionWrapper(
        F(f"{prefix}unit_price") * F(f"{prefix}quantity")
        - F(f"{prefix}line_discount")
        - F(f"{prefix}order_discount_share"),
        output_field=models.DecimalField(max_digits=19, decimal_places=4),
    )


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _history(found: Figures, rules: list[segment_rules.SegmentRule]) -> CustomerHistory:
    return CustomerHistory(
        returns_last_365d=found.returns_365d,
        orders_365d=found.orders_365d,
        return_rate_365d=found.return_rate_units,
        net_spend_365d=found.net_spend_365d,
        customer_segment=segment_rules.segment_of(rules, found),
    )


def figures_as_of(customer: Customer, day: date) -> Figures:
    orders, returns = _records([customer.pk])[customer.pk]
    return figures(orders, returns, day)


def history_as_of(customer_id: int, day: date) -> CustomerHistory:
    """What a policy sees of the customer on ``day``: their 365 days before it, and their segment then."""
    store_id = Customer.objects.filter(pk=customer_id).values_list("store_id", flat=True).first()
    if store_id is None:
        return CustomerHistory()
    orders, returns = _records([customer_id])[customer_id]
    return _history(figures(orders, returns, day), rules_for(store_id))


def history_of_decisions(decision_ids: Iterable[int]) -> dict[int, CustomerHistory]:
    """Each decision's customer history as of its request's day (the request's, for an inspection's)."""
    ids = list(decision_ids)
    if not ids:
        return {}
    rows = ReturnLine.objects.filter(Q(decision_id__in=ids) | Q(inspection_decision_id__in=ids)).values(
        "decision_id", "inspection_decision_id", "decision__requested_at", "ret__customer_id", "ret__store_id"
    )
    asked: dict[int, tuple[int, date, int]] = {}
    wanted = set(ids)
    for row in rows:
        if row["ret__customer_id"] is None:
            continue
        key = (row["ret__customer_id"], row["decision__requested_at"], row["ret__store_id"])
        for pk in (row["decision_id"], row["inspection_decision_id"]):
            if pk in wanted:
                asked[pk] = key
    records = _records(customer for customer, _day, _store in asked.values())
    store_rules = {store: rules_for(store) for store in {store for _c, _d, store in asked.values()}}
    cache: dict[tuple[int, date], CustomerHistory] = {}
    found = {}
    for pk, (customer, day, store) in asked.items():
        if (customer, day) not in cache:
            orders, returns = records[customer]
            cache[(customer, day)] = _history(figures(orders, returns, day), store_rules[store])
        found[pk] = cache[(customer, day)]
    return found


def recompute(customer: Customer, *, today: date | None = None) -> CustomerProfile:
    """The customer's profile as of the day after ``today`` (today's own orders and returns counted)."""
    return recompute_many([customer], today=today)[customer.pk]


def recompute_many(customers: Iterable[Customer], *, today: date | None = None) -> dict[int, CustomerProfile]:
    """Each customer's profile (as ``recompute``), their records read in one go: customer -> profile."""
    customers = list(customers)
    records = _records(customer.pk for customer in customers)
    store_rules: dict[int, list[segment_rules.SegmentRule]] = {}
    profiles = {}
    for customer in customers:
        local = today or timezone.localtime(timezone.now(), customer.store.zone).date()
        day = date.fromordinal(local.toordinal() + 1)
        found = figures(*records[customer.pk], day)
        rules = store_rules.setdefault(customer.store_id, rules_for(customer.store_id))
        profiles[customer.pk], _created = CustomerProfile.objects.update_or_create(
            customer=customer,
            defaults={
                "store_id": customer.store_id,
                "as_of": day,
                "orders_total": found.orders_total,
                "orders_365d": found.orders_365d,
                "returns_365d": found.returns_365d,
                "return_rate_units": found.return_rate_units,
                "return_rate_value": found.return_rate_value,
                "net_spend_365d": found.net_spend_365d,
                "recency_days": found.recency_days,
                "rfm": found.rfm_code,
                "segment": segment_rules.segment_of(rules, found),
            },
        )
    return profiles


def recompute_store(store: Store, *, today: date | None = None) -> int:
    """Every customer's profile of the store; how many."""
    count = 0
    batch: list[Customer] = []
    for customer in Customer.objects.filter(store=store).select_related("store").iterator(chunk_size=500):
        batch.append(customer)
        if len(batch) == RECOMPUTE_BATCH:
            count += len(recompute_many(batch, today=today))
            batch = []
    return count + len(recompute_many(batch, today=today))


def orders_imported(store_id: int, customer_ids: Sequence[int]) -> None:
    """Orders' hook: an import created or changed these customers' orders; the worker computes their
    profiles again once it commits, ``RECOMPUTE_BATCH`` customers a task."""
    from retour.segments.tasks import recompute_profiles  # the task module imports these services

    def queue(chunk: list[int]) -> Callable[[], object]:
        return lambda: recompute_profiles.enqueue(chunk)

    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        transaction.on_commit(queue(ids[start : start + RECOMPUTE_BATCH]))


def profile_changed(event: ReturnEvent) -> None:
    """A return was asked for: its customer's profile is computed again by the worker, after commit. (The
    figures count requests whatever became of them: a return's later events change none of them.)"""
    customer_id = event.ret.customer_id
    if event.kind != "requested" or customer_id is None:
        return
    from retour.segments.tasks import recompute_profile  # the task module imports these services

    transaction.on_commit(lambda: recompute_profile.enqueue(customer_id))


def segment_label(store_id: int, name: str, language: str) -> str:
    rule = next((rule for rule in rules_for(store_id) if rule.name == name), None)
    return rule.label(language) if rule is not None else name


def profile_data(profile: CustomerProfile) -> dict[str, Any]:
    """A profile as JSON values (amounts and rates as strings), for the CLI, the API and the access report."""
    return {
        "customer": profile.customer.email,
        "as_of": profile.as_of.isoformat(),
        "segment": profile.segment,
        "rfm": profile.rfm,
        "orders_total": profile.orders_total,
        "orders_365d": profile.orders_365d,
        "returns_last_365d": profile.returns_365d,
        "return_rate_365d": str(profile.return_rate_units),
        "return_value_rate_365d": str(profile.return_rate_value),
        "net_spend_365d": str(Decimal(profile.net_spend_365d).quantize(Decimal("0.01"))),
        "recency_days": profile.recency_days,
    }
