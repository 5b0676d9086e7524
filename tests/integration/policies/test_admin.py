"""Policies in the admin: new versions through load_policy, immutable versions, lint, activation and
the live preview of a decision, in English and French."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from retour.catalog.models import Category, Product, Seller, Store
from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment
from retour.policies import services
from retour.policies.models import PolicyDecision, PolicyVersion, ReturnPolicy, VersionImmutable
from retour.policies.order_facts import facts_for_line

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:policies_policyversion_add")
PREVIEW_URL = reverse("admin:policies_policyversion_preview")
STANDARD = services.template_text("marketplace-standard")
# A policy whose only rule refuses everything: less than the law, and less than any store's policy.
NO_RETURNS = """\
format: retour-policy/1
name: no-returns
rules:
  - id: nothing
    then:
      eligible: false
      code: no_returns
"""
# Line 9 holds a field the format does not know.
UNKNOWN_FIELD = """\
format: retour-policy/1
name: small
rules:
  - id: everything
    then:
      eligible: true
      code: standard
      refund_percent: 100
      colour: blue
      resolutions: [refund]
"""
# Line 5 opens a list it never closes.
BROKEN_YAML = """\
format: retour-policy/1
name: broken
rules:
  - id: books
    when: {category: [books}
    then: {eligible: false, code: no_books}
"""


def change_url(version: PolicyVersion) -> str:
    return reverse("admin:policies_policyversion_change", args=[version.pk])


def add_version(client: Client, store: Store, text: str, **fields: Any) -> Any:
    data = {"store": store.pk, "seller": "", "document": text, "note": ""}
    data.update(fields)
    return client.post(ADD_URL, data)


def active_of(store: Store, seller: Seller | None = None) -> PolicyVersion | None:
    slot = ReturnPolicy.objects.filter(store=store, seller=seller).first()
    return slot.active_version if slot else None


@pytest.fixture
def v1(store: Store) -> PolicyVersion:
    return services.load_policy(store, STANDARD)


@pytest.fixture
def seller(store: Store) -> Seller:
    return Seller.objects.create(store=store, code="nordic-gear", name="Nordic Gear")


@pytest.fixture
def delivered_line(store: Store, seller: Seller) -> OrderLine:
    """One T-shirt at €45 shipped to France, delivered on 2 March 2026, paid by card."""
    apparel = Category.objects.create(store=store, slug="apparel", name_en="Apparel", name_fr="Vêtements")
    tshirt = Product.objects.create(store=store, seller=seller, category=apparel, title="T-shirt")
    customer = Customer.objects.create(store=store, email="ana@example.com", country="FR")
    order = Order.objects.create(
        store=store,
        number="R-1001",
        customer=customer,
        currency="EUR",
        ordered_at=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        shipping_country="FR",
        content_hash="x",
    )
    parcel = Shipment.objects.create(
        order=order,
        position=0,
        shipped_at=datetime(2026, 2, 28, 9, 0, tzinfo=UTC),
        delivered_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    )
    Payment.objects.create(order=order, position=0, method="card", amount=Decimal("45.00"))
    return OrderLine.objects.create(
        order=order,
        position=0,
        product=tshirt,
        seller=seller,
        shipment=parcel,
        title="T-shirt",
        quantity=1,
        unit_price=Decimal("45.00"),
    )


def preview(client: Client, line: OrderLine, language: str = "en", **fields: Any) -> str:
    data = {
        "preview-line": line.pk,
        "preview-requested_at": "2026-03-10",
        "preview-condition": "unopened",
        "preview-reason": "size_fit",
    }
    data.update(fields)
    response = client.post(PREVIEW_URL, data, headers={"HX-Request": "true", "Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


# Adding a version


def test_a_valid_document_becomes_the_next_version_and_the_active_one(
    admin_client: Client, admin_user: User, store: Store, v1: PolicyVersion
):
    text = STANDARD.replace("days: 30", "days: 45").replace("\n", "\r\n")  # as a browser sends it
    response = add_version(admin_client, store, text, note="Longer window")

    v2 = PolicyVersion.objects.get(policy__store=store, number=2)
    assert response.status_code == 302
    assert response["Location"] == change_url(v2)
    assert active_of(store) == v2
    assert (v2.note, v2.created_by, v2.name) == ("Longer window", admin_user, "marketplace-standard")
    assert "\r" not in v2.document
    assert "days: 45" in v2.document


def test_the_add_form_starts_from_the_marketplace_standard_template(admin_client: Client, store: Store):
    html = admin_client.get(ADD_URL).content.decode()
    assert "name: marketplace-standard" in html
    assert 'class="policy-document"' in html
    assert "Live preview" in html


def test_the_add_form_can_start_from_the_active_version_of_a_policy(
    admin_client: Client, store: Store, v1: PolicyVersion
):
    custom = services.load_policy(store, STANDARD.replace("days: 30", "days: 60"))
    html = admin_client.get(f"{ADD_URL}?policy={custom.policy_id}").content.decode()
    assert "days: 60" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BROKEN_YAML, "Line 5: not valid YAML"),
        (UNKNOWN_FIELD, "Line 9, rules[0].then.colour: unknown field colour"),
    ],
)
def test_a_document_with_problems_is_refused_with_its_lines_and_nothing_changes(
    admin_client: Client, store: Store, v1: PolicyVersion, text: str, expected: str
):
    response = add_version(admin_client, store, text)

    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "The policy has 1 problem." in html
    assert PolicyVersion.objects.count() == 1
    assert active_of(store) == v1


def test_a_sellers_policy_less_generous_than_the_stores_is_refused_with_examples(
    admin_client: Client, store: Store, seller: Seller, v1: PolicyVersion
):
    response = add_version(admin_client, store, NO_RETURNS, seller=seller.pk)

    assert response.status_code == 200
    html = response.content.decode()
    assert "may not be less generous than the store" in html
    assert "the seller&#x27;s policy decides refused (no_returns)" in html
    assert not PolicyVersion.objects.filter(policy__seller=seller).exists()
    assert active_of(store) == v1


def test_a_sellers_policy_at_least_as_generous_as_the_stores_is_saved(
    admin_client: Client, store: Store, seller: Seller, v1: PolicyVersion
):
    response = add_version(admin_client, store, STANDARD.replace("days: 30", "days: 45"), seller=seller.pk)
    assert response.status_code == 302
    assert active_of(store, seller).number == 1  # type: ignore[union-attr]
    assert active_of(store) == v1


def test_a_seller_of_another_store_is_refused(admin_client: Client, store: Store, other_store: Store):
    stranger = Seller.objects.create(store=other_store, code="elsewhere", name="Elsewhere")
    response = add_version(admin_client, store, STANDARD, seller=stranger.pk)
    assert "Elsewhere sells in another store." in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_a_policy_that_promises_less_than_the_law_is_saved_with_lint_warnings(
    admin_client: Client, store: Store
):
    response = admin_client.post(
        ADD_URL, {"store": store.pk, "document": NO_RETURNS, "note": ""}, follow=True
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    warnings = [text for text in messages if "promises less than the law" in text]
    assert warnings
    assert all("The legal floor applies." in text for text in warnings)
    assert any("refused (no_returns)" in text and "legal_withdrawal" in text for text in warnings)
    assert active_of(store).name == "no-returns"  # type: ignore[union-attr]


def test_the_same_document_again_saves_no_new_version(admin_client: Client, store: Store, v1: PolicyVersion):
    response = add_version(admin_client, store, STANDARD)
    assert response.status_code == 302
    assert PolicyVersion.objects.count() == 1


# A saved version


def test_a_version_page_shows_the_document_its_lint_and_the_preview_but_no_save_button(
    admin_client: Client, store: Store
):
    version = services.load_policy(store, NO_RETURNS)
    html = admin_client.get(change_url(version)).content.decode()

    assert '<pre class="policy-document numbered">' in html
    assert "code: no_returns" in html
    assert "promises less than the law" in html
    assert "Active version" in html
    assert 'name="_save"' not in html
    assert reverse("admin:policies_policyversion_delete", args=[version.pk]) not in html
    assert "Preview the decision" in html


def test_versions_cannot_be_changed_or_deleted(admin_client: Client, store: Store, v1: PolicyVersion):
    change = admin_client.post(change_url(v1), {"document": NO_RETURNS, "note": "edited"})
    delete = admin_client.post(reverse("admin:policies_policyversion_delete", args=[v1.pk]), {"post": "yes"})
    changelist = admin_client.get(reverse("admin:policies_policyversion_changelist")).content.decode()

    assert (change.status_code, delete.status_code) == (403, 403)
    assert PolicyVersion.objects.get().document == STANDARD
    assert "delete_selected" not in changelist


def test_an_earlier_version_can_be_activated_again(admin_client: Client, store: Store, v1: PolicyVersion):
    services.load_policy(store, NO_RETURNS)
    url = reverse("admin:policies_policyversion_activate", args=[v1.pk])

    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, follow=True)

    assert response.status_code == 200
    assert "is now active" in response.content.decode()
    assert active_of(store) == v1


def test_a_seller_version_less_generous_than_the_stores_policy_now_cannot_be_activated(
    admin_client: Client, store: Store, seller: Seller
):
    services.load_policy(store, NO_RETURNS)
    strict = services.load_policy(store, NO_RETURNS, seller=seller)  # as generous as the store then
    services.load_policy(store, STANDARD, seller=seller)
    services.load_policy(store, STANDARD)  # the store is now more generous than the seller's v1

    url = reverse("admin:policies_policyversion_activate", args=[strict.pk])
    response = admin_client.post(url, follow=True)

    assert "may not be less generous than the store" in response.content.decode()
    assert active_of(store, seller).name == "marketplace-standard"  # type: ignore[union-attr]


def test_the_policy_page_lists_its_versions_with_links(admin_client: Client, store: Store, v1: PolicyVersion):
    services.load_policy(store, NO_RETURNS)
    url = reverse("admin:policies_returnpolicy_change", args=[v1.policy_id])
    html = admin_client.get(url).content.decode()

    assert html.count('href="/admin/policies/policyversion/') >= 2
    assert "no-returns v2" in html
    assert "marketplace-standard v1" in html
    assert admin_client.get(reverse("admin:policies_returnpolicy_add")).status_code == 403
    assert admin_client.get(reverse("admin:policies_returnpolicy_changelist")).status_code == 200


# The live preview


def test_the_preview_of_a_version_on_an_order_line_shows_its_decision_in_english(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    html = preview(admin_client, delivered_line, version=v1.pk)

    assert 'data-code="legal_withdrawal"' in html
    assert "Eligible: 100 % refunded" in html
    assert "€45.00" in html  # the item refund
    assert "€40.05" in html  # after the return shipping
    assert "€4.95" in html
    assert "EU right of withdrawal" in html
    assert "eu-withdrawal" in html  # the rule that fired
    assert "You are within your 14-day right of withdrawal" in html
    assert PolicyDecision.objects.count() == 0  # a preview saves nothing


def test_the_preview_speaks_french(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    html = preview(admin_client, delivered_line, "fr", version=v1.pk)

    assert 'data-code="legal_withdrawal"' in html
    assert "40,05\xa0€" in html
    assert "Vous êtes dans votre délai de rétractation de 14 jours" in html


def test_the_preview_finds_a_line_by_order_number_and_position(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    html = preview(
        admin_client,
        delivered_line,
        version=v1.pk,
        **{
            "preview-line": "",
            "preview-order": "R-1001",
            "preview-position": "0",
            "preview-condition": "used",
        },
    )
    assert 'data-code="legal_withdrawal"' in html
    assert "Eligible: 50 % refunded" in html


def test_the_preview_of_a_document_being_written_decides_with_that_document(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    html = preview(admin_client, delivered_line, document=NO_RETURNS, store=store.pk)
    # The law still applies: the legal floor replaces the refusal.
    assert 'data-code="legal_withdrawal"' in html
    assert "the legal floor applied" in html
    assert "nothing" in html  # the document's own rule fired first


def test_the_preview_of_a_broken_document_shows_its_lines_and_fields(
    admin_client: Client, store: Store, delivered_line: OrderLine
):
    html = preview(admin_client, delivered_line, document=UNKNOWN_FIELD, store=store.pk)
    assert "Line 9, rules[0].then.colour: unknown field colour" in html
    assert "policy-decision" not in html
    assert PolicyVersion.objects.count() == 0


def test_the_preview_asks_for_an_order_line(admin_client: Client, store: Store, v1: PolicyVersion):
    response = admin_client.post(
        PREVIEW_URL,
        {
            "version": v1.pk,
            "preview-requested_at": "2026-03-10",
            "preview-condition": "unopened",
            "preview-reason": "size_fit",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Choose an order line" in html
    assert "policy-decision" not in html


def test_without_htmx_the_preview_is_a_whole_page(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    data = {
        "version": v1.pk,
        "preview-line": delivered_line.pk,
        "preview-requested_at": "2026-03-10",
        "preview-condition": "unopened",
        "preview-reason": "size_fit",
    }
    html = admin_client.post(PREVIEW_URL, data).content.decode()
    assert "Retour back office" in html
    assert 'data-code="legal_withdrawal"' in html


def test_the_preview_only_answers_posts(admin_client: Client):
    assert admin_client.get(PREVIEW_URL).status_code == 405


# Decisions


def test_decisions_are_listed_and_never_edited(
    admin_client: Client, store: Store, v1: PolicyVersion, delivered_line: OrderLine
):
    facts = facts_for_line(
        delivered_line, requested_at=datetime(2026, 3, 10).date(), condition="opened", reason="size_fit"
    )
    row = services.record(
        store, v1, facts, services.decide(v1, facts), when=datetime(2026, 3, 10, tzinfo=UTC)
    )
    changelist = admin_client.get(reverse("admin:policies_policydecision_changelist"))
    change = admin_client.post(reverse("admin:policies_policydecision_change", args=[row.pk]), {"code": "x"})

    assert changelist.status_code == 200
    assert "legal_withdrawal" in changelist.content.decode()
    assert admin_client.get(reverse("admin:policies_policydecision_add")).status_code == 403
    assert change.status_code == 403
    assert PolicyDecision.objects.get().code == "legal_withdrawal"


# Who may


@pytest.mark.parametrize("is_logged_in_shopper", [False, True])
def test_people_who_are_not_staff_are_sent_to_the_login_page(
    store: Store, v1: PolicyVersion, delivered_line: OrderLine, is_logged_in_shopper: bool
):
    client = Client()
    if is_logged_in_shopper:
        client.force_login(User.objects.create_user("shopper", "shopper@example.com"))
    urls = [ADD_URL, change_url(v1), reverse("admin:policies_returnpolicy_changelist")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(PREVIEW_URL, {"version": v1.pk, "preview-line": delivered_line.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    activate = client.post(reverse("admin:policies_policyversion_activate", args=[v1.pk]))
    assert activate.status_code == 302


def test_a_saved_version_cannot_be_changed_even_outside_the_admin(store: Store, v1: PolicyVersion):
    v1.document = NO_RETURNS
    with pytest.raises(VersionImmutable):
        v1.save()
    v1.refresh_from_db()
    assert v1.document == STANDARD


def test_a_sellers_refusal_says_what_differs_including_fees(
    admin_client: Client, store: Store, seller: Seller, v1: PolicyVersion
):
    no_waiver = STANDARD.replace("    waived_when: {member: true}\n", "")
    response = add_version(admin_client, store, no_waiver, seller=seller.pk)

    html = response.content.decode()
    assert "may not be less generous than the store" in html
    assert "It gives less: fees of €" in html
    assert "instead of €0.00" in html
    assert "a loyalty member" in html
    assert not PolicyVersion.objects.filter(policy__seller=seller).exists()


def test_a_version_page_shows_the_documents_own_warnings(admin_client: Client, store: Store):
    books_only = NO_RETURNS.replace("  - id: nothing\n", "  - id: nothing\n    when: {category: books}\n")
    version = services.load_policy(store, books_only)
    html = admin_client.get(change_url(version)).content.decode()
    assert "Line 3, rules: some cases match no rule" in html


def test_a_version_saved_before_the_contradiction_checks_still_decides(store: Store):
    shadowed = (
        NO_RETURNS.replace(
            "rules:\n",
            "rules:\n  - id: books\n    when: {category: books}\n    then: {eligible: false, code: books}\n",
        )
        + "  - id: used-books\n    when: {category: books, condition: used}\n"
        + "    then: {eligible: false, code: b}\n"
    )
    with pytest.raises(services.PolicyInvalid):
        services.load_policy(store, shadowed)
    old = PolicyVersion.objects.create(
        policy=services.policy_slot(store), number=1, name="no-returns", document=shadowed, digest="old"
    )

    policy = services.compiled(old)

    assert [p.field for p in policy.policy.warnings] == ["rules[2].when"]
    assert "unreachable" in services.warnings(policy)[0].message
