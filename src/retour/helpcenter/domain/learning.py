"""Learning from the help center's own signals: a search after which several shoppers opened the same
article (and did not then say it did not help) becomes one of that article's "questions this answers",
in the shoppers' own words. The next shopper who asks it that way finds it, by its words and its meaning.

Guarded against noise and abuse: a query counts for an article only when at least ``MIN_VISITORS``
different visitors opened that article from it, and only for the article most of them opened; a visitor
who voted the article unhelpful does not count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

MIN_VISITORS = 2
PER_ARTICLE = 20  # learned questions kept per article, the most followed first
MAX_QUERY = 200


@dataclass(frozen=True)
class Click:
    """A visitor searched ``query`` and opened article ``slug`` from its results."""

    query: str
    slug: str
    visitor: str


def normalised(query: str) -> str:
    return " ".join(query.lower().split())[:MAX_QUERY]


def learned_questions(
    clicks: Iterable[Click], unhelpful: Iterable[tuple[str, str]] = (), *, min_visitors: int = MIN_VISITORS
) -> dict[str, tuple[str, ...]]:
    """Per article slug, the queries shoppers found it with (``unhelpful``: (slug, visitor) pairs of "no,
    this did not help" votes)."""
    refused = set(unhelpful)
    visitors: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for click in clicks:
        query = normalised(click.query)
        if query and click.visitor and (click.slug, click.visitor) not in refused:
            visitors[query][click.slug].add(click.visitor)
    chosen: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for query, by_slug in visitors.items():
        ranked = sorted(by_slug.items(), key=lambda item: (-len(item[1]), item[0]))
        slug, who = ranked[0]
        tied = len(ranked) > 1 and len(ranked[1][1]) == len(who)
        if len(who) >= min_visitors and not tied:
            chosen[slug].append((len(who), query))
    return {
        slug: tuple(query for _n, query in sorted(items, key=lambda item: (-item[0], item[1]))[:PER_ARTICLE])
        for slug, items in sorted(chosen.items())
    }
