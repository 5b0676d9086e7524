"""Money: an exact ``Decimal`` amount with an ISO 4217 currency.

The rules every amount in Retour follows:

- Money is never a float. Amounts are ``Decimal``; ints and numeric strings are accepted and
  converted, floats are refused with ``TypeError`` and NaN or infinity with ``ValueError``.
- A currency is a known ISO 4217 code (three uppercase letters). Its minor unit, the number of
  digits after the decimal point (EUR 2, JPY 0, KWD 3), comes from the Unicode CLDR data shipped with
  babel, the same data that formats the amount for a reader.
- Arithmetic keeps full precision: ``+``, ``-``, ``*`` and ``/`` never round to the minor unit. They
  run in this module's own decimal context (28 significant digits, far more than any amount needs),
  so a caller's thread-local context cannot change a result.
- Rounding happens once, at the end, when ``rounded()`` is called: half-up (an exact half goes away
  from zero), quantized to the currency's minor unit, so a rounded EUR amount always shows two
  decimals and a rounded JPY amount none. ``minor()``, ``format()`` and ``str()`` use it.
- Splitting an amount (a refund over lines, an order-level discount over line subtotals) goes
  through ``allocate()``: the rounded amount, counted in minor units, is shared in proportion to the
  weights by the largest remainder method. Every part gets the floor of its exact share, and the
  units left over go one each to the parts with the largest remainders, the earlier part first on a
  tie. The parts therefore sum exactly to the rounded total and each is within one minor unit of its
  exact share.
- Amounts in different currencies are never added, subtracted or ordered: ``CurrencyError`` with
  ``code="currency_mismatch"``. They are simply unequal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Final, Self, TypeAlias

from babel.numbers import format_currency, get_currency_precision, list_currencies

__all__ = [
    "CurrencyError",
    "Money",
    "is_currency",
    "minor_units",
    "prorate",
]

_CURRENCY_CODE: Final = re.compile(r"[A-Z]{3}")

# One explicit context for all arithmetic: results do not depend on the caller's thread-local
# context, and anything that would silently lose meaning (0/0, overflow) raises instead.
_CONTEXT: Final = Context(
    prec=28,
    rounding=ROUND_HALF_UP,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

Factor: TypeAlias = Decimal | int
"""What an amount may be multiplied or divided by, and what an allocation weight may be."""


class CurrencyError(ValueError):
    """A currency code is unknown, or two amounts in different currencies were combined.

    ``code`` is stable and meant for machines: ``"unknown_currency"`` or ``"currency_mismatch"``.
    ``currencies`` holds the code or codes involved.
    """

    def __init__(self, message: str, *, code: str, currencies: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.currencies = currencies


@functools.cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


# Only valid codes are cached (a raised error is not), so the cache is bounded by the ISO 4217 list.
@functools.cache
def minor_units(currency: str) -> int:
    """The number of digits after the decimal point for ``currency``: EUR 2, JPY 0, KWD 3.

    Raises ``CurrencyError(code="unknown_currency")`` when ``currency`` is not three uppercase
    letters naming a currency the CLDR data knows.
    """
    if (
        not isinstance(currency, str)
        or _CURRENCY_CODE.fullmatch(currency) is None
        or currency not in _known_currencies()
    ):
        raise CurrencyError(
            f"unknown currency {currency!r}: expected an ISO 4217 code such as 'EUR'",
            code="unknown_currency",
            currencies=(currency,),
        )
    return get_currency_precision(currency)


def is_currency(code: str) -> bool:
    """Whether ``code`` is a known ISO 4217 currency code (three uppercase letters)."""
    try:
        minor_units(code)
    except (CurrencyError, TypeError):  # TypeError: an unhashable value reached the cache
        return False
    return True


def _to_decimal(value: object, *, what: str, allow_str: bool = True) -> Decimal:
    """``value`` as a finite ``Decimal``; a float is refused because it is already inexact."""
    accepted = "a Decimal, an int or a numeric string" if allow_str else "a Decimal or an int"
    if isinstance(value, float):
        raise TypeError(f"{what} must be {accepted}, never a float: {value!r}")
    if (
        isinstance(value, bool)
        or not isinstance(value, Decimal | int | str)
        or (isinstance(value, str) and not allow_str)
    ):
        raise TypeError(f"{what} must be {accepted}, not {type(value).__name__}: {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def _to_factor(value: object) -> Decimal:
    # A string factor is almost always a field that was never parsed, so it is refused.
    return _to_decimal(value, what="a factor", allow_str=False)


@dataclass(frozen=True, slots=True, eq=False)
class Money:
    """An exact amount in one currency.

    Build it with ``Money.of("12.34", "EUR")`` (or ``Money(Decimal("12.34"), "EUR")``). Two amounts
    are equal when their currencies are the same and their values are equal, so
    ``Money.of("1.5", "EUR") == Money.of("1.50", "EUR")``.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        minor_units(self.currency)
        amount = _to_decimal(self.amount, what="an amount")
        # Money has no signed zero: -0.00 would print as "-0.00 EUR".
        if amount.is_zero():
            amount = amount.copy_abs()
        object.__setattr__(self, "amount", amount)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Self:
        """``amount`` (a Decimal, an int or a numeric string such as ``"12.34"``) in ``currency``."""
        return cls(_to_decimal(amount, what="an amount"), currency)

    @classmethod
    def zero(cls, currency: str) -> Self:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Self:
        """The amount counted in minor units: ``Money.from_minor(1234, "EUR")`` is 12.34 EUR."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise TypeError(f"minor units must be an int, not {type(units).__name__}")
        digits = tuple(int(digit) for digit in str(abs(units)))
        return cls(Decimal((int(units < 0), digits, -minor_units(currency))), currency)

    # Rounding

    def rounded(self) -> Money:
        """This amount rounded half-up to the currency's minor unit, with exactly that many decimals."""
        return Money(self._quantized(), self.currency)

    @property
    def is_rounded(self) -> bool:
        """Whether the amount needs no rounding: its value is a whole number of minor units."""
        return self.amount == self._quantized()

    def minor(self) -> int:
        """The rounded amount counted in minor units: 12.34 EUR is 1234, 1235 JPY is 1235."""
        return int(self._quantized().scaleb(minor_units(self.currency), context=_CONTEXT))

    def _quantized(self) -> Decimal:
        quantum = Decimal((0, (1,), -minor_units(self.currency)))
        amount = self.amount.quantize(quantum, rounding=ROUND_HALF_UP, context=_CONTEXT)
        return amount.copy_abs() if amount.is_zero() else amount

    # Splitting

    def allocate(self, weights: Sequence[Factor]) -> list[Money]:
        """Split the rounded amount over ``weights`` by the largest remainder method.

        The parts sum exactly to ``self.rounded()``, each is within one minor unit of its exact
        proportional share, and a zero weight gets zero, unless every weight is zero, in which case
        the amount is split evenly. Leftover minor units go to the largest remainders, the earlier
        index first on a tie. A negative amount is split as its absolute value, then negated.
        Raises ``ValueError`` for no weights or a negative weight.
        """
        return [Money(part, self.currency) for part in split(self.amount, self.currency, weights)]

    # Presentation

    def format(self, locale: str = "en") -> str:
        """The rounded amount as a reader of ``locale`` expects it: "€1,234.50", "1 234,50 €"."""
        return format_currency(self._quantized(), self.currency, locale=locale)

    def __str__(self) -> str:
        """The rounded amount and the code, ASCII, for logs and CSV files: "12.34 EUR"."""
        return f"{self._quantized():f} {self.currency}"

    def __repr__(self) -> str:
        return f"Money(Decimal({str(self.amount)!r}), {self.currency!r})"

    # Arithmetic, all in full precision

    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyError(
                f"cannot {operation} {self.currency} and {other.currency}",
                code="currency_mismatch",
                currencies=(self.currency, other.currency),
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return Money(_CONTEXT.add(self.amount, other.amount), self.currency)

    def __radd__(self, other: int) -> Money:
        # sum() starts from the int 0; sum(amounts, Money.zero(currency)) also covers an empty list.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return Money(_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __mul__(self, factor: Factor) -> Money:
        if isinstance(factor, Money):
            return NotImplemented
        return Money(_CONTEXT.multiply(self.amount, _to_factor(factor)), self.currency)

    def __rmul__(self, factor: Factor) -> Money:
        return self.__mul__(factor)

    def __truediv__(self, divisor: Factor) -> Money:
        if isinstance(divisor, Money):
            return NotImplemented
        number = _to_factor(divisor)
        if number.is_zero():
            raise ZeroDivisionError(f"cannot divide {self} by zero")
        return Money(_CONTEXT.divide(self.amount, number), self.currency)

    # Comparison

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        # Decimal hashes by value, so 1.5 and 1.50 hash alike, as __eq__ requires.
        return hash((self.amount, self.currency))

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return not self.amount.is_zero()


def split(amount: Decimal, currency: str, weights: Sequence[Factor]) -> list[Decimal]:
    """``Money(amount, currency).allocate(weights)`` as plain decimals: the same parts, without building
    a ``Money`` for each (importers split every order's discount and tax)."""
    shares = _integer_weights([_to_factor(weight) for weight in weights])
    if not shares:
        raise ValueError("cannot allocate over no weights")
    if any(share < 0 for share in shares):
        raise ValueError(f"allocation weights must not be negative: {list(weights)!r}")
    total_weight = sum(shares)
    if total_weight == 0:
        shares = [1] * len(shares)
        total_weight = len(shares)

    # Exact in integers: each share is units * weight / total, kept as quotient and remainder.
    digits = minor_units(currency)
    quantum = Decimal((0, (1,), -digits))
    rounded = _to_decimal(amount, what="an amount", allow_str=False).quantize(
        quantum, rounding=ROUND_HALF_UP, context=_CONTEXT
    )
    units = int(rounded.scaleb(digits, context=_CONTEXT))
    parts, remainders = [], []
    for share in shares:
        part, remainder = divmod(abs(units) * share, total_weight)
        parts.append(part)
        remainders.append(remainder)
    leftover = abs(units) - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    sign = -1 if units < 0 else 1
    return [Decimal(sign * part).scaleb(-digits, context=_CONTEXT) for part in parts]


def prorate(total: Money, weights: Sequence[Factor]) -> list[Money]:
    """Spread ``total`` over ``weights``, such as an order-level discount over line subtotals.

    The same as ``total.allocate(weights)``: the parts sum exactly to ``total.rounded()``.
    """
    return total.allocate(weights)


def _integer_weights(weights: list[Decimal]) -> list[int]:
    """Scale weights to whole numbers with the same ratios, exactly (no decimal context involved)."""
    parts = [weight.as_tuple() for weight in weights]
    places = max((-int(part.exponent) for part in parts if int(part.exponent) < 0), default=0)
    return [
        (-1 if part.sign else 1)
        * int("".join(map(str, part.digits)) or "0")
        * 10 ** (int(part.exponent) + places)
        for part in parts
    ]
