"""The back office says values as staff read them: amounts in the store's currency and the reader's locale,
vocabulary words as labels, times in the store's time zone with the zone named; in English and French."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.refunds.services.paying import request_refund
from retour.returns.models import Return
from retour.returns.services import handling
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
# One pullover of 60.00 back for a change of size: what marketplace-standard refunds for it.
PAID = "55.05"


@pytest.fixture
def refunded(order) -> Return:
    line = order.lines.order_by("position").first()
    ret = create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])
    ret = handling.receive(ret, actor=None)
    ret = handling.inspect(ret, [handling.Grading(ret.lines.get().pk, "unopened")], actor=None)
    request_refund(ret, idempotency_key="display", actor=None)
    return ret


def page(client, url, language):
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


def test_a_returns_page_shows_formatted_amounts_labels_and_store_times(admin_client, refunded):
    url = reverse("admin:returns_return_change", args=[refunded.pk])
    english = page(admin_client, url, "en")
    assert f"€{PAID}" in english
    assert f"{PAID}00" not in english
    assert "Size or fit" in english
    assert "size_fit" not in english
    assert "(Europe/Paris)" in english
    assert "Line received" in english  # an event's kind as a label
    french = page(admin_client, url, "fr")
    assert f"{PAID.replace('.', ',')}{NBSP}€" in french
    assert "Taille ou coupe" in french
    assert "(Europe/Paris)" in french
    assert "Non ouvert" in french  # the reported condition


def test_lists_of_returns_refunds_and_ledger_show_amounts_and_labels(admin_client, refunded):
    returns = page(admin_client, reverse("admin:returns_return_changelist"), "fr")
    assert "(Europe/Paris)" in returns
    refunds = page(admin_client, reverse("admin:refunds_refund_changelist"), "fr")
    assert f"{PAID.replace('.', ',')}{NBSP}€" in refunds
    assert f"{PAID}00" not in refunds
    requests = page(admin_client, reverse("admin:refunds_refundrequest_changelist"), "en")
    assert f"€{PAID}" in requests
    assert f"{PAID}00" not in requests
    assert "Original payment" in requests  # the method as a label, in the list and its filter


def test_the_outcome_filter_offers_labels_and_the_ledger_shows_amounts(admin_client, refunded):
    from retour.refunds.models import Refund
    from retour.refunds.services.paying import confirm_manual

    confirm_manual(Refund.objects.get(), actor=None)
    listing = page(admin_client, reverse("admin:returns_return_changelist"), "fr")
    assert "?outcome=refunded" in listing
    assert "Remboursé" in listing
    ledger = page(admin_client, reverse("admin:refunds_ledgertransaction_changelist"), "en")
    assert f"€{PAID}" in ledger
