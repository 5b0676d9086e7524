from __future__ import annotations

from django.urls import path

from retour.feedback import views

app_name = "feedback"
urlpatterns = [
    path("<str:token>/", views.survey_page, name="survey"),
    path("<str:token>/opt-out/", views.opt_out, name="opt_out"),
]
