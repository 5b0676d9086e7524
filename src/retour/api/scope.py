"""Which store an API request reaches: the one its token is bound to, narrowed by ``?store=CODE``, and
never beyond the stores its user is limited to in the back office (``backoffice.access``): a token of a
staff member limited to some stores reaches those stores only, in every operation, as their pages do."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from retour.api.models import ApiToken
from retour.backoffice.access import store_ids
from retour.catalog.models import Seller, Store
from retour.catalog.services import StoreNotFound, find_store
from retour.core.errors import DomainError
from retour.sellers.services.accounts import seller_of

M = TypeVar("M", bound=Model)


class StoreRequired(DomainError):
    """A staff member limited to several stores names the one a call is about."""

    code = "store_required"
    status = 400


def _not_found(code: str) -> StoreNotFound:
    return StoreNotFound(_("There is no store with the code %(code)s.") % {"code": code})


def bound_store(request: HttpRequest) -> Store | None:
    """The one store the request is bound to: its seller's, its token's, or the only store its user is
    limited to; None: no one store (every store, or the user's several)."""
    seller = seller_scope(request)
    if seller is not None:
        return seller.store
    token = getattr(request, "auth", None)
    limited = store_ids(getattr(request, "user", None))
    if isinstance(token, ApiToken) and token.store is not None:
        if limited is not None and token.store_id not in limited:
            raise _not_found(token.store.code)  # the member no longer works for the token's store
        return token.store
    if limited is not None and len(limited) == 1:
        return Store.objects.get(pk=next(iter(limited)))
    return None


def store_scope(request: HttpRequest, code: str | None) -> Store | None:
    """The store named by ``code`` (one the token and its user may reach: another is not found, as if it
    did not exist), else the token's own store; None: the token reaches every store. A member limited to
    several stores names one (``StoreRequired``)."""
    bound = bound_store(request)
    limited = None if seller_scope(request) is not None else store_ids(getattr(request, "user", None))
    if not code:
        if bound is None and limited is not None:
            raise StoreRequired(
                _("Your account reaches several stores: name one with ?store=CODE (%(codes)s).")
                % {
                    "codes": ", ".join(
                        Store.objects.filter(pk__in=limited).order_by("code").values_list("code", flat=True)
                    )
                }
            )
        return bound
    store = find_store(code)
    if (bound is not None and store.pk != bound.pk) or (limited is not None and store.pk not in limited):
        raise _not_found(code)
    return store


def within(query: QuerySet[M], scope: Store | None, through: str = "store") -> QuerySet[M]:
    """``query`` limited to ``scope`` (``store_scope``'s answer) by the store its rows reach at
    ``through`` (``connection__store``); the whole of it when the token reaches every store."""
    return query if scope is None else query.filter(**{through: scope})


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
