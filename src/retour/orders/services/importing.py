"""Store imported orders: all or nothing, idempotent on the store's order number.

One writer serves every importer. Orders are written in batches inside a single transaction: new orders
with bulk inserts, changed orders (a different fingerprint) updated in place, unchanged orders skipped.
If any record is bad, the whole import is rolled back and every error is reported. Every record is first
checked against the columns it will be written to (``importers.limits``: lengths, digits, integer ranges,
control characters), so that SQLite never stores what PostgreSQL would refuse and neither answers with a
database error.

Imports into one store are written one at a time: two imports of the same orders at once (two commands,
twenty identical API calls) would otherwise both find an order missing and both insert it. On PostgreSQL
the import's transaction first takes a lock of its store (an advisory lock, which nothing else waits
for); SQLite's transactions already take the database's write lock as they start. The second import then
reads what the first committed and finds its orders there, unchanged.

An update may change anything but what makes the order the one stored: its currency, and its customer's
email once both have one. An order number that comes back with another currency or another customer is
another order (most often another store's export imported into the wrong store), so it is refused as a
bad row rather than written over the stored order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.catalog.models import Category, Product, Seller, Store, Variant
from retour.core.bulk import insert_rows, refresh_statistics, reserve_ids, update_rows
from retour.orders import hooks
from retour.orders.importers import limits
from retour.orders.importers.records import (
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
    RowError,
)
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment

BATCH_SIZE = 1000
MAX_REPORTED_ERRORS = 10_000
STATISTICS_EVERY = 40  # batches between planner statistics refreshes (PostgreSQL)
# The first key of the advisory locks that keep two imports out of one store at once (the second is the
# store's id): "RETO" in ASCII, a namespace of our own.
IMPORT_LOCK = 0x5245544F


@dataclass
class ImportReport:
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
    def orders(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportRejected(Exception):
    """Raised inside the transaction so that nothing of a bad import is kept."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(_("the import was rejected"))
        self.report = report


def import_orders(
    store: Store,
    records: Iterable[ImportedOrder | list[RowError]],
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Write ``records`` into ``store``; return the counts, or every error with nothing written."""
    report = ImportReport()
    try:
        with transaction.atomic():
            _one_import_at_a_time(store)
            writer = _Writer(store)
            batch: list[ImportedOrder] = []
            for record in records:
                if isinstance(record, list):
                    _add_errors(report, record)
                    continue
                problems = limits.check(record)
                if problems:
                    _add_errors(report, problems)
                    continue
                # Once there is an error nothing more is written, but batches are still checked against
                # the stored orders, so that every bad row is reported.
                batch.append(record)
                if len(batch) >= batch_size:
                    writer.write(batch, report)
                    batch = []
                    if on_batch:
                        on_batch(report)
            if batch:
                writer.write(batch, report)
            if report.errors:
                raise ImportRejected(report)
            # Downstream apps (segments) learn whose orders changed; they act once this commits.
            hooks.orders_imported(store.pk, sorted(writer.touched))
    except ImportRejected as rejected:
        report = rejected.report
        report.errors.sort(key=lambda error: error.row)  # stable: a row's errors keep their order
        report.created = report.updated = report.unchanged = report.lines = 0
    if on_batch:
        on_batch(report)
    return report


def _one_import_at_a_time(store: Store) -> None:
    """Wait until no other import is writing into ``store``, and keep others out until this one ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, store.pk])


def _identity_errors(batch: list[ImportedOrder], stored: dict[str, tuple[str, str]]) -> list[RowError]:
    """The records that would turn an order into another one: a different currency, or a different
    customer email where both have one. ``stored`` holds the (currency, email) of the stored orders;
    an order given twice in the batch is held to its first version too."""
    errors: list[RowError] = []
    for record in batch:
        known = stored.get(record.number)
        if known is None:
            stored[record.number] = (record.currency, record.email)
            continue
        currency, email = known
        found = []
        if record.currency != currency:
            found.append(
                RowError(
                    record.row,
                    record.column("currency"),
                    _(
                        "order %(number)s is already stored in %(stored)s; an import cannot change its "
                        "currency to %(currency)s (is this another store's file?)"
                    )
                    % {"number": record.number, "stored": currency, "currency": record.currency},
                )
            )
        if email and record.email and record.email.lower() != email.lower():
            found.append(
                RowError(
                    record.row,
                    record.column("email"),
                    _(
                        "order %(number)s is already stored for %(stored)s; an import cannot give it to "
                        "%(email)s (is this another store's file?)"
                    )
                    % {"number": record.number, "stored": email, "email": record.email},
                )
            )
        if found:
            errors.extend(found)
        elif record.email and not email:
            stored[record.number] = (currency, record.email)
    return errors


def _add_errors(report: ImportReport, errors: list[RowError]) -> None:
    room = MAX_REPORTED_ERRORS - len(report.errors)
    report.errors.extend(errors[:room])
    if len(errors) > room:
        report.errors_truncated = True


class _Writer:
    """Holds look-up caches for one import, so each customer, seller or product is fetched once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.own_seller_id = store.own_seller().pk
        self.batches = 0
        self.customers: dict[str, int] = {}
        self.touched: set[int] = set()  # the customers whose orders were created or changed
        self.sellers: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.products: dict[tuple[str, str], tuple[int, int]] = {}  # key -> (product id, variant id)

    def write(self, batch: list[ImportedOrder], report: ImportReport) -> None:
        """Check ``batch`` against the stored orders; write it unless the import already has errors."""
        unique: dict[str, ImportedOrder] = {}
        for record in batch:
            unique[record.number] = record  # the last version of an order in a file wins
        existing: dict[str, tuple[int, str]] = {}
        identities: dict[str, tuple[str, str]] = {}
        for number, pk, fingerprint, currency, email in (
            Order.objects.filter(store=self.store, number__in=list(unique))
            .order_by()
            .values_list("number", "pk", "content_hash", "currency", "email")
        ):
            existing[number] = (pk, fingerprint)
            identities[number] = (currency, email)
        _add_errors(report, _identity_errors(batch, identities))
        if report.errors:
            return
        if self.batches % STATISTICS_EVERY == 0:
            refresh_statistics(Order, Customer, Variant)
        self.batches += 1
        fresh: list[tuple[ImportedOrder, str]] = []
        changed: list[tuple[int, ImportedOrder, str]] = []
        for number, record in unique.items():
            fingerprint = record.fingerprint()
            known = existing.get(number)
            if known is None:
                fresh.append((record, fingerprint))
            elif known[1] != fingerprint:
                changed.append((known[0], record, fingerprint))
            else:
                report.unchanged += 1
        todo = [record for record, _digest in fresh] + [record for _pk, record, _digest in changed]
        self._resolve_customers(todo)
        self.touched.update(
            self.customers[r.customer.email]
            for r in todo
            if r.customer and r.customer.email in self.customers
        )
        self._resolve_products(todo)
        if fresh:
            self._create(fresh)
            report.created += len(fresh)
        if changed:
            self._update(changed)
        report.updated += len(changed)
        report.lines += sum(len(record.lines) for record in todo)

    # -- look-ups -----------------------------------------------------------------------------------

    def _resolve_customers(self, records: list[ImportedOrder]) -> None:
        wanted = {
            r.customer.email: r.customer
            for r in records
            if r.customer and r.customer.email not in self.customers
        }
        if not wanted:
            return
        for email, pk in Customer.objects.filter(store=self.store, email__in=list(wanted)).values_list(
            "email", "pk"
        ):
            self.customers[email] = pk
            del wanted[email]
        ids = reserve_ids(Customer, len(wanted))
        insert_rows(
            Customer,
            [
                "id",
                "store_id",
                "email",
                "first_name",
                "last_name",
                "language",
                "country",
                "is_member",
                "segment",
                "external_id",
            ],
            [
                (
                    pk,
                    self.store.pk,
                    c.email,
                    c.first_name,
                    c.last_name,
                    c.language,
                    c.country,
                    c.is_member,
                    c.segment,
                    c.external_id,
                )
                for pk, c in zip(ids, wanted.values(), strict=True)
            ],
        )
        self.customers.update(zip(wanted, ids, strict=True))

    def _seller(self, line: ImportedLine) -> int:
        if not line.seller_code:
            return self.own_seller_id
        pk = self.sellers.get(line.seller_code)
        if pk is None:
            seller, _created = Seller.objects.get_or_create(
                store=self.store,
                code=line.seller_code,
                defaults={"name": line.seller_name or line.seller_code},
            )
            pk = self.sellers[line.seller_code] = seller.pk
        return pk

    def _category(self, slug: str) -> int | None:
        if not slug:
            return None
        pk = self.categories.get(slug)
        if pk is None:
            category, _created = Category.objects.get_or_create(
                store=self.store,
                slug=slug,
                defaults={"name_en": slug.replace("-", " ").replace("_", " ").title()},
            )
            pk = self.categories[slug] = category.pk
        return pk

    @staticmethod
    def _product_key(line: ImportedLine) -> tuple[str, str]:
        return ("sku", line.sku) if line.sku else ("title", line.title)

    def _resolve_products(self, records: list[ImportedOrder]) -> None:
        wanted: dict[tuple[str, str], ImportedLine] = {}
        for record in records:
            for line in record.lines:
                key = self._product_key(line)
                if key not in self.products:
                    wanted.setdefault(key, line)
        if not wanted:
            return
        skus = [value for kind, value in wanted if kind == "sku"]
        for sku, variant_pk, product_pk in Variant.objects.filter(store=self.store, sku__in=skus).values_list(
            "sku", "pk", "product_id"
        ):
            self.products[("sku", sku)] = (product_pk, variant_pk)
            wanted.pop(("sku", sku), None)
        titles = [value for kind, value in wanted if kind == "title"]
        for title, variant_pk, product_pk in Variant.objects.filter(
            store=self.store, sku="", product__title__in=titles
        ).values_list("product__title", "pk", "product_id"):
            self.products[("title", title)] = (product_pk, variant_pk)
            wanted.pop(("title", title), None)
        if not wanted:
            return
        lines = list(wanted.values())
        products = Product.objects.bulk_create(
            Product(
                store=self.store,
                seller_id=self._seller(line),
                category_id=self._category(line.category),
                title=line.title,
                vendor=line.vendor,
                tags=list(line.tags),
                final_sale=line.final_sale,
                personalised=line.personalised,
            )
            for line in lines
        )
        variants = Variant.objects.bulk_create(
            Variant(store=self.store, product_id=product.pk, sku=line.sku, price=line.unit_price)
            for product, line in zip(products, lines, strict=True)
        )
        for key, product, variant in zip(wanted, products, variants, strict=True):
            self.products[key] = (product.pk, variant.pk)

    # -- writes -------------------------------------------------------------------------------------

    def _order_values(self, record: ImportedOrder, fingerprint: str) -> tuple[object, ...]:
        customer_id = self.customers.get(record.customer.email) if record.customer else None
        return (
            record.external_id,
            customer_id,
            record.email,
            record.language,
            record.currency,
            record.ordered_at,
            record.cancelled_at,
            record.financial_status,
            record.fulfillment_status,
            record.is_gift,
            record.discount_codes,
            record.subtotal,
            record.discount,
            record.shipping,
            record.shipping_method,
            record.tax,
            record.tax_included,
            record.duties,
            record.total,
            record.refunded_amount,
            record.shipping_country,
            record.shipping_postal_code,
            record.shipping_name,
            record.shipping_company,
            record.shipping_address1,
            record.shipping_address2,
            record.shipping_city,
            record.shipping_province,
            record.shipping_phone,
            record.billing_country,
            record.source,
            fingerprint,
        )

    def _line_values(self, line: ImportedLine, shipment_ids: list[int]) -> tuple[object, ...]:
        product_pk, variant_pk = self.products[self._product_key(line)]
        return (
            product_pk,
            variant_pk,
            self._seller(line),
            shipment_ids[line.shipment] if line.shipment is not None else None,
            line.sku,
            line.title,
            line.category,
            line.quantity,
            line.unit_price,
            line.line_discount,
            line.order_discount_share,
            line.tax,
            line.requires_shipping,
            line.final_sale,
            line.personalised,
            line.fulfilled_quantity,
        )

    def _create(self, fresh: list[tuple[ImportedOrder, str]]) -> None:
        now = timezone.now()
        order_ids = reserve_ids(Order, len(fresh))
        insert_rows(
            Order,
            ["id", "store_id", "number", *ORDER_FIELDS, "imported_at", "updated_at"],
            [
                (pk, self.store.pk, record.number, *self._order_values(record, fingerprint), now, now)
                for pk, (record, fingerprint) in zip(order_ids, fresh, strict=True)
            ],
        )
        shipment_ids = iter(reserve_ids(Shipment, sum(len(record.shipments) for record, _digest in fresh)))
        shipments, lines, payments = [], [], []
        for order_id, (record, _digest) in zip(order_ids, fresh, strict=True):
            ids = []
            for position, s in enumerate(record.shipments):
                ids.append(next(shipment_ids))
                shipments.append((ids[-1], order_id, position, *_shipment_values(s)))
            for position, line in enumerate(record.lines):
                lines.append((order_id, position, *self._line_values(line, ids)))
            for position, p in enumerate(record.payments):
                payments.append((order_id, position, *_payment_values(p)))
        insert_rows(Shipment, ["id", "order_id", "position", *SHIPMENT_FIELDS], shipments)
        insert_rows(OrderLine, ["order_id", "position", *LINE_FIELDS], lines)
        insert_rows(Payment, ["order_id", "position", *PAYMENT_FIELDS], payments)

    def _update(self, changed: list[tuple[int, ImportedOrder, str]]) -> None:
        """Bring orders up to date in place: child rows are matched by position and keep their ids."""
        update_rows(
            Order,
            [*ORDER_FIELDS, "updated_at"],
            [(*self._order_values(record, digest), timezone.now(), pk) for pk, record, digest in changed],
        )
        shipment_ids = _sync_children(
            Shipment,
            SHIPMENT_FIELDS,
            {pk: [_shipment_values(s) for s in record.shipments] for pk, record, _digest in changed},
        )
        _sync_children(
            OrderLine,
            LINE_FIELDS,
            {
                pk: [self._line_values(line, shipment_ids[pk]) for line in record.lines]
                for pk, record, _d in changed
            },
        )
        _sync_children(
            Payment,
            PAYMENT_FIELDS,
            {pk: [_payment_values(p) for p in record.payments] for pk, record, _digest in changed},
        )


def _sync_children(
    model: type[Shipment] | type[OrderLine] | type[Payment],
    fields: tuple[str, ...],
    wanted: dict[int, list[tuple[object, ...]]],
) -> dict[int, list[int]]:
    """Make each order's rows of ``model`` equal ``wanted`` (by position); return their ids in order."""
    existing: dict[tuple[int, int], int] = {
        (order_id, position): pk
        for pk, order_id, position in model.objects.filter(order_id__in=list(wanted)).values_list(
            "pk", "order_id", "position"
        )
    }
    updates: list[tuple[object, ...]] = []
    inserts: list[tuple[object, ...]] = []
    ids: dict[int, list[int]] = {}
    new_ids = iter(
        reserve_ids(
            model, sum(1 for o, rows in wanted.items() for p in range(len(rows)) if (o, p) not in existing)
        )
    )
    for order_id, rows in wanted.items():
        ids[order_id] = []
        for position, values in enumerate(rows):
            pk = existing.pop((order_id, position), None)
            if pk is None:
                pk = next(new_ids)
                inserts.append((pk, order_id, position, *values))
            else:
                updates.append((*values, pk))
            ids[order_id].append(pk)
    update_rows(model, fields, updates)
    insert_rows(model, ["id", "order_id", "position", *fields], inserts)
    if existing:  # rows at positions the new version no longer has
        model.objects.filter(pk__in=list(existing.values())).delete()
    return ids


ORDER_FIELDS = (
    "external_id",
    "customer_id",
    "email",
    "language",
    "currency",
    "ordered_at",
    "cancelled_at",
    "financial_status",
    "fulfillment_status",
    "is_gift",
    "discount_codes",
    "subtotal",
    "discount",
    "shipping",
    "shipping_method",
    "tax",
    "tax_included",
    "duties",
    "total",
    "refunded_amount",
    "shipping_country",
    "shipping_postal_code",
    "shipping_name",
    "shipping_company",
    "shipping_address1",
    "shipping_address2",
    "shipping_city",
    "shipping_province",
    "shipping_phone",
    "billing_country",
    "source",
    "content_hash",
)
LINE_FIELDS = (
    "product_id",
    "variant_id",
    "seller_id",
    "shipment_id",
    "sku",
    "title",
    "category",
    "quantity",
    "unit_price",
    "line_discount",
    "order_discount_share",
    "tax",
    "requires_shipping",
    "final_sale",
    "personalised",
    "fulfilled_quantity",
)
SHIPMENT_FIELDS = (
    "carrier",
    "tracking_number",
    "method",
    "shipped_at",
    "delivered_at",
    "estimated_delivery_latest",
)
PAYMENT_FIELDS = ("method", "gateway", "reference", "amount", "captured_at")


def _shipment_values(s: ImportedShipment) -> tuple[object, ...]:
    return (s.carrier, s.tracking_number, s.method, s.shipped_at, s.delivered_at, s.estimated_delivery_latest)


def _payment_values(p: ImportedPayment) -> tuple[object, ...]:
    return (p.method, p.gateway, p.reference, p.amount, p.captured_at)
