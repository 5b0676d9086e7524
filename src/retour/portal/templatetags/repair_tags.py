"""The repairs of a return, one line each on its status page: state, next step and its expected date,
the deadline (``{% repair_lines ret %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from retour.repairs import queries
from retour.returns.models import Return

register = template.Library()


@register.inclusion_tag("portal/_repair_lines.html")
def repair_lines(ret: Return) -> dict[str, Any]:
    return {"journeys": [queries.journey(repair) for repair in queries.for_return(ret)]}
