from __future__ import annotations

from django.urls import path

from retour.portal import branding
from retour.portal.views import claims, health, lookup, options, order, repairs, returns, withdrawal

app_name = "portal"
urlpatterns = [
    path("", lookup.home, name="home"),
    path("link/", lookup.send_link, name="send_link"),
    path("access/<str:token>/", lookup.open_link, name="access"),
    path("orders/<int:order_id>/", order.order_page, name="order"),
    path("orders/<int:order_id>/options/", options.options, name="options"),
    path("orders/<int:order_id>/withdraw/", withdrawal.withdrawal, name="withdraw"),
    path("orders/<int:order_id>/claim/", claims.claim_new, name="claim_new"),
    path("claims/<str:number>/", claims.claim_page, name="claim"),
    path("claims/<str:number>/appeal/", claims.claim_appeal, name="claim_appeal"),
    path("claims/<str:number>/photos/<int:photo_id>/", claims.claim_photo, name="claim_photo"),
    path("returns/<str:number>/", returns.return_page, name="return"),
    path("returns/<str:number>/cancel/", returns.cancel, name="cancel"),
    path("returns/<str:number>/label.pdf", returns.label, name="label"),
    path("returns/<str:number>/photos/<int:photo_id>/", returns.photo, name="photo"),
    path("repairs/<str:number>/", repairs.repair_page, name="repair"),
    path("repairs/<str:number>/choose/", repairs.choose, name="repair_choose"),
    path("repairs/<str:number>/pay/", repairs.pay, name="repair_pay"),
    path("brand/<slug:code>/theme.css", branding.theme, name="theme"),
    path("brand/<slug:code>/logo", branding.logo, name="logo"),
    path("healthz", health.health, name="health"),
    path("readyz", health.ready, name="ready"),  # ready to serve: the database answers
]
