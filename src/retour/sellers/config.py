"""Seller accounts' settings, from the environment (12-factor) or the Django settings.

RETOUR_SITE_URL          http://localhost:8000  the address invitation links and emails point to
                         when no request tells it (the ``retour sellers`` command, the worker)
SELLER_INVITATION_HOURS  168  how long an invitation link works
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings


def site_url() -> str:
    return str(
        getattr(settings, "SITE_URL", "") or os.environ.get("RETOUR_SITE_URL", "http://localhost:8000")
    )


def invitation_lifetime() -> timedelta:
    return timedelta(hours=int(os.environ.get("SELLER_INVITATION_HOURS", "168")))
