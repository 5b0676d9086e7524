"""Who a help-center visitor is, for one vote per visitor and for "articles read before a return": a
random id kept in the session, not the session key, so it outlives ``cycle_key()`` (the portal renews the
key once a shopper has proved who they are) and no session key is ever written to another table."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from retour.catalog.models import Store
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


STORE_KEY = "helpcenter:store"


def store_of(request: HttpRequest) -> Store | None:
    """The store whose help center this visitor reads: ``?store=CODE`` (remembered for the next pages), the
    store the returns portal last served this browser, or the only store there is; None: shared articles."""
    code = request.GET.get("store", "")[:64] or request.session.get(STORE_KEY, "")
    if code:
        found = Store.objects.filter(code=code).first()
        if found is not None:
            request.session[STORE_KEY] = found.code
            return found
    stores = list(Store.objects.all()[:2])
    return stores[0] if len(stores) == 1 else None


def remember_store(request: HttpRequest, store: Store) -> None:
    """The returns portal calls this on each page of a store: its help links then show that store's help."""
    request.session[STORE_KEY] = store.code
