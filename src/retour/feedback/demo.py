"""The demo store's survey answers: most shoppers whose return closed answer (as the services take an
answer), in their order's language, so that the feedback page has something to show after ``make run``.

``answer_surveys(store, seed=...)`` answers three surveys in four, always the same ones for a seed, and
leaves answered ones alone (running the demo again adds nothing twice).
"""

from __future__ import annotations

import random

from retour.catalog.models import Store
from retour.feedback import services
from retour.feedback.models import Survey, SurveyAnswer

# What shoppers write (their words, not the interface's: not translated).
COMMENTS = {
    "fr": [
        "Retour simple et remboursement rapide, merci.",
        "La taille était trop petite, l’échange s’est bien passé.",
        "Un peu long à être remboursé.",
        "",
    ],
    "en": [
        "Easy return and a quick refund, thank you.",
        "The size ran small; the exchange went well.",
        "The refund took a while.",
        "",
    ],
}
SCORES = (5, 5, 4, 4, 4, 3, 2)


def answer_surveys(store: Store, *, seed: int = 1) -> int:
    """Answer the demo's surveys not answered yet; how many were answered."""
    rng = random.Random(seed)  # noqa: S311 -- a repeatable demo, not a secret
    answered = 0
    for survey in Survey.objects.filter(store=store).select_related("ret").order_by("pk"):
        draws = (rng.random(), rng.choice(SCORES), rng.random(), rng.randrange(4))
        if draws[0] < 0.25 or SurveyAnswer.objects.filter(survey=survey).exists():
            continue
        comment = COMMENTS.get(survey.language, COMMENTS["en"])[draws[3]]
        services.answer(survey, draws[1], draws[2] < 0.8, comment, channel=SurveyAnswer.Channel.EMAIL)
        answered += 1
    return answered
