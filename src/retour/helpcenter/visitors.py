"""Who a help-center visitor is, for one vote per visitor and for "articles read before a return": a
random id kept in the session, not the session key, so it outlives ``cycle_key()`` (the portal renews the
key once a shopper has proved who they are) and no session key is ever written to another table."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from retour.helpcenter.services import journeys

SESSION_KEY = "helpcenter:visitor"


def visitor(request: HttpRequest) -> str:
    """This browser's visitor id, made on its first visit."""
    found = request.session.get(SESSION_KEY)
    if not isinstance(found, str) or not found:
        found = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = found
    return found


def return_started(request: HttpRequest, number: str) -> None:
    """The shopper portal calls this when this browser started return ``number``: the articles it read
    before count for the staff's "read before a return was started"."""
    journeys.return_started(visitor(request), number)
