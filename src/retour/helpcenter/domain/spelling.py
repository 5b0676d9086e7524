"""Typo correction against the words the articles actually use (symmetric delete, like SymSpell).

Every known word is stored under the strings made by deleting up to one letter (two for long words); a
typed word's own deletions meet them there, and the candidate with the smallest true edit distance
(transpositions count once), then the most frequent, wins. A lookup costs a few dictionary probes,
whatever the size of the vocabulary. A word with no close known word may be two known words run
together.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable


def max_distance(word: str) -> int:
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


class Speller:
    def __init__(self, words: Iterable[str]) -> None:
        self.counts = Counter(words)
        self.index: dict[str, set[str]] = defaultdict(set)
        for word in self.counts:
            for variant in _deletes(word, max_distance(word)):
                self.index[variant].add(word)

    def correct(self, word: str) -> str:
        """``word`` itself when known (or too short to guess), else the closest known word, else ``word``."""
        if word in self.counts or max_distance(word) == 0:
            return word
        limit = max_distance(word)
        candidates: set[str] = set()
        for variant in _deletes(word, limit):
            candidates |= self.index.get(variant, set())
        best = None
        for candidate in candidates:
            d = distance(word, candidate)
            if d <= limit:
                key = (d, -self.counts[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best is not None else word

    def split(self, word: str) -> str:
        """Two known words for a word typed without its space or hyphen ("makeup" → "make up",
        "giftcard" → "gift card"), the pair whose rarer half is most used; else ``word``."""
        if word in self.counts or len(word) < 5:
            return word
        pairs = [
            (min(self.counts[word[:i]], self.counts[word[i:]]), word[:i], word[i:])
            for i in range(2, len(word) - 1)
            if word[:i] in self.counts and word[i:] in self.counts
        ]
        if not pairs:
            return word
        _n, left, right = max(pairs)
        return f"{left} {right}"
