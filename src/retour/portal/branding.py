"""Which store a shopper page speaks for, and that store's look, served from this origin.

The strict CSP allows no inline style and images only from here: the store's colour comes as a tiny
stylesheet of its own (``theme.css``, one custom property, from a colour already checked to be a hex
code), its logo through a view that reads it from the storage.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from retour.catalog.branding import HEX_COLOUR
from retour.catalog.models import Store
from retour.helpcenter.visitors import STORE_KEY
from retour.portal.views.common import store_for

MAX_AGE = 300  # seconds: a new colour or logo shows within five minutes (the URLs also change with them)


def brand_store(context: Any) -> Store | None:
    """The store a page is for: the one it shows, else the one named or remembered, else the only one."""
    store = context.get("store")
    if isinstance(store, Store):
        return store
    for shown in ("order", "ret", "claim"):
        store = getattr(context.get(shown), "store", None)
        if isinstance(store, Store):
            return store
    request = context.get("request")
    if not isinstance(request, HttpRequest):
        return None
    found = store_for(request)
    if found is None and hasattr(request, "session"):
        code = request.session.get(STORE_KEY)  # the store the portal last served this browser
        found = Store.objects.filter(code=code).first() if isinstance(code, str) else None
    return found


@require_GET
def theme(request: HttpRequest, code: str) -> HttpResponse:
    store = get_object_or_404(Store, code=code)
    colour = store.brand_colour if HEX_COLOUR.match(store.brand_colour) else ""
    css = f":root {{ --accent: {colour}; }}\n" if colour else ""
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_GET
def logo(request: HttpRequest, code: str) -> FileResponse:
    store = get_object_or_404(Store, code=code)
    if not store.logo:
        raise Http404
    content_type = mimetypes.guess_type(store.logo.name)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        raise Http404
    try:
        handle = store.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
