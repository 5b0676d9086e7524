"""``retour claims evaluate``: JSON Lines in, one result or error line per case out, in order, and an exit
status that says whether every case could be evaluated.

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
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation
from pytest_django.fixtures import Settings

from retour.claims.domain.terms import Terms

RETOUR = Path(sys.executable).with_name("retour")
BASE: dict[str, Any] = {
    "claim_type": "not_received",
    "currency": "USD",
    "fulfilled_by": "seller",
    "sold_by_marketplace": False,
    "item_kind": "physical",
    "paid_on_marketplace": True,
    "chargeback_filed": False,
    "protected_shipping": False,
    "shipped_on_time": False,
    "proof_of_delivery": False,
    "seller_refused_return": False,
    "item_price": "100.00",
    "shipping_paid": "5.00",
    "already_refunded": "0",
    "ordered_at": "2026-03-01T12:00:00Z",
    "max_delivery_at": "2026-03-10T12:00:00Z",
    "filed_at": "2026-03-15T12:00:00Z",
    "delivered_at": None,
    "return_requested_at": None,
    "seller_answered_return_at": None,
    "return_delivered_at": None,
}


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
        call_command("claims", "evaluate", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, [json.loads(text) for text in out.getvalue().splitlines()], err.getvalue()


def test_each_case_gives_one_line_in_the_same_order(tmp_path: Path):
    cases = jsonl(
        tmp_path,
        line("a"),
        line("b", filed_at="2026-03-13T11:59:59Z"),
        line(3, sold_by_marketplace=True),
        line("d", currency="JPY", item_price="400000", shipping_paid="0"),
        line("e", delivered_at="2026-03-09T12:00:00+01:00", proof_of_delivery=True),
    )
    status, results, err = evaluate("--cases", cases)

    assert (status, err) == (0, "")
    assert [r["id"] for r in results] == ["a", "b", 3, "d", "e"]
    assert [r["code"] for r in results] == [
        "eligible",
        "too_early",
        "not_third_party",
        "eligible",
        "eligible",
    ]
    assert results[0] == {
        "id": "a",
        "eligible": True,
        "code": "eligible",
        "file_from": "2026-03-13T12:00:00Z",
        "respond_by": "2026-03-18T12:00:00Z",
        "decision": "granted",
        "reason": "not_delivered",
        "funded_by": "seller",
        "claimable": "105.00",
        "payout": "105.00",
        "capped": False,
        "explanation": {
            "en": "Your claim is accepted: unless the seller refunds you by 18 March 2026 at 12:00 UTC, the "
            "marketplace pays you US$105.00.",
            "fr": "Votre réclamation est acceptée : si le vendeur ne vous rembourse pas d’ici le 18 mars "
            "2026 à 12:00 UTC, la place de marché vous verse 105,00\xa0$US.",
        },
    }
    assert results[1]["file_from"] == "2026-03-13T12:00:00Z"
    assert (results[2]["claimable"], results[2]["file_from"]) == ("0", None)
    assert (results[3]["claimable"], results[3]["payout"], results[3]["capped"]) == ("400000", "375000", True)
    assert (results[4]["decision"], results[4]["reason"], results[4]["file_from"]) == (
        "denied",
        "delivered_with_proof",
        "2026-03-09T11:00:00Z",
    )


def test_an_invalid_case_is_an_error_line_and_the_evaluation_goes_on(tmp_path: Path):
    cases = jsonl(
        tmp_path,
        line("first"),
        "{not json",
        line("unknown", claim_type="lost", item_price="-1"),
        json.dumps({"id": "partial", "claim_type": "not_received"}),
        "[1, 2]",
        line("no offset", filed_at="2026-03-15T12:00:00"),
        line("disordered", max_delivery_at="2026-02-28T12:00:00Z"),
        line("franc", currency="CHF"),
        line("last"),
    )
    status, results, err = evaluate("--cases", cases)

    assert status == 1
    assert len(results) == 9
    assert results[0]["code"] == results[8]["code"] == "eligible"
    assert results[1] == {"id": None, "error": results[1]["error"]}
    assert results[1]["error"].startswith("line 2 is not valid JSON")
    assert results[2] == {
        "id": "unknown",
        "error": "unknown claim_type 'lost' (expected one of: not_received, not_as_described, "
        "return_not_refunded); item_price must not be negative, not '-1'",
    }
    assert results[3]["id"] == "partial"
    assert results[3]["error"].startswith("missing field: currency, fulfilled_by, item_kind")
    assert results[4] == {"id": None, "error": "a case must be a JSON object"}
    assert results[5]["id"] == "no offset"
    assert results[5]["error"].startswith("filed_at has no offset")
    assert results[6] == {"id": "disordered", "error": "max_delivery_at is before ordered_at"}
    assert results[7] == {
        "id": "franc",
        "error": "unknown currency 'CHF' (claims are capped in: USD, EUR, GBP, CAD, JPY)",
    }
    assert "7 cases had an error." in err


def test_blank_lines_and_a_byte_order_mark_are_not_cases(tmp_path: Path):
    path = tmp_path / "cases.jsonl"
    path.write_text("\ufeff" + line("a") + "\n\n   \n" + line("b") + "\n\n", encoding="utf-8")
    status, results, _err = evaluate("--cases", str(path))
    assert status == 0
    assert [(r["id"], r["code"]) for r in results] == [("a", "eligible"), ("b", "eligible")]


def test_an_empty_file_gives_nothing_and_succeeds(tmp_path: Path):
    assert evaluate("--cases", jsonl(tmp_path)) == (0, [], "")


def test_a_line_that_is_not_utf8_is_one_error(tmp_path: Path):
    path = tmp_path / "cases.jsonl"
    path.write_bytes(line("a").encode() + b"\n\xff\xfe{}\n" + line("c").encode() + b"\n")
    status, results, err = evaluate("--cases", str(path))
    assert status == 1
    assert results[1] == {"id": None, "error": "line 2 is not UTF-8 text"}
    assert results[2]["id"] == "c"
    assert "1 case had an error." in err


def test_a_last_line_without_a_newline_is_a_case(tmp_path: Path):
    path = tmp_path / "cases.jsonl"
    path.write_text(line("a") + "\n" + line("b"), encoding="utf-8")
    assert [r["id"] for r in evaluate("--cases", str(path))[1]] == ["a", "b"]


def test_json_numbers_are_read_exactly(tmp_path: Path):
    cases = jsonl(tmp_path, line("n", item_price=0.1, shipping_paid=0.2, already_refunded=0.295))
    status, results, _err = evaluate("--cases", cases)
    # 0.1 + 0.2 - 0.295 is 0.005 exactly, which rounds half-up to a cent; as floats it would be less.
    assert (status, results[0]["claimable"]) == (0, "0.01")


def test_cases_can_come_from_standard_input(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(line("a") + "\n" + line("b", item_kind="book") + "\n"))
    status, results, _err = evaluate("--cases", "-")
    assert status == 1
    assert [r["id"] for r in results] == ["a", "b"]
    assert "error" in results[1]


def test_cases_are_streamed_one_at_a_time(monkeypatch: pytest.MonkeyPatch):
    """Each result is written before the next case is read: a large file is never held in memory."""
    out = io.StringIO()

    class Cases:
        def __iter__(self) -> Iterator[str]:
            for index in range(3):
                assert len(out.getvalue().splitlines()) == index
                yield line(index) + "\n"

    monkeypatch.setattr(sys, "stdin", Cases())
    call_command("claims", "evaluate", "--cases", "-", stdout=out)
    assert len(out.getvalue().splitlines()) == 3


def test_the_marketplace_s_terms_apply(tmp_path: Path, settings: Settings):
    settings.CLAIM_TERMS = Terms(caps={"USD": Decimal("50")}, response_hours=24)
    status, results, _err = evaluate("--cases", jsonl(tmp_path, line("a")))
    assert status == 0
    assert (results[0]["payout"], results[0]["capped"], results[0]["respond_by"]) == (
        "50.00",
        True,
        "2026-03-16T12:00:00Z",
    )


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No such file: /no/such/cases\.jsonl"):
        evaluate("--cases", "/no/such/cases.jsonl")


def test_the_cases_option_is_required():
    with pytest.raises(CommandError, match="--cases"):
        evaluate()


def _retour(*args: str, stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A database URL that cannot be opened: the command must not need one.
    environment = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/retour/db.sqlite3", **env}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(RETOUR), "claims", "evaluate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=60,
    )


def test_the_retour_command_reads_a_file_and_sets_the_exit_status(tmp_path: Path):
    good = _retour("--cases", jsonl(tmp_path, line("a"), line("b")), stdin="")
    assert good.returncode == 0, good.stderr
    assert [json.loads(text)["id"] for text in good.stdout.splitlines()] == ["a", "b"]
    assert "réclamation" in good.stdout  # French as UTF-8, not \\u escapes

    bad = _retour("--cases", "-", stdin=line("a") + "\nnope\n\n" + line("c") + "\n")
    assert bad.returncode == 1
    assert [json.loads(text)["id"] for text in bad.stdout.splitlines()] == ["a", None, "c"]
    assert "1 case had an error." in bad.stderr


def test_the_retour_command_reads_the_terms_from_the_environment():
    result = _retour("--cases", "-", stdin=line("a") + "\n", CLAIM_CAPS="USD=100", CLAIM_RESPONSE_HOURS="48")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["payout"], answer["capped"], answer["respond_by"]) == (
        "100.00",
        True,
        "2026-03-17T12:00:00Z",
    )


def test_the_retour_command_refuses_terms_it_cannot_apply():
    result = _retour("--cases", "-", stdin=line("a") + "\n", CLAIM_CAPS="USD=nothing")
    assert result.returncode == 1
    assert "CLAIM_CAPS must list CURRENCY=AMOUNT pairs" in result.stderr
    assert result.stdout == ""


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path: Path):
    """``retour claims evaluate … | head -1``: no traceback once nobody reads the results."""
    cases = jsonl(tmp_path, *(line(index) for index in range(2000)))
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        finished = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [str(RETOUR), "claims", "evaluate", "--cases", cases],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "DATABASE_URL": "sqlite:////nonexistent/retour/db.sqlite3"},
            check=False,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (finished.returncode, finished.stderr) == (141, "")


def test_the_command_s_help_is_in_the_operator_s_language():
    command = load_command_class("retour.claims", "claims")
    with translation.override("fr"):
        french = " ".join(command.create_parser("retour", "claims").format_help().split())
    english = " ".join(command.create_parser("retour", "claims").format_help().split())
    assert "Évalue des réclamations au titre de la garantie de la place de marché." in french
    assert "Évalue des réclamations (JSON Lines) selon les conditions de garantie" in french
    assert "Evaluate marketplace guarantee claims." in english
    assert "Evaluate claims (JSON Lines) under the marketplace's guarantee terms." in english
