from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from retour.backoffice import (
    abuse_pages,
    analytics,
    exports_page,
    help_articles,
    new_return,
    privacy_page,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("policies/simulate/", views.simulate_policy, name="policy-simulate"),
    path("returns/receive/", views.receive_parcel, name="receive"),
    path("returns/new/", new_return.new_return, name="new-return"),
    path("returns/abuse-review/", abuse_pages.review_queue, name="abuse-review"),
    path("privacy/access/", privacy_page.privacy_access, name="privacy-access"),
    path("help/analytics/", views.help_analytics, name="help-analytics"),
    path("help/articles/", help_articles.help_articles, name="help-articles"),
    path("help/articles/<slug:store>/<slug:slug>/", help_articles.help_override, name="help-override"),
    path("claims/sellers-at-risk/", views.sellers_at_risk, name="sellers-at-risk"),
    # The refund forecast is the analytics page "liability"; its former address leads there.
    path(
        "analytics/forecast/",
        RedirectView.as_view(pattern_name="backoffice:analytics-page", permanent=True, query_string=True),
        {"name": "liability"},
        name="analytics-forecast",
    ),
    path("exports/", exports_page.exports_page, name="exports"),
    path("analytics/", analytics.analytics, name="analytics"),
    path("analytics/<slug:name>/", analytics.analytics, name="analytics-page"),
]
