"""Read a policy document (YAML) into a ``Policy``, reporting every problem with its line and field.

Only the standard library, PyYAML (a parser, no I/O) and ``core`` are used. Messages are English
with ``%(name)s`` placeholders, marked with ``gettext_noop`` so that ``makemessages`` extracts them,
and translated at the edge (``policies.services``).

YAML anchors, aliases and merge keys (``<<: *anchor``) are allowed, as the templates use them, but a
document may expand to at most ``MAX_NODES`` values and nest ``MAX_DEPTH`` deep: a few hundred bytes of
aliases of aliases ("billion laughs") would otherwise expand to billions. Once the document reads
without problems, ``analysis.check`` looks for impossible conditions and unreachable rules (errors) and
for what is worth a warning (``Policy.warnings``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from retour.core.money import is_currency, minor_units
from retour.policies.domain import analysis, law
from retour.policies.domain.model import (
    ALWAYS,
    Adjustment,
    Condition,
    Extension,
    Fee,
    Outcome,
    Override,
    Policy,
    Problem,
    ReturnWindow,
    Rule,
    Text,
    gettext_noop,
)
from retour.policies.domain.vocabulary import (
    APPROVALS,
    CONDITIONS,
    LEGAL_BASES,
    REASONS,
    REGIONS,
    RESOLUTIONS,
    RETURN_METHODS,
    STAGES,
)

FORMAT = "retour-policy/1"
MAX_SIZE = 256 * 1024
MAX_NODES = 10_000  # values a document may expand to, aliases and merges included
MAX_DEPTH = 64
MERGE = "tag:yaml.org,2002:merge"
TEXT_FACTS = {
    "category": None,
    "condition": CONDITIONS,
    "reason": REASONS,
    "country": None,
    "currency": None,
    "seller": None,
    "payment_method": None,
    "segment": None,
    "customer_segment": None,
    "region": REGIONS,
    "stage": STAGES,
}
BOOL_FACTS = {"delivered", "seller_fault", "is_gift", "member", "final_sale", "personalised"}
NUMBER_FACTS = {
    "days_since_delivery",
    "days_since_order",
    "days_past_return_by",
    "quantity",
    "returns_last_365d",
    "orders_365d",
}
# Decimal numbers: amounts, and the customer's return rate (a percentage).
AMOUNT_FACTS = {"unit_price", "line_total", "net_spend_365d", "return_rate_365d"}
DATE_FACTS = {"requested_on", "delivered_on", "ordered_on"}
# Conditions the law of the shopper's country defines (policies/domain/law.py), read as the country,
# category and days since delivery they stand for.
LAW_FACTS = {
    "within_legal_guarantee": law.guarantee_condition,
    "within_right_to_reject": lambda _periods: law.reject_condition(),
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DAY = re.compile(r"^(\d\d)-(\d\d)$")
# Days in each month; 29 February is refused (see ``_Reader.day``).
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

__all__ = ["PolicyInvalid", "Problem", "gettext_noop", "load"]


class _TooLarge(Exception):
    """The document expands to more values, or nests deeper, than allowed."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class PolicyInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {p.line}, {p.field}: {p.text()}" for p in problems))
        self.problems = problems


def load(text: str, *, saved: bool = False, periods: law.Periods = ()) -> Policy:
    """Parse and validate; raise ``PolicyInvalid`` with every problem found.

    ``saved``: the document is a version saved before the contradiction checks grew; what they find is
    kept as warnings, so that decisions under it go on as they did.
    ``periods``: legal guarantee periods that replace the document's own for the same country and
    category (a store's, given to the legal floor).
    """
    if len(text.encode()) > MAX_SIZE:
        raise PolicyInvalid(
            [
                Problem(
                    1,
                    "",
                    gettext_noop("the document is larger than %(size)d KB"),
                    (("size", MAX_SIZE // 1024),),
                )
            ]
        )
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise PolicyInvalid(
            [
                Problem(
                    1,
                    "",
                    gettext_noop("the document nests too deeply (at most %(depth)d levels)"),
                    (("depth", MAX_DEPTH),),
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(error, "problem", None) or error)
        raise PolicyInvalid(
            [Problem(line, "", gettext_noop("not valid YAML: %(problem)s"), (("problem", problem),))]
        ) from None
    if node is None:
        raise PolicyInvalid([Problem(1, "", gettext_noop("the document is empty"))])
    reader = _Reader(periods)
    try:
        data = reader.python(node, "", 0)
    except _TooLarge as error:
        raise PolicyInvalid([error.problem]) from None
    policy = reader.policy(data)
    if not reader.problems and policy is not None:
        policy = reader.analysed(policy, saved=saved)
    if reader.problems:
        raise PolicyInvalid(sorted(reader.problems, key=lambda p: p.line))
    assert policy is not None
    return policy


class _Reader:
    def __init__(self, periods: law.Periods = ()) -> None:
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.given = periods
        self.periods: law.Periods = periods

    # -- YAML nodes to plain values, remembering where each field is -----------------------------

    def count(self, node: yaml.Node, depth: int) -> None:
        """One more value read; past the limits, the whole document is refused at once."""
        self.nodes += 1
        line = node.start_mark.line + 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(
                Problem(
                    line,
                    "",
                    gettext_noop(
                        "the document expands to more than %(count)d values (YAML aliases repeat what they "
                        "point to): write it out, or use fewer aliases"
                    ),
                    (("count", MAX_NODES),),
                )
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(
                Problem(
                    line,
                    "",
                    gettext_noop("the document nests too deeply (at most %(depth)d levels)"),
                    (("depth", MAX_DEPTH),),
                )
            )

    def python(self, node: yaml.Node, path: str, depth: int) -> Any:
        self.count(node, depth)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            explicit = [str(key.value) for key, _value in node.value if key.tag != MERGE]
            result: dict[str, Any] = {}
            for key_node, value_node in self.pairs(node, path, depth):
                key = str(key_node.value)
                child = f"{path}.{key}" if path else key
                self.lines[child] = key_node.start_mark.line + 1
                result[key] = self.python(value_node, child, depth + 1)
            for key in {key for key in explicit if explicit.count(key) > 1}:
                self.error(f"{path}.{key}" if path else key, gettext_noop("the field is given twice"))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.python(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(node.value)]
        # Scalars stay text, typed by the field that reads them: "4.95" must not become a float, and
        # Norway's code NO must not become false (YAML 1.1 reads yes/no/on/off as booleans).
        value = node.value
        plain = getattr(node, "style", None) is None
        if plain and value in ("true", "false"):
            return value == "true"
        if plain and value in ("null", "~", ""):
            return None
        return value

    def pairs(self, node: yaml.MappingNode, path: str, depth: int) -> list[tuple[yaml.Node, yaml.Node]]:
        """The mapping's key and value nodes, merge keys (``<<: *anchor``) resolved: its own keys win,
        then the mappings merged, the first listed first. Every merged pair counts towards the limit."""
        own = [(key, value) for key, value in node.value if key.tag != MERGE]
        seen = {str(key.value) for key, _value in own}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key, value in node.value:
            if key.tag != MERGE:
                continue
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self.error(path, gettext_noop("a merge key (<<) takes a mapping or a list of mappings"))
                    continue
                for pair in self.pairs(source, path, depth + 1):
                    self.count(pair[0], depth)
                    name = str(pair[0].value)
                    if name not in seen:
                        seen.add(name)
                        merged.append(pair)
        return own + merged

    def error(self, path: str, message: str, **params: object) -> None:
        self.problems.append(self.problem(path, message, tuple(params.items())))

    def fields(
        self, data: Any, path: str, allowed: set[str], required: frozenset[str] | set[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(path, gettext_noop("expected a mapping of fields"))
            return {}
        for key in data:
            if key not in allowed:
                self.error(f"{path}.{key}" if path else key, gettext_noop("unknown field %(name)s"), name=key)
        for key in sorted(required - set(data)):
            self.error(path, gettext_noop("the field %(name)s is missing"), name=key)
        return data

    # -- the document ----------------------------------------------------------------------------

    def policy(self, data: Any) -> Policy | None:
        top = self.fields(
            data,
            "",
            {
                "format",
                "name",
                "title",
                "return_window",
                "fees",
                "store_credit_bonus_percent",
                "rules",
                "resolution_overrides",
                "fallback",
                "legal_guarantee",
            },
            {"format", "name", "rules"},
        )
        if not top:
            return None
        if top.get("format") not in (None, FORMAT):
            self.error("format", gettext_noop("the format must be %(format)s"), format=FORMAT)
        name = self.slug(top.get("name"), "name")
        own = self.guarantee_periods(top.get("legal_guarantee") or {}, "legal_guarantee")
        given = {(country, category) for country, category, _days in self.given}
        self.periods = tuple(sorted({*self.given, *(p for p in own if (p[0], p[1]) not in given)}))
        fees = self.fee_tables(top.get("fees") or {}, "fees")
        rules = self.rules(top.get("rules"), "rules", set(fees))
        return Policy(
            name=name,
            title=self.text(top.get("title"), "title") or Text(name, name),
            rules=rules,
            fees=fees,
            return_window=self.window(top.get("return_window"), "return_window"),
            store_credit_bonus_percent=self.integer(
                top.get("store_credit_bonus_percent", 0), "store_credit_bonus_percent", 0, 100
            ),
            resolution_overrides=self.overrides(
                top.get("resolution_overrides") or [], "resolution_overrides"
            ),
            fallback=self.text(top.get("fallback"), "fallback"),
            legal_guarantee=self.periods,
        )

    def guarantee_periods(self, data: Any, path: str) -> law.Periods:
        """A store's own legal guarantee periods: ``{GB: 1826, NL: {default: 730, electronics: 1826}}``,
        never shorter than the law's (specs/policy-templates.md, "Legal guarantee period by country")."""
        if not isinstance(data, dict):
            self.error(path, gettext_noop("expected a mapping of countries to days"))
            return ()
        periods: list[tuple[str, str, int]] = []
        for key, value in data.items():
            where = f"{path}.{key}"
            country = str(key).upper()
            if law.law_of(country) is None:
                self.error(
                    where,
                    gettext_noop("%(country)s has no legal guarantee in Retour's table of countries"),
                    country=key,
                )
                continue
            by_category = value if isinstance(value, dict) else {"default": value}
            for category, days in by_category.items():
                place = f"{where}.{category}" if isinstance(value, dict) else where
                name = law.DEFAULT if category == "default" else self.slug(category, place)
                count = self.integer(days, place, 1, law.MAX_GUARANTEE_DAYS)
                least = law.too_short(country, name, count)
                if least is not None:
                    self.error(
                        place,
                        gettext_noop(
                            "the law gives at least %(days)d days here: a store may set longer, never shorter"
                        ),
                        days=least,
                    )
                    continue
                periods.append((country, name, count))
        return tuple(periods)

    def rules(self, data: Any, path: str, fee_names: set[str]) -> tuple[Rule, ...]:
        if not isinstance(data, list) or not data:
            self.error(path, gettext_noop("expected a list of at least one rule"))
            return ()
        rules: list[Rule] = []
        seen: set[str] = set()
        for index, item in enumerate(data):
            where = f"{path}[{index}]"
            fields = self.fields(item, where, {"id", "when", "then", "adjust"}, {"id", "then"})
            if not fields:
                continue
            rule_id = self.slug(fields.get("id"), f"{where}.id")
            if rule_id in seen:
                self.error(f"{where}.id", gettext_noop("the rule id %(id)s is used twice"), id=rule_id)
            seen.add(rule_id)
            when = self.condition(fields.get("when"), f"{where}.when") if "when" in fields else ALWAYS
            outcome = self.outcome(fields.get("then"), f"{where}.then", fee_names)
            adjust = tuple(
                adjustment
                for j, raw in enumerate(fields.get("adjust") or [])
                if (adjustment := self.adjustment(raw, f"{where}.adjust[{j}]", outcome)) is not None
            )
            rules.append(Rule(rule_id, when, outcome, adjust))
        return tuple(rules)

    def outcome(self, data: Any, path: str, fee_names: set[str]) -> Outcome:
        fields = self.fields(
            data,
            path,
            {
                "eligible",
                "code",
                "refund_percent",
                "legal_basis",
                "resolutions",
                "fees",
                "keep_item_max",
                "approval",
                "photo_required",
                "return_methods",
                "explain",
                "explain_keep",
            },
            {"eligible", "code"},
        )
        eligible = self.boolean(fields.get("eligible", False), f"{path}.eligible")
        percent = self.integer(
            fields.get("refund_percent", 100 if eligible else 0), f"{path}.refund_percent", 0, 100
        )
        if not eligible and percent:
            self.error(
                f"{path}.refund_percent",
                gettext_noop("a line that is not eligible cannot have a refund percentage"),
            )
        legal_basis = fields.get("legal_basis")
        if legal_basis is not None and legal_basis not in LEGAL_BASES:
            self.error(
                f"{path}.legal_basis", gettext_noop("unknown legal basis %(value)s"), value=legal_basis
            )
        fees = tuple(
            self.words(
                fields.get("fees") or [], f"{path}.fees", fee_names, gettext_noop("unknown fee %(value)s")
            )
        )
        resolutions = tuple(
            self.words(
                fields.get("resolutions") or [],
                f"{path}.resolutions",
                set(RESOLUTIONS),
                gettext_noop("unknown resolution %(value)s"),
            )
        )
        if eligible and not resolutions:
            self.error(
                f"{path}.resolutions", gettext_noop("an eligible outcome must offer at least one resolution")
            )
        if not eligible and (resolutions or fees):
            self.error(
                path, gettext_noop("a line that is not eligible is offered no resolution and charged no fee")
            )
        if "explain_keep" in fields and "keep_item_max" not in fields:
            self.error(
                f"{path}.explain_keep",
                gettext_noop(
                    "explain_keep is the explanation of a returnless refund: give keep_item_max too"
                ),
            )
        approval = fields.get("approval", "auto")
        if approval not in APPROVALS:
            self.error(
                f"{path}.approval", gettext_noop("approval is auto or review, not %(value)s"), value=approval
            )
        return Outcome(
            eligible=eligible,
            code=self.slug(fields.get("code"), f"{path}.code"),
            refund_percent=percent,
            legal_basis=legal_basis,
            resolutions=resolutions,
            fees=fees,
            keep_item_max=self.amounts(fields["keep_item_max"], f"{path}.keep_item_max")
            if "keep_item_max" in fields
            else None,
            approval=str(approval),
            photo_required=self.boolean(fields.get("photo_required", False), f"{path}.photo_required"),
            return_methods=tuple(
                self.words(
                    fields.get("return_methods", ["label", "drop_off"]),
                    f"{path}.return_methods",
                    set(RETURN_METHODS),
                    gettext_noop("unknown return method %(value)s"),
                )
            ),
            explain=self.text(fields.get("explain"), f"{path}.explain"),
            explain_keep=self.text(fields.get("explain_keep"), f"{path}.explain_keep"),
        )

    def adjustment(self, data: Any, path: str, outcome: Outcome) -> Adjustment | None:
        fields = self.fields(
            data, path, {"when", "refund_percent", "code", "explain"}, {"when", "refund_percent"}
        )
        if not fields:
            return None
        if not outcome.eligible:
            self.error(path, gettext_noop("only an eligible outcome can be adjusted"))
        percent = self.integer(fields.get("refund_percent"), f"{path}.refund_percent", 0, 100)
        if percent > outcome.refund_percent:
            self.error(
                f"{path}.refund_percent", gettext_noop("an adjustment can only lower the refund percentage")
            )
        return Adjustment(
            when=self.condition(fields.get("when"), f"{path}.when"),
            refund_percent=percent,
            code=self.slug(fields["code"], f"{path}.code") if "code" in fields else None,
            explain=self.text(fields.get("explain"), f"{path}.explain"),
        )

    # -- conditions ------------------------------------------------------------------------------

    def condition(self, data: Any, path: str) -> Condition:
        if data is None or data == {}:
            return ALWAYS
        if not isinstance(data, dict):
            self.error(path, gettext_noop("a condition is a mapping of facts to values"))
            return ALWAYS
        parts: list[Condition] = []
        for key, value in data.items():
            where = f"{path}.{key}"
            if key in ("any", "all"):
                if not isinstance(value, list) or not value:
                    self.error(where, gettext_noop("expected a list of conditions"))
                    continue
                parts.append(
                    (key, tuple(self.condition(item, f"{where}[{i}]") for i, item in enumerate(value)))
                )
            elif key == "not":
                parts.append(("not", self.condition(value, where)))
            elif key in TEXT_FACTS:
                parts.append(self.text_condition(key, value, where))
            elif key in BOOL_FACTS:
                parts.append(("is", key, self.boolean(value, where)))
            elif key in NUMBER_FACTS or key in AMOUNT_FACTS:
                parts.append(self.range_condition(key, value, where))
            elif key in DATE_FACTS:
                parts.append(self.between_condition(key, value, where))
            elif key == "tags":
                parts.append(("tags", frozenset(self.strings(value, where))))
            elif key in LAW_FACTS:
                within = LAW_FACTS[key](self.periods)
                parts.append(within if self.boolean(value, where) else ("not", within))
            else:
                self.error(where, gettext_noop("unknown fact %(name)s"), name=key)
        return parts[0] if len(parts) == 1 else ("all", tuple(parts))

    def text_condition(self, fact: str, value: Any, path: str) -> Condition:
        negate = isinstance(value, dict) and set(value) == {"not"}
        values = set(self.strings(value["not"] if negate else value, path))
        known = TEXT_FACTS[fact]
        for item in sorted(values - known if known else set()):
            self.error(path, gettext_noop("unknown value %(value)s for %(fact)s"), fact=fact, value=item)
        if fact in ("country",):
            values = {item.upper() for item in values}
        condition: Condition = ("in", fact, frozenset(values))
        return ("not", condition) if negate else condition

    def range_condition(self, fact: str, value: Any, path: str) -> Condition:
        read = self.decimal if fact in AMOUNT_FACTS else self.whole
        if isinstance(value, dict):
            fields = self.fields(value, path, {"min", "max"})
            low = read(fields["min"], f"{path}.min") if "min" in fields else None
            high = read(fields["max"], f"{path}.max") if "max" in fields else None
            if low is None and high is None:
                self.error(path, gettext_noop("give min, max or both"))
            if low is not None and high is not None and low > high:
                self.error(
                    path, gettext_noop("contradictory: min %(low)s is above max %(high)s"), low=low, high=high
                )
            return ("range", fact, low, high)
        exact = read(value, path)
        return ("range", fact, exact, exact)

    def between_condition(self, fact: str, value: Any, path: str) -> Condition:
        fields = self.fields(value, path, {"between"}, {"between"})
        pair = fields.get("between")
        if not isinstance(pair, list) or len(pair) != 2:
            self.error(path, gettext_noop("between takes two days of the year, e.g. [11-01, 12-31]"))
            return ALWAYS
        return (
            "between",
            fact,
            self.day(pair[0], f"{path}.between[0]"),
            self.day(pair[1], f"{path}.between[1]"),
        )

    # -- values ----------------------------------------------------------------------------------

    def fee_tables(self, data: Any, path: str) -> dict[str, Fee]:
        tables: dict[str, Fee] = {}
        if not isinstance(data, dict):
            self.error(path, gettext_noop("expected a mapping of fee names to fee tables"))
            return tables
        for name, raw in data.items():
            where = f"{path}.{name}"
            fields = self.fields(raw, where, {"amounts", "waived_when"}, {"amounts"})
            tables[self.slug(name, where)] = Fee(
                name=name,
                amounts=self.amounts(fields.get("amounts"), f"{where}.amounts"),
                waived_when=self.condition(fields["waived_when"], f"{where}.waived_when")
                if "waived_when" in fields
                else None,
            )
        return tables

    def amounts(self, data: Any, path: str) -> dict[str, Decimal]:
        if not isinstance(data, dict) or not data:
            self.error(path, gettext_noop('expected amounts by currency, e.g. {EUR: "4.95"}'))
            return {}
        result = {}
        for currency, raw in data.items():
            where = f"{path}.{currency}"
            if not is_currency(str(currency)):
                self.error(where, gettext_noop("%(value)s is not an ISO 4217 currency code"), value=currency)
                continue
            amount = self.decimal(raw, where)
            if amount is not None and amount != amount.quantize(Decimal(1).scaleb(-minor_units(currency))):
                self.error(
                    where,
                    gettext_noop("%(value)s has more decimals than %(currency)s allows"),
                    value=raw,
                    currency=currency,
                )
            if amount is not None:
                result[str(currency)] = amount
        return result

    def window(self, data: Any, path: str) -> ReturnWindow:
        if data is None:
            return ReturnWindow(days=30)
        fields = self.fields(data, path, {"days", "extensions"}, {"days"})
        extensions = []
        for index, raw in enumerate(fields.get("extensions") or []):
            where = f"{path}.extensions[{index}]"
            ext = self.fields(raw, where, {"delivered_between", "until"}, {"delivered_between", "until"})
            pair = ext.get("delivered_between")
            if not isinstance(pair, list) or len(pair) != 2:
                self.error(
                    f"{where}.delivered_between",
                    gettext_noop("expected two days of the year, e.g. [11-01, 12-31]"),
                )
                continue
            extension = Extension(
                self.day(pair[0], f"{where}.delivered_between[0]"),
                self.day(pair[1], f"{where}.delivered_between[1]"),
                self.day(ext.get("until"), f"{where}.until"),
            )
            start, end, until = extension.delivered_from, extension.delivered_to, extension.until
            inside = start <= until <= end if start <= end else (until >= start or until <= end)
            if inside and until != end:
                # The return-by day is the first `until` on or after the delivery: items delivered
                # after it in the period would be returnable until the next year's.
                self.error(
                    f"{where}.until",
                    gettext_noop(
                        "%(until)s falls inside the delivery period it extends: choose a later day, or "
                        "the period's last day"
                    ),
                    until=ext.get("until"),
                )
            extensions.append(extension)
        return ReturnWindow(self.integer(fields.get("days"), f"{path}.days", 0, 3650), tuple(extensions))

    def overrides(self, data: Any, path: str) -> tuple[Override, ...]:
        if not isinstance(data, list):
            self.error(path, gettext_noop("expected a list"))
            return ()
        result = []
        for index, raw in enumerate(data):
            where = f"{path}[{index}]"
            fields = self.fields(raw, where, {"when", "resolutions"}, {"when", "resolutions"})
            if fields:
                result.append(
                    Override(
                        self.condition(fields.get("when"), f"{where}.when"),
                        tuple(
                            self.words(
                                fields.get("resolutions"),
                                f"{where}.resolutions",
                                set(RESOLUTIONS),
                                gettext_noop("unknown resolution %(value)s"),
                            )
                        ),
                    )
                )
        return tuple(result)

    def text(self, data: Any, path: str) -> Text | None:
        if data is None:
            return None
        fields = self.fields(data, path, {"en", "fr"}, {"en", "fr"})
        en, fr = fields.get("en"), fields.get("fr")
        if not isinstance(en, str) or not isinstance(fr, str):
            return None
        for language, sentence in (("en", en), ("fr", fr)):
            for name in re.findall(r"\{(\w*)\}", sentence):
                if name not in PLACEHOLDERS:
                    self.error(
                        f"{path}.{language}", gettext_noop("unknown placeholder {%(name)s}"), name=name
                    )
        return Text(en, fr)

    def words(self, data: Any, path: str, allowed: set[str], unknown: str) -> list[str]:
        """The words listed at ``path``; ``unknown`` is the problem for a word not ``allowed``."""
        values = self.strings(data, path) if data != [] else []
        for value in values:
            if value not in allowed:
                self.error(path, unknown, value=value)
        if len(set(values)) != len(values):
            self.error(path, gettext_noop("a value is listed twice"))
        return values

    def strings(self, data: Any, path: str) -> list[str]:
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(item, str) and item for item in items):
            self.error(path, gettext_noop("expected a word or a list of words"))
            return []
        return [str(item) for item in items]

    def slug(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not _SLUG.match(value):
            self.error(path, gettext_noop("expected a short name of lower-case letters, digits, - or _"))
            return str(value)
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.error(path, gettext_noop("expected true or false"))
            return False
        return value

    def integer(self, value: Any, path: str, low: int, high: int) -> int:
        number = self.whole(value, path)
        if number is None:
            return low
        if not low <= number <= high:
            self.error(
                path, gettext_noop("expected a whole number from %(low)d to %(high)d"), low=low, high=high
            )
        return number

    def whole(self, value: Any, path: str) -> int | None:
        try:
            return int(str(value))
        except ValueError:
            self.error(path, gettext_noop("expected a whole number, not %(value)s"), value=value)
            return None

    def decimal(self, value: Any, path: str) -> Decimal | None:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0:
            self.error(path, gettext_noop('expected an amount such as "4.95", not %(value)s'), value=value)
            return None
        return number

    def day(self, value: Any, path: str) -> tuple[int, int]:
        """A day of the year; 29 February is refused, as most years have none: a period or a return-by
        day on it would mean a different thing three years in four."""
        match = _DAY.match(str(value))
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            if (month, day) == (2, 29):
                self.error(path, gettext_noop("02-29 is not a day of every year: use 02-28 or 03-01"))
                return (2, 28)
            if 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]:
                return (month, day)
            if 1 <= month <= 12 and 1 <= day <= 31:
                self.error(path, gettext_noop("there is no day %(value)s in the year"), value=value)
                return (1, 1)
        self.error(path, gettext_noop("expected a day of the year as MM-DD, not %(value)s"), value=value)
        return (1, 1)

    # -- contradictions and unreachable rules ----------------------------------------------------

    def analysed(self, policy: Policy, *, saved: bool = False) -> Policy:
        """The policy with the analysis's warnings; its errors are added to the problems."""
        warnings = []
        for note in analysis.check(policy):
            if note.error and not saved:
                self.error(note.path, note.message, **dict(note.params))
            else:
                warnings.append(self.problem(note.path, note.message, note.params))
        return replace(policy, warnings=tuple(sorted(warnings, key=lambda p: p.line)))

    def problem(self, path: str, message: str, params: tuple[tuple[str, object], ...]) -> Problem:
        line = self.lines.get(path)
        parent = path
        while line is None and parent:
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
            line = self.lines.get(parent)
        return Problem(line or 1, path, message, params)


PLACEHOLDERS = {"percent", "refund", "fee", "days", "return_by", "item", "guarantee"}
