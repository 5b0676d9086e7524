"""Which store an API request reaches: the one its token is bound to, narrowed by ``?store=CODE``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from retour.api.models import ApiToken
from retour.catalog.models import Seller, Store
from retour.catalog.services import StoreNotFound, find_store
from retour.sellers.services.accounts import seller_of


def bound_store(request: HttpRequest) -> Store | None:
    seller = seller_scope(request)
    if seller is not None:
        return seller.store
    token = getattr(request, "auth", None)
    return token.store if isinstance(token, ApiToken) else None


def store_scope(request: HttpRequest, code: str | None) -> Store | None:
    """The store named by ``code`` (one the token may reach: another is not found, as if it did not
    exist), else the token's own store; None: the token reaches every store."""
    bound = bound_store(request)
    if not code:
        return bound
    store = find_store(code)
    if bound is not None and store.pk != bound.pk:
        raise StoreNotFound(_("There is no store with the code %(code)s.") % {"code": code})
    return store


def one_store(request: HttpRequest, code: str | None) -> Store:
    """For what is made in one store (a return, an order): as ``store_scope``, else the only store."""
    return store_scope(request, code) or find_store(None)


def seller_scope(request: HttpRequest) -> Seller | None:
    """The seller a seller account's token acts for (it reaches that seller's objects only); None for
    staff. Cached on the request: asked once per call."""
    if not hasattr(request, "_retour_seller"):
        request._retour_seller = seller_of(getattr(request, "user", None))  # type: ignore[attr-defined]
    found: Seller | None = request._retour_seller  # type: ignore[attr-defined]
    return found
