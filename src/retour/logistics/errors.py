"""What logistics refuses, each with a stable code for the API."""

from __future__ import annotations

from retour.core.errors import DomainError


class NoLabel(DomainError):
    """The return has no label to print: not approved yet, sent back another way, or closed before."""

    code = "no_label"
    status = 409
