"""Finding an order: by number with its email or postal code, or by a signed link sent to its email; the
answer never tells whether an order exists, and guessing is slowed down."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integration.portal.steps import alert, french, look_up, run_tasks, text
from retour.config.schedule import JOBS
from retour.orders.models import Order
from retour.portal import access
from retour.portal.models import LookupAttempt
from retour.portal.tasks import prune_lookup_attempts, send_access_link

pytestmark = pytest.mark.django_db

NOT_FOUND = (
    "We could not find an order with these details. Check the order number and the email address or "
    "postal code, or ask for a link below."
)


def granted(client: Client) -> list[int]:
    return list(client.session.get(access.SESSION_KEY, []))


def test_the_lookup_page_asks_for_the_order_in_english_and_in_french(policy_store):
    english = Client().get(reverse("portal:home"))
    assert english.status_code == 200
    assert "Return an item" in text(english)
    assert "Find my order" in text(english)
    page = text(french().get(reverse("portal:home")))
    assert "Retourner un article" in page
    assert "Trouver ma commande" in page


def test_the_number_and_the_email_in_any_case_open_the_order(order: Order):
    client = Client()
    response = client.post(
        reverse("portal:home"),
        {"store": order.store.code, "number": " 1001 ", "proof": " 1001@EXAMPLE.com "},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:order", args=[order.pk])
    assert granted(client) == [order.pk]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Order #1001" in text(page)


def test_the_number_and_the_delivery_postal_code_open_the_order(make_order: Callable[..., Order]):
    order = make_order("#1002", shipping_postal_code="75011")
    client = Client()
    response = look_up(client, order, proof="75 011")
    assert response.status_code == 302
    assert granted(client) == [order.pk]


def test_an_unknown_number_and_a_wrong_email_get_the_same_answer(order: Order):
    unknown = Client().post(
        reverse("portal:home"), {"store": order.store.code, "number": "#9999", "proof": order.email}
    )
    wrong_email = look_up(Client(), order, proof="someone.else@example.com")
    wrong_postal_code = look_up(Client(), order, proof="13001")
    assert unknown.status_code == wrong_email.status_code == wrong_postal_code.status_code == 400
    assert alert(unknown) == alert(wrong_email) == alert(wrong_postal_code) == NOT_FOUND
    assert LookupAttempt.objects.filter(scope="order", succeeded=True).count() == 0


def test_the_same_answer_in_french(order: Order):
    unknown = french().post(
        reverse("portal:home"), {"store": order.store.code, "number": "#9999", "proof": order.email}
    )
    wrong_email = look_up(french(), order, proof="someone.else@example.com")
    assert unknown.status_code == wrong_email.status_code == 400
    assert alert(unknown) == alert(wrong_email)
    assert alert(unknown) != NOT_FOUND  # in French


def test_a_blank_form_says_what_is_missing_and_opens_nothing(order: Order):
    client = Client()
    response = client.post(reverse("portal:home"), {"store": order.store.code, "number": "", "proof": ""})
    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert granted(client) == []
    assert not LookupAttempt.objects.exists()


def test_ten_lookups_from_one_client_then_it_must_wait(order: Order):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):  # ten different numbers: no order number gets five failures
        response = client.post(
            reverse("portal:home"), {"store": order.store.code, "number": f"#9{n:03}", "proof": order.email}
        )
        assert response.status_code == 400
    refused = look_up(client, order)  # even the right details
    assert refused.status_code == 429
    assert re.fullmatch(r"Too many attempts\. For your security, try again in \d+ minutes\.", alert(refused))
    assert granted(client) == []
    in_french = look_up(client, order, headers={"Accept-Language": "fr"})
    assert in_french.status_code == 429
    assert re.fullmatch(
        r"Trop de tentatives\. Pour votre sécurité, réessayez dans \d+ minutes\.", alert(in_french)
    )
    # Another address is not slowed down by this one.
    assert look_up(Client(REMOTE_ADDR="203.0.113.8"), order).status_code == 302


def test_lookups_older_than_the_window_no_longer_count(order: Order):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        look_up(client, order)
    assert look_up(client, order).status_code == 429
    LookupAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert look_up(client, order).status_code == 302


def test_five_failures_on_one_order_number_from_anywhere_lock_it(order: Order):
    for n in range(5):
        response = look_up(Client(), order, proof=f"guess{n}@example.com", REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert response.status_code == 400
    client = Client(REMOTE_ADDR="198.51.100.99")
    locked = look_up(client, order)  # the right email, from an address never seen
    assert locked.status_code == 429
    assert alert(locked).startswith("Too many attempts.")
    assert granted(client) == []


def test_only_hashes_of_the_address_and_the_number_are_kept(order: Order):
    look_up(Client(REMOTE_ADDR="198.51.100.23"), order, proof="wrong@example.com")
    keys = list(LookupAttempt.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert not any("1001" in key or "198.51.100.23" in key for key in keys)


def ask_for_link(client: Client, order: Order, number: str, email: str):
    return client.post(
        reverse("portal:send_link"), {"store": order.store.code, "number": number, "email": email}
    )


def test_asking_for_a_link_always_answers_the_same_and_emails_only_the_order_s_address(order: Order):
    matching = ask_for_link(Client(), order, "#1001", "1001@Example.com")
    unknown = ask_for_link(Client(), order, "#9999", "1001@example.com")
    wrong = ask_for_link(Client(), order, "#1001", "other@example.com")
    for response in (matching, unknown, wrong):
        assert response.status_code == 302
        assert response["Location"] == f"/?store={order.store.code}"
    assert mail.outbox == []  # nothing is sent while the shopper waits
    assert sorted(run_tasks(send_access_link)) == ["no match", "no match", "sent"]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["1001@Example.com"]
    assert sent.subject == "Your link to order #1001"
    link = re.search(r"http://testserver(/access/[^/\s]+/)", sent.body)
    assert link is not None
    assert "24 hours" in sent.body


def test_the_link_answer_is_the_same_message_whether_or_not_the_order_exists(order: Order):
    pages = []
    for number in ("#1001", "#9999"):
        client = Client()
        response = ask_for_link(client, order, number, "1001@example.com")
        pages.append(text(client.get(response["Location"])))
    message = (
        "If an order with this number was placed with this email address, we have sent it a link. "
        "It works for 24 hours."
    )
    assert message in pages[0]
    assert message in pages[1]


def test_the_link_in_the_email_opens_the_order(order: Order):
    ask_for_link(Client(), order, "#1001", "1001@example.com")
    run_tasks(send_access_link)
    path = re.search(r"http://testserver(/access/[^/\s]+/)", mail.outbox[0].body).group(1)
    client = Client()  # another browser, say the phone that received the email
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:order", args=[order.pk])
    assert granted(client) == [order.pk]
    assert client.get(response["Location"]).status_code == 200


def test_a_link_asked_in_french_is_written_in_french(order: Order):
    ask_for_link(french(), order, "#1001", "1001@example.com")
    run_tasks(send_access_link)
    assert mail.outbox[0].subject == "Votre lien vers la commande #1001"


def test_a_tampered_link_is_refused_with_a_clear_message(order: Order):
    token = access.link_token(order)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    client = Client()
    response = client.get(reverse("portal:access", args=[tampered]))
    assert response.status_code == 400
    assert alert(response) == "This link has expired or is not valid. Ask for a new one below."
    assert granted(client) == []


def test_a_link_naming_another_order_cannot_be_forged_without_the_key(order: Order):
    forged = signing.dumps(
        {"order": order.pk}, key="not-the-secret-key", salt=access.LINK_SALT, compress=True
    )
    client = Client()
    assert client.get(reverse("portal:access", args=[forged])).status_code == 400
    assert granted(client) == []


class SignedLongAgo(signing.TimestampSigner):
    """Signs as if it were 1 January 2020 (links live 24 hours)."""

    def timestamp(self) -> str:
        return signing.b62_encode(1_577_836_800)


def test_an_expired_link_is_refused_with_a_clear_message_in_both_languages(order: Order):
    old = SignedLongAgo(key=settings.SECRET_KEY, salt=access.LINK_SALT).sign_object(
        {"order": order.pk}, compress=True
    )
    assert signing.loads(old, salt=access.LINK_SALT) == {"order": order.pk}  # genuine, only old
    client = Client()
    response = client.get(reverse("portal:access", args=[old]))
    assert response.status_code == 400
    assert alert(response) == "This link has expired or is not valid. Ask for a new one below."
    assert granted(client) == []
    in_french = french().get(reverse("portal:access", args=[old]))
    assert alert(in_french) == "Ce lien a expiré ou n’est pas valide. Demandez-en un nouveau ci-dessous."


def lookups_until_refused(order: Order, **meta: str) -> int:
    """How many lookups with the right details one client gets before a 429 (at most 12 tried)."""
    for n in range(12):
        if look_up(Client(**meta), order).status_code == 429:
            return n
    return 12


def test_behind_a_trusted_proxy_the_shoppers_own_address_is_counted(order: Order, settings):
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    assert lookups_until_refused(order, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.7") == 10
    # another shopper behind the same proxy is not slowed down by the first
    assert look_up(Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"), order).status_code == 302
    # what a client writes before the address its proxy appends changes nothing
    forged = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}
    assert look_up(Client(**forged), order).status_code == 429
    # two proxies in a row: the last address before them is the shopper's
    chained = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.9.9.9"}
    assert look_up(Client(**chained), order).status_code == 429


def test_without_trusted_proxies_a_forwarded_header_is_not_believed(order: Order, settings):
    settings.TRUSTED_PROXIES = ()
    for n in range(10):
        look_up(Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), order)
    fresh_header = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert look_up(fresh_header, order).status_code == 429


def test_a_shopper_who_used_up_their_lookups_can_still_ask_for_the_link(order: Order):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        look_up(client, order, proof=f"typo{n}@example.com")
    assert look_up(client, order).status_code == 429
    asked = ask_for_link(client, order, "#1001", "1001@example.com")
    assert asked.status_code == 302
    assert run_tasks(send_access_link) == ["sent"]


def test_links_are_limited_apart_per_address_and_per_email_address(order: Order):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):  # five different email addresses: none gets three links
        assert ask_for_link(client, order, "#1001", f"someone{n}@example.com").status_code == 302
    refused = ask_for_link(client, order, "#1001", "1001@example.com")
    assert refused.status_code == 429
    assert alert(refused).startswith("Too many attempts.")
    for n in range(3):  # three links to the order's address, each asked from another address
        ask_for_link(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), order, "#1001", "1001@example.com")
    flooded = ask_for_link(Client(REMOTE_ADDR="198.51.100.50"), order, "#1001", " 1001@EXAMPLE.com")
    assert flooded.status_code == 429
    assert sorted(set(run_tasks(send_access_link))) == ["no match", "sent"]
    assert len(mail.outbox) == 3  # the order's mailbox got three links, not more


def test_someone_elses_guesses_never_lock_the_shopper_out_of_the_emailed_link(order: Order):
    for n in range(6):
        look_up(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), order, proof=f"guess{n}@example.com")
    assert look_up(Client(REMOTE_ADDR="203.0.113.80"), order).status_code == 429  # the number is locked
    shopper = Client(REMOTE_ADDR="203.0.113.80")
    assert ask_for_link(shopper, order, "#1001", "1001@example.com").status_code == 302
    run_tasks(send_access_link)
    path = re.search(r"http://testserver(/access/[^/\s]+/)", mail.outbox[0].body).group(1)
    assert shopper.get(path).status_code == 302
    assert granted(shopper) == [order.pk]


@pytest.mark.parametrize("typed", ["1001", "#1001", " # 10-01 ", "1 0 0 1"])
def test_failures_count_against_the_order_number_however_it_is_typed(order: Order, typed: str):
    variants = ["#1001", "1001", "10 01", "#10-01", "1001."]
    for n, number in enumerate(variants):
        response = Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(
            reverse("portal:home"),
            {"store": order.store.code, "number": number, "proof": f"x{n}@example.com"},
        )
        assert response.status_code == 400
    locked = Client(REMOTE_ADDR="203.0.113.99").post(
        reverse("portal:home"), {"store": order.store.code, "number": typed, "proof": order.email}
    )
    assert locked.status_code == 429


def test_postal_codes_have_a_slower_limit_of_their_own(make_order: Callable[..., Order]):
    order = make_order("#1003", shipping_postal_code="75011")
    for n in range(3):
        wrong = look_up(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), order, proof=f"7500{n}")
        assert wrong.status_code == 400
    # a fourth postal code, even the right one, waits an hour
    refused = look_up(Client(REMOTE_ADDR="198.51.100.77"), order, proof="75011")
    assert refused.status_code == 429
    assert re.search(r"try again in (\d+) minutes", alert(refused))
    assert int(re.search(r"try again in (\d+) minutes", alert(refused)).group(1)) > 15
    # the email address still opens it: three postal failures are not five failures
    assert look_up(Client(REMOTE_ADDR="198.51.100.78"), order).status_code == 302


def test_the_periodic_job_deletes_attempts_older_than_a_day(order: Order):
    look_up(Client(REMOTE_ADDR="203.0.113.7"), order, proof="wrong@example.com")
    old = LookupAttempt.objects.create(scope="client", key="0" * 64)
    LookupAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=1, minutes=1))
    assert LookupAttempt.objects.count() == 3
    prune_lookup_attempts.enqueue()  # as `retour worker` queues it (config/schedule.py)
    assert run_tasks(prune_lookup_attempts) == [1]
    assert LookupAttempt.objects.count() == 2
    assert not LookupAttempt.objects.filter(pk=old.pk).exists()
    assert "retour.portal.tasks.prune_lookup_attempts" in {job.task for job in JOBS}
