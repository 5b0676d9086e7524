"""Store past returns: all or nothing, every bad row listed, idempotent on the store's return number.

Every record is checked against the stored orders before anything is written: the order exists and was
not cancelled, each line's SKU names a line of it with the units (delivered units less those other
non-void returns took, for a return that counts; the line's quantity for a void one), and each line's
``amount`` is the paid value of its units to the cent, from the same function the metrics use. Records
are checked in file order, so the units a return takes are gone for the returns after it.

A past return moves no money: it is history the metrics read, never a refund in Retour's ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.money import minor_units
from retour.insights.domain.metrics import VOID, is_void, paid_value, returned_value
from retour.insights.importers.past_returns import PastReturnIn, PastReturnRecord
from retour.insights.models import PastReturn, PastReturnLine
from retour.orders.importers.records import RowError
from retour.orders.models import Order, OrderLine, Shipment
from retour.returns.domain import states
from retour.returns.models import ReturnLine

CHUNK = 1000
MAX_REPORTED_ERRORS = 10_000
T = TypeVar("T")


@dataclass
class ReturnsImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def returns(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Line:
    id: int
    sku: str
    quantity: int
    paid_value: Decimal
    delivered: int


@dataclass
class _Order:
    id: int
    number: str
    currency: str
    cancelled: bool
    lines: list[_Line]


@dataclass(frozen=True)
class _Checked:
    record: PastReturnRecord
    order_id: int
    line_ids: tuple[int, ...]  # the order line of each of the record's lines


def import_past_returns(
    store: Store, records: Iterable[PastReturnRecord | list[RowError]]
) -> ReturnsImportReport:
    """Write ``records`` into ``store``; return the counts, or every error with nothing written."""
    report = ReturnsImportReport()
    parsed: list[PastReturnRecord] = []
    first_row: dict[str, int] = {}
    for record in records:
        if isinstance(record, list):
            report.errors.extend(record)
            continue
        if record.number in first_row:
            report.errors.append(
                RowError(
                    record.row,
                    "number",
                    _("return %(number)s is already in this file (row %(row)d)")
                    % {"number": record.number, "row": first_row[record.number]},
                )
            )
            continue
        first_row[record.number] = record.row
        parsed.append(record)
    with transaction.atomic():
        checked = _check(store, parsed, report)
        if report.errors:
            report.errors.sort(key=lambda error: error.row)  # stable: a row's errors keep their order
            if len(report.errors) > MAX_REPORTED_ERRORS:
                del report.errors[MAX_REPORTED_ERRORS:]
                report.errors_truncated = True
            return report
        _write(store, checked, report)
    return report


# -- checks -----------------------------------------------------------------------------------------


def _check(store: Store, records: list[PastReturnRecord], report: ReturnsImportReport) -> list[_Checked]:
    orders = _orders(store, sorted({record.value.order for record in records}))
    numbers = [record.number for record in records]
    taken = _units_taken(store, [line.id for order in orders.values() for line in order.lines], numbers)
    checked = []
    for record in records:
        errors: list[RowError] = []
        result = _check_one(record, orders.get(record.value.order), taken, errors)
        if errors:
            report.errors.extend(errors)
        elif result is not None:
            checked.append(result)
    return checked


def _check_one(
    record: PastReturnRecord, order: _Order | None, taken: dict[int, int], errors: list[RowError]
) -> _Checked | None:
    value, row = record.value, record.row
    if order is None:
        errors.append(
            RowError(row, "order", _("there is no order %(order)s in this store") % {"order": value.order})
        )
        return None
    if order.cancelled:
        errors.append(
            RowError(
                row, "order", _("order %(order)s was cancelled: it has no returns") % {"order": value.order}
            )
        )
        return None
    errors.extend(_decimal_errors(value, order.currency, row))
    void = is_void(value.status)
    here: dict[int, int] = defaultdict(int)  # units this return takes from each order line
    line_ids = []
    for index, line in enumerate(value.lines):
        candidates = [candidate for candidate in order.lines if candidate.sku == line.sku]
        if not candidates:
            errors.append(
                RowError(
                    row,
                    f"lines[{index}].sku",
                    _("order %(order)s has no line with the SKU %(sku)s")
                    % {"order": order.number, "sku": line.sku},
                )
            )
            continue

        def room(candidate: _Line) -> int:
            limit = candidate.quantity if void else candidate.delivered - taken.get(candidate.id, 0)
            return limit - here[candidate.id]

        chosen = next((candidate for candidate in candidates if room(candidate) >= line.quantity), None)
        if chosen is None:
            errors.append(
                RowError(row, f"lines[{index}].quantity", _unavailable(line.sku, candidates, void, room))
            )
            continue
        here[chosen.id] += line.quantity
        line_ids.append(chosen.id)
        expected = returned_value(chosen.paid_value, chosen.quantity, line.quantity, order.currency)
        if line.amount != expected:
            errors.append(
                RowError(
                    row,
                    f"lines[{index}].amount",
                    _("%(amount)s is not the paid value of %(quantity)d × %(sku)s: %(expected)s")
                    % {
                        "amount": line.amount,
                        "quantity": line.quantity,
                        "sku": line.sku,
                        "expected": expected,
                    },
                )
            )
    if errors:
        return None
    if not void:
        for line_id, units in here.items():
            taken[line_id] = taken.get(line_id, 0) + units
    return _Checked(record, order.id, tuple(line_ids))


def _unavailable(sku: str, candidates: Sequence[_Line], void: bool, room: Callable[[_Line], int]) -> str:
    values = {"sku": sku}
    if void:
        most = max(candidate.quantity for candidate in candidates)
        return _("more units than a line of %(sku)s has (%(most)d)") % {**values, "most": most}
    if not any(candidate.delivered for candidate in candidates):
        return _("the units of %(sku)s were not delivered") % values
    left = max(0, *(room(candidate) for candidate in candidates))
    return _(
        "only %(left)d unit(s) of %(sku)s can still be returned on one line (delivered units less those "
        "other returns took)"
    ) % {**values, "left": left}


def _decimal_errors(value: PastReturnIn, currency: str, row: int) -> list[RowError]:
    step = Decimal(1).scaleb(-minor_units(currency))
    amounts = [
        ("refunded", value.refunded),
        ("store_credit", value.store_credit),
        ("fees_charged", value.fees_charged),
        ("label_cost", value.label_cost),
        *((f"lines[{index}].amount", line.amount) for index, line in enumerate(value.lines)),
    ]
    return [
        RowError(
            row,
            name,
            _("%(value)s has more decimals than %(currency)s allows")
            % {"value": amount, "currency": currency},
        )
        for name, amount in amounts
        if amount != amount.quantize(step)
    ]


# -- look-ups ---------------------------------------------------------------------------------------


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _orders(store: Store, numbers: Sequence[str]) -> dict[str, _Order]:
    orders: dict[str, _Order] = {}
    fulfilled: dict[int, str] = {}
    for part in _chunks(numbers):
        for pk, number, currency, cancelled_at, status in Order.objects.filter(
            store=store, number__in=part
        ).values_list("pk", "number", "currency", "cancelled_at", "fulfillment_status"):
            orders[number] = _Order(pk, number, currency, cancelled_at is not None, [])
            fulfilled[pk] = status
    by_id = {order.id: order for order in orders.values()}
    ids = list(by_id)
    deliveries: dict[int, dict[int, bool]] = defaultdict(dict)  # order -> shipment -> delivered
    for id_part in _chunks(ids):
        for pk, order_id, delivered_at in Shipment.objects.filter(order_id__in=id_part).values_list(
            "pk", "order_id", "delivered_at"
        ):
            deliveries[order_id][pk] = delivered_at is not None
    for id_part in _chunks(ids):
        for row in (
            OrderLine.objects.filter(order_id__in=id_part)
            .order_by("order_id", "position")
            .values_list(
                "pk",
                "order_id",
                "sku",
                "quantity",
                "unit_price",
                "line_discount",
                "order_discount_share",
                "fulfilled_quantity",
                "shipment_id",
            )
        ):
            pk, order_id, sku, quantity, price, discount, share, fulfilled_quantity, shipment_id = row
            parcels = deliveries[order_id]
            by_id[order_id].lines.append(
                _Line(
                    pk,
                    sku,
                    quantity,
                    paid_value(price, quantity, discount, share),
                    delivered_units(quantity, fulfilled_quantity, fulfilled[order_id], shipment_id, parcels),
                )
            )
    return orders


def delivered_units(
    quantity: int,
    fulfilled_quantity: int,
    fulfillment_status: str,
    shipment_id: int | None,
    parcels: dict[int, bool],
) -> int:
    """Units of a line the shopper received: none until its parcel is delivered (its own shipment, or
    every shipment of the order when the line names none); then those fulfilled, all of them when the
    order says it was fulfilled, or says nothing of its fulfilment at all."""
    if shipment_id is not None and shipment_id in parcels:
        delivered = parcels[shipment_id]
    else:
        delivered = bool(parcels) and all(parcels.values())
    if not delivered:
        return 0
    if fulfilled_quantity:
        return fulfilled_quantity
    if fulfillment_status in (Order.FulfillmentStatus.FULFILLED, Order.FulfillmentStatus.UNFULFILLED):
        return quantity
    return 0


def _units_taken(store: Store, line_ids: Sequence[int], replaced: Sequence[str]) -> dict[int, int]:
    """Units of each order line held by non-void returns: Retour's own, and the stored past returns but
    those the import replaces (``replaced`` numbers)."""
    taken: dict[int, int] = defaultdict(int)
    replaced_set = set(replaced)
    for part in _chunks(line_ids):
        for line_id, number, units in (
            PastReturnLine.objects.filter(order_line_id__in=part, past_return__store=store)
            .exclude(past_return__status__in=sorted(VOID))
            .values_list("order_line_id", "past_return__number", "quantity")
        ):
            if number not in replaced_set:
                taken[line_id] += units
        for row in (
            ReturnLine.objects.filter(order_line_id__in=part, ret__state__in=states.OPEN)
            .values("order_line_id")
            .annotate(units=Sum("quantity"))
        ):
            taken[row["order_line_id"]] += int(row["units"])
    return taken


# -- writes -----------------------------------------------------------------------------------------


def _header(item: _Checked) -> dict[str, object]:
    value = item.record.value
    return {
        "order_id": item.order_id,
        "status": value.status,
        "requested_at": value.requested_at,
        "received_at": value.received_at,
        "resolved_at": value.resolved_at,
        "refunded": value.refunded,
        "store_credit": value.store_credit,
        "fees_charged": value.fees_charged,
        "label_cost": value.label_cost,
        "content_hash": item.record.fingerprint(),
    }


def _lines(past_return_id: int, item: _Checked) -> list[PastReturnLine]:
    return [
        PastReturnLine(
            past_return_id=past_return_id,
            position=position,
            order_line_id=line_id,
            quantity=line.quantity,
            reason=line.reason,
            condition=line.condition,
            resolution=line.resolution,
            amount=line.amount,
        )
        for position, (line, line_id) in enumerate(zip(item.record.value.lines, item.line_ids, strict=True))
    ]


def _write(store: Store, checked: list[_Checked], report: ReturnsImportReport) -> None:
    stored: dict[str, tuple[int, str]] = {}
    numbers = [item.record.number for item in checked]
    for part in _chunks(numbers):
        for number, pk, fingerprint in PastReturn.objects.filter(store=store, number__in=part).values_list(
            "number", "pk", "content_hash"
        ):
            stored[number] = (pk, fingerprint)
    fresh = [item for item in checked if item.record.number not in stored]
    changed = [
        item
        for item in checked
        if item.record.number in stored and stored[item.record.number][1] != item.record.fingerprint()
    ]
    report.unchanged = len(checked) - len(fresh) - len(changed)
    now = timezone.now()
    created = PastReturn.objects.bulk_create(
        [
            PastReturn(
                store=store, number=item.record.number, imported_at=now, updated_at=now, **_header(item)
            )
            for item in fresh
        ],
        batch_size=CHUNK,
    )
    lines: list[PastReturnLine] = []
    for row, item in zip(created, fresh, strict=True):
        lines.extend(_lines(row.pk, item))
    for item in changed:
        pk = stored[item.record.number][0]
        PastReturn.objects.filter(pk=pk).update(updated_at=now, **_header(item))
        PastReturnLine.objects.filter(past_return_id=pk).delete()
        lines.extend(_lines(pk, item))
    PastReturnLine.objects.bulk_create(lines, batch_size=CHUNK)
    report.created, report.updated, report.lines = len(fresh), len(changed), len(lines)
