"""``/api/v1/help/overrides``: a store's own versions of the shared help articles. Staff who may change
articles; a token bound to a store reaches that store's only."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from retour.api.errors import PermissionDenied
from retour.api.scope import one_store, seller_scope
from retour.api.v1.returns import require
from retour.helpcenter.services import overrides

router = Router(tags=["help center"])


class TextIn(Schema):
    lang: Literal["en", "fr"]
    title: str
    body: str  # Markdown


class OverrideIn(Schema):
    slug: str  # the shared article's
    texts: list[TextIn] = []  # the store's wording; a language left out keeps the shared text


class OverrideOut(Schema):
    slug: str
    store: str
    own: bool  # the store shows its own version (else the shared article)


def _staff(request: HttpRequest) -> None:
    if seller_scope(request) is not None:
        raise PermissionDenied(_("You may not change the help center."))
    require(request, "helpcenter.change_article", _("You may not change the help center."))


@router.get("", response=list[OverrideOut], summary="Which shared articles a store has its own version of")
def list_overrides(request: HttpRequest, store: str | None = None) -> list[OverrideOut]:
    _staff(request)
    reached = one_store(request, store)
    mine = overrides.own(reached)
    return [OverrideOut(slug=a.slug, store=reached.code, own=a.slug in mine) for a in overrides.defaults()]


@router.post("", response={200: OverrideOut, 201: OverrideOut}, summary="Write a store's own version")
def add_override(request: HttpRequest, body: OverrideIn, store: str | None = None) -> Status[OverrideOut]:
    """Makes the store's own version of the shared article ``slug`` (once: its texts start as the shared
    one's), then sets the texts given. 201 when made now, 200 when it existed. A bad text changes
    nothing."""
    _staff(request)
    reached = one_store(request, store)
    texts: dict[str, tuple[str, str]] = {text.lang: (text.title, text.body) for text in body.texts}
    article, created = overrides.write(body.slug, reached, texts, author=request.user)
    return Status(201 if created else 200, OverrideOut(slug=article.slug, store=reached.code, own=True))
