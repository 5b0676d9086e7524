"""Product return health without a database: the binomial test, the Wilson interval, the false-discovery
cut, the verdicts, and the words that come back in comments."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.insights.domain import health, words
from retour.insights.domain.health import Count


def exact_tail(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def test_the_binomial_tail_of_a_fair_coin() -> None:
    assert health.binomial_tail(5, 10, 0.5) == pytest.approx(0.623046875, abs=1e-12)
    assert health.binomial_tail(0, 10, 0.3) == 1.0
    assert health.binomial_tail(11, 10, 0.3) == 0.0


@given(
    st.integers(min_value=1, max_value=80),
    st.integers(min_value=0, max_value=80),
    st.floats(min_value=0.001, max_value=0.999),
)
def test_the_binomial_tail_is_the_exact_sum(n: int, k: int, p: float) -> None:
    assert health.binomial_tail(k, n, p) == pytest.approx(exact_tail(k, n, p), rel=1e-9, abs=1e-12)


def test_the_tail_is_fast_and_finite_for_large_sales() -> None:
    value = health.binomial_tail(2_300, 20_000, 0.10)
    assert 0.0 < value < 1e-8


def test_the_wilson_interval_of_half() -> None:
    low, high = health.wilson_interval(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    assert health.wilson_interval(0, 0) == (0.0, 0.0)


def test_three_returns_of_four_orders_are_not_judged() -> None:
    verdict = health.compare(Count(3, 4), Count(100, 1000))
    assert (verdict.code, verdict.flagged, verdict.p_value) == (health.TOO_FEW, False, None)


def test_a_product_far_above_its_category_with_enough_sales_is_flagged() -> None:
    verdict = health.compare(Count(30, 100), Count(100, 1000))  # 30 % against 10 %
    assert verdict.flagged
    assert verdict.ratio == pytest.approx(3.0)
    assert verdict.p_value is not None
    assert verdict.p_value < 1e-6


def test_a_hair_above_its_category_is_not_far() -> None:
    verdict = health.compare(Count(1200, 10_000), Count(10_000, 100_000))  # 12 % against 10 %: significant
    assert verdict.p_value is not None
    assert verdict.p_value < 0.001
    assert verdict.code == health.NOT_FAR


def test_without_a_baseline_nothing_is_judged() -> None:
    assert health.compare(Count(10, 50), Count(1, 10)).code == health.NO_BASELINE


def test_benjamini_hochberg_keeps_the_small_p_values_under_the_rate() -> None:
    p_values = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    assert health.benjamini_hochberg(p_values, 0.05) == {0, 1}
    assert health.benjamini_hochberg([], 0.05) == set()


def test_among_many_products_a_borderline_one_is_left_to_chance_but_a_real_outlier_stays() -> None:
    category = Count(1_000, 10_000)  # 10 %
    borderline = Count(9, 40)  # 22.5 %: p about 0.04 alone
    alone = health.compare(borderline, category)
    assert alone.flagged
    assert alone.p_value is not None
    assert 0.01 < alone.p_value < 0.05
    ordinary = [(Count(6, 60), category) for _ in range(48)]
    verdicts = health.health_list([*ordinary, (borderline, category), (Count(45, 100), category)])
    assert verdicts[-2].code == health.NOT_SIGNIFICANT  # one of fifty tests at 4 %: chance
    assert verdicts[-1].flagged
    assert not any(verdict.flagged for verdict in verdicts[:-1])


def test_a_jump_needs_a_strong_test_against_the_products_own_past() -> None:
    assert health.jumped(Count(40, 100), Count(30, 300)).flagged  # 40 % now, 10 % before
    assert not health.jumped(Count(6, 30), Count(30, 300)).flagged  # 20 % of 30: could be chance
    assert health.jumped(Count(2, 30), Count(30, 300)).code == health.TOO_FEW


def test_words_drop_stop_words_elisions_digits_and_short_words() -> None:
    assert words.words("L’article taille trop petit, j'ai pris du 42 !") == ["taille", "petit", "pris"]
    assert words.words("The sleeves are too short and it's itchy") == ["sleeves", "short", "itchy"]


def test_top_words_count_each_comment_once_and_fold_plurals() -> None:
    comments = [
        "Too small, really small",
        "small and itchy sleeves",
        "the sleeve is itchy",
        "Taille petite",
        "petite taille, couleur terne",
    ]
    assert words.top_words(comments, limit=5) == [
        ("itchy", 2),
        ("petite", 2),
        ("sleeve", 2),
        ("small", 2),
        ("taille", 2),
    ]
    assert words.top_words(comments, limit=2, min_count=3) == []


def test_each_variant_is_compared_with_its_products_category_without_the_product() -> None:
    apparel_without_the_dress = Count(39, 405)  # 9.6 %
    small, medium, large = Count(14, 40), Count(6, 20), Count(5, 60)
    jeans_baseline = Count(100, 1_000)
    [dress, jeans] = health.variant_list(
        [(apparel_without_the_dress, [small, medium, large]), (jeans_baseline, [Count(11, 100)])]
    )
    assert dress[0].code == health.FLAGGED  # 35 % against 9.6 %: the small size returns far more
    assert dress[0].ratio == pytest.approx((14 / 40) / (39 / 405))
    assert dress[1].code == health.TOO_FEW  # 20 units: too few to judge
    assert dress[2].code == health.NOT_FAR  # 8.3 %: not above its category
    assert jeans[0].code == health.NOT_FAR  # 11 % against 10 %


def test_the_variants_tests_are_adjusted_together() -> None:
    """Each variant alone would pass p < 0.05; among many variants tested at once, chance may explain it."""
    baseline = Count(100, 1_000)
    borderline = Count(11, 50)  # 22 %, 2.2 times: p about 0.009 alone
    alone = health.variant_list([(baseline, [borderline])])[0][0]
    together = health.variant_list([(baseline, [borderline] + [Count(5, 50)] * 30)])[0][0]
    assert alone.p_value == together.p_value
    assert (alone.code, together.code) == (health.FLAGGED, health.NOT_SIGNIFICANT)
