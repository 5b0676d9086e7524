"""Chasing and refund speed (issue 11, item 5), every figure worked out here.

All approved on 2 March 2026 at 10:00 UTC, asked for on 1 March:

- C1 shipped 1.5 days later, before any reminder; refunded on 10 March (9 days after the request);
- C2 reminded on day 3, shipped on day 4; refunded on 20 March (19 days), 2 days past its legal
  deadline, 12.34 of surcharge owed;
- C3 reminded on days 3 and 7, shipped on day 8; not refunded yet;
- C4 reminded on days 3 and 7, then expired: 45.00 of goods never sent;
- C5 not approved yet; C6 kept by the shopper (nothing to send), refunded on 3 March (2 days).

Days to ship: 1.5, 4, 8: mean 4.5, median 4.0, 90th percentile (nearest rank: the third) 8.0.
Reminder of day 3: 3 reminded (C2, C3, C4), 1 shipped after it and before the next (C2); day 7: 2 and 1.
Refunds: 2, 9, 19 days: mean 10.0, median 9.0; 2 of 3 within the legal 14 days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from retour.insights.domain import chasing, rollup
from retour.insights.domain.chasing import Chase, Reminder

pytestmark = pytest.mark.unit

APPROVED = datetime(2026, 3, 2, 10, tzinfo=UTC)
ASKED = date(2026, 3, 1)


def _day(days: float) -> datetime:
    return APPROVED + timedelta(days=days)


def _chase(**values: object) -> Chase:
    defaults: dict[str, object] = {"requested_on": ASKED, "value": Decimal("10.00"), "approved_at": APPROVED}
    defaults.update(values)
    return Chase(**defaults)  # type: ignore[arg-type]


CHASES = [
    _chase(to_ship=True, shipped_at=_day(1.5), refund_paid_on=date(2026, 3, 10)),
    _chase(
        to_ship=True,
        shipped_at=_day(4),
        reminders=(Reminder(3, _day(3)),),
        refund_paid_on=date(2026, 3, 20),
        days_late=2,
        surcharge=Decimal("12.34"),
    ),
    _chase(to_ship=True, shipped_at=_day(8), reminders=(Reminder(7, _day(7)), Reminder(3, _day(3)))),
    _chase(
        to_ship=True,
        value=Decimal("45.00"),
        reminders=(Reminder(3, _day(3)), Reminder(7, _day(7))),
        expired=True,
    ),
    _chase(approved_at=None),
    _chase(refund_paid_on=date(2026, 3, 3)),
]


def test_the_time_to_ship_and_what_each_reminder_brought():
    figures = chasing.report(chasing.compute(CHASES), "EUR")

    assert (figures["requested"], figures["to_ship"], figures["shipped"], figures["shipped_share"]) == (
        6,
        4,
        3,
        "0.7500",
    )
    days = figures["days_to_ship"]
    assert isinstance(days, dict)
    assert (days["mean"], days["median"], days["p90"]) == ("4.5", "4.0", "8.0")
    assert days["histogram"] == [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert figures["shipped_before_reminders"] == 1
    assert figures["reminders"] == {
        "3": {"reminded": 3, "shipped_after": 1, "share": "0.3333"},
        "7": {"reminded": 2, "shipped_after": 1, "share": "0.5000"},
    }
    assert (figures["expired"], figures["expired_value"]) == (1, "45.00")


def test_refunds_against_the_legal_fourteen_days_and_the_surcharges_owed():
    refunds = chasing.report(chasing.compute(CHASES), "EUR")["refunds"]
    assert isinstance(refunds, dict)
    assert (refunds["paid"], refunds["days_mean"], refunds["days_median"], refunds["days_p90"]) == (
        3,
        "10.0",
        "9.0",
        19,
    )
    assert (refunds["within_14_days"], refunds["after_14_days"], refunds["within_14_days_share"]) == (
        2,
        1,
        "0.6667",
    )
    assert (refunds["paid_late"], refunds["surcharges_owed"], refunds["surcharged_refunds"]) == (
        1,
        "12.34",
        1,
    )


def test_nothing_asked_for_gives_zeros_not_errors():
    figures = chasing.report(chasing.compute([]), "EUR")
    days = figures["days_to_ship"]
    assert isinstance(days, dict)
    assert (figures["requested"], figures["shipped_share"], days["median"]) == (0, "0.0000", "0.0")


def test_percentiles_take_the_nearest_rank():
    assert chasing.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], chasing.Fraction(9, 10)) == 9
    assert chasing.percentile([5], chasing.Fraction(9, 10)) == 5


def test_the_rollups_cells_count_a_return_once_in_each_scope_its_lines_touch():
    """A return of an apparel line sold by the store and a home line sold by acme counts once in all
    lines, in each category, each seller and each category of a seller; its cells of one scope give the
    figures of the returns of that scope."""
    both = _chase(
        to_ship=True, shipped_at=_day(2), lines=(("apparel", ""), ("home", "acme"), ("home", "acme"))
    )
    home = _chase(refund_paid_on=date(2026, 3, 5), lines=(("home", "acme"),))
    cells = chasing.cells([both, home])

    def scope(level: int, category: str, seller: str) -> dict[tuple[str, str], chasing.Tally]:
        summed: dict[tuple[str, str], chasing.Tally] = {}
        for (_day_of, dimension, key, (lvl, cat, sel)), tally in cells.items():
            if (lvl, cat, sel) == (level, category, seller):
                summed.setdefault((dimension, key), chasing.Tally()).add(tally)
        return summed

    everything = chasing.report(chasing.summarize(scope(rollup.ALL, "", "")), "EUR")
    assert everything == chasing.report(chasing.compute([both, home]), "EUR")
    assert everything["requested"] == 2
    apparel = chasing.report(chasing.summarize(scope(rollup.CATEGORY, "apparel", "")), "EUR")
    assert (apparel["requested"], apparel["shipped"]) == (1, 1)
    acme_home = chasing.report(chasing.summarize(scope(rollup.LINE, "home", "acme")), "EUR")
    assert acme_home["requested"] == 2
    assert acme_home["refunds"] == chasing.report(chasing.compute([both, home]), "EUR")["refunds"]
    assert {key[0] for key in cells} == {ASKED}


def test_the_days_to_ship_are_whole_hours_but_their_mean_is_exact():
    sent = _chase(to_ship=True, shipped_at=_day(0) + timedelta(hours=3, minutes=59))
    days = chasing.report(chasing.compute([sent]), "EUR")["days_to_ship"]
    assert isinstance(days, dict)
    # 3 h 59 min: the median counts 3 whole hours (0.125 day: 0.1), the mean the minutes too (0.166: 0.2).
    assert (days["median"], days["p90"], days["mean"]) == ("0.1", "0.1", "0.2")
    assert days["histogram"][0] == 1
