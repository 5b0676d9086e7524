"""A real SMTP server, a delivered order whose guarantee covers a fault, a workshop and a repair partner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from integration.refunds.conftest import fake_stripe  # noqa: F401 (Stripe's fake, as refunds' tests use it)
from retour.catalog.models import Store
from retour.orders.models import Order
from retour.repairs.models import Repairer, RepairRule
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server; Django's SMTP backend pointed at it."""
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Maison <retours@example.com>"
    yield server
    server.stop()


@pytest.fixture
def old_order(make_order: Callable[..., Order]) -> Order:
    """Delivered 120 days ago: past the store's 90 days for faults, inside the legal guarantee, which
    offers repair first."""
    return make_order("#2001", delivered=datetime.now(UTC) - timedelta(days=120))


@pytest.fixture
def workshop(policy_store: Store) -> Repairer:
    return Repairer.objects.create(
        store=policy_store, code="atelier", name="Atelier Maison", address="1 rue de l'Atelier\n75011 Paris"
    )


@pytest.fixture
def partner(policy_store: Store) -> Repairer:
    found = Repairer.objects.create(
        store=policy_store,
        code="fixit",
        name="FixIt Réparations",
        kind=Repairer.Kind.PARTNER,
        address="9 quai des Répareurs\n69002 Lyon",
    )
    RepairRule.objects.create(store=policy_store, repairer=found, category="")
    return found


def ask_repair(order: Order, text: str = "Le zip est cassé") -> Return:
    line = order.lines.order_by("position").first()
    assert line is not None
    return create_return(order, [LineRequest(line.pk, 1, "defective", "used", "repair", reason_text=text)])
