"""Money: Decimal amounts with an ISO 4217 currency, rounded once, half-up, and split exactly."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retour.core.money import CurrencyError, Money, is_currency, minor_units, prorate

pytestmark = pytest.mark.unit


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def spaces_normalised(text: str) -> str:
    # CLDR uses a narrow no-break space (U+202F) and a no-break space (U+00A0) in French amounts.
    return text.replace("\u202f", " ").replace("\xa0", " ")


# Currencies and minor units


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("EUR", 2), ("USD", 2), ("JPY", 0), ("CLP", 0), ("KWD", 3), ("BHD", 3)],
)
def test_minor_units_come_from_the_currency(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits


def test_jpy_has_no_minor_unit() -> None:
    yen = Money.of("1234.5", "JPY").rounded()

    assert minor_units("JPY") == 0
    assert yen.amount == Decimal("1235")
    assert yen.amount.as_tuple().exponent == 0
    assert str(yen) == "1235 JPY"


def test_kwd_rounds_to_three_decimals() -> None:
    dinars = Money.of("1.2345", "KWD").rounded()

    assert minor_units("KWD") == 3
    assert str(dinars) == "1.235 KWD"
    assert dinars.minor() == 1235


@pytest.mark.parametrize("code", ["eur", "Eur", "EU", "EURO", "", "E1R", "XYZ", " EUR", "ÉUR"])
def test_unknown_currency_is_refused(code: str) -> None:
    with pytest.raises(CurrencyError) as raised:
        minor_units(code)
    assert raised.value.code == "unknown_currency"
    assert is_currency(code) is False


def test_money_in_an_unknown_currency_cannot_be_made() -> None:
    with pytest.raises(CurrencyError) as raised:
        Money.of("1.00", "XYZ")
    assert raised.value.code == "unknown_currency"
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("code", ["EUR", "JPY", "KWD", "CHF"])
def test_known_codes_are_currencies(code: str) -> None:
    assert is_currency(code) is True


def test_a_non_string_is_not_a_currency() -> None:
    assert is_currency(978) is False  # type: ignore[arg-type]
    assert is_currency(None) is False  # type: ignore[arg-type]


# Making amounts


def test_int_and_string_amounts_become_decimals() -> None:
    assert Money.of(12, "EUR").amount == Decimal("12")
    assert Money.of("12.34", "EUR").amount == Decimal("12.34")
    assert Money(Decimal("12.34"), "EUR").amount == Decimal("12.34")
    assert isinstance(Money.of(12, "EUR").amount, Decimal)


def test_float_amount_is_refused() -> None:
    with pytest.raises(TypeError, match="never a float"):
        Money.of(12.34, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="never a float"):
        Money(12.34, "EUR")  # type: ignore[arg-type]


def test_bool_amount_is_refused() -> None:
    with pytest.raises(TypeError):
        Money.of(True, "EUR")


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_non_finite_amount_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money.of(amount, "EUR")
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal(amount), "EUR")


@pytest.mark.parametrize("amount", ["", "12,34", "twelve", "1.2.3"])
def test_text_that_is_not_a_number_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        Money.of(amount, "EUR")


def test_zero_is_false_and_other_amounts_are_true() -> None:
    assert not Money.zero("EUR")
    assert not eur("0.00")
    assert eur("0.01")
    assert eur("-0.01")
    assert Money.zero("JPY") == Money.of(0, "JPY")


def test_money_is_immutable() -> None:
    amount = eur("1.00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        amount.amount = Decimal("2.00")  # type: ignore[misc]


# Rounding


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),
        ("0.135", "EUR", "0.14"),
        ("-0.125", "EUR", "-0.13"),
        ("2.5", "JPY", "3"),
        ("3.5", "JPY", "4"),
        ("-2.5", "JPY", "-3"),
        ("0.0005", "KWD", "0.001"),
    ],
)
def test_half_up_rounding_of_exact_half(amount: str, currency: str, expected: str) -> None:
    assert str(Money.of(amount, currency).rounded().amount) == expected


def test_just_below_half_rounds_down() -> None:
    assert eur("0.1249999").rounded() == eur("0.12")


def test_rounded_amount_has_exactly_the_currency_decimals() -> None:
    assert str(eur("1.5").rounded().amount) == "1.50"
    assert str(eur("7").rounded().amount) == "7.00"
    assert str(Money.of("0.1", "KWD").rounded().amount) == "0.100"


def test_rounding_never_gives_a_negative_zero() -> None:
    assert str(eur("-0.001").rounded()) == "0.00 EUR"
    assert str(-Money.zero("EUR")) == "0.00 EUR"
    assert not (-Money.zero("EUR")).amount.is_signed()
    assert not Money.of("-0.00", "EUR").amount.is_signed()


def test_is_rounded_when_the_value_is_a_whole_number_of_minor_units() -> None:
    assert eur("1.50").is_rounded
    assert eur("1.5").is_rounded
    assert eur("1.500").is_rounded
    assert not eur("1.505").is_rounded
    assert not Money.of("0.5", "JPY").is_rounded


def test_arithmetic_keeps_full_precision_until_rounded() -> None:
    # Rounding each term first would give 0.00 + 0.00.
    total = eur("0.004") + eur("0.004")

    assert total.amount == Decimal("0.008")
    assert total.rounded() == eur("0.01")


def test_division_keeps_full_precision() -> None:
    third = eur("10.00") / 3

    assert not third.is_rounded
    assert (third * 3).rounded() == eur("10.00")


def test_arithmetic_ignores_the_callers_decimal_context() -> None:
    with localcontext() as context:
        context.prec = 3
        assert eur("1234.56") + eur("0.01") == eur("1234.57")
        assert (eur("1234.56") * 2).amount == Decimal("2469.12")


# Minor units


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [("12.34", "EUR", 1234), ("-12.34", "EUR", -1234), ("12.345", "EUR", 1235), ("1235", "JPY", 1235)],
)
def test_minor_counts_the_rounded_amount_in_minor_units(amount: str, currency: str, units: int) -> None:
    assert Money.of(amount, currency).minor() == units


def test_from_minor_builds_a_rounded_amount() -> None:
    assert str(Money.from_minor(1234, "EUR").amount) == "12.34"
    assert str(Money.from_minor(-5, "EUR").amount) == "-0.05"
    assert str(Money.from_minor(0, "KWD").amount) == "0.000"
    assert str(Money.from_minor(1235, "JPY").amount) == "1235"


def test_from_minor_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        Money.from_minor(12.0, "EUR")  # type: ignore[arg-type]


# Arithmetic and comparison


def test_adding_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyError) as raised:
        eur("1.00") + Money.of("1.00", "USD")
    assert raised.value.code == "currency_mismatch"
    assert raised.value.currencies == ("EUR", "USD")


def test_subtracting_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyError) as raised:
        eur("1.00") - Money.of("1", "JPY")
    assert raised.value.code == "currency_mismatch"


def test_ordering_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyError) as raised:
        _ = eur("1.00") < Money.of("2.00", "USD")
    assert raised.value.code == "currency_mismatch"


def test_amounts_in_different_currencies_are_unequal() -> None:
    assert eur("1.00") != Money.of("1.00", "USD")


def test_equal_values_are_equal_whatever_their_scale() -> None:
    assert eur("1.5") == eur("1.50")
    assert hash(eur("1.5")) == hash(eur("1.50"))
    assert len({eur("1.5"), eur("1.50"), eur("1.500")}) == 1


def test_money_is_not_equal_to_a_bare_number() -> None:
    assert eur("1.00") != Decimal("1.00")
    assert eur("0") != 0


def test_adding_subtracting_and_negating() -> None:
    assert eur("1.25") + eur("2.50") == eur("3.75")
    assert eur("1.25") - eur("2.50") == eur("-1.25")
    assert -eur("1.25") == eur("-1.25")


def test_multiplying_by_an_int_or_a_decimal_from_either_side() -> None:
    assert eur("1.25") * 3 == eur("3.75")
    assert 3 * eur("1.25") == eur("3.75")
    assert Decimal("0.2") * eur("10") == eur("2")
    assert eur("10") * Decimal("0.2") == eur("2")


@pytest.mark.parametrize("factor", [1.5, "2"])
def test_multiplying_by_a_float_or_a_string_is_refused(factor: object) -> None:
    with pytest.raises(TypeError):
        _ = eur("1.00") * factor  # type: ignore[operator]


def test_multiplying_money_by_money_is_refused() -> None:
    with pytest.raises(TypeError):
        _ = eur("1.00") * eur("2.00")  # type: ignore[operator]


def test_dividing_by_zero_is_refused() -> None:
    with pytest.raises(ZeroDivisionError):
        _ = eur("1.00") / 0
    with pytest.raises(ZeroDivisionError):
        _ = eur("0") / Decimal("0.00")


def test_adding_a_number_is_refused() -> None:
    with pytest.raises(TypeError):
        _ = eur("1.00") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = 1 + eur("1.00")


def test_comparisons_within_a_currency() -> None:
    assert eur("1.00") < eur("1.01")
    assert eur("1.00") <= eur("1.0")
    assert eur("2") > eur("1.99")
    assert eur("2") >= eur("2.00")
    assert max(eur("1"), eur("3"), eur("2")) == eur("3")


def test_sum_of_amounts() -> None:
    lines = [eur("1.10"), eur("2.20"), eur("3.30")]

    assert sum(lines) == eur("6.60")
    assert sum(lines, Money.zero("EUR")) == eur("6.60")
    assert sum([], Money.zero("EUR")) == Money.zero("EUR")


def test_sum_of_mixed_currencies_is_refused() -> None:
    with pytest.raises(CurrencyError):
        sum([eur("1.00"), Money.of("1.00", "USD")])


# Presentation


def test_str_is_the_rounded_amount_and_code_for_logs() -> None:
    assert str(eur("12.345")) == "12.35 EUR"
    assert str(eur("12")) == "12.00 EUR"
    assert str(Money(Decimal("1E+3"), "EUR")) == "1000.00 EUR"
    assert str(Money.of("-7.5", "JPY")) == "-8 JPY"


def test_repr_rebuilds_the_same_money() -> None:
    amount = eur("12.345")

    assert repr(amount) == "Money(Decimal('12.345'), 'EUR')"
    assert eval(repr(amount), {"Money": Money, "Decimal": Decimal}) == amount  # noqa: S307 (our own repr)


def test_format_follows_the_locale() -> None:
    amount = eur("1234.5")

    assert amount.format("en") == "€1,234.50"
    assert amount.format() == "€1,234.50"
    assert spaces_normalised(amount.format("fr")) == "1 234,50 €"
    assert spaces_normalised(amount.format("fr_FR")) == "1 234,50 €"


def test_format_uses_the_currency_digits_and_our_rounding() -> None:
    # babel alone would round 1234.5 half-even to 1,234; the amount is rounded half-up first.
    assert Money.of("1234.5", "JPY").format("en") == "¥1,235"
    assert Money.of("0.125", "EUR").format("en") == "€0.13"
    assert spaces_normalised(Money.of("1.2345", "KWD").format("fr")) == "1,235 KWD"


# Allocation


def test_allocation_of_discount_by_largest_remainder() -> None:
    assert eur("10.00").allocate([1, 1, 1]) == [eur("3.34"), eur("3.33"), eur("3.33")]


def test_order_discount_is_prorated_over_line_subtotals() -> None:
    subtotals = [Decimal("19.99"), Decimal("5.01"), Decimal("75.00")]

    shares = prorate(eur("5.00"), subtotals)

    # Exact shares 0.9995, 0.2505, 3.75: the one leftover cent goes to the largest remainder.
    assert shares == [eur("1.00"), eur("0.25"), eur("3.75")]
    assert sum(shares) == eur("5.00")


def test_leftover_units_go_to_the_largest_remainders() -> None:
    # Exact shares 0.0333.., 0.0666..: 6 cents floor to 0.03 + 0.06, the cent left goes to the second.
    assert eur("0.10").allocate([1, 2]) == [eur("0.03"), eur("0.07")]


def test_ties_go_to_the_earlier_part() -> None:
    assert eur("0.02").allocate([1, 1, 1]) == [eur("0.01"), eur("0.01"), eur("0.00")]
    assert Money.of(5, "JPY").allocate([2, 1, 2, 1]) == [
        Money.of(2, "JPY"),
        Money.of(1, "JPY"),
        Money.of(1, "JPY"),
        Money.of(1, "JPY"),
    ]


def test_zero_weight_gets_nothing() -> None:
    assert eur("10.00").allocate([0, 1, 0, 3]) == [eur("0"), eur("2.50"), eur("0"), eur("7.50")]


def test_all_zero_weights_split_evenly() -> None:
    assert eur("10.00").allocate([0, 0, 0]) == [eur("3.34"), eur("3.33"), eur("3.33")]


def test_negative_amount_is_allocated_as_its_negation() -> None:
    assert eur("-10.00").allocate([1, 1, 1]) == [eur("-3.34"), eur("-3.33"), eur("-3.33")]


def test_allocation_splits_the_rounded_amount() -> None:
    assert eur("10.005").allocate([1]) == [eur("10.01")]
    assert eur("0.004").allocate([1, 1]) == [eur("0"), eur("0")]


def test_allocation_parts_have_the_currency_decimals() -> None:
    parts = eur("10").allocate([Decimal("0.5"), Decimal("0.5")])

    assert [str(part.amount) for part in parts] == ["5.00", "5.00"]


def test_allocation_without_weights_is_refused() -> None:
    with pytest.raises(ValueError, match="no weights"):
        eur("10.00").allocate([])


def test_allocation_with_a_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        eur("10.00").allocate([1, -1])


def test_allocation_with_a_float_weight_is_refused() -> None:
    with pytest.raises(TypeError):
        eur("10.00").allocate([0.5, 0.5])  # type: ignore[list-item]


# Properties

CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD"])
AMOUNTS = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False, allow_infinity=False
)
WEIGHT = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=Decimal("1e6"), places=4, allow_nan=False, allow_infinity=False),
)
WEIGHTS = st.lists(WEIGHT, min_size=1, max_size=12)


@st.composite
def monies(draw: st.DrawFn, currency: str | None = None) -> Money:
    return Money(draw(AMOUNTS), currency or draw(CURRENCIES))


def exact_shares(total: Money, weights: list[Decimal | int]) -> list[Fraction]:
    fractions = [Fraction(weight) for weight in weights]
    if sum(fractions) == 0:
        fractions = [Fraction(1)] * len(fractions)
    whole = sum(fractions)
    return [total.minor() * weight / whole for weight in fractions]


@given(monies(), WEIGHTS)
def test_allocation_parts_always_sum_to_the_rounded_total(total: Money, weights: list[Decimal | int]) -> None:
    parts = total.allocate(weights)

    assert len(parts) == len(weights)
    assert sum(parts, Money.zero(total.currency)) == total.rounded()
    assert sum(part.minor() for part in parts) == total.minor()


@given(monies(), WEIGHTS)
def test_every_part_is_within_one_minor_unit_of_its_exact_share(
    total: Money, weights: list[Decimal | int]
) -> None:
    parts = total.allocate(weights)

    for part, share in zip(parts, exact_shares(total, weights), strict=True):
        assert abs(part.minor() - share) < 1


@given(monies(), WEIGHTS)
def test_zero_weights_get_zero_when_some_weight_is_not_zero(
    total: Money, weights: list[Decimal | int]
) -> None:
    parts = total.allocate(weights)

    if any(weights):
        for part, weight in zip(parts, weights, strict=True):
            if weight == 0:
                assert not part


@given(monies(), WEIGHTS)
def test_allocation_parts_are_rounded(total: Money, weights: list[Decimal | int]) -> None:
    for part in total.allocate(weights):
        assert part.is_rounded
        assert part.amount.as_tuple().exponent == -minor_units(total.currency)
        assert part.currency == total.currency


@given(monies(), WEIGHTS)
def test_allocation_is_deterministic(total: Money, weights: list[Decimal | int]) -> None:
    first = total.allocate(weights)
    second = Money(total.amount, total.currency).allocate(list(weights))

    assert first == second
    assert [repr(part) for part in first] == [repr(part) for part in second]


@given(monies(), WEIGHTS)
def test_negating_an_amount_negates_its_allocation(total: Money, weights: list[Decimal | int]) -> None:
    assert (-total).allocate(weights) == [-part for part in total.allocate(weights)]


@given(monies())
def test_rounding_is_idempotent(amount: Money) -> None:
    once = amount.rounded()
    twice = once.rounded()

    assert twice == once
    assert repr(twice) == repr(once)
    assert once.is_rounded


@given(monies())
def test_rounding_moves_an_amount_by_at_most_half_a_minor_unit(amount: Money) -> None:
    half_unit = Decimal(1).scaleb(-minor_units(amount.currency)) / 2

    assert abs(amount.rounded().amount - amount.amount) <= half_unit


@given(monies())
def test_from_minor_of_minor_is_the_rounded_amount(amount: Money) -> None:
    rebuilt = Money.from_minor(amount.minor(), amount.currency)

    assert rebuilt == amount.rounded()
    assert repr(rebuilt) == repr(amount.rounded())


@given(CURRENCIES.flatmap(lambda currency: st.tuples(monies(currency), monies(currency))))
def test_addition_is_commutative(pair: tuple[Money, Money]) -> None:
    a, b = pair

    assert a + b == b + a


@given(CURRENCIES.flatmap(lambda currency: st.tuples(monies(currency), monies(currency), monies(currency))))
def test_addition_is_associative(triple: tuple[Money, Money, Money]) -> None:
    a, b, c = triple

    assert (a + b) + c == a + (b + c)
    assert (a + b) + c - c == a + b
