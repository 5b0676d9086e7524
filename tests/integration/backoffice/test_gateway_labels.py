"""The gateway a refund went through reads as a label in the back office (on the return's page, in the
refunds' list, its filter and its page), never as its code; in English and French."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integration.backoffice.test_staff_display import page, refunded
from retour.refunds.models import Refund

pytestmark = pytest.mark.django_db
__all__ = ["refunded"]  # the fixture, used below


def test_a_refunds_gateway_reads_as_a_label_not_a_code(admin_client, refunded):
    refund = Refund.objects.get(request__ret=refunded)
    assert refund.gateway == "manual"  # no Stripe key: the card is refunded by hand
    ret_page = page(admin_client, reverse("admin:returns_return_change", args=[refunded.pk]), "en")
    assert "(By hand)" in ret_page
    assert "(manual)" not in ret_page
    listed = page(admin_client, reverse("admin:refunds_refund_changelist"), "fr")
    assert "À la main" in listed
    assert ">manual<" not in listed
    shown = page(admin_client, reverse("admin:refunds_refund_change", args=[refund.pk]), "en")
    assert "By hand" in shown
    assert ">manual<" not in shown
