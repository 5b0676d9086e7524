"""The seller portal's pages: claims waiting with the time left, an answer with evidence and photos, a full
refund that closes a claim, an appeal, return requests authorised or refused, money and the claim rate."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from integration.sellers.conftest import Marketplace, delivered, requested, undelivered
from retour.claims.models import Claim, ClaimPhoto
from retour.claims.services import deciding, money
from retour.claims.services.filing import ClaimedLine, Filing, file_claim
from retour.core.money import Money
from retour.orders.models import Order
from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile("parcel.png", buffer.getvalue(), content_type="image/png")


def _page(client: Client, url: str, language: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_overview_shows_the_claims_waiting_with_the_time_left_in_both_languages(
    marketplace: Marketplace, nord_client: Client
) -> None:
    claim = marketplace.nord.claim
    assert claim is not None
    english = _page(nord_client, "/seller/")
    assert claim.number in english
    assert "left to answer" in english
    assert marketplace.nord.ret.number in english  # its return request to review
    assert "Claim rate over 60 days" in english
    french = _page(nord_client, "/seller/", "fr")
    assert "pour répondre" in french
    assert "Taux de réclamation sur 60\u00a0jours" in french or "Taux de réclamation sur 60 jours" in french


def test_a_seller_answers_with_a_tracking_number_a_proof_of_delivery_and_a_photo(
    marketplace: Marketplace, nord_client: Client
) -> None:
    claim = marketplace.nord.claim
    assert claim is not None
    response = nord_client.post(
        f"/seller/claims/{claim.number}/respond/",
        {
            "kind": "evidence",
            "tracking_number": "1Z999AA10123456784",
            "proof_of_delivery": "on",
            "delivered_at": claim.filed_at.strftime("%Y-%m-%dT%H:%M"),
            "message": "Delivered to the porch.",
            "photos": [_photo()],
        },
    )
    assert response.status_code == 302
    answered = Claim.objects.get(pk=claim.pk)
    assert (answered.state, answered.tracking_number, answered.proof_of_delivery) == (
        "seller_responded",
        "1Z999AA10123456784",
        True,
    )
    [photo] = ClaimPhoto.objects.filter(claim=claim)
    assert (photo.party, photo.content_type) == ("seller", "image/png")
    page = _page(nord_client, f"/seller/claims/{claim.number}/")
    assert "1Z999AA10123456784" in page
    assert nord_client.get(f"/seller/claims/{claim.number}/photos/{photo.pk}/").status_code == 200
    # Evidence sent, a refund in full still closes the claim (the state table allows it).
    nord_client.post(f"/seller/claims/{claim.number}/respond/", {"kind": "refund"})
    assert Claim.objects.get(pk=claim.pk).state == "seller_refunded"


def test_a_refused_photo_or_empty_evidence_changes_nothing_and_says_why(
    marketplace: Marketplace, nord_client: Client
) -> None:
    claim = marketplace.nord.claim
    assert claim is not None
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    page = nord_client.post(
        f"/seller/claims/{claim.number}/respond/", {"kind": "evidence", "photos": [bad]}, follow=True
    )
    assert "cannot be read" in page.content.decode() or "not a photo" in page.content.decode().lower()
    empty = nord_client.post(
        f"/seller/claims/{claim.number}/respond/",
        {"kind": "evidence"},
        follow=True,
        headers={"Accept-Language": "fr"},
    )
    assert empty.status_code == 200
    assert Claim.objects.get(pk=claim.pk).state == "awaiting_seller"
    assert not ClaimPhoto.objects.filter(claim=claim).exists()


def test_a_full_refund_closes_the_claim_and_a_decision_is_appealed_by_the_seller(
    marketplace: Marketplace, nord_client: Client, make_order: Callable[..., Order]
) -> None:
    claim = marketplace.nord.claim
    assert claim is not None
    nord_client.post(f"/seller/claims/{claim.number}/respond/", {"kind": "refund"})
    closed = Claim.objects.get(pk=claim.pk)
    assert (closed.state, closed.funded_by, closed.payout) == ("seller_refunded", "seller", Decimal("85"))
    assert closed.payout_request is not None

    order = undelivered(make_order, "#5199", "atelier-nord")
    fresh, _created = file_claim(order, Filing("not_received", [ClaimedLine(order.lines.get().pk, 1)]))
    assert "Appeal this decision" not in _page(nord_client, f"/seller/claims/{fresh.number}/")
    deciding.decide(fresh, "denied", note="Tracking shows delivery.", key="k-1")
    page = _page(nord_client, f"/seller/claims/{fresh.number}/")
    assert "Appeal this decision" in page
    assert "Tracking shows delivery." in page
    empty = nord_client.post(f"/seller/claims/{fresh.number}/appeal/", {"reason": " "}, follow=True)
    assert "grounds of the appeal" in empty.content.decode()
    nord_client.post(f"/seller/claims/{fresh.number}/appeal/", {"reason": "Wrong parcel."})
    appealed = Claim.objects.get(pk=fresh.pk)
    assert (appealed.state, appealed.appealed_by, appealed.appeal_reason) == (
        "appealed",
        "seller",
        "Wrong parcel.",
    )


def test_a_seller_authorises_one_return_and_refuses_another_with_a_reason(
    marketplace: Marketplace, nord_client: Client, make_order: Callable[..., Order]
) -> None:
    ret = marketplace.nord.ret
    assert "Authorise the return" in _page(nord_client, f"/seller/returns/{ret.number}/")
    nord_client.post(f"/seller/returns/{ret.number}/authorise/")
    assert Return.objects.get(pk=ret.pk).state == "approved"
    assert "Authorise the return" not in _page(nord_client, f"/seller/returns/{ret.number}/")

    order = delivered(make_order, "#5198", "atelier-nord")
    other = requested(order)
    refused = nord_client.post(f"/seller/returns/{other.number}/refuse/", {"reason": ""}, follow=True)
    assert "Say why" in refused.content.decode()
    assert Return.objects.get(pk=other.pk).state == "requested"
    nord_client.post(f"/seller/returns/{other.number}/refuse/", {"reason": "Used and scratched."})
    done = Return.objects.get(pk=other.pk)
    assert (done.state, done.rejection_reason) == ("rejected", "Used and scratched.")


def test_the_money_page_shows_what_a_granted_claim_costs_and_what_was_recovered(
    marketplace: Marketplace, nord_client: Client
) -> None:
    claim = marketplace.nord.claim
    assert claim is not None
    deciding.decide(claim, "granted", note="Never delivered.", key="k-2")
    granted = Claim.objects.get(pk=claim.pk)
    assert granted.funded_by == "seller"
    page = _page(nord_client, "/seller/money/")
    assert "Charged for a claim or a return" in page
    assert "85.00" in page
    money.recover(marketplace.nord.seller, Money(Decimal("50.00"), "EUR"), reference="payout-1")
    page = _page(nord_client, "/seller/money/", "fr")
    assert "Retenu sur un versement" in page
    assert "35,00\u00a0€" in page  # 85.00 owed, 50.00 recovered from a payout
    rate = _page(nord_client, "/seller/")
    assert "at risk" in rate  # one order of its two with a claim granted against it: 50 %
    sud = _page(nord_client, "/seller/orders/")
    assert marketplace.sud.claim_order.number not in sud
