"""``POST /api/v1/returns/import``: a store's past returns, as ``retour import-returns`` takes them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from retour.api.errors import PermissionDenied
from retour.api.scope import one_store
from retour.core.errors import DomainError
from retour.insights.importers.past_returns import PastReturnIn, PastReturnRecord
from retour.insights.services.importing import import_past_returns

router = Router(tags=["returns"])


class PastReturnsImported(Schema):
    created: int
    updated: int
    unchanged: int
    lines: int


class PastReturnsRejected(DomainError):
    code = "past_returns_invalid"
    status = 422


@router.post("/import", response=PastReturnsImported, summary="Import past returns (all or nothing)")
def import_returns(
    request: HttpRequest, returns: list[PastReturnIn], store: str | None = None
) -> PastReturnsImported:
    """Past returns from another returns tool, for orders already in Retour: every one is checked first
    and nothing is written if any is wrong (each error names its item, 1 for the first, and field).
    Idempotent on the return number: sending them again changes nothing, a changed one is updated."""
    if not request.user.has_perm("insights.add_pastreturn") or not request.user.has_perm(
        "insights.change_pastreturn"
    ):
        raise PermissionDenied(_("You may not import returns."))
    target = one_store(request, store)
    records = [PastReturnRecord(index, value) for index, value in enumerate(returns, start=1)]
    report = import_past_returns(target, records)
    if not report.ok:
        raise PastReturnsRejected(
            _("The returns were not imported: nothing was written."),
            errors=[
                {"item": error.row, "field": error.column, "message": error.message}
                for error in report.errors
            ],
        )
    return PastReturnsImported(
        created=report.created, updated=report.updated, unchanged=report.unchanged, lines=report.lines
    )
