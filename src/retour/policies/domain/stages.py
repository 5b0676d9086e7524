"""Two stages: a decision at request time from the reported condition, and a re-decision at inspection
from the graded condition. Both are kept; this explains the difference to the shopper."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from retour.core.money import Money
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import Facts
from retour.policies.domain.model import Text
from retour.policies.domain.vocabulary import CONDITION_WORDS


class Told(Protocol):
    """What the shopper was told at request time: a ``Decision``, or the stored row of one."""

    @property
    def eligible(self) -> bool: ...
    @property
    def refund_percent(self) -> int: ...
    @property
    def refund_amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...


def at_inspection(facts: Facts, graded_condition: str) -> Facts:
    return replace(facts, condition=graded_condition, stage="inspection")


def difference(before: Told, after: Decision, reported: str, graded: str) -> Text:
    """One sentence per language saying what the inspection changed from what the shopper was told,
    or that it changed nothing."""
    reported_en, reported_fr = CONDITION_WORDS.get(reported, (reported, reported))
    graded_en, graded_fr = CONDITION_WORDS.get(graded, (graded, graded))
    if (before.eligible, before.refund_percent, before.refund_amount) == (
        after.eligible,
        after.refund_percent,
        after.refund_amount,
    ):
        return Text(
            "The inspection confirmed the decision: nothing changes.",
            "L’inspection a confirmé la décision : rien ne change.",
        )
    if not before.eligible:
        new_en, new_fr = _money(after, "en_GB"), _money(after, "fr_FR")
        return Text(
            f"At inspection the item was found {graded_en} (you reported it {reported_en}): it can be "
            f"refunded after all, {after.refund_percent} % ({new_en}).",
            f"À l’inspection, l’article a été jugé {graded_fr} (vous l’aviez déclaré {reported_fr}) : il "
            f"peut finalement être remboursé, à {after.refund_percent} % ({new_fr}).",
        )
    if not after.eligible:
        return Text(
            f"At inspection the item was found {graded_en} (you reported it {reported_en}): "
            "it can no longer be refunded under the policy.",
            f"À l’inspection, l’article a été jugé {graded_fr} (vous l’aviez déclaré {reported_fr}) : "
            "il ne peut plus être remboursé selon la politique.",
        )
    old_en, new_en = _money(before, "en_GB"), _money(after, "en_GB")
    old_fr, new_fr = _money(before, "fr_FR"), _money(after, "fr_FR")
    return Text(
        f"At inspection the item was found {graded_en} (you reported it {reported_en}): the refund goes from "
        f"{before.refund_percent} % ({old_en}) to {after.refund_percent} % ({new_en}).",
        f"À l’inspection, l’article a été jugé {graded_fr} (vous l’aviez déclaré {reported_fr}) : le "
        f"remboursement passe de {before.refund_percent} % ({old_fr}) à {after.refund_percent} % ({new_fr}).",
    )


def _money(decision: Told, locale: str) -> str:
    return Money(decision.refund_amount, decision.currency).format(locale)
