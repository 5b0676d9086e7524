"""``GET /api/v1/privacy/access``: what is stored about a shopper and which signals were used on their
returns (GDPR art. 15 and 22), as the back office's page shows it to send."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from retour.abuse.privacy import access_report
from retour.api.scope import one_store
from retour.api.v1.returns import require_staff

router = Router(tags=["privacy"])


@router.get(
    "/access", response=dict[str, Any], summary="A shopper's data and the signals used on their returns"
)
def access(
    request: HttpRequest, email: str, language: Literal["en", "fr"] = "en", store: str | None = None
) -> dict[str, Any]:
    """In the shopper's language; 404 when the store knows no one by this address."""
    require_staff(request, "orders.view_customer", _("You may not see shoppers' personal data."))
    return access_report(one_store(request, store), email[:254], language)
