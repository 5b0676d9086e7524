"""Which text a store's help center shows: a store may override a shared (default) article by writing its
own under the same slug. The override is per slug and language: the store's own translation wins, a
language the store did not write still shows the default's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """One published translation a store could show: ``own`` when the store wrote it, else a default."""

    slug: str
    language: str
    own: bool
    item: T


def shown(candidates: Iterable[Candidate[T]]) -> dict[tuple[str, str], T]:
    """For each (slug, language), the store's own translation when it has one, else the default's."""
    chosen: dict[tuple[str, str], Candidate[T]] = {}
    for candidate in candidates:
        key = (candidate.slug, candidate.language)
        current = chosen.get(key)
        if current is None or (candidate.own and not current.own):
            chosen[key] = candidate
    return {key: candidate.item for key, candidate in chosen.items()}


def preferred(by_language: dict[str, T], language: str) -> T | None:
    """The text in the reader's language, else in another one (an article is never missing because it
    was not translated), in a stable order."""
    if language in by_language:
        return by_language[language]
    return next((by_language[lang] for lang in sorted(by_language)), None)
