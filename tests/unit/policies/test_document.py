"""Reading a policy document: what is refused at load (with its line and field), and what is warned of.

Contradictions and unreachable rules are found by ``analysis.check`` over the facts' vocabularies; YAML
aliases may not expand a small document into a huge one.
"""

from __future__ import annotations

import pytest

from retour.policies import services
from retour.policies.domain import document
from retour.policies.domain.document import PolicyInvalid

pytestmark = pytest.mark.unit

HEAD = "format: retour-policy/1\nname: test\n"
STANDARD = """\
  - id: standard
    then: {eligible: true, code: standard, refund_percent: 100, resolutions: [refund]}
"""


def problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(PolicyInvalid) as error:
        document.load(text)
    return [(p.line, p.field, p.text()) for p in error.value.problems]


def rules(*lines: str) -> str:
    return HEAD + "rules:\n" + "".join(lines)


# -- YAML -----------------------------------------------------------------------------------------------

BOMB = """\
format: retour-policy/1
name: bomb
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
rules: *i
"""
# The same with merge keys: each level merges the one below twice.
MERGE_BOMB = (
    "format: retour-policy/1\nname: merges\n"
    + "".join(
        f"k{n}: &k{n} {{<<: [*k{n - 1}, *k{n - 1}], v{n}: 1}}\n" if n else "k0: &k0 {v0: 1}\n"
        for n in range(40)
    )
    + "rules: []\n"
)


def test_an_alias_bomb_is_refused_at_once_with_a_clear_message():
    assert len(BOMB.encode()) < 600
    found = problems(BOMB)
    assert len(found) == 1
    line, _field, message = found[0]
    assert "expands to more than 10000 values" in message
    assert line >= 1


def test_merge_keys_cannot_expand_a_document_either():
    found = problems(MERGE_BOMB)
    assert len(found) == 1
    assert "expands to more than" in found[0][2]


def test_a_document_nested_too_deeply_is_refused():
    deep = HEAD + "rules: " + "[" * 3000 + "]" * 3000 + "\n"
    assert any("nests too deeply" in message for _line, _field, message in problems(deep))


def test_anchors_and_merge_keys_still_work_and_a_mappings_own_keys_win():
    text = rules(
        "  - id: a\n    when: &when {category: books}\n"
        "    then: &then {eligible: true, code: books, refund_percent: 100, resolutions: [refund]}\n",
        "  - id: b\n    when: {<<: *when, category: media}\n    then: {<<: *then, code: media}\n",
        STANDARD,
    )
    policy = document.load(text)
    assert policy.rules[1].when == ("in", "category", frozenset({"media"}))
    assert policy.rules[1].then.code == "media"
    assert policy.rules[1].then.refund_percent == 100


@pytest.mark.parametrize("name", ["marketplace-standard", "statutory-minimum"])
def test_the_templates_load_with_no_problem_and_no_warning(name: str):
    assert document.load(services.template_text(name)).warnings == ()


# -- days of the year -------------------------------------------------------------------------------------


def window(period: str, until: str) -> str:
    return (
        HEAD
        + (
            "return_window:\n  days: 30\n  extensions:\n"
            f"    - delivered_between: {period}\n      until: {until}\n"
        )
        + "rules:\n"
        + STANDARD
    )


@pytest.mark.parametrize("day", ["02-31", "02-30", "04-31", "06-31", "09-31", "11-31"])
def test_a_day_that_no_month_has_is_refused_with_its_line_and_field(day: str):
    assert problems(window("[11-01, 12-31]", day)) == [
        (7, "return_window.extensions[0].until", f"there is no day {day} in the year")
    ]


def test_each_end_of_a_period_is_checked_on_its_own():
    assert problems(window("[11-31, 13-01]", "01-31")) == [
        (6, "return_window.extensions[0].delivered_between[0]", "there is no day 11-31 in the year"),
        (
            6,
            "return_window.extensions[0].delivered_between[1]",
            "expected a day of the year as MM-DD, not 13-01",
        ),
    ]


def test_29_february_is_refused_as_most_years_have_none():
    assert problems(window("[12-15, 01-15]", "02-29")) == [
        (7, "return_window.extensions[0].until", "02-29 is not a day of every year: use 02-28 or 03-01")
    ]
    between = rules(
        "  - id: leap\n    when: {requested_on: {between: [02-29, 03-10]}}\n"
        "    then: {eligible: false, code: leap}\n",
        STANDARD,
    )
    assert problems(between)[0][1] == "rules[0].when.requested_on.between[0]"


def test_an_extension_ending_inside_its_own_period_is_refused():
    assert problems(window("[11-01, 12-31]", "12-15")) == [
        (
            7,
            "return_window.extensions[0].until",
            "12-15 falls inside the delivery period it extends: choose a later day, or the period's last day",
        )
    ]
    document.load(window("[11-01, 12-31]", "12-31"))  # the period's last day is fine
    document.load(window("[12-15, 01-15]", "02-15"))  # a period over the new year


def test_explain_keep_needs_a_returnless_threshold():
    text = rules(
        "  - id: standard\n    then:\n      eligible: true\n      code: standard\n"
        "      resolutions: [refund]\n"
        "      explain_keep: {en: Keep it., fr: Gardez-le.}\n"
    )
    assert problems(text)[0][1] == "rules[0].then.explain_keep"


# -- contradictions and unreachable rules --------------------------------------------------------------------


def refused(rule_id: str, when: str) -> str:
    return f"  - id: {rule_id}\n    when: {when}\n    then: {{eligible: false, code: {rule_id}}}\n"


def test_two_rules_with_the_same_condition_and_different_outcomes_are_contradictory():
    text = rules(
        refused("no-books", "{category: books}"),
        "  - id: half-books\n    when: {category: [books]}\n"
        "    then: {eligible: true, code: half, refund_percent: 50, resolutions: [refund]}\n",
        STANDARD,
    )
    assert problems(text) == [
        (
            8,
            "rules[1].when",
            "contradictory: rule no-books, earlier, has the same condition and another outcome; "
            "this rule is never used",
        )
    ]


def test_a_rule_shadowed_by_a_broader_earlier_rule_is_unreachable():
    text = rules(
        refused("books", "{category: books}"),
        refused("used-books", "{category: books, condition: used}"),
        STANDARD,
    )
    assert problems(text) == [
        (8, "rules[1].when", "unreachable: rule books, earlier, already decides every case this rule covers")
    ]


def test_a_rule_covered_by_several_earlier_rules_together_is_unreachable():
    text = rules(
        refused("early", "{days_since_delivery: {max: 10}}"),
        refused("late", "{days_since_delivery: {min: 11}}"),
        refused("week", "{days_since_delivery: {min: 3, max: 20}}"),
        STANDARD,
    )
    assert problems(text) == [
        (
            11,
            "rules[2].when",
            "unreachable: the earlier rules early, late already decide every case this rule covers",
        )
    ]


def test_a_rule_after_one_without_condition_is_unreachable():
    text = rules(STANDARD, refused("books", "{category: books}"))
    assert problems(text) == [
        (
            7,
            "rules[1].when",
            "unreachable: rule standard, earlier, already decides every case this rule covers",
        )
    ]


@pytest.mark.parametrize(
    "when",
    [
        "{condition: used, all: [{condition: unopened}]}",
        "{category: books, not: {category: books}}",
        "{seller_fault: true, reason: changed_mind}",
        "{region: eu, country: US}",
        "{delivered: false, days_since_delivery: {max: 14}}",
        "{tags: [gift-wrap], not: {tags: [gift-wrap, sale]}}",
        "{days_past_return_by: {min: 31}, days_since_delivery: {max: 14}}",  # past return-by = 30 days after
        "{quantity: 0}",
        "{requested_on: {between: [03-01, 03-31]}, all: [{requested_on: {between: [04-01, 04-30]}}]}",
    ],
)
def test_an_impossible_condition_is_refused(when: str):
    assert problems(rules(refused("never", when), STANDARD)) == [
        (5, "rules[0].when", "impossible: no case can meet this condition")
    ]


@pytest.mark.parametrize(
    "when",
    [
        "{condition: [used, damaged], not: {condition: used}}",  # damaged
        "{region: [eu, other], not: {country: FR}}",
        "{days_past_return_by: {min: 31}, days_since_delivery: {min: 61}}",
        "{unit_price: {min: '10.00'}, not: {unit_price: {min: '10.01'}}}",  # exactly 10.00 and under 10.01
        "{requested_on: {between: [12-15, 01-15]}, not: {requested_on: {between: [12-01, 12-31]}}}",
    ],
)
def test_a_narrow_but_possible_condition_is_accepted(when: str):
    document.load(rules(refused("narrow", when), STANDARD))


def test_an_adjustment_its_rule_never_meets_is_refused():
    text = rules(
        refused("used", "{condition: used}"),
        "  - id: standard\n"
        "    then: {eligible: true, code: standard, refund_percent: 100, resolutions: [refund]}\n"
        "    adjust:\n      - when: {condition: used}\n        refund_percent: 50\n",
    )
    assert problems(text) == [
        (
            10,
            "rules[1].adjust[0].when",
            "this adjustment never applies: no case its rule decides meets its condition",
        )
    ]


def test_an_override_that_earlier_overrides_cover_is_refused():
    text = (
        HEAD
        + (
            "resolution_overrides:\n"
            "  - {when: {is_gift: true}, resolutions: [store_credit]}\n"
            "  - {when: {is_gift: true, member: true}, resolutions: [exchange]}\n"
            "rules:\n"
        )
        + STANDARD
    )
    assert problems(text) == [
        (
            5,
            "resolution_overrides[1].when",
            "unreachable: the overrides before it already apply to every case it covers",
        )
    ]


def test_cases_no_rule_decides_are_a_warning_not_a_refusal():
    policy = document.load(rules(refused("books", "{category: books}")))
    assert [(p.line, p.field, p.text()) for p in policy.warnings] == [
        (
            3,
            "rules",
            "some cases match no rule: they are refused with the code no_rule; end with a rule without a "
            "condition, or give a fallback explanation",
        )
    ]
    with_fallback = HEAD + "fallback: {en: No., fr: Non.}\nrules:\n" + refused("books", "{category: books}")
    assert document.load(with_fallback).warnings == ()


def test_every_problem_is_reported_with_the_others_once_the_document_reads():
    text = rules(
        refused("a", "{category: books}"),
        refused("b", "{category: books}"),
        refused("c", "{quantity: 0}"),
        STANDARD,
    )
    fields = [field for _line, field, _message in problems(text)]
    assert fields == ["rules[1].when", "rules[2].when"]
