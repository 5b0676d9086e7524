"""What the survey's form says of each score, in the shopper's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

SCORES = (
    ("1", _("very unhappy")),
    ("2", _("unhappy")),
    ("3", _("neither happy nor unhappy")),
    ("4", _("happy")),
    ("5", _("very happy")),
)


def form_context(**extra: Any) -> dict[str, Any]:
    """What ``feedback/_form.html`` needs, with ``extra`` (``survey``, ``next``, ``errors``…)."""
    return {"scores": [(score, str(word)) for score, word in SCORES], **extra}
