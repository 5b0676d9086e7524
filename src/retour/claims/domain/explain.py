"""The buyer's explanation of an assessment, in English and French.

The sentences live here rather than in the gettext catalogue because the domain does not import Django
(as in policies/domain/decision.py): each is a pair, and both languages are always given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from retour.claims.domain.claim import Code, Reason
from retour.core.money import Money

if TYPE_CHECKING:
    from retour.claims.domain.assessment import Assessment


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence for buyers in English and French; ``{payout}``, ``{file_from}``… are filled in."""

    en: str
    fr: str

    def get(self, language: str) -> str:
        return self.fr if language.startswith("fr") else self.en


NOT_ELIGIBLE: dict[Code, Text] = {
    Code.NOT_THIRD_PARTY: Text(
        "The marketplace sold this item itself, so the guarantee does not apply: its own return policy does.",
        "Cet article est vendu par la place de marché elle-même : la garantie ne s’applique pas, sa "
        "politique de retour s’applique.",
    ),
    Code.NOT_COVERED_ITEM: Text(
        "The guarantee covers physical items only, not digital items, services or gift cards.",
        "La garantie ne couvre que les articles physiques, pas les contenus numériques, les services ni "
        "les cartes cadeaux.",
    ),
    Code.NOT_PAID_ON_MARKETPLACE: Text(
        "The guarantee covers only orders paid through the marketplace's checkout.",
        "La garantie ne couvre que les commandes payées sur la place de marché.",
    ),
    Code.CHARGEBACK_FILED: Text(
        "You have disputed this payment with your bank, so your bank decides on it, not the guarantee.",
        "Vous avez contesté ce paiement auprès de votre banque : c’est elle qui en décide, pas la garantie.",
    ),
    Code.ALREADY_REFUNDED: Text(
        "The seller has already refunded everything you paid for this item and its delivery.",
        "Le vendeur vous a déjà remboursé tout ce que vous avez payé pour cet article et sa livraison.",
    ),
    Code.TOO_LATE: Text(
        "The time to claim has passed: this claim had to be filed by {deadline}.",
        "Le délai de réclamation est dépassé : il fallait la déposer au plus tard le {deadline}.",
    ),
    Code.CONTACT_SELLER_FIRST: Text(
        "Ask the seller for a return first: if they refuse, or have not answered within {hours} hours, "
        "you can claim.",
        "Demandez d’abord un retour au vendeur : s’il refuse, ou s’il n’a pas répondu sous {hours} "
        "heures, vous pourrez faire une réclamation.",
    ),
    Code.RETURN_NOT_DELIVERED: Text(
        "You can claim once your return has been delivered to the seller and they have not refunded you "
        "within {hours} hours.",
        "Vous pourrez faire une réclamation une fois votre retour livré au vendeur, s’il ne vous a pas "
        "remboursé sous {hours} heures.",
    ),
    Code.TOO_EARLY: Text(
        "It is too early to claim: you can file this claim from {file_from}.",
        "Il est trop tôt pour faire une réclamation : vous pourrez la déposer à partir du {file_from}.",
    ),
}
GRANTED = Text(
    "Your claim is accepted: unless the seller refunds you by {respond_by}, the marketplace pays you "
    "{payout}.",
    "Votre réclamation est acceptée : si le vendeur ne vous rembourse pas d’ici le {respond_by}, la place "
    "de marché vous verse {payout}.",
)
CAPPED = Text(
    "This is the most the guarantee pays for a claim, out of the {claimable} you are owed.",
    "C’est le montant maximal que la garantie verse pour une réclamation, sur les {claimable} qui vous "
    "sont dus.",
)
DENIED: dict[Reason, Text] = {
    Reason.DELIVERED_WITH_PROOF: Text(
        "Your claim is declined: the carrier has proof that the parcel was delivered to your address.",
        "Votre réclamation est refusée : le transporteur a une preuve de livraison du colis à votre adresse.",
    ),
    Reason.ITEM_NOT_RETURNED: Text(
        "Your claim is declined for now: the seller agreed to take the item back, and it has not reached "
        "them. Send it back to be refunded.",
        "Votre réclamation est refusée pour l’instant : le vendeur a accepté le retour, et l’article ne "
        "lui est pas parvenu. Renvoyez-le pour être remboursé.",
    ),
}

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def sentences(assessment: Assessment, language: str) -> str:
    """The explanation of ``assessment`` in ``language`` (``en`` or ``fr``)."""
    if assessment.decision is None:
        texts = [NOT_ELIGIBLE[assessment.code]]
    elif assessment.granted:
        texts = [GRANTED, CAPPED] if assessment.capped else [GRANTED]
    else:
        texts = [DENIED[assessment.decision.reason]]
    values = _Values(assessment, fr=language.startswith("fr"))
    return " ".join(text.get(language).format_map(values) for text in texts)


class _Values(dict[str, object]):
    """The placeholders' values, each made only when a sentence asks for it: formatting an amount for
    a locale costs more than the rest of an evaluation."""

    def __init__(self, assessment: Assessment, *, fr: bool) -> None:
        super().__init__()
        self.assessment = assessment
        self.fr = fr

    def __missing__(self, name: str) -> object:
        assessment, fr = self.assessment, self.fr
        if name == "payout":
            return money(assessment.payout, assessment.currency, fr=fr)
        if name == "claimable":
            return money(assessment.claimable or Decimal(0), assessment.currency, fr=fr)
        if name == "hours":
            return assessment.wait_hours if assessment.wait_hours is not None else ""
        instants = {
            "deadline": assessment.deadline,
            "file_from": assessment.file_from,
            "respond_by": assessment.respond_by,
        }
        return when(instants[name], fr=fr, up=name == "file_from")


def when(instant: datetime | None, *, fr: bool, up: bool = False) -> str:
    """An instant in words, in UTC to the minute: "4 March 2026 at 10:00 UTC", "1er mars 2026 à 10:00 UTC".

    An opening (``up``) is rounded up to the minute so that it is never shown earlier than it is.
    """
    if instant is None:
        return ""
    instant = instant.astimezone(UTC)
    if up and (instant.second or instant.microsecond):
        instant = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    clock = f"{instant.hour:02d}:{instant.minute:02d} UTC"
    if fr:
        day = "1er" if instant.day == 1 else str(instant.day)
        return f"{day} {MONTHS_FR[instant.month - 1]} {instant.year} à {clock}"
    return f"{instant.day} {MONTHS_EN[instant.month - 1]} {instant.year} at {clock}"


# Formatting for a locale (babel) costs more than the rest of an evaluation; payouts repeat (the caps).
@functools.lru_cache(maxsize=4096)
def money(amount: Decimal, currency: str, *, fr: bool) -> str:
    return Money(amount, currency).format("fr_FR" if fr else "en_GB")
