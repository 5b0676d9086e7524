"""The analytics rollup: a store's return metrics summed per day, ready to be added up for any period.

A page asks for a period, perhaps a seller and a category, and a breakdown (by week, category, country,
reason, …). Every figure it shows is a sum of cells: a cell is one order day (the order's ``ordered_at``
as a calendar day of the store), one ``dimension`` and its ``key`` (``country``/``FR``), and one
``scope`` of the lines it counts:

- ``LINE``: the lines of one category of one seller (``category``, ``seller`` both set);
- ``CATEGORY``: the lines of one category, any seller; ``SELLER``: one seller's, any category;
- ``ALL``: every line.

An order counts in a cell's ``orders`` when it has a line in the scope, in ``returned_orders`` when a
unit of such a line is in a non-void return: exactly the spec's ``by_category``/``by_seller`` rule, so a
period's figures for one category (or seller, or both, or neither) are the sums of the cells of that one
scope, never a sum over several (an order with two categories would count twice). Units and values are
the scope's lines'. A return counts once in each scope its lines touch (always once in ``ALL``), with its
money (refunds, store credit, label, fees).

Dimensions: ``total`` (key ""), the order's ``segment``, ``country``, sales ``channel`` and ``payment``
method; ``product`` (lines of a catalogue product, key its id) and ``sku`` (lines without one, key
``sku:`` and their SKU), in the scopes that tell categories apart (a product is always ranked within
its category; see ``product_scopes``); ``reason``, ``outcome`` and
``disposition`` (the returned units and value of each reason, of each resolution of resolved returns,
and of each disposition of received lines: line figures only).

For the cost of returns, beside their money: ``labelled_returns`` (returns sent with a prepaid label),
``labelled_value`` (their returned value) and ``refunded_returns`` (returns that paid money back).

The ``cost`` dimension lets the cost of returns share a return's costs among its lines by units, exactly:
its key is ``n``, the units of the whole return, and its cells hold the scope's returned units and the
return's money *times those units* (``labels``, ``fees_charged``, ``refunds_paid``, ``labelled_value``;
``labelled_returns`` and ``refunded_returns`` count units): divided by ``n``, the lines' share. The
lines' own value, handling and loss are the ``total`` and ``disposition`` cells'. ``cost_reason`` is
the same per reason: its key is ``cost_key(n, disposition, reason)``, its cells hold the lines' returned
units, value and received units too, and ``returns`` counts a return once per reason and scope (in the
cell of its first line of that reason), so a reason's returns are the sum of its keys.

Everything here is exact (``Decimal`` sums); rounding happens once, when a page shows a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from retour.insights.domain import metrics

ZERO = Decimal(0)

TOTAL = "total"
SEGMENT = "segment"
COUNTRY = "country"
CHANNEL = "channel"
PAYMENT = "payment"
PRODUCT = "product"
SKU = "sku"
REASON = "reason"
OUTCOME = "outcome"
DISPOSITION = "disposition"
COST = "cost"
COST_REASON = "cost_reason"
# Dimensions of the order as a whole: every figure, returns and their money included.
ORDER_DIMENSIONS = (TOTAL, SEGMENT, COUNTRY, CHANNEL, PAYMENT)
DIMENSIONS = (*ORDER_DIMENSIONS, PRODUCT, SKU, REASON, OUTCOME, DISPOSITION, COST, COST_REASON)

# Scopes of lines a cell counts.
LINE, CATEGORY, SELLER, ALL = 0, 1, 2, 3
LEVELS = (LINE, CATEGORY, SELLER, ALL)


class Scope(NamedTuple):
    level: int
    category: str
    seller: str


def scope_of(category: str | None, seller: str | None) -> Scope:
    """The one scope that answers a filter (``None``: not filtered on it)."""
    if category is not None and seller is not None:
        return Scope(LINE, category, seller)
    if category is not None:
        return Scope(CATEGORY, category, "")
    if seller is not None:
        return Scope(SELLER, "", seller)
    return Scope(ALL, "", "")


def product_dimension(product: str) -> str:
    """The dimension of a product key's cells: ``product`` for a catalogue product (its id), ``sku``
    for an SKU (``sku:…``)."""
    return PRODUCT if product.isdigit() else SKU


def product_scopes(category: str, seller: str, product: str) -> tuple[Scope, ...]:
    """The scopes a product's cells are kept in: ``LINE`` for a catalogue product, ``LINE`` and
    ``CATEGORY`` for an SKU, none for a line with neither ("").

    A catalogue product has one seller, so its ``LINE`` cells are its category's: a page on a category,
    or on the whole store, sums them (units and values are sums over sellers, which an order's
    ``orders`` count is not). Product cells are most of a store's, and these are not kept twice. An SKU
    may be sold by every seller, and summing its sellers' cells would read them all: its category's are
    kept beside them (in a dimension of their own, so that a page reading catalogue products does not
    read through them)."""
    if not product:
        return ()
    return scopes(category, seller)[: 1 if product_dimension(product) == PRODUCT else 2]


@lru_cache(maxsize=4096)
def scopes(category: str, seller: str) -> tuple[Scope, ...]:
    """The four scopes a line of ``category`` sold by ``seller`` counts in."""
    return (
        Scope(LINE, category, seller),
        Scope(CATEGORY, category, ""),
        Scope(SELLER, "", seller),
        Scope(ALL, "", ""),
    )


def cost_key(return_units: int, disposition: str, reason: str) -> str:
    """The key of a ``cost`` cell: the return's units, the lines' disposition and reason (last: a reason
    is the shopper's or another tool's word, and may hold anything)."""
    return f"{return_units}|{disposition}|{reason}"


def split_cost_key(key: str) -> tuple[int, str, str]:
    units, disposition, reason = key.split("|", 2)
    return int(units), disposition, reason


class CellKey(NamedTuple):
    day: date
    dimension: str
    key: str
    level: int
    category: str
    seller: str


@dataclass(slots=True)
class Cell:
    """The exact figures of one cell (see the module's text for what each one counts)."""

    orders: int = 0
    returned_orders: int = 0
    units: int = 0
    returned_units: int = 0
    value: Decimal = ZERO
    returned_value: Decimal = ZERO
    returns: int = 0  # non-void returns
    void_returns: int = 0
    received_units: int = 0
    refunds_paid: Decimal = ZERO
    store_credit_issued: Decimal = ZERO
    store_credit_spent: Decimal = ZERO
    labels: Decimal = ZERO
    fees_charged: Decimal = ZERO
    labelled_returns: int = 0
    labelled_value: Decimal = ZERO
    refunded_returns: int = 0

    def add(self, other: Cell) -> None:
        # Written out: a loop over the fields by name took most of a rebuild's summing of months.
        self.orders += other.orders
        self.returned_orders += other.returned_orders
        self.units += other.units
        self.returned_units += other.returned_units
        self.value += other.value
        self.returned_value += other.returned_value
        self.returns += other.returns
        self.void_returns += other.void_returns
        self.received_units += other.received_units
        self.refunds_paid += other.refunds_paid
        self.store_credit_issued += other.store_credit_issued
        self.store_credit_spent += other.store_credit_spent
        self.labels += other.labels
        self.fees_charged += other.fees_charged
        self.labelled_returns += other.labelled_returns
        self.labelled_value += other.labelled_value
        self.refunded_returns += other.refunded_returns


MEASURES = tuple(f.name for f in fields(Cell))
EMPTY = Cell()


def changes(new: Mapping[CellKey, Cell], old: Mapping[CellKey, Cell]) -> Cells:
    """What to add to the cells ``old`` to make them ``new``, cell by cell (a cell gone: its figures
    taken away); cells that did not change are left out."""
    found: Cells = {}
    for key in new.keys() | old.keys():
        after, before = new.get(key, EMPTY), old.get(key, EMPTY)
        change = Cell(**{name: getattr(after, name) - getattr(before, name) for name in MEASURES})
        if change != EMPTY:
            found[key] = change
    return found


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What an order is, beside its lines: the dimensions it is counted under."""

    segment: str = ""
    country: str = ""
    channel: str = ""
    payment: str = ""

    def cells(self) -> tuple[tuple[str, str], ...]:
        """The (dimension, key) of each cell the order counts in, beside its lines' own."""
        return (
            (TOTAL, ""),
            (SEGMENT, self.segment),
            (COUNTRY, self.country),
            (CHANNEL, self.channel),
            (PAYMENT, self.payment),
        )


Cells = dict[CellKey, Cell]

# Beside the daily cells, each dimension's cells summed per calendar month (``product/m``, dated the
# month's first day) and per calendar year (``product/y``, dated the 1st of January). A page reads a
# period in as few cells as the calendar allows (``pieces``): a year of a product is one cell, not 365.
MONTHLY = "/m"
YEARLY = "/y"


def monthly(dimension: str) -> str:
    """The dimension of ``dimension``'s cells summed per month."""
    return dimension + MONTHLY


def yearly(dimension: str) -> str:
    """The dimension of ``dimension``'s cells summed per year."""
    return dimension + YEARLY


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def year_of(day: date) -> date:
    return day.replace(month=1, day=1)


def next_year(day: date) -> date:
    """The 1st of January after ``day``."""
    return date(day.year + 1, 1, 1)


def _summed(cells: Mapping[CellKey, Cell], first: Callable[[date], date], suffix: str) -> Cells:
    summed: dict[tuple[object, ...], Cell] = {}
    for (day, dimension, key, level, category, seller), cell in cells.items():
        name = (first(day), dimension + suffix, key, level, category, seller)
        found = summed.get(name)
        if found is None:
            found = summed[name] = Cell()
        found.add(cell)
    return {CellKey._make(name): figures for name, figures in summed.items()}


def months(cells: Mapping[CellKey, Cell]) -> Cells:
    """The monthly cells of these daily cells (every figure a sum: a month's is the sum of its days')."""
    return _summed(cells, month_of, MONTHLY)


def years(cells: Mapping[CellKey, Cell]) -> Cells:
    """The yearly cells of these daily cells."""
    return _summed(cells, year_of, YEARLY)


DAY, MONTH, YEAR = "day", "month", "year"
# What reading a cell costs, in days' cells: a month of a product is one cell, but a month holds more
# keys than a day (a store's products do not all sell every day) and a year more than a month.
SPAN_COST = {DAY: 1, MONTH: 6, YEAR: 10}


class Piece(NamedTuple):
    """Cells read for a period: of ``span`` (``DAY``, ``MONTH``, ``YEAR``), those dated in ``[first,
    last)``, added (``sign`` 1) or taken away (-1)."""

    span: str
    first: date
    last: date
    sign: int


def pieces(start: date, end: date, *, horizon: date | None = None) -> list[Piece]:
    """The cells whose signed sum is the period ``[start, end)``, as few as the calendar allows: each
    year the period covers from its yearly cells; a year covered in part either from its months and days
    in the period, or as the year less its months and days outside the period, whichever reads less (the
    same, a level down, for each month). Days from ``horizon`` on hold no cells yet (the store's
    tomorrow): they cost nothing to take away, so the current year or month is read whole, less its days
    to come. Every figure is a sum, so the signed sum is exact."""
    found: list[Piece] = []
    year = year_of(start)
    while year < end:
        following = next_year(year)
        inside = (max(start, year), min(end, following))
        whole = [Piece(YEAR, year, following, 1)]
        whole += _negated(_in_months(year, inside[0], horizon) + _in_months(inside[1], following, horizon))
        parts = _in_months(*inside, horizon)
        found += whole if _cost(whole, horizon) < _cost(parts, horizon) else parts
        year = following
    return _merged(found)


def _in_months(start: date, end: date, horizon: date | None) -> list[Piece]:
    """``[start, end)`` from whole months and days, each month covered in part from its days, or as the
    month less its other days when that reads less."""
    found: list[Piece] = []
    month = month_of(start)
    while month < end and start < end:
        following = next_month(month)
        inside = (max(start, month), min(end, following))
        whole = [Piece(MONTH, month, following, 1), Piece(DAY, month, inside[0], -1)]
        whole.append(Piece(DAY, inside[1], following, -1))
        parts = [Piece(DAY, *inside, 1)]
        found += (
            whole if inside == (month, following) or _cost(whole, horizon) < _cost(parts, horizon) else parts
        )
        month = following
    return [piece for piece in found if piece.first < piece.last]


def _negated(found: list[Piece]) -> list[Piece]:
    return [piece._replace(sign=-piece.sign) for piece in found]


def _cost(found: list[Piece], horizon: date | None) -> int:
    """The days' cells' worth these pieces read: nothing from ``horizon`` on."""
    total = 0
    for piece in found:
        last = piece.last if horizon is None else min(piece.last, horizon)
        if piece.first >= last:
            continue
        if piece.span == DAY:
            total += (last - piece.first).days
        elif piece.span == MONTH:
            total += SPAN_COST[MONTH] * (
                (last.year - piece.first.year) * 12 + last.month - piece.first.month + (last.day > 1)
            )
        else:
            total += SPAN_COST[YEAR] * (last.year - piece.first.year + (last > year_of(last)))
    return total


def _merged(found: list[Piece]) -> list[Piece]:
    """Added pieces first, then those taken away, in the order of their days; pieces of one span and
    sign that follow each other are one."""
    merged: list[Piece] = []
    for piece in sorted(found, key=lambda piece: (-piece.sign, piece.first, piece.span)):
        if piece.first >= piece.last:
            continue
        last = merged[-1] if merged else None
        if last is not None and (last.span, last.last, last.sign) == (piece.span, piece.first, piece.sign):
            merged[-1] = last._replace(last=piece.last)
        else:
            merged.append(piece)
    return merged


def build(
    orders: Iterable[metrics.Order],
    returns: Iterable[metrics.ReturnRecord],
    zone: ZoneInfo,
    facts: Mapping[metrics.Key, OrderFacts],
    products: Mapping[metrics.Key, str],
    store_credit_spent: Mapping[metrics.Key, Decimal] | None = None,
) -> Cells:
    """The cells of ``orders`` that are in a cohort (not cancelled, every shipment delivered), with the
    ``returns`` of those orders. ``facts``: each order's dimensions; ``products``: each line's product
    key; ``store_credit_spent``: per order, how much of the store credit its returns gave the shopper
    spent since (counted in each scope its returns touch)."""
    # Plain tuples while adding up (a named tuple is slower to make, and a cell is looked up many times).
    cells: dict[tuple[object, ...], Cell] = {}

    def cell(day: date, dimension: str, key: str, scope: Scope) -> Cell:
        name = (day, dimension, key, *scope)
        found = cells.get(name)
        if found is None:
            found = cells[name] = Cell()
        return found

    cohort: dict[metrics.Key, metrics.Order] = {}
    lines: dict[metrics.Key, tuple[metrics.Line, date, metrics.Key]] = {}
    # Sales of orders alike (one day, one scope, the same dimensions) summed first, then added to each
    # dimension's cell once: an order's sales then cost a lookup per scope, not one per scope and dimension.
    sales: dict[tuple[date, OrderFacts, Scope], list[Any]] = {}
    nothing = OrderFacts()
    for order in orders:
        if order.cancelled or not order.shipments_delivered or not all(order.shipments_delivered):
            continue
        cohort[order.id] = order
        day = order.ordered_at.astimezone(zone).date()
        described = facts.get(order.id, nothing)
        # The order's lines summed per scope (and per product's scope) first: the order then counts
        # once in each cell, and each cell is found once per order, not once per line.
        sold: dict[tuple[Scope, str | None], list[Any]] = {}
        for line in order.lines:
            lines[line.id] = (line, day, order.id)
            product = products.get(line.id, "")
            in_product = product_scopes(line.category, line.seller, product)
            for scope in scopes(line.category, line.seller):
                for name in ((scope, None), (scope, product)) if scope in in_product else ((scope, None),):
                    figures = sold.get(name)
                    if figures is None:
                        sold[name] = [line.quantity, line.paid_value]
                    else:
                        figures[0] += line.quantity
                        figures[1] += line.paid_value
        for (scope, product_key), (units, value) in sold.items():
            if product_key is not None:
                target = cell(day, product_dimension(product_key), product_key, scope)
                target.units += units
                target.value += value
                target.orders += 1
                continue
            alike = sales.get((day, described, scope))
            if alike is None:
                sales[day, described, scope] = [units, value, 1]
            else:
                alike[0] += units
                alike[1] += value
                alike[2] += 1
    for (day, described, scope), (units, value, count) in sales.items():
        for dimension, key in described.cells():
            target = cell(day, dimension, key, scope)
            target.units += units
            target.value += value
            target.orders += count

    returned: dict[metrics.Key, set[tuple[str, str, Scope]]] = {}
    touched_by_order: dict[metrics.Key, set[Scope]] = {}
    for record in returns:
        if record.order not in cohort:
            continue
        order = cohort[record.order]
        day = order.ordered_at.astimezone(zone).date()
        keys = facts.get(order.id, OrderFacts()).cells()
        touched = {Scope(ALL, "", "")}
        for returned_line in record.lines:
            line = lines[returned_line.order_line][0]
            touched.update(scopes(line.category, line.seller))
        if record.void:
            for scope in touched:
                for dimension, key in keys:
                    cell(day, dimension, key, scope).void_returns += 1
            continue
        labelled_value = sum((line.amount for line in record.lines), ZERO) if record.labelled else ZERO
        for scope in touched:
            for dimension, key in keys:
                target = cell(day, dimension, key, scope)
                target.returns += 1
                target.refunds_paid += record.refunded
                target.store_credit_issued += record.store_credit
                target.labels += record.label_cost
                target.fees_charged += record.fees_charged
                target.labelled_returns += record.labelled
                target.labelled_value += labelled_value
                target.refunded_returns += record.refunded > 0
        touched_by_order.setdefault(order.id, set()).update(touched)
        _cost_cells(record, [lines[r.order_line][0] for r in record.lines], day, cell)
        marks = returned.setdefault(order.id, set())
        for returned_line in record.lines:
            line = lines[returned_line.order_line][0]
            product = products.get(line.id, "")
            received = (
                returned_line.quantity if record.received and returned_line.resolution != metrics.KEEP else 0
            )
            in_product = product_scopes(line.category, line.seller, product)
            by_product = (product_dimension(product), product)
            for scope in scopes(line.category, line.seller):
                for dimension, key in (*keys, by_product) if scope in in_product else keys:
                    target = cell(day, dimension, key, scope)
                    target.returned_units += returned_line.quantity
                    target.returned_value += returned_line.amount
                    if dimension not in (PRODUCT, SKU):
                        target.received_units += received
                    marks.add((dimension, key, scope))
                by_reason = cell(day, REASON, returned_line.reason, scope)
                by_reason.returned_units += returned_line.quantity
                by_reason.returned_value += returned_line.amount
                if record.resolved:
                    outcome = cell(day, OUTCOME, returned_line.resolution, scope)
                    outcome.returned_units += returned_line.quantity
                    outcome.returned_value += returned_line.amount
                if returned_line.disposition:
                    disposition = cell(day, DISPOSITION, returned_line.disposition, scope)
                    disposition.returned_units += returned_line.quantity
                    disposition.returned_value += returned_line.amount
    for order_id, spent in (store_credit_spent or {}).items():
        if order_id not in touched_by_order or not spent:
            continue
        day = cohort[order_id].ordered_at.astimezone(zone).date()
        keys = facts.get(order_id, OrderFacts()).cells()
        for scope in touched_by_order[order_id]:
            for dimension, key in keys:
                cell(day, dimension, key, scope).store_credit_spent += spent
    for order_id, marks in returned.items():
        day = cohort[order_id].ordered_at.astimezone(zone).date()
        for dimension, key, scope in marks:
            cell(day, dimension, key, scope).returned_orders += 1
    return {CellKey._make(name): figures for name, figures in cells.items()}


def _cost_cells(
    record: metrics.ReturnRecord,
    sold: list[metrics.Line],
    day: date,
    cell: Callable[[date, str, str, Scope], Cell],
) -> None:
    """A non-void return's ``cost`` and ``cost_reason`` cells: each line, in each scope it counts in, with
    the return's money weighted by the line's units (see the module's text)."""
    units = sum(line.quantity for line in record.lines)
    if not units:
        return
    labelled_value = sum((line.amount for line in record.lines), ZERO) if record.labelled else ZERO
    refunded = record.refunded > 0
    counted: set[tuple[str, Scope]] = set()
    for returned_line, line in zip(record.lines, sold, strict=True):
        quantity = returned_line.quantity
        received = quantity if record.received and returned_line.resolution != metrics.KEEP else 0
        key = cost_key(units, returned_line.disposition, returned_line.reason)
        for scope in scopes(line.category, line.seller):
            by_reason = cell(day, COST_REASON, key, scope)
            if (returned_line.reason, scope) not in counted:
                counted.add((returned_line.reason, scope))
                by_reason.returns += 1
            by_reason.returned_value += returned_line.amount
            by_reason.received_units += received
            for target in (by_reason, cell(day, COST, str(units), scope)):
                target.returned_units += quantity
                target.labels += record.label_cost * quantity
                target.fees_charged += record.fees_charged * quantity
                target.refunds_paid += record.refunded * quantity
                target.refunded_returns += quantity if refunded else 0
                target.labelled_returns += quantity if record.labelled else 0
                target.labelled_value += labelled_value * quantity


def total(cells: Iterable[Cell]) -> Cell:
    summed = Cell()
    for one in cells:
        summed.add(one)
    return summed
