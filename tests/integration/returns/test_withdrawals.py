"""Withdrawals recorded by staff through the API and ``retour withdraw``, with the portal's rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from retour.api.models import ApiToken
from retour.returns.models import Return, ReturnEvent, Withdrawal

pytestmark = pytest.mark.django_db


def url(order):
    return f"/api/v1/orders/{quote(order.number, safe='')}/withdrawal"  # "#1001": the # is escaped


def post(client, order, data, **headers):
    return client.post(url(order), data, content_type="application/json", headers=headers)


def test_the_api_lists_what_the_right_covers_and_records_a_withdrawal(order, agent, client_for):
    client = client_for(agent)
    covered = client.get(url(order))
    assert covered.status_code == 200
    assert {line["legal_basis"] for line in covered.json()} == {"eu_withdrawal"}
    assert sum(line["quantity"] for line in covered.json()) == 3
    statement = {"name": "Léa Martin", "email": "lea@example.com"}
    made = post(client, order, statement, **{"Idempotency-Key": "k1"})
    assert made.status_code == 201, made.content
    data = made.json()
    ret = Return.objects.get(number=data["ret"])
    assert (ret.channel, ret.order_id) == ("api", order.pk)
    assert sorted(data["lines"]) == sorted(line["order_line"] for line in covered.json())
    assert ReturnEvent.objects.filter(ret=ret, kind="withdrawal", data__email="lea@example.com").exists()
    again = post(client, order, statement, **{"Idempotency-Key": "k1"})
    assert again.status_code == 201
    assert again.json()["ret"] == data["ret"]
    assert Withdrawal.objects.count() == 1


def test_the_api_refuses_a_withdrawal_the_right_does_not_cover(make_order, agent, client_for):
    late = make_order("#2001", delivered=datetime.now(UTC) - timedelta(days=30))
    response = post(client_for(agent), late, {"name": "Léa", "email": "lea@example.com"})
    assert response.status_code == 422
    assert response.json()["code"] == "not_withdrawable"
    assert not Withdrawal.objects.exists()
    assert not Return.objects.exists()


def test_recording_a_withdrawal_needs_the_permission_to_create_returns(order, warehouse, client_for):
    response = post(client_for(warehouse), order, {"name": "Léa", "email": "lea@example.com"})
    assert response.status_code == 403
    assert not Withdrawal.objects.exists()


def test_the_command_records_a_withdrawal_and_prints_its_return(order, capsys):
    call_command("withdraw", order.number, "--name", "Léa Martin", "--email", "lea@example.com")
    statement = Withdrawal.objects.get()
    assert statement.ret.channel == "backoffice"
    assert statement.ret.number in capsys.readouterr().out


def test_the_command_refuses_an_unknown_order_and_changes_nothing(order):
    with pytest.raises(CommandError, match="#9999"):
        call_command("withdraw", "#9999", "--name", "Léa", "--email", "lea@example.com")
    assert not Withdrawal.objects.exists()


def test_a_token_of_another_store_does_not_reach_the_order(order, agent, other_store):
    _record, token = ApiToken.issue(agent, "other", store=other_store)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get(url(order)).status_code == 404
    assert post(client, order, {"name": "Léa", "email": "lea@example.com"}).status_code == 404
    assert not Withdrawal.objects.exists()
