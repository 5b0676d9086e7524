"""Abuse signals: documented, weighed, each with the reason a person reads; a score that sends a return to
a person for review, never a refusal (docs/abuse.md).

Pure: ``Evidence`` is what the services (or the planted history) found about one return request and its
shopper; ``assess`` weighs the signals that fire. Weights are points out of 100; a return whose points
reach ``REVIEW_AT`` waits for a person. ``reweigh`` adjusts the weights from staff's verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

REVIEW_AT = 50
MAX_SCORE = 100
SERIAL_RETURNS = 5  # returns in 365 days...
SERIAL_RATE = Decimal(60)  # ...with at least this many units back per 100 ordered
WARDROBING_LAST_DAYS = 3  # asked for in the window's last days
HIGH_VALUE = Decimal(200)  # a unit worth this much or more, in the order's currency
INR_CLAIMS = 2  # "item not received" claims in 365 days
LINKED_ACCOUNTS = 1  # other accounts sharing an email, an address, a card or a device
EMPTY_BOX_SHARE = Decimal("0.5")  # received weight below half the shipped weight
# Categories of things people wear once (an evening, a wedding): worn and returned at the window's end.
STRENGTH = "strength"  # a signal may count for more or less than its weight (1 by default)
LINK_WORDS = {
    "email": ("email", "e-mail"),
    "address": ("address", "adresse"),
    "card": ("card", "carte"),
    "device": ("device", "appareil"),
}
WORN_ONCE = frozenset({"dresses", "evening-wear", "formal", "suits", "costumes", "party", "occasion"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one return request and its shopper, before it is asked for (history) and since
    (parcel, inspection)."""

    returns_365d: int = 0
    return_rate_365d: Decimal = Decimal(0)
    worn_once_lines: int = 0  # lines of WORN_ONCE categories reported or found used/worn
    days_left_in_window: int | None = None  # at the request; None when unknown
    high_value_incomplete: int = 0  # high-value lines back without their accessories
    inr_claims_365d: int = 0
    linked_accounts: int = 0
    linked_by: tuple[str, ...] = ()  # email, address, card, device
    shipped_weight_grams: int | None = None
    received_weight_grams: int | None = None
    refund_before_shipping: bool = False


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    weight: int  # the default points
    reason_en: str  # with %(name)s placeholders filled from what ``fires`` returns
    reason_fr: str
    fires: Callable[[Evidence], dict[str, str] | None]


@dataclass(frozen=True, slots=True)
class Fired:
    code: str
    points: int
    reason_en: str
    reason_fr: str

    def reason(self, language: str) -> str:
        return self.reason_fr if language.startswith("fr") else self.reason_en

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "points": self.points,
            "reason_en": self.reason_en,
            "reason_fr": self.reason_fr,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    score: int
    fired: tuple[Fired, ...] = field(default_factory=tuple)

    @property
    def review(self) -> bool:
        """A person looks at it before anything else happens; nothing is refused on the score alone."""
        return self.score >= REVIEW_AT


def _serial(e: Evidence) -> dict[str, str] | None:
    if e.returns_365d >= SERIAL_RETURNS and e.return_rate_365d >= SERIAL_RATE:
        return {"returns": str(e.returns_365d), "rate": str(e.return_rate_365d)}
    return None


def _wardrobing(e: Evidence) -> dict[str, str] | None:
    late = e.days_left_in_window is not None and e.days_left_in_window <= WARDROBING_LAST_DAYS
    if e.worn_once_lines and late:
        return {"lines": str(e.worn_once_lines), "days": str(max(e.days_left_in_window or 0, 0))}
    return None


def _incomplete(e: Evidence) -> dict[str, str] | None:
    if not e.high_value_incomplete:
        return None
    return {"lines": str(e.high_value_incomplete), STRENGTH: "1.5" if e.high_value_incomplete > 1 else "1"}


def _inr(e: Evidence) -> dict[str, str] | None:
    return {"claims": str(e.inr_claims_365d)} if e.inr_claims_365d >= INR_CLAIMS else None


def _linked(e: Evidence) -> dict[str, str] | None:
    if e.linked_accounts >= LINKED_ACCOUNTS:
        # One other account at the same address or card is often a household; several, or the same
        # mailbox or device under another name, much less so.
        strong = e.linked_accounts > 1 or bool({"email", "device"} & set(e.linked_by))
        return {
            STRENGTH: "1" if strong else "0.5",
            "accounts": str(e.linked_accounts),
            "by": ", ".join(LINK_WORDS[kind][0] for kind in e.linked_by),
            "by_fr": ", ".join(LINK_WORDS[kind][1] for kind in e.linked_by),
        }
    return None


def _empty_box(e: Evidence) -> dict[str, str] | None:
    shipped, received = e.shipped_weight_grams, e.received_weight_grams
    if shipped and received is not None and Decimal(received) < Decimal(shipped) * EMPTY_BOX_SHARE:
        return {"received": str(received), "shipped": str(shipped)}
    return None


def _early_refund(e: Evidence) -> dict[str, str] | None:
    return {} if e.refund_before_shipping else None


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "serial_returning",
        25,
        "%(returns)s returns in the last 365 days, %(rate)s units back per 100 ordered.",
        "%(returns)s retours sur les 365 derniers jours, %(rate)s unités renvoyées pour 100 commandées.",
        _serial,
    ),
    Signal(
        "wardrobing",
        35,
        "%(lines)s item(s) of a kind worn once, returned used %(days)s day(s) before the window closes.",
        "%(lines)s article(s) qu’on porte une fois, renvoyé(s) porté(s) %(days)s jour(s) avant la fin"
        " du délai.",
        _wardrobing,
    ),
    Signal(
        "high_value_incomplete",
        35,
        "%(lines)s high-value item(s) back without their accessories.",
        "%(lines)s article(s) de valeur renvoyé(s) sans leurs accessoires.",
        _incomplete,
    ),
    Signal(
        "repeated_not_received",
        30,
        "%(claims)s “item not received” claims in the last 365 days.",
        "%(claims)s réclamations «\u00a0article non reçu\u00a0» sur les 365 derniers jours.",
        _inr,
    ),
    Signal(
        "linked_accounts",
        30,
        "The same shopper seems to be behind %(accounts)s other account(s) (shared: %(by)s).",
        "La même personne semble derrière %(accounts)s autre(s) compte(s) (en commun\u00a0: %(by_fr)s).",
        _linked,
    ),
    Signal(
        "empty_box",
        60,
        "The parcel weighed %(received)s g on arrival, against %(shipped)s g shipped.",
        "Le colis pesait %(received)s g à l’arrivée, pour %(shipped)s g à l’envoi.",
        _empty_box,
    ),
    Signal(
        "refund_before_shipping",
        20,
        "The refund was asked for before the parcel was sent back.",
        "Le remboursement a été demandé avant le renvoi du colis.",
        _early_refund,
    ),
)
CODES = tuple(signal.code for signal in SIGNALS)
DEFAULT_WEIGHTS = {signal.code: signal.weight for signal in SIGNALS}


def assess(evidence: Evidence, weights: Mapping[str, int] | None = None) -> Assessment:
    """The signals that fire, each with its points (the store's weight, else the default, times the
    signal's strength: half for one other account sharing only an address or a card, one and a half for
    several high-value items back incomplete), and their sum (at most ``MAX_SCORE``)."""
    fired = []
    for signal in SIGNALS:
        values = signal.fires(evidence)
        if values is None:
            continue
        strength = Decimal(values.pop(STRENGTH, "1"))
        weight = (weights or {}).get(signal.code, signal.weight)
        points = int((weight * strength).to_integral_value())
        fired.append(Fired(signal.code, points, signal.reason_en % values, signal.reason_fr % values))
    return Assessment(min(MAX_SCORE, sum(f.points for f in fired)), tuple(fired))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Staff's verdict on an assessed return: the signals that had fired, and whether it was abuse."""

    codes: frozenset[str]
    fraud: bool


PRIOR = 4  # verdicts a default weight counts as, so that a few verdicts move it only a little


def reweigh(verdicts: Iterable[Verdict]) -> dict[str, int]:
    """Each signal's weight from the verdicts on returns where it fired, relative to all the verdicts.

    ``overall`` is the share of all verdicts that found fraud; a signal's own share is smoothed towards it
    by ``PRIOR`` imaginary verdicts; its weight is the default times ``own / overall``, between 0 and
    ``MAX_SCORE``. A signal right more often than the verdicts on the whole counts for more, one right
    less often for less, and the weights stay calibrated against the review threshold on the whole (the
    returns staff judge are those sent to them, mostly abusive: an absolute share would inflate every
    weight). A signal without verdicts keeps its default."""
    counts = {code: [0, 0] for code in CODES}  # fraud, all
    fraud_total = seen_total = 0
    for verdict in verdicts:
        fraud_total += int(verdict.fraud)
        seen_total += 1
        for code in verdict.codes & set(CODES):
            counts[code][0] += int(verdict.fraud)
            counts[code][1] += 1
    overall = (Decimal(fraud_total) + Decimal(PRIOR) / 2) / (Decimal(seen_total) + PRIOR)
    weights = {}
    for code, (fraud, seen) in counts.items():
        own = (Decimal(fraud) + PRIOR * overall) / (Decimal(seen) + PRIOR)
        weight = Decimal(DEFAULT_WEIGHTS[code]) * own / overall
        weights[code] = max(0, min(MAX_SCORE, int(weight.to_integral_value())))
    return weights
