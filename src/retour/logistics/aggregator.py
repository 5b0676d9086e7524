"""EasyPost, the multi-carrier aggregator (La Poste/Colissimo, UPS, DHL, USPS…), through its official SDK.

A return label is a shipment made with ``is_return``: EasyPost swaps the addresses given as for the
outbound parcel (``to_address`` the shopper, ``from_address`` the warehouse), so the label goes from the
shopper to the store. The cheapest rate in the store's currency is bought, and the label asked for as a
PDF; the file is downloaded from the URL EasyPost gives and kept with the shipment. ``EASYPOST_API_BASE``
points the SDK at another server (the tests' fake).
"""

from __future__ import annotations

import urllib.request
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.utils.translation import gettext as _
from easypost.constant import API_BASE, API_VERSION
from easypost.easypost_client import EasyPostClient
from easypost.errors.general.easypost_error import EasyPostError

from retour.core.money import Money
from retour.logistics.domain import parcels
from retour.logistics.domain.parcels import BoughtLabel, LabelRequest, Rate, TrackingUpdate
from retour.logistics.errors import CarrierFailed

LABEL_FORMAT = "PDF"
DOWNLOAD_TIMEOUT = 20  # seconds: a label file is small
# Seconds EasyPost has to answer (its SDK waits 60 by default): a label is bought while the shopper waits.
API_TIMEOUT = 20
VOIDED = frozenset({"submitted", "refunded"})  # the carrier took the label back (postage refunded or to be)


class EasyPostCarrier:
    name = "easypost"

    def __init__(self, api_key: str, api_base: str = "") -> None:
        base = api_base or f"{API_BASE}/{API_VERSION}"
        self.client = EasyPostClient(api_key, api_base=base, timeout=API_TIMEOUT)

    @classmethod
    def from_settings(cls) -> EasyPostCarrier:
        if not settings.EASYPOST_API_KEY:
            raise CarrierFailed(_("EasyPost is chosen as carrier but EASYPOST_API_KEY is not set."))
        return cls(settings.EASYPOST_API_KEY, settings.EASYPOST_API_BASE)

    def rates(self, request: LabelRequest) -> list[Rate]:
        shipment = self._call(self.client.shipment.create, **self._shipment(request))
        found = [_rate(rate) for rate in shipment.get("rates", [])]
        return sorted(found, key=lambda rate: rate.price.amount)

    def buy_label(self, request: LabelRequest) -> BoughtLabel:
        shipment = self._call(self.client.shipment.create, **self._shipment(request))
        rate = parcels.cheapest([_rate(rate) for rate in shipment.get("rates", [])], request.currency)
        if rate is None:
            raise CarrierFailed(_("No carrier offers a rate for this parcel."), reference=request.reference)
        bought = self._call(self.client.shipment.buy, shipment.id, rate={"id": rate.rate_id})
        postage = bought.get("postage_label") or {}
        url = postage.get("label_pdf_url") or postage.get("label_url") or ""
        tracker = bought.get("tracker") or {}
        return BoughtLabel(
            carrier=str(rate.carrier),
            tracking_number=str(bought.get("tracking_code") or ""),
            postage_paid=True,
            service=rate.service,
            provider_id=str(bought.id),
            tracker_id=str(tracker.get("id") or ""),
            cost=rate.price,
            label_format=_format_of(url, postage),
            label_url=url,
            label_file=self._download(url) if url else b"",
        )

    def void_label(self, label: BoughtLabel) -> bool:
        if not label.provider_id:
            return False
        refunded = self._call(self.client.shipment.refund, label.provider_id)
        return str(refunded.get("refund_status") or "") in VOIDED

    def track(self, label: BoughtLabel) -> TrackingUpdate | None:
        if label.tracker_id:
            tracker = self._call(self.client.tracker.retrieve, label.tracker_id)
        elif label.tracking_number:
            tracker = self._call(
                self.client.tracker.create, tracking_code=label.tracking_number, carrier=label.carrier
            )
        else:
            return None
        return tracking_update(tracker.to_dict())

    def _shipment(self, request: LabelRequest) -> dict[str, Any]:
        return {
            "is_return": True,
            "to_address": _address(request.sender),
            "from_address": _address(request.recipient),
            "parcel": {"weight": parcels.grams_to_ounces(request.weight_grams)},
            "reference": request.reference,
            "options": {"label_format": LABEL_FORMAT, "currency": request.currency},
        }

    def _download(self, url: str) -> bytes:
        if urlparse(url).scheme not in ("https", "http"):
            raise CarrierFailed(_("The carrier gave a label at an address that cannot be fetched."))
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as answer:  # noqa: S310 - scheme checked
                return bytes(answer.read())
        except OSError as error:
            raise CarrierFailed(_("The label file could not be downloaded from the carrier.")) from error

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except EasyPostError as error:
            raise CarrierFailed(
                _("The carrier refused or did not answer: %(message)s") % {"message": error.message}
            ) from error


def _address(address: parcels.Address) -> dict[str, str]:
    values = {
        "name": address.name,
        "company": address.company,
        "street1": address.street1,
        "street2": address.street2,
        "city": address.city,
        "state": address.state,
        "zip": address.postal_code,
        "country": address.country,
        "phone": address.phone,
        "email": address.email,
    }
    return {key: value for key, value in values.items() if value}


def _rate(rate: Any) -> Rate:
    return Rate(
        carrier=str(rate.get("carrier") or ""),
        service=str(rate.get("service") or ""),
        price=Money(Decimal(str(rate.get("rate") or "0")), str(rate.get("currency") or "USD")),
        delivery_days=rate.get("delivery_days"),
        rate_id=str(rate.get("id") or ""),
    )


def _format_of(url: str, postage: Any) -> str:
    if postage.get("label_pdf_url") == url:
        return "PDF"
    if postage.get("label_zpl_url") == url:
        return "ZPL"
    return str(postage.get("label_file_type") or "").removeprefix("image/").upper() or LABEL_FORMAT


def tracking_update(tracker: dict[str, Any]) -> TrackingUpdate:
    """A tracker (as EasyPost sends it in an event's ``result`` or answers it) as our update. Its time is
    the latest tracking detail's, else the tracker's ``updated_at``."""
    details = tracker.get("tracking_details") or []
    times = [str(detail.get("datetime") or "") for detail in details if detail.get("datetime")]
    latest = max(times, key=_when) if times else str(tracker.get("updated_at") or "")
    status = str(tracker.get("status") or parcels.UNKNOWN)
    return TrackingUpdate(
        tracking_number=str(tracker.get("tracking_code") or ""),
        status=status if status in parcels.STATUSES else parcels.UNKNOWN,
        at=_when(latest),
        carrier=str(tracker.get("carrier") or ""),
        provider_shipment_id=str(tracker.get("shipment_id") or ""),
        tracker_id=str(tracker.get("id") or ""),
        detail=str(tracker.get("status_detail") or ""),
    )


def _when(text: str) -> datetime:
    """EasyPost's times are ISO 8601 in UTC with a ``Z``; raises ValueError when not one."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment
