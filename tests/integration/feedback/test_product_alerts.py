"""The staff alert when a product's return rate jumps: opened and emailed once per jump, closed when the
rate is back to normal (a later jump alerts again), and an email SMTP could not take sent on the next run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User

from integration.insights.analytics_store import run
from integration.insights.health_store import build
from retour.backoffice.models import StaffStore
from retour.catalog.models import Store
from retour.feedback.models import ProductAlert, StaffLanguage
from retour.insights import health_alerts

pytestmark = pytest.mark.django_db

# The 30 days to 30 March 2026 hold every March order (the dress: 20 of 60 back); the 90 days before,
# February's (the dress: 3 of 30). Only the dress jumped: the others sold nothing before.
END_OF_MARCH = datetime(2026, 3, 30, 12, tzinfo=UTC)
AUTUMN = datetime(2026, 10, 1, 12, tzinfo=UTC)


@pytest.fixture
def shop(store: Store, tmp_path: Path) -> Store:
    build(store, tmp_path)
    User.objects.create_superuser("boss", "boss@example.com", "pw")
    User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)  # no analytics: not told
    return store


def alert_mails(smtp) -> list:
    return [m for m in smtp.messages if "Dress" in str(m["Subject"])]


def test_a_jump_is_emailed_to_the_staff_who_see_the_analytics_once(shop, smtp):
    done = health_alerts.follow(shop, END_OF_MARCH)
    assert (done.opened, done.emailed) == (1, 1)
    alert = ProductAlert.objects.get()
    assert (alert.product.title, alert.recent_returned, alert.recent_units) == ("Dress", 20, 60)
    assert (str(alert.recent_rate), str(alert.baseline_rate)) == ("0.3333", "0.1000")
    (mail,) = alert_mails(smtp)
    assert mail["To"] == "boss@example.com"
    text = mail.get_body(("plain",)).get_content()
    assert "20 unités sur 60 sont revenues" in text  # the store's language
    assert "33,3\u00a0%" in text
    assert "/backoffice/analytics/product-health/" in text
    again = health_alerts.follow(shop, END_OF_MARCH)
    assert (again.opened, again.emailed) == (0, 0)
    assert len(alert_mails(smtp)) == 1


def test_an_alert_closes_when_the_jump_is_over_and_a_new_jump_alerts_again(shop, smtp):
    health_alerts.follow(shop, END_OF_MARCH)
    over = health_alerts.follow(shop, AUTUMN)  # nothing sold lately: no jump
    assert over.closed == 1
    assert ProductAlert.objects.get().closed_at is not None
    health_alerts.follow(shop, END_OF_MARCH)
    assert ProductAlert.objects.count() == 2
    assert len(alert_mails(smtp)) == 2


def test_an_alert_smtp_could_not_take_is_sent_on_the_next_run(shop, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there
    first = health_alerts.follow(shop, END_OF_MARCH)
    assert (first.opened, first.emailed) == (1, 0)
    assert ProductAlert.objects.get().emailed_at is None
    settings.EMAIL_PORT = port
    second = health_alerts.follow(shop, END_OF_MARCH)
    assert (second.opened, second.emailed) == (0, 1)
    assert len(alert_mails(smtp)) == 1


def test_the_command_runs_the_same_check(shop, smtp):
    assert "1 opened, 0 closed, 1 emailed" in run("alert_product_jumps", "--as-of", "2026-03-30")
    assert len(alert_mails(smtp)) == 1
    assert "0 opened, 0 closed, 0 emailed" in run("alert_product_jumps", "--as-of", "2026-03-30")
    assert ProductAlert.objects.get().product.title == "Dress"


def analyst(name: str, *stores: Store, language: str = "") -> User:
    user = User.objects.create_user(name, f"{name}@example.com", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_insightssettings"))
    for store in stores:
        StaffStore.objects.create(user=user, store=store)
    if language:
        StaffLanguage.objects.create(user=user, language=language)
    return user


def test_the_alert_goes_to_the_analysts_of_the_products_store_only_each_in_their_language(
    shop, other_store, smtp
):
    analyst("ours", shop, language="en")  # works for the store, reads English
    analyst("both", shop, other_store)  # works for both, no language chosen: the store's (French)
    analyst("theirs", other_store, language="en")  # another store's analyst: not told
    analyst("everyone")  # limited to no store: sees every store
    health_alerts.follow(shop, END_OF_MARCH)
    mails = {m["To"]: m for m in alert_mails(smtp)}
    assert sorted(mails) == [
        "boss@example.com",
        "both@example.com",
        "everyone@example.com",
        "ours@example.com",
    ]
    english = mails["ours@example.com"].get_body(("plain",)).get_content()
    assert "20 of 60 units came back" in english, english
    assert "33.3%" in english
    assert str(mails["ours@example.com"]["Subject"]) == "Returns of Dress jumped"
    french = mails["both@example.com"].get_body(("plain",)).get_content()
    assert "20 unités sur 60 sont revenues" in french
    alert = ProductAlert.objects.get()
    assert "theirs@example.com" not in alert.emailed_to
    assert "ours@example.com" in alert.emailed_to
