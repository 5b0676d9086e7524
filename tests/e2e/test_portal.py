"""The shopper portal in a real browser, on a phone, in French and in English: a return from the lookup to
the label, the box-free drop-off, the EU withdrawal button, the error paths, the help on the way and the
language switcher. Every page on the way goes through axe-core in both languages, once per state worth
checking (the order page with its withdrawal button in the first test, the status page after the
cancellation, the error states once each)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from e2e.harness import assert_accessible
from e2e.portal_data import SHOPPERS, exactly, find_order, item, load_policy, look_up, make_order, pick, say
from retour.catalog.models import Store
from retour.helpcenter.services.articles import import_folder
from retour.orders.models import Order
from retour.refunds.services.deadlines import expected_for_new_return
from retour.returns.models import Return, Withdrawal

BOTH = pytest.mark.parametrize("language", ["en", "fr"])
# What one jumper (60.00) under the right of withdrawal gets: refunded in full less the return shipping;
# as store credit, 10 % more. The page shows them in the shopper's language.
AMOUNTS = {
    "refund": {"en": "€55.05", "fr": "55,05 €"},
    "fees": {"en": "€4.95", "fr": "4,95 €"},
    "credit": {"en": "€60.56", "fr": "60,56 €"},
}
# The items screen's help articles (portal.help.STEPS["items"]), as the help center's articles title them.
ITEMS_HELP = {
    "en": [
        "Items that can't be returned",
        "How long do I have to return an item?",
        "Parcel arrived damaged or items are missing",
    ],
    "fr": [
        "Articles non retournables",
        "Combien de temps ai-je pour retourner un article\u00a0?",
        "Colis endommagé ou articles manquants",
    ],
}
NOT_A_PHOTO = b"<html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def shop(store: Store) -> Store:
    load_policy(store)
    return store


@pytest.fixture
def order(shop: Store, language: str) -> Order:
    """The order of the shopper who speaks the page's language: delivered five days ago, in the EU."""
    return make_order(shop, language)


@pytest.fixture
def articles(kb_dir: Path) -> None:
    report = import_folder(kb_dir)
    assert not report.errors, report.errors


def day(value: date | datetime, language: str) -> str:
    with translation.override(language):
        return str(formats.date_format(value, "DATE_FORMAT"))


def screens(page: Page) -> list[str]:
    """The documents the page loads from now on, by path and query: one per screen the shopper sees."""
    loaded: list[str] = []
    page.on("load", lambda shown: loaded.append(re.sub(r"^https?://[^/]+", "", shown.url)))
    return loaded


def forms_sent_back(console_errors: list[str], times: int) -> None:
    """A form answered with its errors comes back as HTTP 400 (as it should), which Chromium logs as a
    failed load: expect exactly those, then clear them (anything else still fails the test)."""
    refused = [line for line in console_errors if line.endswith("status of 400 (Bad Request)")]
    assert (len(refused), len(console_errors)) == (times, times), console_errors
    console_errors.clear()


def summary_value(page: Page, term: str) -> Locator:
    """The value beside ``term`` in the options screen's summary."""
    return page.locator(".summary dt", has_text=exactly(term)).locator("xpath=following-sibling::dd[1]")


def history(page: Page, language: str) -> Locator:
    """The return's timeline on its page."""
    return page.get_by_role("region", name=exactly(say(language, "History")))


def go_to_options(page: Page, language: str, order: Order) -> None:
    """Screens 1 and 2: find the order, return one jumper because it does not fit."""
    find_order(page, language, order)
    pick(page, language, SHOPPERS[language].items[0], quantity=1)
    page.get_by_role("button", name=say(language, "Continue")).click()
    expect(page).to_have_url(f"/orders/{order.pk}/options/")


def confirm_with(page: Page, language: str, method: str) -> Return:
    page.get_by_role("radio", name=say(language, method)).check()
    page.get_by_role("button", name=say(language, "Confirm return")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Your return is confirmed"))
    ret = Return.objects.get()
    expect(page).to_have_url(f"/returns/{ret.number}/?new=1")
    return ret


@BOTH
def test_a_return_from_the_lookup_to_the_label_in_four_screens(
    page: Page, language: str, order: Order
) -> None:
    shown = screens(page)
    jumper = SHOPPERS[language].items[0]

    look_up(page, language, order.number, SHOPPERS[language].email)
    expect(page).to_have_url(f"/orders/{order.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(
        page.get_by_role("heading", level=2, name=say(language, "What would you like to return?"))
    ).to_be_visible()
    expect(item(page, SHOPPERS[language].items[1])).to_be_visible()
    pick(page, language, jumper, quantity=1)
    assert_accessible(page)
    page.get_by_role("button", name=say(language, "Continue")).click()

    expect(page).to_have_url(f"/orders/{order.pk}/options/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "What you get back"))
    expect(page.get_by_role("heading", level=2, name=re.compile(rf"^{jumper} × 1$"))).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(rf"^{say(language, 'Refund')}\b"))).to_be_checked()
    expect(summary_value(page, say(language, "Refund to your original payment"))).to_have_text(
        AMOUNTS["refund"][language]
    )
    expect(summary_value(page, say(language, "Return shipping, deducted"))).to_have_text(
        AMOUNTS["fees"][language]
    )
    expect(summary_value(page, say(language, "Or as store credit"))).to_have_text(AMOUNTS["credit"][language])
    expected = expected_for_new_return(order, store_credit=False, returnless=False)
    dates = summary_value(page, say(language, "Expected"))
    expect(dates).to_contain_text(day(expected.earliest, language))
    expect(dates).to_contain_text(day(expected.latest, language))
    assert_accessible(page)
    ret = confirm_with(page, language, "Print a return label")

    expect(page.get_by_role("status")).to_contain_text(ret.number)
    page.wait_for_load_state("load")  # the last screen's load event is in the list too
    assert shown == [
        "/",
        f"/orders/{order.pk}/",
        f"/orders/{order.pk}/options/",
        f"/returns/{ret.number}/?new=1",
    ]
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name=say(language, "Download the label and packing slip (PDF)")).click()
    download = downloading.value
    assert download.suggested_filename == f"{ret.number}-label.pdf"
    pdf = Path(download.path())
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 2_000
    assert ret.number in PdfReader(pdf).pages[0].extract_text()

    entries = history(page, language).get_by_role("listitem")
    expect(entries).to_have_count(3)
    for number, event in enumerate(
        ["You asked for this return.", "The return was approved.", "Your return label was issued."]
    ):
        expect(entries.nth(number)).to_contain_text(say(language, event))
        expect(entries.nth(number).locator("time")).to_have_attribute(
            "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
        )
    ret.refresh_from_db()
    assert (ret.state, ret.return_method, ret.language) == ("label_issued", "label", language)


@BOTH
def test_box_free_drop_off_shows_a_qr_code_then_the_shopper_cancels_from_the_status_page(
    page: Page, language: str, order: Order
) -> None:
    go_to_options(page, language, order)
    ret = confirm_with(page, language, "Box-free drop-off with a QR code")
    code = page.get_by_role("img", name=say(language, "QR code of return %(number)s", number=ret.number))
    expect(code).to_be_visible()
    assert code.evaluate("node => node.tagName.toLowerCase()") == "svg"  # drawn inline, not an <img>
    assert code.locator("title").count() == 1
    expect(page.get_by_role("status")).to_contain_text(ret.number)
    expect(page.locator(".next")).to_contain_text(ret.number)  # to read out if the code will not scan
    expect(
        page.get_by_role("link", name=say(language, "Download the label and packing slip (PDF)"))
    ).to_have_count(0)
    assert_accessible(page)
    ret.refresh_from_db()
    assert (ret.state, ret.return_method) == ("approved", "drop_off")

    # Later, from the order: the return's status page, and a change of mind.
    page.get_by_role("link", name=say(language, "Back to order %(number)s", number=order.number)).click()
    page.get_by_role("link", name=say(language, "Return %(number)s", number=ret.number)).click()
    expect(page).to_have_url(f"/returns/{ret.number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say(language, "Return %(number)s", number=ret.number)
    )
    page.get_by_role("button", name=say(language, "Cancel this return")).click()

    expect(page).to_have_url(f"/returns/{ret.number}/")
    expect(page.get_by_role("status")).to_have_text(
        say(language, "Your return is cancelled. You can start a new one from your order.")
    )
    expect(page.locator(".status .state")).to_have_text(say(language, "Cancelled"))
    expect(history(page, language).get_by_role("listitem").last).to_contain_text(
        say(language, "The return was cancelled.")
    )
    expect(page.get_by_role("button", name=say(language, "Cancel this return"))).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("QR"))).to_have_count(0)
    assert_accessible(page)
    ret.refresh_from_db()
    assert ret.state == "cancelled"


@BOTH
def test_an_eu_shopper_withdraws_from_the_contract_and_sees_the_date_and_time(
    page: Page, language: str, order: Order
) -> None:
    shopper = SHOPPERS[language]
    find_order(page, language, order)
    button = page.get_by_role("link", name=say(language, "Withdraw from contract here"))
    expect(button).to_be_visible()
    button.click()

    expect(page).to_have_url(f"/orders/{order.pk}/withdraw/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say(language, "Withdraw from contract"))
    for title in shopper.items:  # every item the right covers, ticked
        expect(page.get_by_role("checkbox", name=re.compile(rf"× {title}$"))).to_be_checked()
    expect(page.locator("#id_name")).to_have_value(shopper.name)
    expect(page.locator("#id_email")).to_have_value(shopper.email)
    assert_accessible(page)
    page.get_by_role("button", name=say(language, "Confirm withdrawal")).click()

    withdrawal = Withdrawal.objects.get()
    expect(page).to_have_url(f"/returns/{withdrawal.ret.number}/?withdrawn=1")
    expect(page.get_by_role("heading", level=2, name=say(language, "Withdrawal received"))).to_be_visible()
    at = timezone.localtime(withdrawal.at, order.store.zone)
    with translation.override(language):
        when = {
            "day": str(formats.date_format(at, "DATE_FORMAT")),
            "time": f"{at:%H:%M} ({order.store.time_zone})",  # the zone named
        }
    expected = say(
        language,
        "%(name)s, we received your withdrawal from the contract of order %(order)s on %(day)s at %(time)s.",
        name=shopper.name,
        order=order.number,
        **when,
    )
    expect(page.locator(".acknowledgement")).to_contain_text(expected)
    expect(history(page, language)).to_contain_text(say(language, "You withdrew from the contract."))
    assert_accessible(page)
    assert withdrawal.order == order
    assert withdrawal.ret.lines.count() == 2


@BOTH
def test_a_wrong_email_reads_like_an_unknown_order_and_missing_answers_show_beside_their_fields(
    page: Page, language: str, order: Order, console_errors: list[str]
) -> None:
    look_up(page, language, order.number, "someone.else@example.com")
    wrong_email = page.get_by_role("alert")
    expect(wrong_email).to_have_text(
        say(
            language,
            "We could not find an order with these details. Check the order number and the email address or "
            "postal code, or ask for a link below.",
        )
    )
    expect(page).to_have_url("/")
    expect(wrong_email).to_be_focused()  # read out first after the page comes back
    assert_accessible(page)
    said = wrong_email.inner_text()
    look_up(page, language, "#9999", SHOPPERS[language].email)
    expect(page.get_by_role("alert")).to_have_text(said)
    # The form comes back as it was sent, and nobody was let in.
    expect(page.get_by_role("textbox", name=say(language, "Order number"))).to_have_value("#9999")
    assert page.request.get(f"/orders/{order.pk}/").status == 404  # with this browser's cookies

    jumper = SHOPPERS[language].items[0]
    find_order(page, language, order)
    page.get_by_role("button", name=say(language, "Continue")).click()
    expect(page).to_have_url(f"/orders/{order.pk}/")
    nothing_chosen = page.get_by_role("alert")
    expect(nothing_chosen).to_have_text(say(language, "Choose at least one item to return."))
    expect(nothing_chosen).to_be_focused()

    item(page, jumper).get_by_label(say(language, "Return this item")).check()
    page.get_by_role("button", name=say(language, "Continue")).click()
    expect(page.get_by_role("alert")).to_have_text(
        say(language, "Some answers are missing: see the items marked below.")
    )
    group = item(page, jumper)
    reason = group.get_by_label(say(language, "Why are you returning it?"))
    condition = group.get_by_label(say(language, "What condition is it in?"))
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(say(language, "Tell us why you are returning it."))
    expect(condition).to_have_attribute("aria-invalid", "true")
    expect(condition).to_have_accessible_description(say(language, "Tell us what condition it is in."))
    expect(reason).to_be_focused()  # the first answer missing, where the shopper goes on
    expect(group.get_by_label(say(language, "Return this item"))).to_be_checked()  # what was ticked stays
    expect(item(page, SHOPPERS[language].items[1]).get_by_role("combobox")).to_have_count(0)
    assert_accessible(page)

    reason.select_option(label=say(language, "It doesn't fit"))
    condition.select_option(label=say(language, "Unopened, in its packaging"))
    page.get_by_role("button", name=say(language, "Continue")).click()
    expect(page).to_have_url(f"/orders/{order.pk}/options/")
    forms_sent_back(console_errors, 4)


@BOTH
def test_a_file_that_is_not_an_image_is_refused_where_the_policy_asks_for_photos(
    page: Page, language: str, order: Order, console_errors: list[str]
) -> None:
    load_policy(order.store, photo_required=True)
    go_to_options(page, language, order)
    label = say(language, "Photos of the item (required)")
    expect(page.get_by_label(label)).to_have_attribute("required", "")
    page.get_by_role("button", name=say(language, "Confirm return")).click()  # no photo at all

    missing = say(language, "The store needs a photo of this item: add at least one.")
    photos = page.get_by_label(label)
    expect(photos).to_have_attribute("aria-invalid", "true")
    expect(photos).to_have_accessible_description(re.compile(re.escape(missing)))
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)

    photos.set_input_files({"name": "photo.png", "mimeType": "image/png", "buffer": NOT_A_PHOTO})
    page.get_by_role("button", name=say(language, "Confirm return")).click()
    expect(page).to_have_url(f"/orders/{order.pk}/options/")
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text(
        say(language, "This file is not a photo: send a JPEG, PNG, GIF or WebP image.")
    )
    expect(refusal).to_be_focused()
    assert not Return.objects.exists()
    forms_sent_back(console_errors, 2)


@BOTH
def test_the_steps_help_the_instant_help_search_and_the_language_switcher(
    articles: None, page: Page, language: str, order: Order
) -> None:
    find_order(page, language, order)
    help_box = page.get_by_role("complementary", name=say(language, "Questions?"))
    expect(help_box.get_by_role("listitem")).to_have_text(ITEMS_HELP[language])
    expect(help_box.get_by_role("link").first).to_have_attribute("href", "/help/a/non-returnable-items/")
    expect(
        page.get_by_role("contentinfo").get_by_role("link", name=say(language, "Returns & refunds"))
    ).to_be_visible()

    query = {"en": "refund", "fr": "remboursment"}[language]  # the French one with a typo
    help_box.get_by_role("searchbox", name=say(language, "Search the help center")).press_sequentially(
        query, delay=20
    )
    expect(page.locator("#help-results li").first).to_be_visible()
    expect(page).to_have_url(f"/orders/{order.pk}/")  # swapped in by htmx: the shopper is still on the step
    # The fragment suggests searches first, then lists the articles found.
    expect(page.locator("#help-results a[href^='/help/a/']").first).to_have_attribute(
        "href", re.compile(r"^/help/a/[a-z-]+/")
    )
    assert_accessible(page)

    other = {"en": "fr", "fr": "en"}[language]
    names = {"en": "English", "fr": "Français"}
    switcher = page.get_by_role("form", name=say(language, "Language"))
    expect(switcher.get_by_role("button", name=names[language])).to_have_attribute("aria-current", "true")
    switcher.get_by_role("button", name=names[other]).focus()
    page.keyboard.press("Enter")  # one key, no pointer needed
    expect(page).to_have_url(f"/orders/{order.pk}/")  # the same page, in the other language
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(
        page.get_by_role("heading", level=2, name=say(other, "What would you like to return?"))
    ).to_be_visible()
    expect(
        page.get_by_role("complementary", name=say(other, "Questions?")).get_by_role("listitem")
    ).to_have_text(ITEMS_HELP[other])
    switched = page.get_by_role("form", name=say(other, "Language"))
    expect(switched.get_by_role("button", name=names[other])).to_have_attribute("aria-current", "true")
    expect(switched.get_by_role("button", name=names[other])).to_have_attribute("lang", other)
    assert_accessible(page)
