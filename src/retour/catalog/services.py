"""Store look-ups shared by the commands and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError


class StoreNotFound(DomainError):
    code = "store_not_found"
    status = 404


def find_store(code: str | None) -> Store:
    """The store named by ``code``, or the only store when none is named."""
    if code:
        store = Store.objects.filter(code=code).first()
        if store is None:
            raise StoreNotFound(_("There is no store with the code %(code)s.") % {"code": code})
        return store
    stores = list(Store.objects.all()[:2])
    if not stores:
        raise StoreNotFound(_("There is no store yet: create one with `retour create-store`."))
    if len(stores) > 1:
        raise StoreNotFound(_("There are several stores: name one with --store CODE."))
    return stores[0]
