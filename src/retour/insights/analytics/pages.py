"""Every analytics page, registered by importing its module: a new page is a module calling
``base.register``, imported here (the back office, the API and ``retour report`` list ``PAGES``)."""

from __future__ import annotations

from retour.insights.analytics import chasing, cost, dashboard, feedback, health, liability, outcomes, rates
from retour.insights.analytics.base import PAGES, Page, page

__all__ = [
    "PAGES",
    "Page",
    "chasing",
    "cost",
    "dashboard",
    "feedback",
    "health",
    "liability",
    "outcomes",
    "page",
    "rates",
]
