"""What the evaluation contracts' cases share (``retour policy evaluate``, ``retour claims evaluate``; the
commands' side is ``core.contract``): the error of a malformed case, and the case's id echoed back.
Standard library only: the domains' case parsers raise and read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CaseError(ValueError):
    """The case is malformed; ``message`` says every way in which, separated by "; "."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or (message,)


def case_id(case: Any) -> Any:
    """The case's ``id`` as given, or ``None`` when there is none to echo back."""
    if isinstance(case, Mapping):
        value = case.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool):
            return value
    return None
