from __future__ import annotations

from django.urls import path

from retour.sellers import views

app_name = "sellers"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SellerLogin.as_view(), name="login"),
    path("logout/", views.SellerLogout.as_view(), name="logout"),
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("claims/", views.claims, name="claims"),
    path("claims/<str:number>/", views.claim_page, name="claim"),
    path("claims/<str:number>/respond/", views.respond, name="respond"),
    path("claims/<str:number>/appeal/", views.appeal, name="appeal"),
    path("claims/<str:number>/photos/<int:photo_id>/", views.evidence_photo, name="evidence_photo"),
    path("returns/", views.returns, name="returns"),
    path("returns/<str:number>/", views.return_page, name="return"),
    path("returns/<str:number>/authorise/", views.authorise, name="authorise"),
    path("returns/<str:number>/refuse/", views.refuse, name="refuse"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:order_id>/", views.order_page, name="order"),
    path("money/", views.money_page, name="money"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
