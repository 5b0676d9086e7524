"""The abuse scoring measured on planted histories: precision, recall and honest shoppers sent to review,
per seed and over several seeds, with the weights as shipped and after staff verdicts re-weigh them.

    .venv/bin/python bench/abuse_evaluation.py                       # seeds 1-10, 2,000 shoppers each
    .venv/bin/python bench/abuse_evaluation.py --seeds 1-3 --shoppers 500

The re-weighed run is fair: verdicts are taken from one seed's history (staff judging what was sent to
review, and a sample of what was not) and the weights they give are measured on the other seeds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from retour.abuse.domain import planted, signals


def _seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def _verdicts(seed: int, shoppers: int) -> list[signals.Verdict]:
    """Staff's verdicts on one history: every return sent to review, and one in ten of the others that fired a
    signal (spot checks), each judged right."""
    pick = random.Random(seed)
    verdicts = []
    for case in planted.plant(seed, shoppers):
        found = signals.assess(case.evidence)
        if found.fired and (found.review or pick.random() < 0.1):
            verdicts.append(signals.Verdict(frozenset(f.code for f in found.fired), case.abusive))
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--shoppers", type=int, default=2000)
    parser.add_argument("--train-seed", type=int, default=1000)
    options = parser.parse_args()
    weights = signals.reweigh(_verdicts(options.train_seed, options.shoppers * 5))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; shoppers per seed: {options.shoppers}")
    print(f"re-weighed from seed {options.train_seed}'s verdicts: {weights}")
    print("| seed | precision | recall | honest sent to review | re-weighed precision | recall | honest |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for seed in _seeds(options.seeds):
        history = planted.plant(seed, options.shoppers)
        base, tuned = planted.evaluate(history), planted.evaluate(history, weights)
        rows.append((base, tuned))
        print(
            f"| {seed} | {base['precision']:.3f} | {base['recall']:.3f} | {base['honest_review_rate']:.2%} "
            f"| {tuned['precision']:.3f} | {tuned['recall']:.3f} | {tuned['honest_review_rate']:.2%} |"
        )
    for name, index in (("shipped weights", 0), ("re-weighed", 1)):
        precision = [row[index]["precision"] for row in rows]
        recall = [row[index]["recall"] for row in rows]
        honest = [row[index]["honest_review_rate"] for row in rows]
        print(
            f"{name}: precision mean {statistics.mean(precision):.3f} (min {min(precision):.3f}), "
            f"recall mean {statistics.mean(recall):.3f} (min {min(recall):.3f}), "
            f"honest review mean {statistics.mean(honest):.2%} (max {max(honest):.2%})"
        )
    command = ".venv/bin/python bench/abuse_evaluation.py"
    print(f"command: {command} --seeds {options.seeds} --shoppers {options.shoppers}")


if __name__ == "__main__":
    main()
