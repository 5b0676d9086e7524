"""What shoppers searched for and could not find, what they thought of each article, and which articles
they read before they started a return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from retour.helpcenter.models import Reading, ReturnStart, SearchLog, Translation, Vote


@dataclass(frozen=True)
class QueryRow:
    query: str
    language: str
    searches: int
    found: int  # searches of it that found something
    clicks: int


@dataclass(frozen=True)
class ArticleRow:
    slug: str
    title: str
    helpful: int
    not_helpful: int
    comments: list[str]


@dataclass(frozen=True)
class ReadRow:
    slug: str
    title: str
    readers: int  # visitors who read it in the period
    then_returned: int  # of them, those who started a return after reading it


@dataclass(frozen=True)
class Report:
    since: date
    per_day: list[tuple[date, int]]
    top: list[QueryRow]
    no_result: list[QueryRow]
    no_click: list[QueryRow]
    articles: list[ArticleRow]
    read_before_return: list[ReadRow]
    returns_started: int  # returns the portal started in the period
    returns_after_reading: int  # of them, those whose shopper had read an article before


def _queries(rows: list[dict[str, object]]) -> list[QueryRow]:
    return [
        QueryRow(str(r["normalised"]), str(r["language"]), _int(r["n"]), _int(r["found"]), _int(r["clicks"]))
        for r in rows
    ]


def _int(value: object) -> int:
    return int(value) if isinstance(value, int) else 0


def _read_before_return(since: date, titles: dict[str, str], limit: int) -> tuple[list[ReadRow], int, int]:
    starts = ReturnStart.objects.filter(started_at__date__gte=since)
    later_start = starts.filter(visitor=OuterRef("visitor"), started_at__gte=OuterRef("first_read_at"))
    rows = (
        Reading.objects.filter(last_read_at__date__gte=since)
        .values("article__slug")
        .annotate(
            readers=Count("id"),
            then_returned=Count("id", filter=Q(Exists(later_start))),
        )
        .filter(then_returned__gt=0)
        .order_by("-then_returned", "-readers", "article__slug")[:limit]
    )
    read_first = Reading.objects.filter(
        visitor=OuterRef("visitor"), first_read_at__lte=OuterRef("started_at")
    )
    after_reading = starts.filter(Exists(read_first)).count()
    found = [
        ReadRow(r["article__slug"], titles.get(r["article__slug"], ""), r["readers"], r["then_returned"])
        for r in rows
    ]
    return found, starts.count(), after_reading


def report(days: int = 30, limit: int = 20, language: str = "en") -> Report:
    """The last ``days`` days; article titles in ``language`` (the other one when missing)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    logs = SearchLog.objects.filter(created_at__date__gte=since)
    per_day = [
        (row["day"], row["n"])
        for row in logs.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    ]
    grouped = (
        logs.annotate(normalised=Lower("query"))
        .values("normalised", "language")
        .annotate(
            n=Count("id"),
            clicks=Count("id", filter=~Q(clicked_slug="")),
            found=Count("id", filter=Q(results__gt=0)),
        )
    )
    top = _queries(list(grouped.order_by("-n", "normalised")[:limit]))
    no_result = _queries(list(grouped.filter(found=0).order_by("-n", "normalised")[:limit]))
    no_click = _queries(list(grouped.filter(found__gt=0, clicks=0).order_by("-n", "normalised")[:limit]))
    titles: dict[str, str] = {}
    for slug, lang, title in Translation.objects.values_list("article__slug", "language", "title"):
        if lang == language or slug not in titles:
            titles[slug] = title
    votes = (
        Vote.objects.values("article__slug")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
        .order_by("-no", "article__slug")
    )
    comments: dict[str, list[str]] = {}
    for slug, text in (
        Vote.objects.exclude(comment="").values_list("article__slug", "comment").order_by("-created_at")
    ):
        comments.setdefault(slug, []).append(text)
    articles = [
        ArticleRow(
            v["article__slug"],
            titles.get(v["article__slug"], ""),
            v["yes"],
            v["no"],
            comments.get(v["article__slug"], [])[:5],
        )
        for v in votes
    ]
    read, started, after_reading = _read_before_return(since, titles, limit)
    return Report(since, per_day, top, no_result, no_click, articles, read, started, after_reading)


def csv_rows(result: Report) -> list[list[object]]:
    rows: list[list[object]] = [
        ["section", "query_or_article", "language", "searches_or_helpful", "found_or_not_helpful", "clicks"]
    ]
    for name, items in (("top", result.top), ("no_result", result.no_result), ("no_click", result.no_click)):
        rows += [[name, q.query, q.language, q.searches, q.found, q.clicks] for q in items]
    rows += [["votes", a.slug, "", a.helpful, a.not_helpful, ""] for a in result.articles]
    rows += [["per_day", day.isoformat(), "", n, "", ""] for day, n in result.per_day]
    rows += [
        ["read_before_return", r.slug, "", r.readers, r.then_returned, ""] for r in result.read_before_return
    ]
    rows.append(["returns_started", "", "", result.returns_started, result.returns_after_reading, ""])
    return rows
