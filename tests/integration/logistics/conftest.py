"""Returns sent back by label or drop-off, from a French shopper whose name has accents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fakes.easypost_server import API_KEY, WEBHOOK_SECRET, FakeEasyPost
from retour.logistics.addresses import add_address
from retour.logistics.models import ReturnAddress
from retour.logistics.services import issue_label
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

RETURN_ADDRESS = "Maison Lumière – Service retours\n12 rue de l’Atelier\n69002 Lyon\nFrance"


@pytest.fixture
def shopper_order(make_order: Callable[..., Order]) -> Order:
    order = make_order(
        "#2001",
        customer={
            "email": "zoe@example.com",
            "first_name": "Zoé",
            "last_name": "Lefèvre",
            "country": "FR",
            "language": "fr",
        },
        shipping_postal_code="75011",
    )
    order.store.return_address = RETURN_ADDRESS
    order.store.save(update_fields=["return_address"])
    return order


@pytest.fixture
def approved(shopper_order: Order) -> Callable[..., Return]:
    """An approved return of both lines of ``shopper_order``, going back by ``method``."""

    def make(method: str = Return.Method.LABEL, order: Order | None = None, **kwargs: Any) -> Return:
        order = order or shopper_order
        lines = list(order.lines.order_by("position"))
        ret = create_return(
            order,
            [
                LineRequest(lines[0].pk, 2, "size_fit", "unopened", "refund"),
                LineRequest(lines[1].pk, 1, "changed_mind", "unopened", "store_credit"),
            ],
            **kwargs,
        )
        assert ret.state == "approved"
        # Chosen after the approval here, so that the label is issued by the test itself.
        Return.objects.filter(pk=ret.pk).update(return_method=method)
        return Return.objects.get(pk=ret.pk)

    return make


@pytest.fixture
def labelled(approved: Callable[..., Return]) -> Return:
    """An approved return sent back by label, whose label is issued."""
    return issue_label(approved())


@pytest.fixture
def fake_easypost(settings: Any) -> Iterator[FakeEasyPost]:
    """EasyPost's API on a local port, the real SDK pointed at it; labels bought from it."""
    server = FakeEasyPost().start()
    settings.CARRIER = "easypost"
    settings.EASYPOST_API_KEY = API_KEY
    settings.EASYPOST_API_BASE = server.api_base
    settings.EASYPOST_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield server
    server.stop()


@pytest.fixture
def lyon_warehouse(shopper_order: Order) -> ReturnAddress:
    return add_address(
        shopper_order.store,
        label="Entrepôt de Lyon",
        name="Maison Lumière – Service retours",
        street1="12 rue de l’Atelier",
        postal_code="69002",
        city="Lyon",
        country="FR",
        phone="+33 4 00 00 00 00",
    )
