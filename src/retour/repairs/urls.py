from __future__ import annotations

from django.urls import path

from retour.repairs import views

app_name = "repairs"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.RepairerLogin.as_view(), name="login"),
    path("logout/", views.RepairerLogout.as_view(), name="logout"),
    path("repairs/<str:number>/", views.repair_page, name="repair"),
    path("repairs/<str:number>/update/", views.update, name="update"),
]
