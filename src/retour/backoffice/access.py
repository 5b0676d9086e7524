"""A staff member's stores, and the admin's side of it: every list, choice and page of a store-bound model
shows a limited staff member their stores' objects only; another store's object is not found (404), as if
it did not exist. As an API token bound to a store reaches that store only (``api/scope.py``)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from retour.backoffice.models import StaffStore
from retour.catalog.models import Store


def store_ids(user: Any) -> frozenset[int] | None:
    """The ids of the stores ``user`` is limited to; None: every store (a superuser, or no assignment)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    cached = getattr(user, "_retour_store_ids", ...)
    if cached is ...:
        found = frozenset(StaffStore.objects.filter(user_id=user.pk).values_list("store_id", flat=True))
        cached = found or None
        user._retour_store_ids = cached
    return cached


def stores_for(user: Any) -> QuerySet[Store]:
    ids = store_ids(user)
    stores = Store.objects.all()
    return stores if ids is None else stores.filter(pk__in=ids)


def may_reach(user: Any, store_id: int) -> bool:
    ids = store_ids(user)
    return ids is None or store_id in ids


def limit(queryset: QuerySet[Any], user: Any, store_path: str = "store") -> QuerySet[Any]:
    """``queryset`` narrowed to ``user``'s stores through ``store_path`` (``store``, ``order__store``…)."""
    ids = store_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{store_path}__in": ids})


M = TypeVar("M", bound=Model)


class StoreScoped(Generic[M]):
    """For a ModelAdmin of a store-bound model: set ``store_path`` to the path from the model to its store."""

    store_path = "store"

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        return limit(super().get_queryset(request), request.user, self.store_path)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if related is Store:
            kwargs["queryset"] = stores_for(request.user)
        elif any(field.name == "store" for field in related._meta.get_fields()):
            kwargs["queryset"] = limit(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        # a limited member is offered the stores present in their own list, not every store
        filters = super().get_list_filter(request)  # type: ignore[misc]
        if store_ids(request.user) is None:
            return filters
        return [
            (name, admin.RelatedOnlyFieldListFilter) if name == self.store_path else name for name in filters
        ]

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Another store's object is not found, as one that does not exist: no page tells it exists. What is
        # no id at all (a stylesheet's relative URL under a change page) goes where Django sends it.
        try:
            opts.pk.to_python(object_id)
        except ValidationError:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)  # type: ignore[misc]
        raise Http404


class StoreListScoped(StoreScoped[M]):
    """The stores admin itself: a limited member sees and edits their own stores only."""

    store_path = "pk"


def scoped_object(model: type[Model], user: Any, store_path: str, **lookup: Any) -> Any:
    """The object of ``model`` matching ``lookup`` within ``user``'s stores, else 404."""
    found = limit(model._default_manager.filter(**lookup), user, store_path).first()
    if found is None:
        raise Http404
    return found
