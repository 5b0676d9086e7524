"""What if: replay a store's past return requests under a draft policy, and compare with the active one.

``simulate(store, draft, since=...)`` reads the facts stored with each request-stage decision made under
the store's own policy since ``since``, decides them again under the draft and under the active version
(both with the legal floor), and reports approvals, money per currency, store credit, how many outcomes
change, and the rules behind the changes with example requests.

A million requests take seconds because most of them are not decided at all. A decision depends on a
few facts only, and on the numbers of days only through the thresholds the policies compare them with:
a request 3 days after delivery and one 9 days after are decided alike when every rule says "at most 14
days". So the requests are streamed as plain tuples (no model instances, no Django conversions), grouped
by exactly what the three policies (draft, active, floor) can see, and each group is decided once, from
the facts of one of its requests. ``aggregate`` then sums the groups; it is pure, and tested alone.

Three modules, one concern each: ``policies.domain.simulation`` (the pure aggregation and report),
``policies.simulation_queries`` (the SQL that streams and groups the requests) and
``policies.simulation_wording`` (periods and sentences for staff). This module names them together for
the command, the back office and the benchmark.
"""

from __future__ import annotations

from retour.policies.domain.simulation import (
    EXAMPLES,
    TOP_RULES,
    Changes,
    Example,
    Recorded,
    Replay,
    RuleChange,
    Side,
    Sight,
    SimulationReport,
    Totals,
    aggregate,
    conditions,
    offers_store_credit,
    outcome_changed,
    sight,
)
from retour.policies.simulation_queries import CHUNK, RECORDED, replayed, simulate
from retour.policies.simulation_wording import (
    MAX_DAYS,
    BadPeriod,
    Row,
    changes_sentence,
    day,
    decision_words,
    example_sentence,
    locale_now,
    money,
    number,
    parse_since,
    period_sentence,
    request_words,
    share,
    summary_rows,
)

__all__ = [
    "CHUNK",
    "EXAMPLES",
    "MAX_DAYS",
    "RECORDED",
    "TOP_RULES",
    "BadPeriod",
    "Changes",
    "Example",
    "Recorded",
    "Replay",
    "Row",
    "RuleChange",
    "Side",
    "Sight",
    "SimulationReport",
    "Totals",
    "aggregate",
    "changes_sentence",
    "conditions",
    "day",
    "decision_words",
    "example_sentence",
    "locale_now",
    "money",
    "number",
    "offers_store_credit",
    "outcome_changed",
    "parse_since",
    "period_sentence",
    "replayed",
    "request_words",
    "share",
    "sight",
    "simulate",
    "summary_rows",
]
