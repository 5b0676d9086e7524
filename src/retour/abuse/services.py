"""Abuse assessments: score a return, keep it for review when the score says so, take staff's verdicts
and re-weigh the signals with them. A score never refuses anything: a person decides."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retour.abuse.domain import signals
from retour.abuse.evidence import evidence_for
from retour.abuse.models import Assessment, Observation, SignalWeights, VerdictRecord
from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.returns.domain import states
from retour.returns.models import Return, ReturnEvent
from retour.returns.services.timeline import record_event

# The timeline's event of a return held for review by its score.
HELD_EVENT = "held_for_review"
# Events after which what is known about a return changed (the parcel, the inspection).
REASSESS_ON = frozenset({"in_transit", "received", "line_received", "inspected", "line_inspected"})
OBSERVED = (
    "shipped_weight_grams",
    "received_weight_grams",
    "accessories_missing_lines",
    "worn",
    "device_cookie",
    "card_fingerprint",
    "refund_before_shipping",
)


class AbuseError(DomainError):
    code = "abuse_invalid"


def weights_for(store_id: int) -> dict[str, int]:
    row = SignalWeights.objects.filter(store_id=store_id).first()
    return {**signals.DEFAULT_WEIGHTS, **(row.weights if row is not None else {})}


def assess(ret: Return) -> Assessment:
    """Score ``ret`` from what is known now and save the assessment (the verdict, if any, is kept)."""
    found = signals.assess(evidence_for(ret), weights_for(ret.store_id))
    row, _created = Assessment.objects.update_or_create(
        ret=ret,
        defaults={
            "store_id": ret.store_id,
            "score": found.score,
            "review": found.review,
            "signals": [fired.as_json() for fired in found.fired],
            "assessed_at": timezone.now(),
        },
    )
    return row


def hold_for_review(ret: Return) -> str | None:
    """Returns' review check: the new return's assessment; why a person must look at it, or None. A return
    held is told so on its timeline (``HELD_EVENT``): its score and each signal's points and reason, in
    both languages, so that staff read why in theirs and the API gives the return's."""
    row = assess(ret)
    if not row.review:
        return None
    why = {}
    for language in ("en", "fr"):
        with translation.override(language):
            why[language] = held_reason(row.score, [s[f"reason_{language}"] for s in row.signals])
    record_event(
        ret,
        HELD_EVENT,
        actor_label="system",
        reason=why["fr" if ret.language.startswith("fr") else "en"],
        data={
            "score": row.score,
            "review_at": signals.REVIEW_AT,
            "signals": [{"code": s["code"], "points": s["points"]} for s in row.signals],
            "reason_en": why["en"],
            "reason_fr": why["fr"],
        },
    )
    return why["fr" if (translation.get_language() or "en").startswith("fr") else "en"]


def held_reason(score: int, reasons: list[str]) -> str:
    """Why a return waits for a person, in the active language: the score, then each signal's reason."""
    text = _("The abuse signals scored this return %(score)d out of 100: a person reviews it.") % {
        "score": score
    }
    if reasons:
        text += " " + _("Signals: %(reasons)s") % {"reasons": " ".join(reasons)}
    return text


def event_written(event: ReturnEvent) -> None:
    """A parcel moved or was inspected: the worker scores the return again, after commit."""
    if event.kind not in REASSESS_ON:
        return
    pk = event.ret_id
    from retour.abuse.tasks import reassess  # the task module imports these services

    transaction.on_commit(lambda: reassess.enqueue(pk))


def observe(ret: Return, **values: Any) -> Assessment:
    """Record what was noticed about ``ret`` (weights in grams, accessories missing, worn, device, card,
    refund asked before shipping) and score it again. Unknown or bad values are refused, nothing saved."""
    unknown = sorted(set(values) - set(OBSERVED))
    if unknown:
        raise AbuseError(_("Unknown observation: %(names)s.") % {"names": ", ".join(unknown)})
    for name in ("shipped_weight_grams", "received_weight_grams", "accessories_missing_lines"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise AbuseError(_("%(name)s must be a whole number, 0 or more.") % {"name": name})
    if values.get("refund_before_shipping") and ret.state not in (
        *states.AWAITING_SHIPMENT,
        states.REQUESTED,
    ):
        raise AbuseError(_("The parcel is already on its way: the refund was not asked before shipping."))
    with transaction.atomic():
        row, _created = Observation.objects.get_or_create(ret=ret)
        for name, value in values.items():
            setattr(row, name, value if value is not None else getattr(Observation, name).field.get_default())
        row.save()
        return assess(ret)


def mark(ret: Return, verdict: str, *, actor: Any = None, note: str = "") -> Assessment:
    """Staff's verdict on ``ret`` ("fraud" or "legitimate"): kept with the signals it judged, and the
    store's weights re-weighed from all its verdicts. The return itself is not moved: approving or
    rejecting it is a separate decision, by a person."""
    if verdict not in (Assessment.Verdict.FRAUD, Assessment.Verdict.LEGITIMATE):
        raise AbuseError(_("A verdict is “fraud” or “legitimate”."))
    if len(note) > 500:
        raise AbuseError(_("The note is at most 500 characters long."))
    with transaction.atomic():
        row = Assessment.objects.select_for_update().filter(ret=ret).first() or assess(ret)
        now = timezone.now()
        VerdictRecord.objects.create(
            assessment=row,
            verdict=verdict,
            codes=sorted(row.codes),
            note=note,
            by=actor if getattr(actor, "pk", None) else None,
            at=now,
        )
        row.verdict, row.verdict_at = verdict, now
        row.save(update_fields=["verdict", "verdict_at"])
        reweigh(ret.store)
    return row


def reweigh(store: Store) -> dict[str, int]:
    """The store's weights from every verdict's latest word on each return."""
    latest = {}
    for record in VerdictRecord.objects.filter(assessment__store=store).order_by("at", "id"):
        latest[record.assessment_id] = signals.Verdict(frozenset(record.codes), record.verdict == "fraud")
    weights = signals.reweigh(latest.values())
    SignalWeights.objects.update_or_create(
        store=store, defaults={"weights": weights, "verdicts": len(latest)}
    )
    return weights


def review_queue(store_ids: list[int] | None = None) -> list[Assessment]:
    """Returns waiting for review, with their assessments: the highest score first, then the oldest."""
    rows = Assessment.objects.filter(ret__state=states.REQUESTED).select_related(
        "ret__customer", "ret__order"
    )
    if store_ids is not None:
        rows = rows.filter(store_id__in=store_ids)
    return list(rows.order_by("-score", "ret__created_at", "ret_id"))


def assessment_data(row: Assessment, language: str) -> dict[str, Any]:
    """An assessment as JSON values, its reasons in ``language`` (both languages are kept)."""
    return {
        "return": row.ret.number,
        "score": row.score,
        "review": row.review,
        "review_at": signals.REVIEW_AT,
        "signals": [
            {
                "code": s["code"],
                "points": s["points"],
                "reason": s["reason_fr"] if language.startswith("fr") else s["reason_en"],
            }
            for s in row.signals
        ],
        "verdict": row.verdict,
        "assessed_at": row.assessed_at.isoformat(),
    }


def assessment_of(ret: Return, language: str) -> dict[str, Any] | None:
    """The return's assessment as JSON values, or None before it was ever scored."""
    row = Assessment.objects.filter(ret=ret).select_related("ret").first()
    return assessment_data(row, language) if row is not None else None


def scores_of(return_ids: list[int]) -> dict[int, int]:
    return dict(Assessment.objects.filter(ret_id__in=return_ids).values_list("ret_id", "score"))
