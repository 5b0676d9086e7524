"""Exports: a store's returns, refunds and claims of a period, the same file from the back office, the
API and `retour export`, streamed, scoped to the store and refused cleanly on bad input."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from retour.catalog.models import Store
from retour.insights import exports
from retour.orders.models import Order
from retour.returns.models import Return
from retour.returns.services.creating import LineRequest, create_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(order: Order) -> Return:
    line = order.lines.order_by("position").first()
    assert line is not None
    line.title = '=HYPERLINK("http://evil")'  # a title a spreadsheet would run
    line.save(update_fields=["title"])
    return create_return(order, [LineRequest(line.pk, 1, "size_fit", "unopened")])


def period() -> dict[str, str]:
    # Two days each side: the period is read in the store's time zone, whose date can differ from the
    # server's (at 23:30 UTC it is already tomorrow in Paris).
    today = timezone.localdate()
    return {"from": (today - timedelta(days=2)).isoformat(), "to": (today + timedelta(days=2)).isoformat()}


def exporter(*perms: str) -> User:
    user = User.objects.create_user("exporter", "exporter@example.com", is_staff=True)
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return user


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_the_three_ways_give_the_same_file(returned: Return, client_for: Callable[[User], Client]):
    user = exporter("returns.view_return")
    when = period()
    by_command = command("returns", "--from", when["from"], "--to", when["to"])
    api = client_for(user).get("/api/v1/exports/returns", when)
    assert api.status_code == 200
    assert api["Content-Type"] == "text/csv; charset=utf-8"
    page = Client()
    page.force_login(user)
    download = page.get(
        "/backoffice/exports/",
        {
            **when,
            "dataset": "returns",
            "store": returned.store_id,
            "start": when["from"],
            "end": when["to"],
            "format": "csv",
        },
    )
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    by_api = b"".join(api.streaming_content).decode()
    by_page = b"".join(download.streaming_content).decode()
    assert by_command == by_api == by_page
    rows = list(csv.DictReader(io.StringIO(by_command)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["return_number"], row["order_number"], row["quantity"]) == (returned.number, "#1001", "1")
    assert (row["reason"], row["reported_condition"], row["resolution"]) == ("size_fit", "unopened", "refund")
    assert row["title"] == '\'=HYPERLINK("http://evil")'  # neutralised for spreadsheets
    assert row["requested_at"].startswith(timezone.localdate().isoformat()[:4])
    assert row["requested_at"][-6:] in {"+01:00", "+02:00"}  # the store's zone, Europe/Paris


def test_json_lines_keep_the_values_as_they_are(returned: Return):
    when = period()
    lines = command("returns", "--from", when["from"], "--to", when["to"], "--format", "jsonl").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["title"] == '=HYPERLINK("http://evil")'
    assert record["return_number"] == returned.number
    assert record["approved_at"] == "" or record["approved_at"][:4].isdigit()


def test_a_period_without_rows_is_a_header_only_and_other_stores_are_left_out(returned: Return):
    other = Store.objects.create(code="other", name="Other", country="FR", time_zone="Europe/Paris")
    when = period()
    assert command(
        "returns", "--store", "other", "--from", when["from"], "--to", when["to"]
    ).splitlines() == [",".join(column for column, _lookup in exports.DATASETS["returns"].columns)]
    assert (
        command("claims", "--store", other.code, "--from", when["from"], "--to", when["to"]).count("\n") == 1
    )
    old = command("returns", "--store", returned.store.code, "--from", "2020-01-01", "--to", "2020-02-01")
    assert old.count("\n") == 1


def test_refunds_and_claims_have_their_own_columns(returned: Return):
    when = period()
    refunds = command("refunds", "--from", when["from"], "--to", when["to"]).splitlines()
    assert refunds[0].startswith("refund_id,return_number,order_number,method,gateway,status,currency,amount")
    claims = command("claims", "--from", when["from"], "--to", when["to"]).splitlines()
    assert claims[0].startswith("claim_number,order_number,seller,type,state,filed_at,respond_by")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["returns", "--from", "2026-13-01", "--to", "2026-12-01"], "is not a date"),
        (["returns", "--from", "2026-12-01", "--to", "2026-12-01"], "must end after it starts"),
        (
            ["returns", "--from", "2026-12-01", "--to", "2026-12-02", "--store", "nope"],
            "no store with the code",
        ),
    ],
)
def test_the_command_refuses_bad_input(returned: Return, args: list[str], message: str):
    with pytest.raises(CommandError, match=message):
        command(*args)


def test_a_file_is_written_whole_or_not_at_all(returned: Return, tmp_path: Path):
    when = period()
    target = tmp_path / "returns.csv"
    assert command("returns", "--from", when["from"], "--to", when["to"], "--output", str(target)) == ""
    assert target.read_text().count("\n") == 2
    with pytest.raises(CommandError, match="Cannot write"):
        command(
            "returns", "--from", when["from"], "--to", when["to"], "--output", str(tmp_path / "no" / "x.csv")
        )
    assert not list((tmp_path).glob("**/*.partial"))


def test_the_api_checks_the_permission_the_period_and_the_dataset(returned: Return, client_for):
    when = period()
    nobody = client_for(exporter())
    assert nobody.get("/api/v1/exports/returns", when).status_code == 403
    allowed = client_for(User.objects.get(username="exporter"))
    User.objects.get(username="exporter").user_permissions.add(
        Permission.objects.get(content_type__app_label="returns", codename="view_return")
    )
    backwards = allowed.get("/api/v1/exports/returns", {"from": when["to"], "to": when["from"]})
    assert backwards.status_code == 422
    assert allowed.get("/api/v1/exports/everything", when).status_code == 422
    assert allowed.get("/api/v1/exports/returns", {**when, "format": "xlsx"}).status_code == 422
    jsonl = allowed.get("/api/v1/exports/returns", {**when, "format": "jsonl"})
    assert jsonl["Content-Type"] == "application/jsonl; charset=utf-8"
    assert json.loads(b"".join(jsonl.streaming_content))["return_number"] == returned.number


def test_the_page_offers_what_the_user_may_export_and_explains_a_wrong_period(returned: Return):
    user = exporter("returns.view_return")
    page = Client()
    page.force_login(user)
    form = page.get("/backoffice/exports/", headers={"Accept-Language": "fr"})
    assert form.status_code == 200
    html = form.content.decode()
    assert "Retours (une ligne par article retourné)" in html
    assert "Paiements de remboursement" not in html  # no permission on refunds
    wrong = page.get(
        "/backoffice/exports/",
        {
            "dataset": "returns",
            "store": returned.store_id,
            "start": "2026-12-02",
            "end": "2026-12-01",
            "format": "csv",
        },
    )
    assert wrong.status_code == 400
    assert "The period must end after it starts." in wrong.content.decode()
    refused = page.get(
        "/backoffice/exports/",
        {
            "dataset": "refunds",
            "store": returned.store_id,
            "start": "2026-12-01",
            "end": "2026-12-02",
            "format": "csv",
        },
    )
    assert refused.status_code == 400  # not a choice for this user
    assert Client().get("/backoffice/exports/").status_code == 302  # to the login
