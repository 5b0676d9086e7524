"""Return labels bought from EasyPost through its real SDK, against a local fake of its API: the label
goes from the shopper to the chosen return address, its tracking number, file and real cost are kept (the
cost in the ledger, where the analytics read it), and an unused label is voided when the return ends."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command

from fakes.easypost_server import PDF, FakeEasyPost
from retour.catalog.models import Seller
from retour.insights.queries import load_returns
from retour.logistics import services, shipping
from retour.logistics.addresses import add_address
from retour.logistics.errors import AddressInvalid, CarrierFailed
from retour.logistics.models import ReturnAddress, Shipment
from retour.logistics.services import issue_label, printed_label
from retour.refunds.models import LedgerEntry, LedgerTransaction
from retour.returns.models import Return
from retour.returns.services import handling

pytestmark = pytest.mark.django_db


def bought(fake: FakeEasyPost) -> list[dict[str, object]]:
    return [body for method, path, body in fake.requests if method == "POST" and path == "/v2/shipments"]


def label_costs(number: str) -> list[tuple[str, str, Decimal, Decimal]]:
    return [
        (e.transaction.memo, e.account, e.debit, e.credit)
        for e in LedgerEntry.objects.filter(transaction__reference=number).order_by("transaction_id", "id")
    ]


def test_an_approved_return_gets_a_label_bought_through_the_sdk(
    approved: Callable[..., Return], fake_easypost: FakeEasyPost, lyon_warehouse: ReturnAddress
):
    ret = issue_label(approved())
    assert ret.state == "label_issued"
    shipment = Shipment.objects.get(ret=ret)
    # EasyPost's return label: the outbound addresses with is_return, the shopper as to_address.
    (asked,) = bought(fake_easypost)
    sent = asked["shipment"]
    assert sent["is_return"] is True  # type: ignore[index]
    assert sent["reference"] == ret.number  # type: ignore[index]
    assert sent["to_address"]["zip"] == "75011"  # type: ignore[index]
    assert sent["from_address"]["city"] == "Lyon"  # type: ignore[index]
    made = fake_easypost.shipments[shipment.provider_id]
    assert made["to_address"]["city"] == "Lyon"  # swapped by EasyPost: the parcel goes to the warehouse
    # The cheapest rate in euros; its tracking number, label file and cost kept.
    assert (shipment.carrier, shipment.service) == ("LaPoste", "ColissimoExpert")
    assert shipment.tracking_number == made["tracking_code"] == ret.tracking_number
    assert (shipment.postage_paid, shipment.label_format, bytes(shipment.label_file)) == (True, "PDF", PDF)
    assert (shipment.cost, shipment.currency, shipment.address) == (Decimal("7.45"), "EUR", lyon_warehouse)
    (record,) = load_returns([ret.order_id], ret.store)  # the cost of returns, as the analytics read it
    assert (record.label_cost, record.labelled) == (Decimal("7.45"), True)
    assert label_costs(ret.number) == [
        ("return label", "shipping_cost", Decimal("7.45"), Decimal(0)),
        ("return label", "payment_clearing", Decimal(0), Decimal("7.45")),
    ]
    assert printed_label(ret) == PDF  # the carrier's own label, the one its scanners read
    assert services.packing_slip(ret).startswith(b"%PDF")
    assert ret.events.get(kind="label_issued").data == {"tracking": shipment.tracking_number}


def test_issuing_again_buys_nothing_more(approved, fake_easypost, lyon_warehouse):
    ret = approved()
    issue_label(ret)
    issue_label(ret)
    assert fake_easypost.bought == 1
    assert Shipment.objects.filter(ret=ret).count() == 1
    assert LedgerTransaction.objects.filter(reference=ret.number).count() == 1


def test_the_settlements_flat_label_price_is_not_booked_over_the_real_cost(
    approved, fake_easypost, lyon_warehouse
):
    from retour.refunds.models import DeliveryPrices
    from retour.refunds.services.labels import book_label_cost

    ret = issue_label(approved())
    DeliveryPrices.objects.create(store=ret.store, currency="EUR", standard_delivery=5, return_label=6)
    book_label_cost(Return.objects.get(pk=ret.pk))
    assert LedgerTransaction.objects.filter(reference=ret.number, memo="return label").count() == 1
    assert sum(e.debit for e in LedgerEntry.objects.filter(transaction__reference=ret.number)) == Decimal(
        "7.45"
    )


def test_a_carrier_down_leaves_the_return_approved_and_the_periodic_job_issues_it_later(
    approved, fake_easypost, lyon_warehouse
):
    fake_easypost.fail_next = True
    ret = issue_label(approved())
    assert (ret.state, ret.tracking_number) == ("approved", "")
    assert not Shipment.objects.exists()
    assert not LedgerTransaction.objects.filter(reference=ret.number).exists()
    fake_easypost.fail_next = True
    with pytest.raises(CarrierFailed):
        issue_label(ret, strict=True)
    assert services.issue_missing_labels() == 1
    assert Return.objects.get(pk=ret.pk).state == "label_issued"


def test_a_wrong_api_key_is_a_clear_carrier_error(approved, fake_easypost, lyon_warehouse, settings):
    settings.EASYPOST_API_KEY = "EZTK_wrong"
    with pytest.raises(CarrierFailed, match="no longer active"):
        issue_label(approved(), strict=True)
    assert fake_easypost.bought == 0


def test_without_a_return_address_no_carrier_label_is_bought(approved, fake_easypost):
    ret = issue_label(approved())
    assert ret.state == "approved"
    assert fake_easypost.requests == []


@pytest.mark.django_db(transaction=True)  # the real worker closes its connection: commit for real
@pytest.mark.parametrize("end", ["cancel", "expire"])
def test_an_unused_label_is_voided_and_its_cost_given_back_when_the_return_ends(
    approved, fake_easypost, lyon_warehouse, end, django_capture_on_commit_callbacks
):
    ret = issue_label(approved())
    shipment = Shipment.objects.get(ret=ret)
    with django_capture_on_commit_callbacks(execute=True):
        if end == "cancel":
            handling.cancel(ret, actor=None, reason="changed my mind")
        else:
            Return.objects.filter(pk=ret.pk).update(approved_at=ret.approved_at.replace(year=2020))
            handling.expire(ret, days=14)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    shipment.refresh_from_db()
    assert shipment.status == "voided"
    assert shipment.voided_at is not None
    assert fake_easypost.shipments[shipment.provider_id]["refund_status"] == "submitted"
    memos = sorted(LedgerTransaction.objects.filter(reference=ret.number).values_list("memo", flat=True))
    assert memos == ["return label", "return label voided"]
    net = sum(e.debit - e.credit for e in LedgerEntry.objects.filter(account="shipping_cost"))
    assert net == 0
    (record,) = load_returns([ret.order_id], ret.store)  # the cost of returns, as the analytics read it
    assert record.label_cost == 0
    assert shipping.void(shipment.pk).status == "voided"  # again: nothing more
    assert fake_easypost.refunds == 1


def test_a_label_the_carrier_will_not_take_back_stays_booked(approved, fake_easypost, lyon_warehouse):
    ret = issue_label(approved())
    fake_easypost.refuse_refunds = True
    shipment = shipping.void(Shipment.objects.get(ret=ret).pk)
    assert shipment.status == "void_refused"
    assert not LedgerTransaction.objects.filter(memo="return label voided").exists()


def test_a_store_made_label_buys_nothing_and_says_no_postage_was_paid(approved, lyon_warehouse):
    ret = issue_label(approved())
    shipment = Shipment.objects.get(ret=ret)
    assert (shipment.adapter, shipment.postage_paid, shipment.tracking_number) == ("store", False, ret.number)
    assert not LedgerTransaction.objects.filter(reference=ret.number).exists()
    assert not services.postage_paid(ret)


def test_a_marketplace_sellers_items_go_back_to_the_sellers_own_address(
    approved, fake_easypost, lyon_warehouse
):
    ret = approved()
    store = ret.store
    seller = Seller.objects.create(store=store, code="atelier", name="Atelier Durand", kind="marketplace")
    ret.order.lines.update(seller=seller)
    own = add_address(
        store,
        seller="atelier",
        priority=10,
        label="Atelier Durand",
        name="Atelier Durand",
        street1="3 rue des Tanneurs",
        postal_code="13001",
        city="Marseille",
        country="fr",
    )
    issue_label(ret)
    assert Shipment.objects.get(ret=ret).address == own
    assert (
        fake_easypost.shipments[Shipment.objects.get(ret=ret).provider_id]["to_address"]["city"]
        == "Marseille"
    )


def test_a_wrong_return_address_is_refused_with_a_clear_message(shopper_order):
    with pytest.raises(AddressInvalid, match="country"):
        add_address(
            shopper_order.store, label="X", name="X", street1="1", postal_code="1", city="X", country="F"
        )
    with pytest.raises(AddressInvalid):
        add_address(
            shopper_order.store,
            seller="nobody",
            label="X",
            name="X",
            street1="1",
            postal_code="1",
            city="X",
            country="FR",
        )
    assert not ReturnAddress.objects.exists()
