"""What the rules say about one claim, as a value: eligibility, dates, decision, money, explanation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, Overflow
from typing import Any, NamedTuple

from retour.claims.domain import explain
from retour.claims.domain.claim import Code, FundedBy, Outcome, Reason
from retour.core.money import minor_units

ROUNDING = Context(prec=64, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Overflow])
NOTHING = "0"


class Decision(NamedTuple):
    outcome: Outcome
    reason: Reason


@dataclass(frozen=True, slots=True)
class Assessment:
    """The guarantee's answer for one claim. Amounts are exact; ``as_contract`` rounds them once.

    ``claimable`` is ``None`` when the claim fails one of rules 1 to 5 (nothing is computed for it);
    ``file_from`` is ``None`` when the rules cannot tell yet when the claim may be filed.
    """

    eligible: bool
    code: Code
    currency: str
    claimable: Decimal | None = None
    payout: Decimal = Decimal(0)
    cap: Decimal | None = None
    capped: bool = False
    file_from: datetime | None = None
    deadline: datetime | None = None
    respond_by: datetime | None = None
    decision: Decision | None = None
    funded_by: FundedBy | None = None
    # What the buyer waits for before claiming: the seller's time to answer or to refund, in hours.
    wait_hours: int | None = None

    @property
    def granted(self) -> bool:
        return self.decision is not None and self.decision.outcome is Outcome.GRANTED

    def explanation(self, language: str) -> str:
        """One or two sentences for the buyer, in ``en`` or ``fr``."""
        return explain.sentences(self, language)

    def as_contract(self, case_id: Any) -> dict[str, Any]:
        """The result object of the evaluation contract (specs/guarantee-claims.md)."""
        return {
            "id": case_id,
            "eligible": self.eligible,
            "code": str(self.code),
            "file_from": instant(self.file_from, up=True),
            "respond_by": instant(self.respond_by),
            "decision": str(self.decision.outcome) if self.decision else None,
            "reason": str(self.decision.reason) if self.decision else None,
            "funded_by": str(self.funded_by) if self.funded_by else None,
            "claimable": self.amount(self.claimable),
            "payout": self.amount(self.payout if self.granted else None),
            "capped": self.capped,
            "explanation": {"en": self.explanation("en"), "fr": self.explanation("fr")},
        }

    def amount(self, value: Decimal | None) -> str:
        """``value`` rounded half-up to the currency's minor unit ("12.35", "1235" in JPY); "0" when
        there is no amount to give."""
        if value is None:
            return NOTHING
        return str(rounded(value, self.currency))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's minor unit: the one rounding an amount gets."""
    result = amount.quantize(Decimal(1).scaleb(-minor_units(currency)), context=ROUNDING)
    return result.copy_abs() if result.is_zero() else result


def instant(value: datetime | None, *, up: bool = False) -> str | None:
    """``value`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ``.

    The format has no fractions of a second: an opening (``up``) is rounded up to the next second, so
    that filing at the instant shown is never too early; a deadline is rounded down, so that acting at
    the instant shown is never too late.
    """
    if value is None:
        return None
    value = value.astimezone(UTC)
    if up and value.microsecond:
        value += timedelta(seconds=1)
    # Not strftime: it does not pad a year before 1000 to four digits everywhere.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )
