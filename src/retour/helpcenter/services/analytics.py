"""What shoppers searched for and could not find, what they thought of each article, and which articles
they read before they started a return."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from retour.catalog.models import Store
from retour.helpcenter.domain.analysis import analyzer, folding_analyzer
from retour.helpcenter.domain.semantic import elide
from retour.helpcenter.models import Reading, ReturnStart, SearchLog, Translation, Vote
from retour.policies.forms import REASON_LABELS
from retour.returns.models import Return, ReturnLine


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
class Topic:
    """Searches that found nothing and share a normalised word (accents folded, stop words dropped,
    stemmed): what one missing article would answer."""

    words: list[str]  # their words (folded, as most often typed), most searched first
    queries: list[tuple[str, int]]  # each query as typed (lower case) and how often, most first
    searches: int
    reasons: list[tuple[str, int]]  # why the shoppers who searched it then returned: (reason, returns)


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
    topics: list[Topic] = field(default_factory=list)  # the searches that found nothing, by topic


def _queries(rows: list[dict[str, object]]) -> list[QueryRow]:
    return [
        QueryRow(str(r["normalised"]), str(r["language"]), _int(r["n"]), _int(r["found"]), _int(r["clicks"]))
        for r in rows
    ]


def _int(value: object) -> int:
    return int(value) if isinstance(value, int) else 0


def _read_before_return(
    since: date, titles: dict[str, str], limit: int, store: Store | None = None
) -> tuple[list[ReadRow], int, int]:
    """Per article, its readers and those of them who then started a return (the article did not spare
    them the return: for "how do I return" that is the answer, for "where is my refund" a miss); with
    ``store``, the readings in that store's help center and the returns of that store."""
    starts = ReturnStart.objects.filter(started_at__date__gte=since)
    readings = Reading.objects.filter(last_read_at__date__gte=since)
    if store is not None:
        starts = starts.filter(return_number__in=Return.objects.filter(store=store).values("number"))
        readings = readings.filter(store=store)
    later_start = starts.filter(visitor=OuterRef("visitor"), started_at__gte=OuterRef("first_read_at"))
    rows = (
        readings.values("article__slug")
        .annotate(
            readers=Count("id"),
            then_returned=Count("id", filter=Q(Exists(later_start))),
        )
        .filter(then_returned__gt=0)
        .order_by("-then_returned", "-readers", "article__slug")[:limit]
    )
    read = Reading.objects.all() if store is None else Reading.objects.filter(store=store)
    read_first = read.filter(visitor=OuterRef("visitor"), first_read_at__lte=OuterRef("started_at"))
    after_reading = starts.filter(Exists(read_first)).count()
    found = [
        ReadRow(r["article__slug"], titles.get(r["article__slug"], ""), r["readers"], r["then_returned"])
        for r in rows
    ]
    return found, starts.count(), after_reading


def report(days: int = 30, limit: int = 20, language: str = "en", store: Store | None = None) -> Report:
    """The last ``days`` days; article titles in ``language`` (the other one when missing). With
    ``store``, that store's help center only: its searches, the votes cast and the articles read in it,
    and its returns."""
    since = timezone.localdate() - timedelta(days=days - 1)
    logs = SearchLog.objects.filter(created_at__date__gte=since)
    if store is not None:
        logs = logs.filter(store=store)
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
    cast = Vote.objects.all() if store is None else Vote.objects.filter(store=store)
    votes = (
        cast.values("article__slug")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
        .order_by("-no", "article__slug")
    )
    comments: dict[str, list[str]] = {}
    for slug, text in (
        cast.exclude(comment="").values_list("article__slug", "comment").order_by("-created_at")
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
    read, started, after_reading = _read_before_return(since, titles, limit, store)
    topics = failed_topics(since, limit, store)
    return Report(since, per_day, top, no_result, no_click, articles, read, started, after_reading, topics)


def _find(parent: dict[str, str], key: str) -> str:
    while parent.setdefault(key, key) != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def failed_topics(since: date, limit: int = 20, store: Store | None = None) -> list[Topic]:
    """The searches since ``since`` that found nothing, grouped: two queries are in one topic when they
    share a normalised word, directly or through others ("warranty claim", "warranty length", "claim
    form"). Each topic with the return reasons of the shoppers who searched it and then started a return."""
    logs = SearchLog.objects.filter(created_at__date__gte=since, results=0)
    if store is not None:
        logs = logs.filter(store=store)
    rows = logs.values_list("query", "language", "visitor", "created_at")
    analyzers = {lang: (analyzer(lang), folding_analyzer(lang)) for lang in ("en", "fr")}
    written: dict[str, Counter[str]] = {}  # each stem's words as shoppers typed them (folded)
    parent: dict[str, str] = {}
    searched: list[tuple[str, list[str], str, datetime]] = []
    for query, language, visitor, at in rows:
        text = elide(query.lower())
        stemming, folding = analyzers.get(language, analyzers["en"])
        for word in folding.analyze(text):
            for stem in stemming.analyze(word):
                written.setdefault(stem, Counter())[word] += 1
        stems = list(dict.fromkeys(stemming.analyze(text))) or [text.strip()]
        for stem in stems[1:]:
            parent[_find(parent, stem)] = _find(parent, stems[0])
        _find(parent, stems[0])
        searched.append((" ".join(query.lower().split()), stems, visitor, at))
    groups: dict[str, list[tuple[str, list[str], str, datetime]]] = {}
    for row in searched:
        groups.setdefault(_find(parent, row[1][0]), []).append(row)
    topics = []
    for members in groups.values():
        words = Counter(stem for _q, stems, _v, _at in members for stem in stems)
        queries = Counter(query for query, _s, _v, _at in members)
        first: dict[str, datetime] = {}
        for _q, _s, visitor, at in members:
            if visitor and (visitor not in first or at < first[visitor]):
                first[visitor] = at
        topics.append(
            Topic(
                [_written(written, stem) for stem, _n in words.most_common(5)],
                sorted(queries.items(), key=lambda item: (-item[1], item[0]))[:10],
                len(members),
                _reasons(first),
            )
        )
    topics.sort(key=lambda t: (-t.searches, t.words))
    return topics[:limit]


def _written(written: dict[str, Counter[str]], stem: str) -> str:
    found = written.get(stem)
    return found.most_common(1)[0][0] if found else stem


def _reasons(first_search: dict[str, datetime]) -> list[tuple[str, int]]:
    """Why the returns these visitors started after their first search of the topic were made (a return
    counted once per reason), most common first, in the staff's words."""
    numbers = [
        number
        for visitor, number, at in ReturnStart.objects.filter(visitor__in=list(first_search)).values_list(
            "visitor", "return_number", "started_at"
        )
        if at >= first_search[visitor]
    ]
    if not numbers:
        return []
    rows = (
        ReturnLine.objects.filter(ret__number__in=numbers)
        .values("reason")
        .annotate(n=Count("ret", distinct=True))
        .order_by("-n", "reason")
    )
    return [(str(REASON_LABELS.get(r["reason"], r["reason"])), r["n"]) for r in rows]


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
    for topic in result.topics:
        queries = "; ".join(query for query, _n in topic.queries)
        reasons = "; ".join(f"{reason} ({n})" for reason, n in topic.reasons)
        rows.append(["failed_topic", " ".join(topic.words), queries, topic.searches, reasons, ""])
    return rows
