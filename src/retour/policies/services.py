"""Policy services: load versions, lint them against the law, decide and record decisions."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.catalog.models import Seller, Store
from retour.core.errors import DomainError
from retour.orders.models import Order
from retour.policies import extensions
from retour.policies.customer_history import history_of_decisions
from retour.policies.domain import document, extended_guarantee, law, legal, stages
from retour.policies.domain.compiler import CompiledPolicy, compile_policy
from retour.policies.domain.decision import Decision
from retour.policies.domain.facts import NO_HISTORY, Facts
from retour.policies.domain.lint import Finding, below_floor, compare
from retour.policies.domain.model import Text
from retour.policies.models import PolicyDecision, PolicyVersion, ReturnPolicy

TEMPLATES = Path(__file__).resolve().parent / "templates"
FLOOR = "statutory-minimum"
MAX_FINDINGS = 20  # cases kept with a refusal


class PolicyInvalid(DomainError):
    code = "policy_invalid"
    status = 422


class PolicyRefused(DomainError):
    code = "policy_less_generous"
    status = 422


class NoActivePolicy(DomainError):
    code = "no_active_policy"
    status = 409


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


def template_names() -> list[str]:
    return sorted(path.stem for path in TEMPLATES.glob("*.yaml"))


def template_text(name: str) -> str:
    path = TEMPLATES / f"{name}.yaml"
    if name not in template_names():
        raise PolicyInvalid(_("There is no template named %(name)s.") % {"name": name})
    return path.read_text(encoding="utf-8")


def _translated(problem: document.Problem) -> Problem:
    message = _(problem.message)
    return Problem(problem.line, problem.field, message % dict(problem.params) if problem.params else message)


def parse(text: str, *, saved: bool = False) -> CompiledPolicy:
    """Validate and compile a document; every problem is reported, translated, with its line.

    ``saved``: a saved version, read again to decide under it (see ``document.load``).
    """
    try:
        return compile_policy(document.load(text, saved=saved))
    except document.PolicyInvalid as error:
        problems = [_translated(p) for p in error.problems]
        raise PolicyInvalid(
            ngettext("The policy has %(count)d problem.", "The policy has %(count)d problems.", len(problems))
            % {"count": len(problems)},
            problems=[{"line": p.line, "field": p.field, "message": p.message} for p in problems],
        ) from None


@lru_cache(maxsize=8)
def compiled_template(name: str) -> CompiledPolicy:
    return parse(template_text(name))


def floor(policy: CompiledPolicy | None = None) -> CompiledPolicy:
    """The legal floor (the ``statutory-minimum`` template), with ``policy``'s own legal guarantee
    periods where it sets them (a store in Scotland, longer periods by category in NL or FI)."""
    return _floor_with(policy.policy.legal_guarantee if policy is not None else ())


@lru_cache(maxsize=32)
def _floor_with(periods: law.Periods) -> CompiledPolicy:
    if not periods:
        return compiled_template(FLOOR)
    return compile_policy(document.load(template_text(FLOOR), periods=periods))


@lru_cache(maxsize=256)
def _compiled_version(pk: int, digest: str, text: str) -> CompiledPolicy:
    return parse(text, saved=pk is not None)


def compiled(version: PolicyVersion) -> CompiledPolicy:
    return _compiled_version(version.pk, version.digest, version.document)


def lint(policy: CompiledPolicy) -> list[Finding]:
    """Where the policy promises EU/EEA or UK shoppers less than the law (the floor then applies)."""
    return below_floor(policy, floor(policy))


def selling_countries(store: Store) -> set[str]:
    """The countries a store sells to: its own, and those its orders were shipped or billed to."""
    countries = {store.country}
    for pair in (
        Order.objects.filter(store=store).values_list("shipping_country", "billing_country").distinct()
    ):
        countries.update(code for code in pair if code)
    return countries


def law_notes(policy: CompiledPolicy, countries: set[str]) -> list[str]:
    """What the law of the countries a store sells to asks the store to set itself: where the legal
    guarantee follows the product's expected life (NL, FI), longer periods by category."""
    return [
        _(
            "For shoppers in %(country)s the legal guarantee lasts as long as a product may be expected to "
            "last, not two years: set longer periods by category in the policy's legal_guarantee section "
            "(for example %(country)s: {electronics: 1826, home: 1826})."
        )
        % {"country": country}
        for country in law.expected_life_unset(countries, policy.policy.legal_guarantee)
    ]


def warnings(policy: CompiledPolicy) -> list[Problem]:
    """What the document's load found worth a warning (a condition too large to check, cases no rule
    decides), translated, with its line."""
    return [_translated(p) for p in policy.policy.warnings]


def policy_slot(store: Store, seller: Seller | None = None) -> ReturnPolicy:
    slot, _created = ReturnPolicy.objects.get_or_create(store=store, seller=seller)
    return slot


def active_version(store: Store, seller: Seller | None = None) -> PolicyVersion | None:
    slot = ReturnPolicy.objects.filter(store=store, seller=seller).select_related("active_version").first()
    if slot is None or slot.active_version is None:
        return None if seller is None else active_version(store)
    return slot.active_version


def load_policy(
    store: Store,
    text: str,
    *,
    seller: Seller | None = None,
    user: Any = None,
    note: str = "",
    activate: bool = True,
) -> PolicyVersion:
    """Save ``text`` as the next version of the store's (or seller's) policy, and make it active.

    A document with problems, or a seller's policy less generous than the store's, is refused and
    nothing changes: the active version stays as it was.
    """
    candidate = check_policy(store, text, seller=seller)
    digest = sha256(text.encode()).hexdigest()
    with transaction.atomic():
        slot = ReturnPolicy.objects.select_for_update().get(pk=policy_slot(store, seller).pk)
        latest = slot.versions.order_by("-number").first()
        if latest is not None and latest.digest == digest:
            version = latest  # the same document again: nothing new to save
        else:
            version = PolicyVersion.objects.create(
                policy=slot,
                number=(latest.number + 1) if latest else 1,
                name=candidate.policy.name,
                document=text,
                digest=digest,
                note=note,
                created_by=user,
            )
        if activate and slot.active_version_id != version.pk:
            slot.active_version = version
            slot.save(update_fields=["active_version"])
    return version


def check_policy(store: Store, text: str, *, seller: Seller | None = None) -> CompiledPolicy:
    """What ``load_policy`` refuses, without saving anything: a document with problems
    (``PolicyInvalid``), a seller's policy less generous than the store's (``PolicyRefused``)."""
    candidate = parse(text)
    if seller is not None:
        _refuse_less_generous_than_store(store, candidate)
    return candidate


def latest_number(store: Store, seller: Seller | None = None) -> int | None:
    """The number of the policy's latest version, or None before its first."""
    versions = PolicyVersion.objects.filter(policy__store=store, policy__seller=seller)
    latest: int | None = versions.aggregate(latest=Max("number"))["latest"]
    return latest


def _refuse_less_generous_than_store(store: Store, candidate: CompiledPolicy) -> None:
    store_version = active_version(store)
    if store_version is not None:
        store_policy = compiled(store_version)
        findings = compare(candidate, store_policy, floor=floor(store_policy))
        if findings:
            raise PolicyRefused(
                _("A marketplace seller's policy may not be less generous than the store's."),
                findings=[finding.as_dict() for finding in findings[:MAX_FINDINGS]],
                count=len(findings),
            )


def activate(version: PolicyVersion) -> PolicyVersion:
    """Make ``version`` the active one of its policy again (going back to an earlier version).

    A seller's version is checked against the store's policy as it is now, as when it was loaded.
    """
    slot = version.policy
    if slot.seller_id is not None:
        _refuse_less_generous_than_store(slot.store, compiled(version))
    with transaction.atomic():
        slot = ReturnPolicy.objects.select_for_update().get(pk=version.policy_id)
        if slot.active_version_id != version.pk:
            slot.active_version = version
            slot.save(update_fields=["active_version"])
    return version


def decide(version: PolicyVersion, facts: Facts) -> Decision:
    """The decision under ``version``, never below the legal floor."""
    policy = compiled(version)
    return legal.decide(policy, facts, floor(policy))


def decide_line(version: PolicyVersion, facts: Facts, order_line_id: int) -> Decision:
    """``decide`` for a request about order line ``order_line_id``: the legal floor runs to the line's
    extended guarantee end when a repair extended it (policies.extensions)."""
    until = extensions.guarantee_until(order_line_id)
    if until is None:
        return decide(version, facts)
    policy = compiled(version)
    return extended_guarantee.decide(policy, facts, floor(policy), until)


def store_credit_bonus(version: PolicyVersion) -> int:
    """The bonus (in %) the version's policy gives on a refund taken as store credit."""
    return compiled(version).policy.store_credit_bonus_percent


def record(
    store: Store,
    version: PolicyVersion,
    facts: Facts,
    decision: Decision,
    *,
    when: Any,
    stage: str = "request",
    previous: PolicyDecision | None = None,
) -> PolicyDecision:
    return PolicyDecision.objects.create(
        store=store,
        version=version,
        stage=stage,
        previous=previous,
        decided_at=when,
        country=facts.country,
        currency=facts.currency,
        category=facts.category,
        unit_price=facts.unit_price,
        quantity=facts.quantity,
        ordered_at=facts.ordered_at,
        delivered_at=facts.delivered_at,
        requested_at=facts.requested_at,
        condition=facts.condition,
        reason=facts.reason,
        is_gift=facts.is_gift,
        member=facts.member,
        final_sale=facts.final_sale,
        personalised=facts.personalised,
        seller_code=facts.seller,
        payment_method=facts.payment_method,
        tags=tags_text(facts.tags),
        segment=facts.segment,
        eligible=decision.eligible,
        code=decision.code,
        refund_percent=decision.refund_percent,
        item_refund=decision.item_refund,
        fees=decision.fees_total,
        refund_amount=decision.refund_amount,
        store_credit_amount=decision.store_credit_amount,
        keep_item=decision.keep_item,
        legal_basis=decision.legal_basis or "",
        resolutions=",".join(decision.resolutions),
        trace=" ".join(decision.trace)[:500],
        explanation_en=decision.explanation("en"),
        explanation_fr=decision.explanation("fr"),
    )


def tags_text(tags: frozenset[str]) -> str:
    """Tags as stored with a decision: a JSON list, sorted, so that equal sets read alike."""
    return json.dumps(sorted(tags), ensure_ascii=False, separators=(",", ":"))


def tags_of(text: str) -> frozenset[str]:
    return frozenset(json.loads(text)) if text else frozenset()


def facts_of(row: PolicyDecision) -> Facts:
    """The facts a stored decision was made from; the customer's history is computed again as of the
    request's day (``policies.customer_history``), which gives what it was then."""
    request_id = (
        row.previous_id if row.stage == PolicyDecision.Stage.INSPECTION and row.previous_id else row.pk
    )
    history = history_of_decisions([request_id]).get(request_id, NO_HISTORY)
    return Facts(
        country=row.country,
        currency=row.currency,
        category=row.category,
        unit_price=row.unit_price,
        quantity=row.quantity,
        ordered_at=row.ordered_at,
        delivered_at=row.delivered_at,
        requested_at=row.requested_at,
        condition=row.condition,
        reason=row.reason,
        is_gift=row.is_gift,
        member=row.member,
        final_sale=row.final_sale,
        personalised=row.personalised,
        tags=tags_of(row.tags),
        seller=row.seller_code,
        payment_method=row.payment_method,
        segment=row.segment,
        stage=row.stage,
        returns_last_365d=history.returns_last_365d,
        orders_365d=history.orders_365d,
        return_rate_365d=history.return_rate_365d,
        net_spend_365d=history.net_spend_365d,
        customer_segment=history.customer_segment,
    )


def redecide_at_inspection(
    request: PolicyDecision,
    graded_condition: str,
    *,
    when: Any,
    amounts: Callable[[Decision], Decision] | None = None,
    order_line_id: int | None = None,
) -> tuple[PolicyDecision, Text]:
    """Decide again from the graded condition, under the version the request was decided under.

    Both decisions are kept (the new one points to the request's); the returned text explains, in
    English and French, the difference from what the shopper was told: the stored request decision, not
    a decision made again now. ``amounts`` gives the new decision the amounts its return line refunds (as
    the request's were quoted for the whole return) before it is stored and compared. ``order_line_id``:
    the legal floor runs to that line's extended guarantee end, as at request time (``decide_line``).
    """
    if request.stage != PolicyDecision.Stage.REQUEST:
        raise PolicyInvalid(_("Only a decision made at request time can be revised at inspection."))
    reported = facts_of(request)
    graded = stages.at_inspection(reported, graded_condition)
    if order_line_id is None:
        after = decide(request.version, graded)
    else:
        after = decide_line(request.version, graded, order_line_id)
    if amounts is not None:
        after = amounts(after)
    row = record(
        request.store, request.version, graded, after, when=when, stage="inspection", previous=request
    )
    return row, stages.difference(request, after, reported.condition, graded_condition)
