"""Help-center search: quality on a labelled query set over shared/kb, and latency over 10,000 articles.

    .venv/bin/python bench/helpcenter_quality.py [--kb ../shared/kb]
        [--queries bench/helpcenter_queries.jsonl] [--articles 10000] [--latency-queries 2000] [--seed 1]

Quality: each query of the labelled set (JSON Lines: id, lang, query, relevant slugs best first) is run
through Retour's engine (``helpcenter.domain.engine.Engine``: stemming, accent folding, typo correction,
boosts; no synonyms, so the score is the engine's own) and, in the same process, a plain BM25 baseline
(``BaselineEngine``: lower-cased words only). Printed: MRR, P@1 and Recall@3 per language and overall,
for both. Targets: P@1 >= 0.85, Recall@3 >= 0.95, clearly above the baseline.

Latency: 10,000 articles are generated per language by recombining the corpus's paragraphs (so the
vocabulary and lengths are real), the labelled queries are replayed, and the p50/p95/p99 of one search
(query analysis, correction, search, snippet) are printed. Target: p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from retour.helpcenter.domain.engine import BaselineEngine, Doc, Engine  # noqa: E402
from retour.helpcenter.domain.frontmatter import parse  # noqa: E402
from retour.helpcenter.domain.markdown import plain  # noqa: E402


def load(kb: Path, language: str) -> list[Doc]:
    docs = []
    for path in sorted((kb / language).glob("*.md")):
        article = parse(path.read_text(encoding="utf-8"), name=path.name)
        docs.append(Doc(article.slug, article.title, " ".join(article.tags), plain(article.body)))
    return docs


def metrics(ranked: list[list[str]], relevant: list[list[str]]) -> dict[str, float]:
    rr, p1, r3 = [], [], []
    for got, want in zip(ranked, relevant, strict=True):
        rank = next((i for i, slug in enumerate(got, 1) if slug in want), None)
        rr.append(1 / rank if rank else 0.0)
        p1.append(1.0 if got[:1] and got[0] in want else 0.0)
        r3.append(1.0 if any(slug in want for slug in got[:3]) else 0.0)
    n = len(ranked) or 1
    return {"MRR": sum(rr) / n, "P@1": sum(p1) / n, "R@3": sum(r3) / n}


def generated(docs: list[Doc], count: int, seed: int) -> list[Doc]:
    rng = random.Random(seed)
    sentences = [s.strip() for doc in docs for s in doc.body.split(". ") if s.strip()]
    titles = [doc.title for doc in docs]
    tags = [doc.tags for doc in docs]
    out = []
    for i in range(count):
        body = ". ".join(rng.choice(sentences) for _ in range(rng.randint(12, 25)))
        out.append(Doc(f"generated-{i}", rng.choice(titles), rng.choice(tags), body))
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", default=str(ROOT.parent / "shared" / "kb"))
    parser.add_argument("--queries", default=str(ROOT / "bench" / "helpcenter_queries.jsonl"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--latency-queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    kb = Path(options.kb)
    queries = [
        json.loads(line)
        for line in Path(options.queries).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    corpus = {lang: load(kb, lang) for lang in ("en", "fr")}

    print("Retour help-center search benchmark")
    cpu = platform.processor() or platform.machine()
    print(f"  machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"  corpus: {sum(len(d) for d in corpus.values())} articles ({kb}), {len(queries)} labelled queries"
    )
    print()
    print(f"{'engine':<10} {'lang':<5} {'queries':>7} {'MRR':>6} {'P@1':>6} {'R@3':>6}")
    results: dict[str, dict[str, float]] = {}
    misses: list[str] = []
    for name, cls in (("retour", Engine), ("bm25", BaselineEngine)):
        all_ranked, all_relevant = [], []
        for lang in ("en", "fr"):
            engine = cls(corpus[lang], lang)
            mine = [q for q in queries if q["lang"] == lang]
            ranked = [[hit.slug for hit in engine.search(q["query"], 10, snippets=False)] for q in mine]
            relevant = [q["relevant"] for q in mine]
            m = metrics(ranked, relevant)
            print(f"{name:<10} {lang:<5} {len(mine):>7} {m['MRR']:>6.3f} {m['P@1']:>6.3f} {m['R@3']:>6.3f}")
            all_ranked += ranked
            all_relevant += relevant
            if name == "retour":
                misses += [
                    f"  {q['id']}: {q['query']!r} -> {got[:3]} (want {q['relevant']})"
                    for q, got in zip(mine, ranked, strict=True)
                    if not got[:1] or got[0] not in q["relevant"]
                ]
        results[name] = metrics(all_ranked, all_relevant)
        m = results[name]
        print(
            f"{name:<10} {'all':<5} {len(all_ranked):>7} {m['MRR']:>6.3f} {m['P@1']:>6.3f} {m['R@3']:>6.3f}"
        )
    ours, base = results["retour"], results["bm25"]
    print()
    print(
        f"P@1 {ours['P@1']:.3f} (target >= 0.85: {'met' if ours['P@1'] >= 0.85 else 'MISSED'}), "
        f"R@3 {ours['R@3']:.3f} (target >= 0.95: {'met' if ours['R@3'] >= 0.95 else 'MISSED'}); "
        f"baseline P@1 {base['P@1']:.3f}, R@3 {base['R@3']:.3f}, MRR {ours['MRR']:.3f} vs {base['MRR']:.3f}"
    )
    if misses:
        print("Queries whose first result is wrong:")
        print("\n".join(misses))

    print()
    timings: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(options.seed)
    for lang in ("en", "fr"):
        started = time.perf_counter()
        big = Engine(generated(corpus[lang], options.articles, options.seed) + corpus[lang], lang)
        built = time.perf_counter() - started
        mine = [q["query"] for q in queries if q["lang"] == lang]
        for _ in range(options.latency_queries // 2):
            text = rng.choice(mine)
            t = time.perf_counter()
            big.search(text, 10)
            timings[lang].append((time.perf_counter() - t) * 1000)
        print(f"latency {lang}: {options.articles:,} generated articles (index built in {built:.1f} s)")
    every = timings["en"] + timings["fr"]
    p95 = percentile(every, 0.95)
    print(
        f"  one search, {len(every)} queries: p50 {statistics.median(every):.2f} ms, p95 {p95:.2f} ms, "
        f"p99 {percentile(every, 0.99):.2f} ms (target p95 < 20 ms: {'met' if p95 < 20 else 'MISSED'})"
    )
    print()
    print("Reproduce with:")
    print(
        f"  .venv/bin/python bench/helpcenter_quality.py --articles {options.articles} "
        f"--latency-queries {options.latency_queries} --seed {options.seed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
