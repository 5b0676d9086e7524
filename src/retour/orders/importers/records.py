"""What every order importer produces: plain records, validated, ready for the writer.

Importers (Shopify CSV, Retour JSON, the demo generator) turn their input into ``ImportedOrder``
values or into ``RowError`` lists; one writer (``orders.services.importing``) stores them. Nothing here
touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from retour.core.money import split

ZERO = Decimal(0)
SHOWN = 40  # characters of a value quoted in a message


def shown(value: object) -> str:
    """``value`` as a message quotes it: a long one cut short (a 100,000-character cell is not repeated)."""
    text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing wrong with the input: where (row, column) and what, in the reader's language."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.column:
            return _("row %(row)s, column %(column)s: %(message)s") % values
        return _("row %(row)s: %(message)s") % values


@dataclass(slots=True)
class ImportedCustomer:
    email: str
    first_name: str = ""
    last_name: str = ""
    language: str = ""
    country: str = ""
    is_member: bool = False
    segment: str = ""
    external_id: str = ""


@dataclass(slots=True)
class ImportedLine:
    title: str
    quantity: int
    unit_price: Decimal
    sku: str = ""
    line_discount: Decimal = ZERO
    tax: Decimal | None = None  # None: the order's tax is spread over taxable lines
    taxable: bool = True
    seller_code: str = ""  # empty: the store itself
    seller_name: str = ""
    vendor: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    final_sale: bool = False
    personalised: bool = False
    requires_shipping: bool = True
    fulfilled_quantity: int = 0
    shipment: int | None = None  # index into ImportedOrder.shipments
    order_discount_share: Decimal = ZERO  # set by allocate()
    # Where the line is in its file when not on its order's row (a CSV row per line), for error messages.
    row: int = field(default=0, repr=False, compare=False)


@dataclass(slots=True)
class ImportedPayment:
    method: str
    amount: Decimal
    gateway: str = ""
    reference: str = ""
    captured_at: datetime | None = None


@dataclass(slots=True)
class ImportedShipment:
    carrier: str = ""
    tracking_number: str = ""
    method: str = ""
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    estimated_delivery_latest: date | None = None


@dataclass(slots=True)
class ImportedOrder:
    number: str
    ordered_at: datetime
    currency: str
    lines: list[ImportedLine]
    # Where the order starts in its file, for error messages; not part of the fingerprint, so that an
    # unchanged order that moved in a new export is still unchanged.
    row: int = field(default=0, repr=False)
    external_id: str = ""
    customer: ImportedCustomer | None = None
    email: str = ""
    language: str = ""
    is_gift: bool = False
    discount_codes: str = ""
    subtotal: Decimal | None = None  # None: computed from the lines
    discount: Decimal | None = None  # all discounts; None: the line discounts
    shipping: Decimal = ZERO
    shipping_method: str = ""
    tax: Decimal | None = None  # None: the sum of the line taxes
    tax_included: bool = False
    duties: Decimal = ZERO
    total: Decimal | None = None  # None: computed
    refunded_amount: Decimal = ZERO
    financial_status: str = "paid"
    fulfillment_status: str = "unfulfilled"
    cancelled_at: datetime | None = None
    shipping_country: str = ""
    shipping_postal_code: str = ""
    shipping_name: str = ""
    shipping_company: str = ""
    shipping_address1: str = ""
    shipping_address2: str = ""
    shipping_city: str = ""
    shipping_province: str = ""
    shipping_phone: str = ""
    billing_country: str = ""
    source: str = ""
    payments: list[ImportedPayment] = field(default_factory=list)
    shipments: list[ImportedShipment] = field(default_factory=list)

    # Set by an importer that can fingerprint its raw input more cheaply than the record (a CSV row group).
    digest: str = field(default="", repr=False, compare=False)
    # The input's name for a field where it is not the field's own (Shopify's "Currency"), so that the
    # writer's errors name the column the reader knows. One mapping shared by every order of a reader.
    columns: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    def fingerprint(self) -> str:
        """A digest of everything imported: equal digests mean re-importing would change nothing."""
        return self.digest or digest_of(repr(self))

    def column(self, name: str, index: int | None = None) -> str:
        """What the input calls the field ``name`` (``lines.title`` for a line's: the line at ``index``).

        A reader's ``columns`` give its own names, ``{index}`` standing for the position where it has one;
        a field it does not name is called as in Retour's JSON (``lines.0.title``).
        """
        known = self.columns.get(name) if self.columns else None
        if known is not None:
            return known.format(index=index)
        if index is None:
            return name
        collection, _dot, attribute = name.partition(".")
        return f"{collection}.{index}.{attribute}"


def digest_of(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def gross(lines: Sequence[ImportedLine]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), ZERO)


def complete(order: ImportedOrder) -> list[tuple[str, str]]:
    """Fill in what the input left to be computed and check the totals add up.

    Spreads the order-level discount (all discounts less line discounts) over the lines in proportion to
    what is left of each line, and the order's tax over taxable lines when lines carry no tax of their
    own, each by largest remainder so the parts sum exactly. Returns ``(field, problem)`` pairs, the
    problem in the active language; an empty list means the order is consistent.
    """
    problems: list[tuple[str, str]] = []
    currency = order.currency
    line_discounts = sum((line.line_discount for line in order.lines), ZERO)
    all_gross = gross(order.lines)
    if order.discount is None:
        order.discount = line_discounts
    order_level = order.discount - line_discounts
    if order_level < 0:
        problems.append(("discount", _("smaller than the sum of the line discounts")))
        order_level = ZERO
    remaining = [line.unit_price * line.quantity - line.line_discount for line in order.lines]
    if any(value < 0 for value in remaining):
        problems.append(("line_discount", _("a line discount is larger than the line's price")))
        remaining = [max(value, ZERO) for value in remaining]
    if order_level > sum(remaining, ZERO):
        problems.append(("discount", _("larger than what is left of the lines after their own discounts")))
    shares = _spread(order_level, remaining, currency)
    for line, share in zip(order.lines, shares, strict=True):
        line.order_discount_share = share

    expected_subtotals = {all_gross - order.discount, all_gross - line_discounts}
    if order.subtotal is None:
        order.subtotal = all_gross - order.discount
    elif order.subtotal not in expected_subtotals:
        problems.append(
            (
                "subtotal",
                _("%(subtotal)s does not match the lines (%(expected)s expected)")
                % {"subtotal": order.subtotal, "expected": all_gross - order.discount},
            )
        )

    line_taxes = [line.tax for line in order.lines]
    if all(tax is None for tax in line_taxes):
        tax = order.tax or ZERO
        weights = [
            (line.unit_price * line.quantity - line.line_discount - line.order_discount_share)
            if line.taxable
            else ZERO
            for line in order.lines
        ]
        for line, part in zip(order.lines, _spread(tax, weights, currency), strict=True):
            line.tax = part
    else:
        if any(tax is None for tax in line_taxes):
            problems.append(("tax", _("give a tax for every line or for none")))
        summed = sum((tax or ZERO for tax in line_taxes), ZERO)
        if order.tax is None:
            order.tax = summed
        elif order.tax != summed:
            problems.append(
                (
                    "tax",
                    _("%(tax)s is not the sum of the line taxes (%(sum)s)")
                    % {"tax": order.tax, "sum": summed},
                )
            )
    if order.tax is None:
        order.tax = ZERO

    added_tax = ZERO if order.tax_included else order.tax
    expected_total = order.subtotal + order.shipping + added_tax + order.duties
    if order.total is None:
        order.total = expected_total
    elif order.total != expected_total:
        if not order.tax_included and order.total == expected_total - order.tax:
            order.tax_included = True  # the platform did not say; the totals do
        else:
            problems.append(
                (
                    "total",
                    _("%(total)s is not subtotal + shipping + tax + duties (%(expected)s)")
                    % {"total": order.total, "expected": expected_total},
                )
            )
    for line in order.lines:
        if line.fulfilled_quantity > line.quantity:
            problems.append(
                (
                    "fulfilled_quantity",
                    _("more than the quantity ordered on the line %(title)s") % {"title": line.title},
                )
            )
        if line.shipment is not None and not 0 <= line.shipment < len(order.shipments):
            problems.append(
                (
                    "shipment",
                    _("the line %(title)s names a shipment that is not in the order") % {"title": line.title},
                )
            )
    return problems


def _spread(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    if not weights:
        return []
    if amount == 0:
        return [ZERO] * len(weights)
    if all(weight == 0 for weight in weights):
        weights = [Decimal(1)] * len(weights)
    return split(amount, currency, weights)
