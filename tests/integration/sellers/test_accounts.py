"""Seller staff accounts: invited by the marketplace (command, API, back office), a one-time link to set a
password, a login under /seller/ for seller accounts only."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from integration.sellers.conftest import PASSWORD, Marketplace
from retour.api.models import ApiToken
from retour.sellers.models import Invitation, SellerMember

pytestmark = pytest.mark.django_db(transaction=True)  # the invitation leaves after commit
LINK = re.compile(r"https?://\S+/seller/invitation/[\w-]+/")


def _link(message: mail.EmailMessage) -> str:
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(0)


def test_the_command_invites_someone_who_sets_a_password_once_and_signs_in(marketplace: Marketplace) -> None:
    out = StringIO()
    call_command(
        "sellers",
        "invite",
        "--seller",
        "atelier-nord",
        "--email",
        "Lea@Nord.example",
        "--language",
        "fr",
        stdout=out,
    )
    assert "lea@nord.example" in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["lea@nord.example"]
    assert "Atelier-Nord" in message.subject
    assert "vous invite" in message.subject  # in the invited person's language
    link = _link(message)
    assert link in out.getvalue()
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get("/" + path).status_code == 200
    refused = client.post("/" + path, {"password": "short", "again": "short"})
    assert refused.status_code == 200
    assert not User.objects.filter(username="lea@nord.example").exists()
    done = client.post("/" + path, {"password": PASSWORD, "again": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/seller/"
    member = SellerMember.objects.get(user__username="lea@nord.example")
    assert (member.seller.code, member.language, member.user.is_staff) == ("atelier-nord", "fr", False)
    assert client.get("/seller/").status_code == 200  # signed in by setting the password
    again = Client().get("/" + path)
    assert again.status_code == 404  # the link worked once
    assert "used, expired or wrong" in again.content.decode()
    fresh = Client()
    assert (
        fresh.post("/seller/login/", {"username": "lea@nord.example", "password": PASSWORD}).status_code
        == 302
    )
    assert fresh.get("/seller/claims/").status_code == 200


def test_an_invitation_is_refused_for_the_store_itself_an_unknown_seller_and_a_taken_email(
    marketplace: Marketplace,
) -> None:
    User.objects.create_user("staff@store.example", "staff@store.example", is_staff=True)
    for args, words in (
        (["--seller", marketplace.store.code, "--email", "a@b.example"], "no marketplace seller"),
        (["--seller", "nobody", "--email", "a@b.example"], "no marketplace seller"),
        (["--seller", "atelier-nord", "--email", "staff@store.example"], "already has an account"),
        (["--seller", "atelier-nord", "--email", "not-an-email"], "not an email address"),
    ):
        with pytest.raises(CommandError, match=words):
            call_command("sellers", "invite", *args, stdout=StringIO())
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_the_api_invites_with_a_staff_token_and_never_with_a_seller_token(
    marketplace: Marketplace, nord_api: Client
) -> None:
    staff = User.objects.create_user("admin-api", "admin-api@example.com", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="add_invitation"))
    _record, token = ApiToken.issue(staff, "tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    made = client.post(
        "/api/v1/sellers/maison-sud/invitations", {"email": "bo@sud.example"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert (made.json()["seller"], made.json()["email"]) == ("maison-sud", "bo@sud.example")
    assert "link" not in made.json()
    assert len(mail.outbox) == 1
    twice = client.post(
        "/api/v1/sellers/maison-sud/invitations",
        {"email": "nord@example.com"},
        content_type="application/json",
    )
    assert (twice.status_code, twice.json()["code"]) == (422, "invitation_refused")
    own = nord_api.post(
        "/api/v1/sellers/atelier-nord/invitations",
        {"email": "x@nord.example"},
        content_type="application/json",
    )
    assert own.status_code == 403
    assert Invitation.objects.count() == 1


def test_the_back_office_invites_from_the_invitation_form(
    marketplace: Marketplace, admin_client: Client
) -> None:
    page = admin_client.post(
        "/admin/sellers/invitation/add/",
        {"seller": marketplace.nord.seller.pk, "email": "cy@nord.example", "language": "en"},
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.seller.code, invitation.invited_by is not None) == (
        "cy@nord.example",
        "atelier-nord",
        True,
    )
    [message] = mail.outbox
    assert _link(message).startswith("http://testserver/seller/invitation/")
    refused = admin_client.post(
        "/admin/sellers/invitation/add/",
        {"seller": marketplace.own.seller.pk, "email": "dd@nord.example", "language": "en"},
    )
    assert refused.status_code == 200  # the form again: the store's own seller is not offered
    assert Invitation.objects.count() == 1


def test_staff_cannot_sign_in_to_the_seller_portal_and_seller_accounts_are_not_staff(
    marketplace: Marketplace, nord_user: User
) -> None:
    User.objects.create_user("agent-x", "agent-x@example.com", PASSWORD, is_staff=True)
    client = Client()
    refused = client.post("/seller/login/", {"username": "agent-x", "password": PASSWORD})
    assert refused.status_code == 200
    assert client.get("/seller/").status_code == 302
    assert client.post("/seller/login/", {"username": "nord", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/").status_code == 302  # the back office refuses a seller account


def test_an_expired_or_unknown_link_makes_no_account(marketplace: Marketplace) -> None:
    out = StringIO()
    call_command("sellers", "invite", "--seller", "maison-sud", "--email", "late@sud.example", stdout=out)
    path = "/" + _link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for tried in (path, "/seller/invitation/not-a-token/"):
        response = Client().post(tried, {"password": PASSWORD, "again": PASSWORD})
        assert response.status_code == 404
        assert "used, expired or wrong" in response.content.decode()
    assert not User.objects.filter(username="late@sud.example").exists()
    assert not SellerMember.objects.exists()


def test_the_token_command_gives_a_seller_account_a_token_that_reaches_its_seller_only(
    marketplace: Marketplace, nord_user: User
) -> None:
    out = StringIO()
    call_command("create_api_token", "nord", "--name", "erp", stdout=out)
    client = Client(headers={"Authorization": f"Bearer {out.getvalue().strip()}"})
    listed = client.get("/api/v1/claims").json()
    assert [item["seller"] for item in listed["items"]] == ["atelier-nord"]
    assert ApiToken.objects.get(name="erp").store == marketplace.store
    nord_user.is_active = False
    nord_user.save()
    assert client.get("/api/v1/claims").status_code == 401
