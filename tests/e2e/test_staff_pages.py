"""Staff pages in a real browser: the admin login in both languages, and pages that must run under the CSP."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from e2e.harness import assert_accessible

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_user(transactional_db: None) -> User:
    return User.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def log_in(page: Page, username: str, password: str, button: str) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize(
    ("language", "button", "refusal"),
    [
        ("en", "Log in", "Please enter the correct username and password"),
        ("fr", "Connexion", "Veuillez compléter correctement les champs"),
    ],
)
def test_the_admin_login_page_is_accessible_and_refuses_a_wrong_password(
    admin_user: User, page: Page, button: str, refusal: str, console_errors: list[str]
) -> None:
    log_in(page, "admin", "wrong password", button)
    expect(page.locator(".errornote")).to_contain_text(refusal)
    assert_accessible(page)
    # Django answers a failed login with 200 and the form again; Chromium logs nothing for it.
    assert console_errors == []


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_log_in_and_the_admin_runs_under_the_content_security_policy(
    admin_user: User, page: Page
) -> None:
    log_in(page, "admin", PASSWORD, "Log in")
    expect(page).to_have_url("/admin/")
    page.goto("/admin/policies/policyversion/add/")  # htmx and inline styles inside the admin
    expect(page.locator("#policyversion_form")).to_be_visible()
    page.goto("/admin/orders/order/")
    expect(page.locator("#changelist")).to_be_visible()
    page.goto("/backoffice/policies/simulate/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/backoffice/returns/receive/")
    expect(page.locator("#number")).to_be_visible()
    # The fixture fails the test at teardown if the browser refused anything (CSP) or a script threw.
