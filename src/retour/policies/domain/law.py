"""The law of each country a store may sell to: one table, read by the legal floor, the templates, the
lint, the shopper's wording and docs/legal.md.

Each row says, for consumers living in that country, how long the statutory right of withdrawal lasts
and what it excludes, how long the legal guarantee of conformity covers a fault (with any category
rule), how long a fault is presumed to have been there at delivery (the burden of proof on the seller),
and any short-term right to reject a faulty item, each with the text it comes from. Countries the table
does not name have no such consumer law in Retour: seller-fault returns there follow the store's policy.

The guarantee periods are those of ``specs/policy-templates.md`` ("Legal guarantee period by country"):
the templates use them, and a store may set longer ones per country and category (a policy's
``legal_guarantee`` section), never shorter, except where the table itself allows a shorter count
(``guarantee_floor_days``: Scotland's five years for a store there, inside the UK's row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from retour.policies.domain.model import Condition, Text
from retour.policies.domain.vocabulary import EU_EEA

MAX_GUARANTEE_DAYS = 3653  # ten years: a longer period is a typo, not a promise
DEFAULT = "*"  # a period's key for every category without its own

DIRECTIVE_WITHDRAWAL = "Directive 2011/83/EU art. 9–16 (exceptions: art. 16)"
DIRECTIVE_GUARANTEE = "Directive (EU) 2019/771 art. 10(1): at least two years"
DIRECTIVE_PROOF = "Directive (EU) 2019/771 art. 11(1): one year (a state may keep two, art. 11(2))"
# What the right of withdrawal does not cover (Directive 2011/83/EU art. 16 (c), (d), (e), (i), (m); UK
# Consumer Contracts Regulations 2013 reg. 28), in the policy vocabulary of specs/policy-templates.md.
WITHDRAWAL_EXCEPTIONS = (
    "personalised",
    "grocery",
    "digital",
    "gift_cards",
    "beauty unless unopened",
    "media unless unopened",
    "software unless unopened",
)


GUARANTEE_OF_CONFORMITY = Text("the legal guarantee of conformity", "garantie légale de conformité")


@dataclass(frozen=True, slots=True)
class CountryLaw:
    """The consumer law of one country (``code``: ISO 3166-1 alpha-2)."""

    code: str
    withdrawal_basis: str  # eu_withdrawal or uk_cancellation
    withdrawal_source: str
    guarantee_days: int  # for every category without its own period
    guarantee_source: str
    proof_days: int  # a fault that shows within these days is presumed there at delivery
    proof_source: str
    withdrawal_days: int = 14
    guarantee_categories: Mapping[str, int] = field(default_factory=dict)  # longer periods by category
    guarantee_floor_days: int | None = None  # the shortest a store may set, when below guarantee_days
    reject_days: int = 0  # short-term right to reject a faulty item for a full refund (0: none)
    reject_source: str = ""
    expected_life: bool = False  # the law follows the product's expected life: set periods per category
    right: Text = field(default_factory=lambda: GUARANTEE_OF_CONFORMITY)

    def guarantee_for(self, category: str) -> int:
        return self.guarantee_categories.get(category, self.guarantee_days)

    @property
    def shortest_allowed(self) -> int:
        return self.guarantee_floor_days if self.guarantee_floor_days is not None else self.guarantee_days


def _eu(code: str, **changes: object) -> CountryLaw:
    row = CountryLaw(
        code=code,
        withdrawal_basis="eu_withdrawal",
        withdrawal_source=DIRECTIVE_WITHDRAWAL,
        guarantee_days=730,
        guarantee_source=DIRECTIVE_GUARANTEE,
        proof_days=365,
        proof_source=DIRECTIVE_PROOF,
    )
    return _replace(row, changes)


def _replace(row: CountryLaw, changes: Mapping[str, object]) -> CountryLaw:
    return replace(row, **changes)  # type: ignore[arg-type]


_DURABLE = {"electronics": 1826, "home": 1826}  # goods meant to last much longer than two years

_CHANGES: dict[str, dict[str, object]] = {
    "FR": {
        "proof_days": 730,
        "proof_source": "Code de la consommation L217-7: 24 months for new goods",
        "guarantee_source": "Code de la consommation L217-3 and L217-7 (Directive (EU) 2019/771 art. 10)",
    },
    "ES": {
        "proof_days": 730,
        "proof_source": "Real Decreto Legislativo 1/2007 art. 121 (as amended by Real Decreto-ley 7/2021): "
        "two years",
    },
    "PT": {
        "proof_days": 730,
        "proof_source": "Decreto-Lei 84/2021 art. 13(1)",
    },
    "SE": {
        "guarantee_days": 1095,
        "guarantee_source": "Konsumentköplagen (2022:260) ch. 5 § 2: three years to complain",
        "proof_days": 730,
        "proof_source": "Konsumentköplagen (2022:260) ch. 4 § 7: two years",
    },
    "IE": {
        "guarantee_days": 2191,
        "guarantee_source": "Statute of Limitations 1957 s. 11(1)(a): six years (Consumer Rights Act 2022)",
        "proof_source": "Consumer Rights Act 2022 s. 22(1): twelve months",
        "right": Text(
            "the Consumer Rights Act 2022",
            "Consumer Rights Act 2022 (loi irlandaise sur les droits des consommateurs)",
        ),
    },
    "NO": {
        "guarantee_categories": _DURABLE,
        "guarantee_source": "Forbrukerkjøpsloven § 27: two years, five for goods meant to last much longer",
        "proof_days": 730,
        "proof_source": "Forbrukerkjøpsloven § 18(2) as amended by Prop. 49 LS (2022–2023), in force "
        "1 January 2024: two years",
    },
    "IS": {
        "guarantee_categories": _DURABLE,
        "guarantee_source": "Lög um neytendakaup nr. 48/2003 art. 27: two years, five for goods meant to "
        "last much longer",
    },
    "NL": {
        "expected_life": True,
        "guarantee_source": "Burgerlijk Wetboek 7:17 and 7:23: as long as the product may be expected "
        "to last (notice within two months of finding the fault, claim within two years of the notice)",
    },
    "FI": {
        "expected_life": True,
        "guarantee_source": "Kuluttajansuojalaki ch. 5 § 12 and § 16: as long as the product may be "
        "expected to last",
    },
}

COUNTRIES: dict[str, CountryLaw] = {code: _eu(code, **_CHANGES.get(code, {})) for code in sorted(EU_EEA)}
COUNTRIES["GB"] = CountryLaw(
    code="GB",
    withdrawal_basis="uk_cancellation",
    withdrawal_source="Consumer Contracts (Information, Cancellation and Additional Charges) "
    "Regulations 2013 reg. 29–30 (exceptions: reg. 28)",
    guarantee_days=2191,
    guarantee_source="Consumer Rights Act 2015 with the Limitation Act 1980 s. 5: six years (five in "
    "Scotland: Prescription and Limitation (Scotland) Act 1973 s. 6)",
    guarantee_floor_days=1826,
    proof_days=182,
    proof_source="Consumer Rights Act 2015 s. 19(14)–(15): six months",
    reject_days=30,
    reject_source="Consumer Rights Act 2015 s. 22: the short-term right to reject",
    right=Text(
        "the Consumer Rights Act 2015",
        "Consumer Rights Act 2015 (loi britannique sur les droits des consommateurs)",
    ),
)


def law_of(country: str) -> CountryLaw | None:
    return COUNTRIES.get(country.upper())


# A store's own periods: (country, category or DEFAULT, days), as a policy's ``legal_guarantee`` section
# gives them. A tuple, so that a floor made with them can be cached.
Periods = tuple[tuple[str, str, int], ...]


def guarantee_days(country: str, category: str, periods: Periods = ()) -> int | None:
    """Days after delivery the legal guarantee covers a fault for a consumer in ``country`` (None: no
    legal guarantee there), the store's own period first."""
    law = law_of(country)
    if law is None:
        return None
    mine = {(c, k): d for c, k, d in periods if c == law.code}
    return mine.get((law.code, category)) or mine.get((law.code, DEFAULT)) or law.guarantee_for(category)


def too_short(country: str, category: str, days: int) -> int | None:
    """The shortest period the law allows, when ``days`` is below it (None: ``days`` may be set)."""
    law = law_of(country)
    if law is None:
        return None
    least = law.shortest_allowed if category == DEFAULT else law.guarantee_for(category)
    if category != DEFAULT and law.guarantee_floor_days is not None:
        least = min(least, law.guarantee_floor_days)
    return least if days < least else None


def guarantee_condition(periods: Periods = ()) -> Condition:
    """ "Within the legal guarantee" as a policy condition over the country, category and days since
    delivery: countries that share the default period are named by region, so that the condition (and
    what the lint and the simulator draw from it) stays small."""
    shapes: dict[tuple[int, tuple[tuple[str, int], ...]], set[str]] = {}
    for code, law in COUNTRIES.items():
        categories = dict(law.guarantee_categories)
        default = law.guarantee_days
        for country, category, days in periods:
            if country != code:
                continue
            if category == DEFAULT:
                default = days
            else:
                categories[category] = days
        key = (default, tuple(sorted((c, d) for c, d in categories.items() if d != default)))
        shapes.setdefault(key, set()).add(code)
    usual = max(shapes, key=lambda key: (len(shapes[key]), not key[1]))
    branches: list[Condition] = []
    named: set[str] = set()
    for shape, codes in sorted(shapes.items(), key=lambda item: sorted(item[1])):
        if shape == usual:
            continue
        named |= codes
        branches.extend(_shape_branches(("in", "country", frozenset(codes)), *shape))
    usual_where: Condition = ("in", "region", frozenset({"eu", "gb"}))
    if named:
        usual_where = ("all", (usual_where, ("not", ("in", "country", frozenset(named)))))
    branches.extend(_shape_branches(usual_where, *usual))
    return branches[0] if len(branches) == 1 else ("any", tuple(branches))


def _shape_branches(
    where: Condition, default: int, categories: tuple[tuple[str, int], ...]
) -> list[Condition]:
    by_days: dict[int, set[str]] = {}
    for category, days in categories:
        by_days.setdefault(days, set()).add(category)
    branches: list[Condition] = [
        ("all", (where, ("in", "category", frozenset(names)), ("range", "days_since_delivery", None, days)))
        for days, names in sorted(by_days.items())
    ]
    special = frozenset(name for name, _days in categories)
    rest: tuple[Condition, ...] = (where,)
    if special:
        rest += (("not", ("in", "category", special)),)
    branches.append(("all", (*rest, ("range", "days_since_delivery", None, default))))
    return branches


def reject_condition() -> Condition:
    """ "Within a short-term right to reject" (the UK's 30 days) as a policy condition."""
    branches: list[Condition] = [
        (
            "all",
            (
                ("in", "country", frozenset({law.code})),
                ("range", "days_since_delivery", None, law.reject_days),
            ),
        )
        for law in COUNTRIES.values()
        if law.reject_days
    ]
    return branches[0] if len(branches) == 1 else ("any", tuple(branches))


def expected_life_unset(countries: Iterable[str], periods: Periods) -> list[str]:
    """Countries among ``countries`` whose law follows the product's expected life and for which the
    store has set no period of its own by category: the lint tells the store to set them."""
    set_for = {country for country, category, _days in periods if category != DEFAULT}
    return sorted(
        {
            law.code
            for country in countries
            if (law := law_of(country)) is not None and law.expected_life and law.code not in set_for
        }
    )


def years(days: int) -> int:
    """A period of days as the whole years it stands for (730 → 2, 2191 → 6)."""
    return round(days / 365.25)


GUARANTEE_WORDS = Text(
    "Under {right}, a fault is covered for {years} years after delivery",
    "{Right} : {years} ans",
)


def guarantee_words(country: str, category: str, periods: Periods = ()) -> Text:
    """The right that covers a fault, named in the shopper's terms and country, in English and French
    ("Under the Consumer Rights Act 2015, a fault is covered for 6 years after delivery",
    "Garantie légale de conformité : 2 ans")."""
    law = law_of(country)
    days = guarantee_days(country, category, periods)
    if law is None or days is None:
        return Text("", "")
    count = years(days)
    fr_right = law.right.fr
    return Text(
        GUARANTEE_WORDS.en.format(right=law.right.en, years=count),
        GUARANTEE_WORDS.fr.format(Right=fr_right[:1].upper() + fr_right[1:], years=count),
    )


LAW_PLACEHOLDER = "{guarantee}"


def mentions_law(text: Text | None) -> bool:
    return text is not None and (LAW_PLACEHOLDER in text.en or LAW_PLACEHOLDER in text.fr)


class LawTexts:
    """Explanations with ``{guarantee}`` filled in for a shopper's country and category (the other
    placeholders left for the decision), made once per text, country and category."""

    def __init__(self, periods: Periods = ()) -> None:
        self.periods = periods
        self.made: dict[tuple[int, str, str], Text] = {}
        self.kept: dict[int, Text] = {}

    def __call__(self, text: Text, country: str, category: str) -> Text:
        key = (id(text), country, category)
        found = self.made.get(key)
        if found is None:
            self.kept[id(text)] = text  # keeps id(text) from being reused while it is a key
            words = guarantee_words(country, category, self.periods)
            found = self.made[key] = Text(
                text.en.replace(LAW_PLACEHOLDER, _braces(words.en)),
                text.fr.replace(LAW_PLACEHOLDER, _braces(words.fr)),
            )
        return found


def _braces(words: str) -> str:
    return words.replace("{", "{{").replace("}", "}}")


def markdown_table() -> str:
    """The table as docs/legal.md shows it (a test keeps the page and this module the same)."""
    lines = [
        "| country | withdrawal | guarantee (days) | by category | a store may set | presumption (days) "
        "| right to reject | guarantee source | presumption source |",
        "|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    for code, row in sorted(COUNTRIES.items()):
        categories = ", ".join(f"{name} {days}" for name, days in sorted(row.guarantee_categories.items()))
        if row.expected_life:
            categories = "expected life: set by the store"
        least = f"≥ {row.shortest_allowed}"
        reject = f"{row.reject_days} days" if row.reject_days else ""
        lines.append(
            f"| {code} | {row.withdrawal_days} days ({row.withdrawal_basis}) | {row.guarantee_days} "
            f"| {categories} | {least} | {row.proof_days} | {reject} | {row.guarantee_source} "
            f"| {row.proof_source} |"
        )
    return "\n".join(lines) + "\n"
