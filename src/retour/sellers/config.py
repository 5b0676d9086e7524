"""Seller accounts' settings, from the environment (12-factor) or the Django settings.

SELLER_INVITATION_HOURS  168  how long an invitation link works

The address their links point to is the site's (``retour.core.site.site_url``, RETOUR_SITE_URL).
"""

from __future__ import annotations

import os
from datetime import timedelta


def invitation_lifetime() -> timedelta:
    return timedelta(hours=int(os.environ.get("SELLER_INVITATION_HOURS", "168")))
