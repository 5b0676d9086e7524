"""``GET /api/v1/exports/{dataset}``: returns, refunds or claims of one store and period, streamed."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from retour.api.scope import one_store, seller_scope
from retour.api.v1.analytics import PeriodInvalid
from retour.api.v1.returns import require
from retour.core.errors import DomainError
from retour.insights import exports

router = Router(tags=["exports"])


class NotFound(DomainError):
    code = "not_found"
    status = 404


class ExportFilters(Schema):
    start: date = Field(
        ..., alias="from", description="The period's first day (YYYY-MM-DD), in the store's zone."
    )
    to: date = Field(..., description="The day after the period (YYYY-MM-DD).")
    store: str | None = Field(
        None, max_length=64, description="The store's code; needed with several stores."
    )
    format: Literal["csv", "jsonl"] = Field("csv", description="CSV (a header line) or JSON Lines.")


@router.get(
    "/{dataset}",
    summary="Export returns, refunds or claims of a period (CSV or JSON Lines, streamed)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, streamed: one row per returned line, refund payment or claim.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/jsonl": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export(
    request: HttpRequest, dataset: Literal["returns", "refunds", "claims"], filters: Query[ExportFilters]
) -> StreamingHttpResponse:
    """Rows placed in ``[from, to)`` by their request, payment or filing time in the store's time zone;
    the same bytes as the back office's download and ``retour export``."""
    if seller_scope(request) is not None:
        raise NotFound(_("Not found."))  # a seller's token: the marketplace's books are not theirs
    chosen = exports.DATASETS[dataset]
    require(request, chosen.permission, _("You may not export these records."))
    if filters.to <= filters.start:
        raise PeriodInvalid(_("The period must end after it starts (“to” after “from”)."))
    store = one_store(request, filters.store)
    response = StreamingHttpResponse(
        exports.stream(chosen, store, filters.start, filters.to, filters.format),
        content_type=exports.CONTENT_TYPES[filters.format],
    )
    name = exports.filename(chosen, store, filters.start, filters.to, filters.format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
