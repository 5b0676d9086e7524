"""Product return health: does a product come back far more often than its category, or than it used to?

Pure statistics, standard library only. A product is compared with a baseline (its category without it,
or its own earlier weeks) by a one-sided exact binomial test: if it returned like the baseline, how
likely are at least this many of its units to come back? A product is flagged only when

- it sold at least ``MIN_UNITS`` units and ``MIN_RETURNED`` of them came back (3 returns of 4 orders say
  nothing), and the baseline has at least ``MIN_UNITS`` units too;
- its rate is at least ``MIN_RATIO`` times the baseline's ("far more", not a hair more);
- the test says chance is an unlikely explanation: across the products tested together, the
  Benjamini-Hochberg procedure keeps the share of false alarms under ``FALSE_DISCOVERY`` (testing 500
  products at 5 % each would flag 25 by chance alone).

The binomial tail is the regularised incomplete beta function, ``P[X >= k] = I_p(k, n - k + 1)``,
evaluated by its continued fraction (Lentz's method): exact to ~1e-12 in constant time, however many
units sold. The Wilson score interval is given beside it for people: the range the true rate lies in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_UNITS = 30
MIN_RETURNED = 5
MIN_RATIO = 1.5
FALSE_DISCOVERY = 0.05
# A jump (the alert): the last RECENT_DAYS against the BEFORE_DAYS before them, a stricter threshold as
# one product is tested against itself every day.
RECENT_DAYS = 30
BEFORE_DAYS = 90
JUMP_ALPHA = 0.001

# Why a product is not judged, or how it was (stable codes).
TOO_FEW = "too_few"  # not enough units sold or returned
NO_BASELINE = "no_baseline"  # nothing to compare with
NOT_FAR = "not_far"  # not MIN_RATIO times the baseline
NOT_SIGNIFICANT = "not_significant"  # chance explains it
FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class Count:
    returned: int
    units: int

    @property
    def rate(self) -> float:
        return self.returned / self.units if self.units else 0.0


@dataclass(frozen=True)
class Verdict:
    code: str  # one of the codes above
    p_value: float | None  # None when not tested
    ratio: float | None  # the rate over the baseline's, None without a baseline

    @property
    def flagged(self) -> bool:
        return self.code == FLAGGED


def binomial_tail(k: int, n: int, p: float) -> float:
    """P[X >= k] for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return regularised_beta(p, k, n - k + 1)


def regularised_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), by the continued fraction on the side where it converges fast."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(1.0 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny, epsilon = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < epsilon:
            break
    return h


def wilson_interval(returned: int, units: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of a rate (0, 0 without units)."""
    if units <= 0:
        return 0.0, 0.0
    rate = returned / units
    denominator = 1 + z * z / units
    centre = (rate + z * z / (2 * units)) / denominator
    spread = z * math.sqrt(rate * (1 - rate) / units + z * z / (4 * units * units)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def compare(product: Count, baseline: Count) -> Verdict:
    """How ``product`` returns against ``baseline``, tested alone (``health_list`` adjusts for many)."""
    if product.units < MIN_UNITS or product.returned < MIN_RETURNED:
        return Verdict(TOO_FEW, None, _ratio(product, baseline))
    if baseline.units < MIN_UNITS:
        return Verdict(NO_BASELINE, None, None)
    ratio = _ratio(product, baseline)
    p_value = binomial_tail(product.returned, product.units, baseline.rate)
    # Nothing ever came back in the baseline: any return is far more.
    far = baseline.returned == 0 or (ratio is not None and ratio >= MIN_RATIO)
    if not far:
        return Verdict(NOT_FAR, p_value, ratio)
    return Verdict(FLAGGED, p_value, ratio)


def _ratio(product: Count, baseline: Count) -> float | None:
    if not baseline.units or not baseline.returned:
        return None
    return product.rate / baseline.rate


def benjamini_hochberg(p_values: Sequence[float], q: float = FALSE_DISCOVERY) -> set[int]:
    """The indices of the p-values that stay significant with the false discovery rate held at ``q``."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    total = len(p_values)
    cut = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= q * rank / total:
            cut = rank
    return set(order[:cut])


def health_list(pairs: Sequence[tuple[Count, Count]]) -> list[Verdict]:
    """Each product (with its baseline) judged, the many tests adjusted together: a product far above
    its baseline stays flagged only if it survives the Benjamini-Hochberg cut."""
    verdicts = [compare(product, baseline) for product, baseline in pairs]
    tested = [index for index, verdict in enumerate(verdicts) if verdict.p_value is not None]
    kept = benjamini_hochberg([verdicts[index].p_value or 0.0 for index in tested])
    result = list(verdicts)
    for position, index in enumerate(tested):
        verdict = verdicts[index]
        if verdict.flagged and position not in kept:
            result[index] = Verdict(NOT_SIGNIFICANT, verdict.p_value, verdict.ratio)
    return result


def variant_list(products: Sequence[tuple[Count, Sequence[Count]]]) -> list[list[Verdict]]:
    """Each variant of each product judged against its product's category without the product (the
    product's baseline), as products are: a size that comes back far more than the category shows even
    when its product as a whole does not. The variants' tests are adjusted together, as one list.
    ``products``: (the product's baseline, its variants' counts); the verdicts in the same shape."""
    pairs = [(variant, baseline) for baseline, variants in products for variant in variants]
    flat = iter(health_list(pairs))
    return [[next(flat) for _variant in variants] for _baseline, variants in products]


def jumped(recent: Count, before: Count) -> Verdict:
    """Whether a product's return rate of late jumped above its own earlier rate (the staff alert)."""
    verdict = compare(recent, before)
    if verdict.flagged and (verdict.p_value is None or verdict.p_value >= JUMP_ALPHA):
        return Verdict(NOT_SIGNIFICANT, verdict.p_value, verdict.ratio)
    return verdict
