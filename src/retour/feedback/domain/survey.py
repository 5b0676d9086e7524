"""The shopper's survey after a return closes: what an answer is, and when one may be given.

Pure: the services read the survey and the return, ask here, and save. Messages are gettext_lazy-free
codes; the services word them (translated) for the shopper.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SATISFACTION = range(1, 6)  # 1 (very unhappy) … 5 (very happy)
COMMENT_MAX = 2000

# Why an answer is refused (stable codes).
NOT_CLOSED = "not_closed"  # the return is still being handled: its outcome is not known yet
ANSWERED = "answered"  # one answer per return: the first one stands
SATISFACTION_MISSING = "satisfaction_missing"
SATISFACTION_OUT_OF_RANGE = "satisfaction_out_of_range"
BUY_AGAIN_MISSING = "buy_again_missing"
COMMENT_TOO_LONG = "comment_too_long"

_YES = frozenset({"yes", "true", "1", "oui", "on"})
_NO = frozenset({"no", "false", "0", "non", "off"})
# Control characters a form or an API client might send (tabs and newlines are kept in a comment).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Answer:
    satisfaction: int
    would_buy_again: bool
    comment: str


@dataclass(frozen=True)
class Checked:
    """An answer when it is valid, else each field's error code (field -> code)."""

    answer: Answer | None
    errors: dict[str, str]


def may_answer(*, closed: bool, answered: bool) -> tuple[bool, str]:
    """Whether the survey of a return may be answered now, and why not: only once the return is closed
    (its outcome is what the shopper judges), and only once."""
    if answered:
        return False, ANSWERED
    if not closed:
        return False, NOT_CLOSED
    return True, ""


def check_answer(satisfaction: object, would_buy_again: object, comment: object) -> Checked:
    """An answer from what a form or an API client sent: satisfaction a whole number from 1 to 5, "would
    buy again" yes or no (booleans or the words of both languages), a comment of at most
    ``COMMENT_MAX`` characters (control characters dropped, blank allowed)."""
    errors: dict[str, str] = {}
    score = _score(satisfaction)
    if score is None:
        missing = satisfaction is None or (isinstance(satisfaction, str) and not satisfaction.strip())
        errors["satisfaction"] = SATISFACTION_MISSING if missing else SATISFACTION_OUT_OF_RANGE
    again = _yes_no(would_buy_again)
    if again is None:
        errors["would_buy_again"] = BUY_AGAIN_MISSING
    text = clean_comment(comment)
    if len(text) > COMMENT_MAX:
        errors["comment"] = COMMENT_TOO_LONG
    if errors or score is None or again is None:
        return Checked(None, errors)
    return Checked(Answer(score, again, text), {})


def clean_comment(comment: object) -> str:
    if comment is None:
        return ""
    text = unicodedata.normalize("NFC", str(comment))
    return _CONTROL.sub("", text).strip()


def _score(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if number in SATISFACTION else None


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    return None


def normalised_email(email: str) -> str:
    """The address an opt-out is kept under: trimmed, lower case (one opt-out whatever the spelling)."""
    return email.strip().lower()
