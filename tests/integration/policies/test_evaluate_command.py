"""``retour policy evaluate``: JSON Lines in, one result or error line per case out, in order.

These tests are not marked ``django_db``: pytest-django refuses any database access, so they also
show that evaluating needs no database.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

RETOUR = Path(sys.executable).with_name("retour")
BASE: dict[str, Any] = {
    "country": "US",
    "currency": "USD",
    "category": "apparel",
    "unit_price": "40.00",
    "quantity": 1,
    "ordered_at": "2026-02-26",
    "delivered_at": "2026-03-02",
    "requested_at": "2026-03-12",
    "condition": "unopened",
    "reason": "changed_mind",
}
# Takes nothing back, but charges a fee in EUR only: the legal floor still gives EU shoppers their rights.
NOTHING_BACK = """\
format: retour-policy/1
name: nothing-back
fees:
  return_shipping:
    amounts: {EUR: "2.00"}
rules:
  - id: never
    then: {eligible: false, code: no_returns}
"""


def line(case_id: Any, **fields: Any) -> str:
    return json.dumps({"id": case_id, **BASE, **fields})


def jsonl(tmp_path: Path, *lines: str, name: str = "cases.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(f"{text}\n" for text in lines), encoding="utf-8")
    return str(path)


def evaluate(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Run the command; its exit status, the JSON object of each output line, and standard error."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("policy", "evaluate", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, [json.loads(text) for text in out.getvalue().splitlines()], err.getvalue()


def test_each_case_gives_one_line_in_the_same_order(tmp_path: Path) -> None:
    cases = jsonl(
        tmp_path,
        line("a"),
        line("b", requested_at="2026-04-01"),  # day 30
        line("c", requested_at="2026-04-02"),  # day 31: late
        line(4, reason="defective", unit_price="15.00"),
        line("e", category="grocery"),
    )
    status, results, err = evaluate("--template", "marketplace-standard", "--cases", cases)

    assert status == 0
    assert err == ""
    assert [r["id"] for r in results] == ["a", "b", "c", 4, "e"]
    assert [r["code"] for r in results] == [
        "standard",
        "standard",
        "late_return",
        "seller_fault",
        "non_returnable",
    ]
    assert results[0] == {
        "id": "a",
        "eligible": True,
        "code": "standard",
        "refund_percent": 100,
        "item_refund": "40.00",
        "return_shipping_fee": "4.95",
        "refund_amount": "35.05",
        "store_credit_amount": "38.56",
        "keep_item": False,
        "legal_basis": None,
        "resolutions": ["refund", "store_credit", "exchange"],
        "explanation": results[0]["explanation"],
    }
    assert set(results[0]["explanation"]) == {"en", "fr"}
    assert results[3]["keep_item"] is True
    assert results[4]["refund_amount"] == "0"


def test_a_malformed_case_is_an_error_line_and_the_evaluation_goes_on(tmp_path: Path) -> None:
    cases = jsonl(
        tmp_path,
        line("first"),
        "{not json",
        line("bad", condition="new", quantity=0),
        json.dumps({"id": "partial", "country": "FR"}),
        "[1, 2]",
        line("late", requested_at="2026-03-01"),
        line("last", country="FR", currency="EUR"),
    )
    status, results, err = evaluate("--template", "marketplace-standard", "--cases", cases)

    assert status == 1
    assert len(results) == 7
    assert results[0]["code"] == "standard"
    assert results[1] == {"id": None, "error": results[1]["error"]}
    assert results[1]["error"].startswith("line 2 is not valid JSON")
    assert results[2]["id"] == "bad"
    assert "unknown condition 'new'" in results[2]["error"]
    assert "quantity must be at least 1" in results[2]["error"]
    assert results[3]["id"] == "partial"
    assert results[3]["error"].startswith("missing field: currency, category, unit_price")
    assert results[4] == {"id": None, "error": "a case must be a JSON object"}
    assert results[5] == {"id": "late", "error": "requested_at is before delivered_at"}
    assert results[6]["code"] == "legal_withdrawal"
    assert "5 cases had an error." in err


def test_blank_lines_and_a_byte_order_mark_are_not_cases(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("\ufeff" + line("a") + "\n\n   \n" + line("b") + "\n\n", encoding="utf-8")
    status, results, _err = evaluate("--template", "statutory-minimum", "--cases", str(path))
    assert status == 0
    assert [(r["id"], r["code"]) for r in results] == [("a", "window_expired"), ("b", "window_expired")]


def test_a_line_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(line("a").encode() + b"\n\xff\xfe{}\n" + line("c").encode() + b"\n")
    status, results, _err = evaluate("--template", "marketplace-standard", "--cases", str(path))
    assert status == 1
    assert results[1] == {"id": None, "error": "line 2 is not UTF-8 text"}
    assert results[2]["id"] == "c"


def test_a_policy_document_is_evaluated_above_the_legal_floor(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(NOTHING_BACK, encoding="utf-8")
    cases = jsonl(
        tmp_path,
        line("us", currency="EUR"),
        line("fr", country="FR", currency="EUR"),
        line("usd", currency="USD"),
    )
    status, results, _err = evaluate("--policy", str(policy), "--cases", cases)

    assert status == 1
    assert (results[0]["id"], results[0]["code"], results[0]["eligible"]) == ("us", "no_returns", False)
    # The law gives the French shopper 14 days whatever the policy says; the policy's fee applies.
    assert results[1]["code"] == "legal_withdrawal"
    assert results[1]["legal_basis"] == "eu_withdrawal"
    assert results[1]["return_shipping_fee"] == "2.00"  # the policy's own, not the floor's 4.95
    assert results[2] == {"id": "usd", "error": "currency USD is not in the policy's fee table (EUR)"}


def test_an_invalid_policy_document_is_refused_with_its_lines(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(NOTHING_BACK.replace("eligible: false", "eligible: maybe"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 8, rules\[0\]\.then\.eligible"):
        evaluate("--policy", str(policy), "--cases", jsonl(tmp_path, line("a")))


def test_cases_can_come_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(line("a") + "\n" + line("b", quantity=0) + "\n"))
    status, results, _err = evaluate("--template", "marketplace-standard", "--cases", "-")
    assert status == 1
    assert [r["id"] for r in results] == ["a", "b"]
    assert "error" in results[1]


def test_the_policy_can_come_from_standard_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(NOTHING_BACK))
    status, results, _err = evaluate("--policy", "-", "--cases", jsonl(tmp_path, line("a", currency="EUR")))
    assert (status, results[0]["code"]) == (0, "no_returns")


def test_cases_are_streamed_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each result is written before the next case is read: a large file is never held in memory."""
    out = io.StringIO()

    class Cases:
        def __iter__(self) -> Iterator[str]:
            for index in range(3):
                assert len(out.getvalue().splitlines()) == index
                yield line(index) + "\n"

    monkeypatch.setattr(sys, "stdin", Cases())
    call_command("policy", "evaluate", "--template", "marketplace-standard", "--cases", "-", stdout=out)
    assert len(out.getvalue().splitlines()) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--cases", "x.jsonl"), "Give the policy to evaluate", id="neither"),
        pytest.param(
            ("--template", "marketplace-standard", "--policy", "p.yaml", "--cases", "x.jsonl"),
            "Give either --template or --policy, not both.",
            id="both",
        ),
        pytest.param(
            ("--policy", "-", "--cases", "-"),
            "Only one of --policy and --cases can be read from standard input.",
            id="both from stdin",
        ),
        pytest.param(
            ("--template", "lenient", "--cases", "x.jsonl"),
            "There is no template named lenient; the templates are: marketplace-standard, statutory-minimum.",
            id="unknown template",
        ),
        pytest.param(
            ("--policy", "/no/such/policy.yaml", "--cases", "x.jsonl"), "No such file", id="no policy"
        ),
        pytest.param(
            ("--template", "marketplace-standard", "--cases", "/no/such/cases.jsonl"),
            "No such file",
            id="no cases file",
        ),
    ],
)
def test_a_wrong_invocation_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as error:
        evaluate(*args)
    assert message in str(error.value)


def _retour(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    # A database URL that cannot be opened: the command must not need one.
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/retour/db.sqlite3"}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(RETOUR), "policy", "evaluate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_the_retour_command_reads_standard_input_and_sets_the_exit_status() -> None:
    good = _retour(
        "--template", "marketplace-standard", "--cases", "-", stdin=line("a") + "\n" + line("b") + "\n"
    )
    assert good.returncode == 0, good.stderr
    assert [json.loads(text)["id"] for text in good.stdout.splitlines()] == ["a", "b"]

    bad = _retour(
        "--template", "statutory-minimum", "--cases", "-", stdin=line("a") + "\nnope\n" + line("c") + "\n"
    )
    assert bad.returncode == 1
    assert [json.loads(text)["id"] for text in bad.stdout.splitlines()] == ["a", None, "c"]
    assert "1 case had an error." in bad.stderr


def test_the_retour_command_without_a_policy_exits_with_a_message() -> None:
    result = _retour("--cases", "-", stdin="")
    assert result.returncode == 1
    assert "Give the policy to evaluate: --template NAME or --policy FILE." in result.stderr
    assert result.stdout == ""
