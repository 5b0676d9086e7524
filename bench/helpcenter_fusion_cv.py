"""Help-center search: the fusion weights of the lexical and the semantic signals, chosen by
cross-validation on the tuning set only (never on a held-out set).

    .venv/bin/python bench/helpcenter_fusion_cv.py [--folds 5] [--repeats 3] [--seed 1]
        [--language all|en|fr] [--sets tuning,...]

For every query of the tuning set (bench/helpcenter_queries.jsonl) the engine's candidates and their three
signals are computed once (``Engine.signals``: lexical score over the best one, similarity to the whole
article, similarity to its closest section). Then, for each weight pair of a grid (article 0 to 2,
passage 0 to 3, by 0.25), the MRR. The queries are cut into ``--folds`` folds (each language spread
evenly), ``--repeats`` times with different shuffles; on each split the pair with the best MRR on the
other folds is chosen (ties: the smaller weights, the signal added least) and judged on the fold left
out (``--language``: the queries of one language only, to choose that language's weights). Printed:
each split's choice, the left-out figures per language (what to expect of the procedure on
new queries) beside the lexical engine alone, and the weights to ship, the median of the choices of all
splits (a weight that only one split likes does not get in).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from helpcenter_quality import LANGUAGES, SETS, load, read_queries  # noqa: E402
from retour.helpcenter.domain.engine import Engine, Fusion  # noqa: E402
from retour.helpcenter.domain.semantic import default_embedder  # noqa: E402
from retour.helpcenter.domain.synonyms import DEFAULTS  # noqa: E402

GRID = [
    Fusion(article=a / 4, passage=p / 4) for a in range(9) for p in range(13)
]  # article 0 to 2, passage 0 to 3


def ranks(engine: Engine, signals: list[tuple[int, float, float, float]], fusion: Fusion) -> list[str]:
    return [engine.docs[row].slug for row, _score in engine.fuse(signals, fusion)[:10]]


def figures(rows: list[tuple[str, list[str]]]) -> tuple[float, float, float]:
    rr, p1, r3 = [], [], []
    for relevant, got in ((r, g) for r, g in rows):
        rank = next((i for i, slug in enumerate(got, 1) if slug in relevant), None)
        rr.append(1 / rank if rank else 0.0)
        p1.append(1.0 if rank == 1 else 0.0)
        r3.append(1.0 if rank and rank <= 3 else 0.0)
    n = len(rows) or 1
    return sum(rr) / n, sum(p1) / n, sum(r3) / n


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kb", default=str(ROOT / "src" / "retour" / "helpcenter" / "sample"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sets", default="tuning", help="the query sets to choose on, comma-separated (never a held-out one)"
    )
    parser.add_argument(
        "--language", choices=("all", *LANGUAGES), default="all", help="choose the weights of one language"
    )
    options = parser.parse_args()
    queries = [
        {**q, "id": f"{name}:{q['id']}"}
        for name in options.sets.split(",")
        for q in read_queries(SETS[name.strip()])
        if options.language in ("all", q["lang"])
    ]
    embedder = default_embedder()
    engines = {
        lang: Engine(load(Path(options.kb), lang), lang, DEFAULTS[lang], embedder=embedder)
        for lang in LANGUAGES
    }
    signals = {q["id"]: engines[q["lang"]].signals(q["query"]) for q in queries}
    # Every query's ranking under every weight pair, once.
    table = {
        (q["id"], fusion): (q["relevant"], ranks(engines[q["lang"]], signals[q["id"]], fusion))
        for q in queries
        for fusion in GRID
    }
    lexical = Fusion(0.0, 0.0)

    def mrr(ids: list[str], fusion: Fusion) -> float:
        return figures([table[(i, fusion)] for i in ids])[0]

    rng = random.Random(options.seed)
    chosen: list[Fusion] = []
    left_out: dict[str, list[tuple[list[str], list[str]]]] = {}
    baseline: dict[str, list[tuple[list[str], list[str]]]] = {}
    for repeat in range(options.repeats):
        folds: list[list[str]] = [[] for _ in range(options.folds)]
        for lang in LANGUAGES:
            ids = [q["id"] for q in queries if q["lang"] == lang]
            rng.shuffle(ids)
            for i, ident in enumerate(ids):
                folds[i % options.folds].append(ident)
        for k, fold in enumerate(folds):
            train = [i for j, other in enumerate(folds) if j != k for i in other]
            best = max(GRID, key=lambda f: (round(mrr(train, f), 6), -(f.article + f.passage)))
            chosen.append(best)
            print(f"repeat {repeat + 1}, fold {k + 1}: article {best.article}, passage {best.passage}")
            for q in queries:
                if q["id"] in fold:
                    left_out.setdefault(q["lang"], []).append(table[(q["id"], best)])
                    baseline.setdefault(q["lang"], []).append(table[(q["id"], lexical)])
    print()
    print("left-out folds (each query once per repeat)   MRR    P@1    R@3")
    for lang in [lang for lang in LANGUAGES if lang in left_out]:
        for label, rows in (
            ("fused, weights chosen on the other folds", left_out),
            ("lexical alone", baseline),
        ):
            m = figures(rows[lang])
            print(f"  {lang} {label:<42} {m[0]:.3f}  {m[1]:.3f}  {m[2]:.3f}")
    ship = Fusion(
        article=statistics.median(f.article for f in chosen),
        passage=statistics.median(f.passage for f in chosen),
    )
    ids = [q["id"] for q in queries]
    print()
    print(
        f"weights to ship (median of the {len(chosen)} choices): "
        f"article {ship.article}, passage {ship.passage}"
    )
    for lang in [lang for lang in LANGUAGES if lang in left_out]:
        mine = [q["id"] for q in queries if q["lang"] == lang]
        m = figures([table[(i, ship)] for i in mine])
        print(f"  on the whole tuning set, {lang}: MRR {m[0]:.3f}, P@1 {m[1]:.3f}, R@3 {m[2]:.3f}")
    print(f"  all: MRR {mrr(ids, ship):.3f}")
    print()
    print(
        "Reproduce with:\n  .venv/bin/python bench/helpcenter_fusion_cv.py "
        f"--folds {options.folds} --repeats {options.repeats} --seed {options.seed} "
        f"--language {options.language} --sets {options.sets}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
