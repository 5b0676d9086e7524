from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from retour.api.v1 import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("backoffice/", include("retour.backoffice.urls")),
    path("help/", include("retour.helpcenter.urls")),
    path("api/", api.urls),
    path("", include("retour.portal.urls")),
]
