"""The refund cash-flow forecast (issue 11, item 4): what returns will take out of the bank, week by week.

Pure: plain records in, plain numbers out, no database. Every rate is learnt, at a forecast's origin day,
from what was known before that day only, so that the backtest replays exactly what the forecast would
have said then (``backtest``). The model has three parts, each an expected amount of cash refunded per
day after the origin, summed into weeks:

1. **The pipeline**: each open return (asked for, not ended, not paid) in its stage (``requested``: not
   received yet; ``received``: in the warehouse), of age ``a`` days in that stage. Learnt from the returns
   that ended before the origin: the cash paid back per unit of returned value among those still open at
   that age (``cash share``: the chance of completing times the share of the value refunded in cash), and
   the distribution of the days from entering the stage to being paid, conditioned on not being paid
   after ``a`` days. With too little history, the ETA model's delay for the stage (``eta_days``) stands in.
2. **Returns still to come from delivered orders**: each line delivered less than ``window_days`` ago
   and not returned yet. ``r_c`` is the share of the value of category ``c`` that comes back within the
   window (lines whose window had closed before the origin, shrunk towards the store's rate when the
   category is small), ``f(k)`` the distribution of the days from delivery to the request (pooled over
   categories); a line of age ``a`` is asked back on day ``k >= a`` with probability
   ``r_c f(k) / (1 - r_c F(a))``. A request is then paid as a new return is (part 1, age 0).
3. **Returns from orders not delivered yet**: the lines on their way (delivered after the usual
   order-to-delivery time) and the orders still to be placed, at the daily value the store sold in the
   last ``recent_sales_days`` per category; then as part 2.

The band: returns are independent events. Each open return is paid (amount ``A``) or not: a Bernoulli
variance; returns to come are a Poisson process whose variance is the expected cash times the mean
squared amount over the mean amount of the cash refunds learnt; the orders still to be placed add the
week-to-week variation of the recent sales. The band is the expected value plus or minus ``z`` standard
deviations (90 % by default), never below zero.

Money here is a statistical estimate, computed in floating point (numpy) and rounded to the cent only
where shown; what is owed now is exact (``owed_now`` sums ``Decimal`` amounts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

Key = int | str
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

REQUESTED = "requested"  # asked for, not received yet (approved, label issued, in transit included)
RECEIVED = "received"  # in the warehouse: received or inspected, not paid yet
STAGES = (REQUESTED, RECEIVED)
NEVER = 10**7  # a day ordinal after any real day: "not yet"
HORIZONS = (1, 4, 12)


@dataclass(frozen=True, slots=True)
class SoldLine:
    """An order line sold: its paid value, the day it was ordered and the day it was delivered."""

    key: Key
    category: str
    value: Decimal
    ordered_on: date
    delivered_on: date | None = None


@dataclass(frozen=True, slots=True)
class ReturnFact:
    """A return of (part of) a sold line, with the days it passed each stage.

    ``ended_on``: the day it was resolved or became void (nothing more is paid after it); ``paid_on``:
    the day its cash refund was paid, ``refunded`` how much (store credit is not cash and is left out)."""

    line: Key | None
    category: str
    value: Decimal  # the paid value of the returned units
    requested_on: date
    received_on: date | None = None
    ended_on: date | None = None
    paid_on: date | None = None
    refunded: Decimal = Decimal(0)


@dataclass(frozen=True)
class Settings:
    weeks: int = 12
    lookback_days: int = 182  # what outcomes and delays are learnt from
    rate_lookback_days: int = 91  # what return rates are learnt from: recent, as they move with the season
    window_days: int = 45  # a line's return counts when asked for within this many days of delivery
    settle_days: int = 42  # returns asked for this recently are too young to learn outcomes from
    max_delay_days: int = 120  # from a stage to payment
    recent_sales_days: int = 28
    rate_prior_value: float = 2000.0  # a category's rate is shrunk towards the store's with this weight
    min_history: int = 30  # returns needed to trust a learnt delay; below, the ETA model's delay
    default_cash_share: float = 0.75  # with no ended return at all
    eta_days: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({REQUESTED: 10, RECEIVED: 3})
    )
    z: float = 1.645  # the band: 90 % of a normal distribution


@dataclass(frozen=True, slots=True)
class Week:
    start: date
    pipeline: float  # open returns
    coming: float  # returns still to come from delivered orders
    new_orders: float  # returns from orders on their way or still to be placed
    low: float
    high: float
    sales: float  # expected sales (ordered value) that week
    sigma: float  # the standard deviation of the week's cash

    @property
    def expected(self) -> float:
        return self.pipeline + self.coming + self.new_orders


@dataclass(frozen=True, slots=True)
class Forecast:
    origin: date
    weeks: tuple[Week, ...]
    return_rates: Mapping[str, float]  # learnt r_c, by category
    cash_share: float  # cash paid back per unit of value of a new return

    z: float = 1.645

    def total(self, weeks: int) -> float:
        return sum(week.expected for week in self.weeks[:weeks])

    def band(self, weeks: int) -> tuple[float, float]:
        """The band of the total over the first ``weeks`` weeks (the weeks taken as independent)."""
        spread = self.z * float(np.sqrt(sum(week.sigma**2 for week in self.weeks[:weeks])))
        total = self.total(weeks)
        return max(0.0, total - spread), total + spread


class History:
    """A store's sold lines and returns as arrays (day ordinals), built once for many forecasts."""

    def __init__(self, lines: Sequence[SoldLine], returns: Sequence[ReturnFact]) -> None:
        categories = sorted({line.category for line in lines} | {ret.category for ret in returns})
        self.categories: tuple[str, ...] = tuple(categories)
        index = {name: position for position, name in enumerate(categories)}
        self.line_category = np.array([index[line.category] for line in lines], dtype=np.int64)
        self.line_value = np.array([float(line.value) for line in lines], dtype=np.float64)
        self.line_ordered = np.array([line.ordered_on.toordinal() for line in lines], dtype=np.int64)
        self.line_delivered = _days([line.delivered_on for line in lines])
        position_of: dict[Key | None, int] = {line.key: position for position, line in enumerate(lines)}
        self.ret_line = np.array([position_of.get(ret.line, -1) for ret in returns], dtype=np.int64)
        self.ret_category = np.array([index[ret.category] for ret in returns], dtype=np.int64)
        self.ret_value = np.array([float(ret.value) for ret in returns], dtype=np.float64)
        self.ret_requested = np.array([ret.requested_on.toordinal() for ret in returns], dtype=np.int64)
        self.ret_received = _days([ret.received_on for ret in returns])
        self.ret_ended = _days([ret.ended_on for ret in returns])
        self.ret_paid = _days([ret.paid_on for ret in returns])
        self.ret_refunded = np.array([float(ret.refunded) for ret in returns], dtype=np.float64)
        # Once paid, a return is out of the pipeline, whatever its state says.
        self.ret_ended = np.minimum(self.ret_ended, self.ret_paid)
        # A return of no known line (-1) reads the "never delivered" put after the last line.
        self.ret_delivered = np.append(self.line_delivered, NEVER)[self.ret_line]

    def paid(self, start: date, end: date) -> float:
        """Cash refunded on the days ``[start, end)``."""
        days = (self.ret_paid >= start.toordinal()) & (self.ret_paid < end.toordinal())
        return float(self.ret_refunded[days].sum())


def _days(values: Sequence[date | None]) -> Ints:
    return np.array([NEVER if value is None else value.toordinal() for value in values], dtype=np.int64)


# -- learning, as of an origin day ------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcomes:
    """How returns in one stage end, learnt from those that ended before the origin."""

    cash_share: Floats  # by age in the stage: cash paid per unit of value of those still open
    paid_share: Floats  # by age: the share of those still open that were paid (a count)
    delays: Floats  # by age (rows): the chance of being paid on each day after the origin (columns)


@dataclass(frozen=True)
class _Model:
    rates: Floats  # by category
    rate_all: float
    request_delay: Floats  # f(k), k < window_days
    outcomes: Mapping[str, _Outcomes]
    amount_moment: float  # E[A^2] / E[A] of a cash refund
    delivery_days: int  # the usual order-to-delivery time
    daily_sales: Floats  # by category
    sales_variation: float  # coefficient of variation of the recent weekly sales


def _learn(history: History, t: int, settings: Settings) -> _Model:
    lookback = settings.lookback_days
    rates, rate_all, request_delay = _return_rates(history, t, settings)
    settled = (history.ret_requested >= t - lookback) & (history.ret_requested < t - settings.settle_days)
    paid = settled & (history.ret_paid < t) & (history.ret_refunded > 0)
    amounts = history.ret_refunded[paid]
    moment = float((amounts**2).sum() / amounts.sum()) if amounts.size else 0.0
    delivered = (history.line_delivered < t) & (history.line_delivered >= t - lookback)
    transit = history.line_delivered[delivered] - history.line_ordered[delivered]
    delivery_days = int(np.median(transit)) if transit.size else 3
    recent = settings.recent_sales_days
    ordered = (history.line_ordered >= t - recent) & (history.line_ordered < t)
    daily_sales = np.bincount(
        history.line_category[ordered],
        weights=history.line_value[ordered],
        minlength=len(history.categories),
    ).astype(np.float64) / float(recent)
    weekly = np.bincount(
        (t - 1 - history.line_ordered[ordered]) // 7,
        weights=history.line_value[ordered],
        minlength=recent // 7,
    )
    variation = float(weekly.std() / weekly.mean()) if weekly.size > 1 and weekly.mean() > 0 else 0.0
    return _Model(
        rates=rates,
        rate_all=rate_all,
        request_delay=request_delay,
        outcomes={stage: _outcomes(history, t, stage, settings) for stage in STAGES},
        amount_moment=moment,
        delivery_days=delivery_days,
        daily_sales=daily_sales,
        sales_variation=variation,
    )


def _return_rates(history: History, t: int, settings: Settings) -> tuple[Floats, float, Floats]:
    """``r_c`` by category, the store's rate, and ``f(k)``, from the lines whose window closed before t."""
    window, lookback = settings.window_days, settings.rate_lookback_days
    closed = (history.line_delivered < t - window) & (history.line_delivered >= t - window - lookback)
    count = len(history.categories)
    value = np.bincount(history.line_category[closed], weights=history.line_value[closed], minlength=count)
    after = history.ret_requested - history.ret_delivered
    counted = (history.ret_line >= 0) & (after >= 0) & (after < window) & (history.ret_requested < t)
    counted &= np.append(closed, False)[history.ret_line]
    returned = np.bincount(history.ret_category[counted], weights=history.ret_value[counted], minlength=count)
    total_value = float(value.sum())
    rate_all = float(returned.sum()) / total_value if total_value > 0 else 0.0
    prior = settings.rate_prior_value
    weight = value + prior
    rates = np.where(weight > 0, (returned + prior * rate_all) / np.maximum(weight, 1e-12), rate_all)
    delays = np.bincount(after[counted], weights=history.ret_value[counted], minlength=window)[:window]
    request_delay = delays / delays.sum() if delays.sum() > 0 else np.full(window, 1.0 / window)
    return rates.astype(np.float64), rate_all, request_delay.astype(np.float64)


def _outcomes(history: History, t: int, stage: str, settings: Settings) -> _Outcomes:
    """Cash share, paid share and delay to payment by age in ``stage``, from returns that entered it in
    the lookback, long enough ago to have ended (the settling days), and ended before ``t``."""
    span = settings.max_delay_days + 1
    entry = history.ret_requested if stage == REQUESTED else history.ret_received
    settled = (
        (entry >= t - settings.lookback_days)
        & (entry < t - settings.settle_days)
        & (history.ret_ended < t)
        & (history.ret_ended >= entry)
    )
    paid = settled & (history.ret_paid < t) & (history.ret_refunded > 0)
    cash = np.where(paid, history.ret_refunded, 0.0)[settled]
    value = history.ret_value[settled]
    # A return is still open at age a in the stage while a <= the days until it ended.
    ended_after = np.minimum(history.ret_ended[settled] - entry[settled], span - 1)
    open_value = _reverse_cumsum(np.bincount(ended_after, weights=value, minlength=span))
    open_cash = _reverse_cumsum(np.bincount(ended_after, weights=cash, minlength=span))
    open_count = _reverse_cumsum(np.bincount(ended_after, minlength=span).astype(np.float64))
    open_paid = _reverse_cumsum(
        np.bincount(ended_after, weights=paid[settled].astype(np.float64), minlength=span)
    )
    if open_count[0] == 0:
        cash_share = np.full(span, settings.default_cash_share)
        paid_share = np.full(span, 1.0)
    else:
        # Ages with too few returns left take the share of the last age with enough.
        trusted = open_count >= min(settings.min_history, open_count[0])
        cash_share = np.where(open_value > 0, open_cash / np.maximum(open_value, 1e-12), 0.0)
        paid_share = open_paid / np.maximum(open_count, 1.0)
        last = int(np.flatnonzero(trusted)[-1])
        cash_share[last + 1 :] = cash_share[last]
        paid_share[last + 1 :] = paid_share[last]
    delay = np.minimum(history.ret_paid[paid] - entry[paid], span - 1)
    if delay.size >= settings.min_history:
        pmf = np.bincount(delay, minlength=span).astype(np.float64)
    else:  # the ETA model's delay for this stage
        pmf = np.zeros(span)
        pmf[min(settings.eta_days[stage], span - 1)] = 1.0
    return _Outcomes(cash_share, paid_share, _conditional_delays(pmf / pmf.sum()))


def _reverse_cumsum(values: Floats | Ints) -> Floats:
    return np.cumsum(np.asarray(values, dtype=np.float64)[::-1])[::-1]


def _conditional_delays(pmf: Floats) -> Floats:
    """Row ``a``: the chance of being paid ``j`` days after the origin for a return ``a`` days in its
    stage and not paid yet (``pmf`` from entering the stage, renormalised over the days ``>= a``; a return
    older than every delay seen is expected at once)."""
    span = pmf.size
    rows = np.zeros((span, span))
    for age in range(span):
        rest = pmf[age:]
        if rest.sum() > 0:
            rows[age, : span - age] = rest / rest.sum()
        else:
            rows[age, 0] = 1.0
    return rows


# -- the forecast ------------------------------------------------------------------------------------


def forecast(history: History, origin: date, settings: Settings | None = None) -> Forecast:
    """The forecast made on the morning of ``origin``: from facts dated before it only."""
    settings = settings or Settings()
    t = origin.toordinal()
    days = settings.weeks * 7
    model = _learn(history, t, settings)
    pipeline, pipeline_var = _pipeline(history, t, days, model)
    delivered_requests = _requests_from_delivered(history, t, days, model, settings)
    on_way_requests, new_requests = _requests_from_orders(history, t, days, model, settings)
    new_return = model.outcomes[REQUESTED]
    share = float(new_return.cash_share[0])
    delay = new_return.delays[0]

    def paid(requests: Floats) -> Floats:
        return share * np.convolve(requests, delay)[:days]

    coming = paid(delivered_requests)
    new_orders = paid(on_way_requests + new_requests)
    from_new = paid(new_requests)
    by_week = _weeks(days)
    sales = float(model.daily_sales.sum()) * 7
    weeks = []
    for number, week in enumerate(by_week):
        expected = pipeline[week].sum() + coming[week].sum() + new_orders[week].sum()
        variance = (
            pipeline_var[number]
            + (coming[week].sum() + new_orders[week].sum()) * model.amount_moment
            + (model.sales_variation * from_new[week].sum()) ** 2
        )
        sigma = float(np.sqrt(variance))
        spread = settings.z * sigma
        weeks.append(
            Week(
                start=origin + timedelta(days=7 * number),
                pipeline=float(pipeline[week].sum()),
                coming=float(coming[week].sum()),
                new_orders=float(new_orders[week].sum()),
                low=max(0.0, float(expected) - spread),
                high=float(expected) + spread,
                sales=sales,
                sigma=sigma,
            )
        )
    return Forecast(
        origin=origin,
        weeks=tuple(weeks),
        return_rates=dict(zip(history.categories, (float(rate) for rate in model.rates), strict=True)),
        cash_share=share,
        z=settings.z,
    )


def _weeks(days: int) -> list[slice]:
    return [slice(start, start + 7) for start in range(0, days, 7)]


def _pipeline(history: History, t: int, days: int, model: _Model) -> tuple[Floats, Floats]:
    """Expected cash by day from the returns open at ``t``, and its variance by week."""
    open_ = (history.ret_requested < t) & (history.ret_ended >= t) & (history.ret_paid >= t)
    mean = np.zeros(days)
    variance = np.zeros(days // 7)
    received = history.ret_received < t
    for stage, in_stage in ((REQUESTED, open_ & ~received), (RECEIVED, open_ & received)):
        outcomes = model.outcomes[stage]
        span = outcomes.delays.shape[0]
        entry = history.ret_requested if stage == REQUESTED else history.ret_received
        age = np.minimum(t - entry[in_stage], span - 1)
        value = history.ret_value[in_stage]
        expected = outcomes.cash_share[age] * value  # cash expected from each return
        chance = outcomes.paid_share[age]
        amount = np.where(chance > 0, expected / np.maximum(chance, 1e-12), 0.0)  # if paid
        timing = outcomes.delays[age][:, :days]  # returns x days
        if timing.shape[1] < days:
            timing = np.pad(timing, ((0, 0), (0, days - timing.shape[1])))
        mean += expected @ timing
        weekly = np.add.reduceat(timing, np.arange(0, days, 7), axis=1) * chance[:, None]
        variance += ((weekly - weekly**2) * (amount**2)[:, None]).sum(axis=0)
    return mean, variance


def _requests_from_delivered(
    history: History, t: int, days: int, model: _Model, settings: Settings
) -> Floats:
    """Expected value asked back on each day from ``t``, from lines delivered before ``t`` and inside
    their window, not returned yet."""
    window = settings.window_days
    asked = history.ret_line[(history.ret_requested < t) & (history.ret_line >= 0)]
    returned = np.zeros(history.line_value.size, dtype=bool)
    returned[asked] = True
    age = t - history.line_delivered
    inside = (age >= 0) & (age < window) & ~returned & (history.line_delivered < t)
    f = model.request_delay
    cumulative = np.concatenate(([0.0], np.cumsum(f)))  # F(a): the chance of an ask before day a
    requests = np.zeros(days)
    by_age = np.zeros((len(history.categories), window))
    np.add.at(by_age, (history.line_category[inside], age[inside]), history.line_value[inside])
    for category, rate in enumerate(model.rates):
        for a in np.flatnonzero(by_age[category]):
            left = f[a:window]  # days a, a+1, ... after delivery: offsets 0, 1, ... from t
            scale = by_age[category, a] * rate / max(1.0 - rate * cumulative[a], 1e-9)
            span = min(left.size, days)
            requests[:span] += scale * left[:span]
    return requests


def _requests_from_orders(
    history: History, t: int, days: int, model: _Model, settings: Settings
) -> tuple[Floats, Floats]:
    """Expected value asked back on each day from ``t``: from lines ordered but not delivered yet (ordered
    in the last ``window_days``), and from the orders still to be placed."""
    count = len(history.categories)
    on_way = (
        (history.line_ordered < t)
        & (history.line_ordered >= t - settings.window_days)
        & (history.line_delivered >= t)
    )
    arrival = np.maximum(history.line_ordered[on_way] + model.delivery_days - t, 1)
    arriving = np.zeros((count, days))
    keep = arrival < days
    np.add.at(
        arriving,
        (history.line_category[on_way][keep], arrival[keep]),
        history.line_value[on_way][keep],
    )
    placed = np.zeros((count, days))
    delay = model.delivery_days
    if delay < days:
        placed[:, delay:] = model.daily_sales[:, None]
    f = model.request_delay
    on_way_requests, new_requests = np.zeros(days), np.zeros(days)
    for category, rate in enumerate(model.rates):
        on_way_requests += rate * np.convolve(arriving[category], f)[:days]
        new_requests += rate * np.convolve(placed[category], f)[:days]
    return on_way_requests, new_requests


# -- the backtest ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BacktestRow:
    origin: date
    horizon: int  # weeks
    forecast: float  # cash over the first ``horizon`` weeks from ``origin``
    actual: float
    forecast_week: float  # the ``horizon``-th week alone
    actual_week: float


@dataclass(frozen=True)
class Backtest:
    rows: tuple[BacktestRow, ...]
    wape: Mapping[int, float | None]  # over the first h weeks, by h
    wape_week: Mapping[int, float | None]  # the h-th week alone, by h


def origins(today: date, weeks: int = 26) -> list[date]:
    """The Mondays of the last ``weeks`` weeks before ``today``'s, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks, 0, -1)]


def backtest(
    history: History,
    today: date,
    *,
    weeks: int = 26,
    horizons: Sequence[int] = HORIZONS,
    settings: Settings | None = None,
) -> Backtest:
    """For each Monday of the last ``weeks`` weeks, the forecast made that morning against the cash then
    paid: the weighted absolute percentage error ``sum |forecast - paid| / sum paid`` at each horizon, over
    the origins whose horizon had passed by ``today`` (None when none had)."""
    settings = settings or Settings()
    longest = max(horizons)
    rows: list[BacktestRow] = []
    for origin in origins(today, weeks):
        made = forecast(history, origin, replace_weeks(settings, longest))
        for horizon in horizons:
            end = origin + timedelta(weeks=horizon)
            if end > today:
                continue
            last = origin + timedelta(weeks=horizon - 1)
            rows.append(
                BacktestRow(
                    origin,
                    horizon,
                    made.total(horizon),
                    history.paid(origin, end),
                    made.weeks[horizon - 1].expected,
                    history.paid(last, end),
                )
            )
    return Backtest(
        tuple(rows),
        {h: wape([(r.forecast, r.actual) for r in rows if r.horizon == h]) for h in horizons},
        {h: wape([(r.forecast_week, r.actual_week) for r in rows if r.horizon == h]) for h in horizons},
    )


def replace_weeks(settings: Settings, weeks: int) -> Settings:
    return settings if settings.weeks >= weeks else replace(settings, weeks=weeks)


def wape(pairs: Sequence[tuple[float, float]]) -> float | None:
    """``sum |forecast - actual| / sum actual``; None with nothing to compare or nothing paid."""
    actual = sum(actual for _forecast, actual in pairs)
    if not pairs or actual <= 0:
        return None
    return sum(abs(forecast - actual) for forecast, actual in pairs) / actual
