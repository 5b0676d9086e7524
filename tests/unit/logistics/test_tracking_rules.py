"""What a tracking event does: only a new, in-order update about one of our parcels moves its return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from retour.core.money import Money
from retour.logistics.domain import parcels, tracking
from retour.logistics.domain.parcels import Rate, TrackingUpdate, cheapest

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
OURS = tracking.Parcel("6A00000000001FR", "LaPoste", "shp_1", "trk_1", "pre_transit", NOW - timedelta(days=1))


def update(status: str, at: datetime = NOW, **changes: str) -> TrackingUpdate:
    values = {"carrier": "LaPoste", "provider_shipment_id": "shp_1", "tracker_id": "trk_1", **changes}
    return TrackingUpdate("6A00000000001FR", status, at, **values)


def test_a_parcel_handed_to_the_carrier_moves_its_return_in_transit():
    assert tracking.judge(update("in_transit"), OURS, now=NOW) == tracking.Verdict("applied", "in_transit")
    assert tracking.judge(update("out_for_delivery"), OURS).move_to == "in_transit"


def test_a_delivered_parcel_is_delivered():
    assert tracking.judge(update("delivered"), OURS) == tracking.Verdict("applied", "delivered")


def test_an_unknown_parcel_changes_nothing():
    assert tracking.judge(update("in_transit"), None).outcome == "unknown_parcel"


@pytest.mark.parametrize(
    "changes", [{"carrier": "UPS"}, {"provider_shipment_id": "shp_other"}, {"tracker_id": "trk_other"}]
)
def test_our_tracking_number_on_another_carrier_or_shipment_is_foreign(changes: dict[str, str]):
    assert tracking.judge(update("delivered", **changes), OURS).outcome == "foreign"


def test_an_update_older_than_the_last_applied_is_out_of_order():
    assert tracking.judge(update("in_transit", NOW - timedelta(days=2)), OURS).outcome == "out_of_order"


def test_nothing_moves_a_delivered_parcel_back():
    delivered = tracking.Parcel("6A00000000001FR", "LaPoste", "shp_1", "trk_1", "delivered", NOW)
    later = update("in_transit", NOW + timedelta(hours=1))
    assert tracking.judge(later, delivered).outcome == "out_of_order"


def test_a_signed_event_older_than_the_replay_window_is_a_replay():
    old = update("delivered", NOW - tracking.REPLAY_WINDOW - timedelta(seconds=1))
    assert tracking.judge(old, OURS, now=NOW).outcome == "replayed"
    assert tracking.judge(old, None, now=NOW).outcome == "replayed"


def test_the_same_status_again_or_a_status_we_do_not_act_on_changes_nothing():
    moving = tracking.Parcel("6A00000000001FR", "LaPoste", "shp_1", "trk_1", "in_transit", NOW)
    assert tracking.judge(update("in_transit", NOW + timedelta(hours=1)), moving).outcome == "no_change"
    assert tracking.judge(update("failure"), OURS).outcome == "no_change"


def test_the_cheapest_rate_in_the_stores_currency_is_chosen():
    rates = [
        Rate("USPS", "Priority", Money(Decimal("5.00"), "USD")),
        Rate("DHL", "Express", Money(Decimal("24.10"), "EUR")),
        Rate("LaPoste", "Colissimo", Money(Decimal("7.45"), "EUR")),
    ]
    assert cheapest(rates, "EUR") == rates[2]
    assert cheapest(rates, "GBP") == rates[0]  # none in pounds: the cheapest of all
    assert cheapest([], "EUR") is None
    assert parcels.grams_to_ounces(1000) == 35.3


def test_an_easypost_tracker_is_read_with_the_time_of_its_latest_scan():
    from retour.logistics.aggregator import tracking_update

    tracker = {
        "id": "trk_1",
        "object": "Tracker",
        "tracking_code": "6A00000000001FR",
        "status": "in_transit",
        "status_detail": "arrived_at_facility",
        "carrier": "LaPoste",
        "shipment_id": "shp_1",
        "updated_at": "2026-12-06T13:00:00Z",
        "tracking_details": [
            {"status": "pre_transit", "datetime": "2026-12-05T09:00:00Z"},
            {"status": "in_transit", "datetime": "2026-12-06T11:30:00Z"},
        ],
    }
    update = tracking_update(tracker)
    assert update == TrackingUpdate(
        "6A00000000001FR",
        "in_transit",
        datetime(2026, 12, 6, 11, 30, tzinfo=UTC),
        carrier="LaPoste",
        provider_shipment_id="shp_1",
        tracker_id="trk_1",
        detail="arrived_at_facility",
    )
    assert tracking_update({**tracker, "status": "teleported"}).status == "unknown"
    with pytest.raises(ValueError, match="isoformat"):  # the webhook then logs it as malformed
        tracking_update({**tracker, "tracking_details": [], "updated_at": "yesterday"})
