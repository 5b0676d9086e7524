"""Product return health (issue 12, item 4): per product and variant, the units sold in a period and the
units that came back, against the product's category (without the product), judged by
``domain.health``; and, for the products worth a look, why they came back, the words shoppers wrote
(return comments and survey comments), and what they searched and read in the help center before
starting those returns.

Units are those of the orders placed in the period (as the metrics count them); a return counts unless
it was rejected, cancelled or expired; returns made in Retour and imported past returns both count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils.translation import get_language

from retour.catalog.models import Product, Store, Variant
from retour.helpcenter.models import Reading, ReturnStart, SearchLog, Translation
from retour.insights.analytics.base import Filters, breakdown_rows, plain_rows
from retour.insights.domain import health, metrics, rollup, words
from retour.insights.domain.health import Count
from retour.insights.models import PastReturnLine
from retour.orders.models import OrderLine, Shipment
from retour.returns.models import Return, ReturnLine

VOID_STATES = (Return.State.REJECTED, Return.State.CANCELLED, Return.State.EXPIRED)
# What the help center shows of a shopper's visit before a return: the searches and readings of the
# LOOKBACK days before it was started.
LOOKBACK = timedelta(days=30)
NOTHING = Count(0, 0)
# Above this many products, their titles are read for the whole store (see ``_titles``).
MANY_PRODUCTS = 1000
UNJUDGED = health.Verdict(health.TOO_FEW, None, None)
DETAILS = 10  # products whose reasons, words and help-center visits are read (flagged first)
# Products given their figures of the period before (beside the flagged ones), in the order shown.
COMPARED = 50


@dataclass(frozen=True)
class Scope:
    """Orders of ``store`` placed in ``[since, until)``, only the lines of a seller or a category when
    given ("" for the seller: the store itself)."""

    store: Store
    since: datetime
    until: datetime
    seller: str | None = None
    category: str | None = None

    def lines(self) -> QuerySet[OrderLine]:
        return OrderLine.objects.filter(self.where())

    def where(self, path: str = "") -> Q:
        """The scope's order lines as a condition on the line at ``path`` (``order_line__`` from a return
        line): returns are then found by joining from them, not through a subquery of every line."""
        found = Q(
            **{
                f"{path}order__store": self.store,
                f"{path}order__ordered_at__gte": self.since,
                f"{path}order__ordered_at__lt": self.until,
                f"{path}order__cancelled_at__isnull": True,
                f"{path}product__isnull": False,
            }
        )
        if self.category is not None:
            found &= Q(**{f"{path}category": self.category})
        if self.seller == "":
            found &= Q(**{f"{path}seller__kind": "store"})
        elif self.seller is not None:
            found &= Q(**{f"{path}seller__code": self.seller})
        return found

    def shifted(self, delta: timedelta) -> Scope:
        return Scope(self.store, self.since - delta, self.until - delta, self.seller, self.category)


@dataclass
class VariantRow:
    variant_id: int | None
    title: str
    units: int = 0
    returned: int = 0
    # Against its product's category without the product (``health.variant_list``).
    verdict: health.Verdict = field(default_factory=lambda: UNJUDGED)

    @property
    def count(self) -> Count:
        return Count(self.returned, self.units)


@dataclass(slots=True)
class ProductRow:
    product_id: int
    title: str
    category: str
    units: int = 0
    returned: int = 0
    baseline: Count = NOTHING
    previous: Count = NOTHING
    verdict: health.Verdict = UNJUDGED
    # Read for the products worth a look only (empty tuples, not a new list each: a store may have tens
    # of thousands of products, and every object made is one more for the garbage collector to walk).
    variants: Sequence[VariantRow] = ()
    reasons: Sequence[tuple[str, int]] = ()  # (reason code, return lines)
    words: Sequence[tuple[str, int]] = ()
    searches: Sequence[tuple[str, int]] = ()  # (query, returns it came before)
    articles: Sequence[tuple[str, int]] = ()  # (article title, returns)

    @property
    def count(self) -> Count:
        return Count(self.returned, self.units)


@dataclass(frozen=True)
class Health:
    products: list[ProductRow]  # flagged first, then by units returned
    units: int
    returned: int

    @property
    def flagged(self) -> list[ProductRow]:
        return [row for row in self.products if row.verdict.flagged]


def scope_of(
    store: Store, start: Any, end: Any, seller: str | None = None, category: str | None = None
) -> Scope:
    period = metrics.Period(start, end, store.zone)
    return Scope(store, period.since, period.until, seller, category)


def _returned(scope: Scope, by: tuple[str, ...], where: Q | None = None) -> dict[tuple[Any, ...], int]:
    """Units returned of the scope's lines (and ``where``, on the return's line), summed by the order
    line's fields ``by``."""
    condition = scope.where("order_line__") & (where or Q())
    totals: Counter[tuple[Any, ...]] = Counter()
    made = (
        ReturnLine.objects.filter(condition)
        .exclude(ret__state__in=VOID_STATES)
        .values(*(f"order_line__{name}" for name in by))
        .annotate(n=Sum("quantity"))
    )
    past = (
        PastReturnLine.objects.filter(condition)
        .exclude(past_return__status__in=sorted(metrics.VOID))
        .values(*(f"order_line__{name}" for name in by))
        .annotate(n=Sum("quantity"))
    )
    for row in [*made, *past]:
        totals[tuple(row[f"order_line__{name}"] for name in by)] += int(row["n"] or 0)
    return dict(totals)


def _delivered(path: str = "") -> Q:
    """The order of the line at ``path`` is in the metrics' cohort: shipped, every shipment delivered."""
    shipments = Shipment.objects.filter(order_id=OuterRef(f"{path}order_id"))
    return Q(Exists(shipments)) & ~Q(Exists(shipments.filter(delivered_at__isnull=True)))


def _sold(scope: Scope, by: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    rows = scope.lines().values(*by).annotate(n=Sum("quantity"))
    return {tuple(row[name] for name in by): int(row["n"] or 0) for row in rows}


def counts(scope: Scope) -> dict[int, Count]:
    """Each product's units returned and sold in the scope."""
    sold, returned = _sold(scope, ("product_id",)), _returned(scope, ("product_id",))
    return {key[0]: Count(returned.get(key, 0), sold.get(key, 0)) for key in set(sold) | set(returned)}


def _from_rollup(scope: Scope, only: list[int] | None = None) -> dict[tuple[int, str], Count]:
    """Units sold and returned per (product, category) in the scope, summed from the analytics rollup's
    product cells as every analytics page reads them (``analytics.base.breakdown_rows``: whole months
    from the monthly cells; the metrics' cohort of orders placed, delivered and not cancelled; returns
    not void, made in Retour or imported). Lines without a catalogue product (``sku:…`` keys) are left
    out, as everywhere on this page. With ``only``, these products alone."""
    zone = scope.store.zone
    filters = Filters(
        scope.store,
        scope.since.astimezone(zone).date(),
        scope.until.astimezone(zone).date(),
        scope.seller,
        scope.category,
    )
    rows = breakdown_rows(filters, rollup.PRODUCT, ("key", "category"), measures=("units", "returned_units"))
    if only is not None:
        # Compared as an expression, not as the column: as an index condition, PostgreSQL (15) read the
        # whole period once for each product named; this way it reads it once and keeps these.
        rows = rows.filter(In(Lower("key"), [str(product_id) for product_id in only]))
    found: dict[tuple[int, str], Count] = {}
    for key, category, units, returned in plain_rows(
        rows.values_list("key", "category", "units", "returned_units")
    ):
        if not (units or returned) or not key.isdigit():
            continue
        found[int(key), category] = Count(int(returned or 0), int(units or 0))
    return found


def _variants(scope: Scope, product_ids: list[int]) -> dict[tuple[int, int | None], VariantRow]:
    """The variants of these products: units sold and returned of each, from the orders' lines (the rollup
    keeps products, not variants), in the rollup's cohort: orders delivered and not cancelled."""
    if not product_ids:
        return {}
    by = ("product_id", "variant_id")
    lines = scope.lines().filter(_delivered(), product_id__in=product_ids)
    sold = {
        (row["product_id"], row["variant_id"]): int(row["n"] or 0)
        for row in lines.values(*by).annotate(n=Sum("quantity"))
    }
    returned = _returned(scope, by, Q(order_line__product_id__in=product_ids) & _delivered("order_line__"))
    variants: dict[tuple[int, int | None], VariantRow] = {}
    for key in sorted(set(sold) | set(returned), key=lambda k: (k[0], k[1] or 0)):
        variants[key] = VariantRow(key[1], "", sold.get(key, 0), returned.get(key, 0))
    return variants


def measure(
    scope: Scope, *, previous: Scope | None = None, details: int = DETAILS, compared: int = COMPARED
) -> Health:
    """Every product of the scope with its units, returns, category baseline and verdict; the products
    worth a look (flagged first, then the most returned, ``details`` of them) with their variants,
    reasons, words and help-center visits. Products' figures come from the analytics rollup, kept up to
    date by the worker (``follow-rollups``); only the products worth a look are read from their lines."""
    products: dict[int, ProductRow] = {}
    category_units: Counter[str] = Counter()
    category_returned: Counter[str] = Counter()
    # Each product's category: the one it sold most units in (the first seen of equals).
    most: dict[int, int] = {}
    for (product_id, category), count in _from_rollup(scope).items():
        row = products.get(product_id)
        if row is None:
            row = products[product_id] = ProductRow(product_id, "", category)
            most[product_id] = count.units
        elif count.units > most[product_id]:
            row.category, most[product_id] = category, count.units
        row.units += count.units
        row.returned += count.returned
        category_units[category] += count.units
        category_returned[category] += count.returned
    for row in products.values():
        # The category without the product itself: a best seller must not hide in its own baseline.
        row.baseline = Count(
            category_returned[row.category] - row.returned, category_units[row.category] - row.units
        )
    ordered = sorted(products.values(), key=lambda row: row.product_id)
    for row, verdict in zip(
        ordered, health.health_list([(row.count, row.baseline) for row in ordered]), strict=True
    ):
        row.verdict = verdict
    _titles(products, {}, scope.store)
    rows = sorted(products.values(), key=lambda row: (not row.verdict.flagged, -row.returned, row.title))
    if previous is not None:
        # The period before, for the products shown: the flagged ones and the first ``compared``.
        shown = [row for position, row in enumerate(rows) if row.verdict.flagged or position < compared]
        before: Counter[int] = Counter()
        before_back: Counter[int] = Counter()
        for (product_id, _category), count in _from_rollup(
            previous, [row.product_id for row in shown]
        ).items():
            before[product_id] += count.units
            before_back[product_id] += count.returned
        for row in shown:
            row.previous = Count(before_back[row.product_id], before[row.product_id])
    worth = rows[:details]
    variants = _variants(scope, [row.product_id for row in worth])
    _titles({}, variants)
    of_product: dict[int, list[VariantRow]] = defaultdict(list)
    for (product_id, _variant_id), variant in variants.items():
        of_product[product_id].append(variant)
    for row in worth:
        row.variants = sorted(
            of_product[row.product_id], key=lambda variant: (-variant.returned, variant.title)
        )
    judged = health.variant_list([(row.baseline, [v.count for v in row.variants]) for row in worth])
    for row, verdicts in zip(worth, judged, strict=True):
        for variant, verdict in zip(row.variants, verdicts, strict=True):
            variant.verdict = verdict
    _details(scope, worth)
    return Health(rows, sum(category_units.values()), sum(category_returned.values()))


def _titles(
    products: dict[int, ProductRow],
    variants: dict[tuple[int, int | None], VariantRow],
    store: Store | None = None,
) -> None:
    # Many products: the store's titles, read in one pass, rather than a list of thousands of ids.
    many = store is not None and len(products) > MANY_PRODUCTS
    chosen = Product.objects.filter(store=store) if many else Product.objects.filter(pk__in=list(products))
    for pk, title in chosen.values_list("pk", "title"):
        if pk in products:
            products[pk].title = title
    ids = [variant_id for _product, variant_id in variants if variant_id is not None]
    named = dict(Variant.objects.filter(pk__in=ids).values_list("pk", "title"))
    skus = dict(Variant.objects.filter(pk__in=ids).values_list("pk", "sku"))
    for (_product, variant_id), variant in variants.items():
        if variant_id is not None:
            variant.title = named.get(variant_id) or skus.get(variant_id) or str(variant_id)


def _details(scope: Scope, rows: list[ProductRow]) -> None:
    if not rows:
        return
    by_id = {row.product_id: row for row in rows}
    condition = scope.where("order_line__") & Q(order_line__product_id__in=list(by_id))
    made = ReturnLine.objects.filter(condition).exclude(ret__state__in=VOID_STATES)
    reasons: dict[int, Counter[str]] = defaultdict(Counter)
    for found in made.values("order_line__product_id", "reason").annotate(n=CountOf("id")):
        reasons[found["order_line__product_id"]][found["reason"]] += found["n"]
    past = PastReturnLine.objects.filter(condition).exclude(past_return__status__in=sorted(metrics.VOID))
    for found in past.values("order_line__product_id", "reason").annotate(n=CountOf("id")):
        reasons[found["order_line__product_id"]][found["reason"]] += found["n"]
    texts: dict[int, list[str]] = defaultdict(list)
    for product_id, text in made.exclude(reason_text="").values_list("order_line__product_id", "reason_text"):
        texts[product_id].append(text)
    # The survey comment of each return, once per product of the return (feedback.Survey, SurveyAnswer).
    commented = made.filter(ret__survey__answer__isnull=False).exclude(ret__survey__answer__comment="")
    for product_id, _ret, comment in (
        commented.values_list("order_line__product_id", "ret_id", "ret__survey__answer__comment")
        .order_by()
        .distinct()
    ):  # no default ordering: its columns would defeat DISTINCT
        texts[product_id].append(comment)
    for product_id, row in by_id.items():
        row.reasons = sorted(reasons[product_id].items(), key=lambda item: (-item[1], item[0]))[:5]
        row.words = words.top_words(texts[product_id])
    _help_center(made, by_id)


def _help_center(made: QuerySet[ReturnLine], by_id: dict[int, ProductRow]) -> None:
    """What the shoppers searched and read in the help center in the ``LOOKBACK`` before they started
    a return of each product: each query and article counted once per return."""
    product_of: dict[str, set[int]] = defaultdict(set)
    for number, product_id in made.values_list("ret__number", "order_line__product_id").order_by().distinct():
        product_of[number].add(product_id)
    starts = list(
        ReturnStart.objects.filter(return_number__in=list(product_of)).values_list(
            "visitor", "return_number", "started_at"
        )
    )
    if not starts:
        return
    visitors = {visitor for visitor, _number, _at in starts}
    searches = list(
        SearchLog.objects.filter(visitor__in=visitors).values_list("visitor", "query", "created_at")
    )
    readings = list(
        Reading.objects.filter(visitor__in=visitors).values_list("visitor", "article_id", "first_read_at")
    )
    searched: dict[int, Counter[str]] = defaultdict(Counter)
    read: dict[int, Counter[int]] = defaultdict(Counter)
    for visitor, number, started in starts:
        queries = {
            query.strip().lower()
            for who, query, at in searches
            if who == visitor and started - LOOKBACK <= at <= started
        }
        articles = {
            article for who, article, at in readings if who == visitor and started - LOOKBACK <= at <= started
        }
        for product_id in product_of[number]:
            searched[product_id].update(queries)
            read[product_id].update(articles)
    titles = _article_titles({article for counter in read.values() for article in counter})
    for product_id, row in by_id.items():
        row.searches = sorted(searched[product_id].items(), key=lambda item: (-item[1], item[0]))[:10]
        row.articles = sorted(
            ((titles.get(article, str(article)), n) for article, n in read[product_id].items()),
            key=lambda item: (-item[1], item[0]),
        )[:10]


def _article_titles(ids: set[int]) -> dict[int, str]:
    language = (get_language() or "en")[:2]
    titles: dict[int, str] = {}
    for article_id, lang, title in Translation.objects.filter(article_id__in=ids).values_list(
        "article_id", "language", "title"
    ):
        if lang == language or article_id not in titles:
            titles[article_id] = title
    return titles
