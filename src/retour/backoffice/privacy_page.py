"""The answer to a shopper who asks what is stored about them and which signals were used on their
returns (GDPR art. 15 and 22): staff look the shopper up and send what the page shows."""

from __future__ import annotations

import json

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.abuse.privacy import access_report
from retour.backoffice.access import stores_for
from retour.core.errors import DomainError


@staff_member_required
@permission_required("orders.view_customer", raise_exception=True)
@require_http_methods(["GET"])
def privacy_access(request: HttpRequest) -> HttpResponse:
    stores = stores_for(request.user).order_by("code")
    email = request.GET.get("email", "").strip()[:254]
    language = "fr" if request.GET.get("language", "") == "fr" else "en"
    store = stores.filter(code=request.GET.get("store", "")[:64]).first() or stores.first()
    report, error = None, ""
    if email and store is not None:
        try:
            report = access_report(store, email, language)
        except DomainError as refused:
            error = refused.message
    if report is not None and request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response
    return render(
        request,
        "backoffice/privacy_access.html",
        {
            "title": _("A shopper's personal data"),
            "stores": stores,
            "store": store,
            "email": email,
            "language": language,
            "report": report,
            "error": error,
        },
    )
