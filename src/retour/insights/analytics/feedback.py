"""Shopper feedback (issue 12, item 3), an analytics page: the surveys of the returns closed in the
period, how many shoppers answered, their satisfaction and whether they would buy again, by month, by
the return's reasons and outcome, the spread of scores and the latest comments. The store is the
filter's; the seller and category filters keep the returns with a line of theirs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.feedback.models import Survey, SurveyAnswer
from retour.insights.analytics.base import (
    Column,
    Figure,
    Filters,
    Kind,
    Page,
    Report,
    Table,
    bar_table,
    ratio,
    register,
)
from retour.insights.charts import Axis, Chart
from retour.insights.domain import metrics
from retour.policies.forms import REASON_LABELS

NAME = "feedback"
COMMENTS = 20
OUTCOMES = {
    "refunded": _("refunded"),
    "store_credit": _("store credit"),
    "exchanged": _("exchanged"),
    "replaced": _("replaced"),
    "repaired": _("repaired"),
    "kept": _("kept"),
}


@dataclass
class Tally:
    answers: int = 0
    score: int = 0
    again: int = 0

    def add(self, answer: SurveyAnswer) -> None:
        self.answers += 1
        self.score += answer.satisfaction
        self.again += int(answer.would_buy_again)

    def as_row(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "satisfaction": mean(self.score, self.answers),
            "would_buy_again": ratio(self.again, self.answers),
        }


def mean(total: int, count: int) -> str | None:
    """A mean score to two places, half-up (None without answers)."""
    if not count:
        return None
    return str((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def surveys(filters: Filters) -> QuerySet[Survey]:
    period = metrics.Period(filters.start, filters.end, filters.store.zone)
    found = Survey.objects.filter(
        store=filters.store, created_at__gte=period.since, created_at__lt=period.until
    )
    if filters.category is not None:
        found = found.filter(ret__lines__order_line__category=filters.category)
    if filters.seller == "":
        found = found.filter(ret__lines__order_line__seller__kind="store")
    elif filters.seller is not None:
        found = found.filter(ret__lines__order_line__seller__code=filters.seller)
    return found.distinct()


COUNT_COLUMNS = (
    Column("answers", _("Answers"), Kind.COUNT),
    Column("satisfaction", _("Mean satisfaction (1 to 5)"), Kind.SCORE),
    Column("would_buy_again", _("Would buy again"), Kind.RATIO),
)


def build(filters: Filters) -> Report:
    found = surveys(filters)
    total = found.count()
    opted_out = found.filter(email_status=Survey.EmailStatus.OPTED_OUT).count()
    answers = list(
        SurveyAnswer.objects.filter(survey__in=found)
        .select_related("survey", "survey__ret")
        .order_by("-answered_at")
    )
    overall = Tally()
    months: dict[date, Tally] = defaultdict(Tally)
    reasons: dict[str, Tally] = defaultdict(Tally)
    outcomes: dict[str, Tally] = defaultdict(Tally)
    scores = [0] * 5
    zone = filters.store.zone
    for answer in answers:
        overall.add(answer)
        closed = timezone.localtime(answer.survey.created_at, zone).date()
        months[date(closed.year, closed.month, 1)].add(answer)
        for reason in answer.survey.reasons or [""]:
            reasons[reason].add(answer)
        outcomes[answer.survey.outcome].add(answer)
        scores[answer.satisfaction - 1] += 1
    report = Report(NAME, PAGE.title, filters)
    report.figures = [
        Figure("surveys", _("Surveys (returns closed)"), Kind.COUNT, total),
        Figure("answers", _("Answers"), Kind.COUNT, overall.answers),
        Figure("response_rate", _("Response rate"), Kind.RATIO, ratio(overall.answers, total)),
        Figure(
            "satisfaction", _("Mean satisfaction (1 to 5)"), Kind.SCORE, mean(overall.score, overall.answers)
        ),
        Figure("would_buy_again", _("Would buy again"), Kind.RATIO, ratio(overall.again, overall.answers)),
        Figure("opted_out", _("Surveys not sent: opted out"), Kind.COUNT, opted_out),
    ]
    month_rows = [
        {"month": month.strftime("%Y-%m"), **tally.as_row()} for month, tally in sorted(months.items())
    ]
    reason_rows = sorted(
        ({"reason": str(REASON_LABELS.get(code, code)), **tally.as_row()} for code, tally in reasons.items()),
        key=lambda row: (-row["answers"], row["reason"]),
    )
    outcome_rows = sorted(
        ({"outcome": str(OUTCOMES.get(code, code)), **tally.as_row()} for code, tally in outcomes.items()),
        key=lambda row: (-row["answers"], row["outcome"]),
    )
    satisfaction = str(_("Mean satisfaction (1 to 5)"))
    report.tables += [
        Table(
            "by_month",
            _("Satisfaction by month the return closed"),
            (Column("month", _("Month")), *COUNT_COLUMNS),
            month_rows,
            chart=Chart(
                _("Satisfaction by month the return closed"),
                Axis("month", str(_("Month")), "ordinal"),
                Axis("satisfaction", satisfaction, "quantitative"),
                mark="line",
            ),
        ),
        bar_table(
            "by_reason",
            _("Satisfaction by reason for the return"),
            (Column("reason", _("Reason")), *COUNT_COLUMNS),
            reason_rows,
            value="satisfaction",
            label="reason",
            note=_("A return with several reasons counts under each."),
        ),
        Table(
            "by_outcome",
            _("Satisfaction by outcome"),
            (Column("outcome", _("Outcome")), *COUNT_COLUMNS),
            outcome_rows,
        ),
        Table(
            "scores",
            _("Answers by satisfaction score"),
            (Column("score", _("Satisfaction")), Column("answers", _("Answers"), Kind.COUNT)),
            [{"score": str(score), "answers": scores[score - 1]} for score in range(1, 6)],
            chart=Chart(
                _("Answers by satisfaction score"),
                Axis("score", str(_("Satisfaction")), "ordinal"),
                Axis("answers", str(_("Answers")), "quantitative"),
            ),
        ),
        Table(
            "comments",
            _("Latest comments"),
            (
                Column("answered", _("Answered"), Kind.DATE),
                Column("return", _("Return")),
                Column("satisfaction", _("Satisfaction"), Kind.COUNT),
                Column("would_buy_again", _("Would buy again"), Kind.BOOL),
                Column("outcome", _("Outcome")),
                Column("reasons", _("Reasons")),
                Column("comment", _("Comment")),
            ),
            [
                {
                    "answered": timezone.localtime(answer.answered_at, zone).date().isoformat(),
                    "return": answer.survey.ret.number,
                    "satisfaction": answer.satisfaction,
                    "would_buy_again": answer.would_buy_again,
                    "outcome": str(OUTCOMES.get(answer.survey.outcome, answer.survey.outcome)),
                    "reasons": ", ".join(
                        str(REASON_LABELS.get(code, code)) for code in answer.survey.reasons
                    ),
                    "comment": answer.comment,
                }
                for answer in answers
                if answer.comment
            ][:COMMENTS],
        ),
    ]
    return report


PAGE = register(
    Page(
        NAME,
        _("Shopper feedback"),
        build,
        _("Survey answers after returns close: satisfaction, buying again, by reason, outcome and month."),
        default_days=90,
    )
)
