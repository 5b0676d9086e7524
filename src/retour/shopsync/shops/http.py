"""One JSON request to a shop's API (standard library only, as webhooks out send theirs)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from django.utils.translation import gettext as _

from retour.shopsync.errors import ShopUnreachable

TIMEOUT_SECONDS = 10  # a slow shop holds one worker this long at most, never a request


def request_json(method: str, url: str, headers: dict[str, str], body: object = None) -> Any:
    """The parsed JSON answer; ``ShopUnreachable`` for no answer, an error status or an answer not JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310  # the shop's https address (or a local fake in tests)
        url, data=data, method=method, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            text = answer.read(1_000_000)
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        raise ShopUnreachable(
            _("The shop answered %(status)s: %(detail)s") % {"status": error.code, "detail": detail}
        ) from error
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        raise ShopUnreachable(_("The shop did not answer: %(error)s") % {"error": error}) from error
    try:
        return json.loads(text)
    except ValueError as error:
        raise ShopUnreachable(_("The shop's answer is not JSON.")) from error
