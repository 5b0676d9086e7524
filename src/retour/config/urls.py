from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views import defaults

from retour.api.v1 import api
from retour.config.observability import metrics_view
from retour.core.clean_input import refuse

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("backoffice/", include("retour.backoffice.urls")),
    path("help/", include("retour.helpcenter.urls")),
    path("feedback/", include("retour.feedback.urls")),
    path("seller/", include("retour.sellers.urls")),
    path("repairer/", include("retour.repairs.urls")),
    path("api/", api.urls),
    path("metrics", metrics_view, name="metrics"),
    path("", include("retour.portal.urls")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An unknown address: problem+json under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return refuse(request, 404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A body Django could not read before any view (a form in another charset than UTF-8, a broken
    multipart body, too many fields, a body over the memory limit): problem+json under /api/ too."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            message = _("This request is too large (at most %(size)d MB): send fewer or smaller files.") % {
                "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1_048_576
            }
            return refuse(request, 413, "request_too_large", message)
        return refuse(
            request,
            400,
            "unreadable_body",
            _("The request body cannot be read: check its Content-Type, its encoding (UTF-8) and its form."),
        )
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest, *args: Any) -> HttpResponse:
    """An unexpected error outside the API's own handlers: problem+json under /api/ too."""
    if request.path.startswith("/api/"):
        return refuse(request, 500, "internal_error", _("Something went wrong on our side: try again."))
    return defaults.server_error(request)


handler400 = bad_request
handler404 = not_found
handler500 = server_error
