from __future__ import annotations

from django.urls import path

from retour.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("policies/simulate/", views.simulate_policy, name="policy-simulate"),
    path("returns/receive/", views.receive_parcel, name="receive"),
    path("help/analytics/", views.help_analytics, name="help-analytics"),
]
