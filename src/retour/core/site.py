"""The site's own address, for links made where no request tells it (emails sent by the worker, commands).

RETOUR_SITE_URL   http://localhost:8000   the address links in emails point to (or the SITE_URL setting)
"""

from __future__ import annotations

import os

from django.conf import settings


def site_url() -> str:
    """The site's address, without a trailing slash."""
    found = getattr(settings, "SITE_URL", "") or os.environ.get("RETOUR_SITE_URL", "http://localhost:8000")
    return str(found).rstrip("/")
