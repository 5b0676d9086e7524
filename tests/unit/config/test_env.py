"""Configuration from the environment: safe production defaults, clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from retour.config.env import read_env

pytestmark = pytest.mark.unit

PRODUCTION = {"SECRET_KEY": "a-long-random-value"}


def test_debug_is_off_by_default(tmp_path: Path):
    env = read_env(PRODUCTION, base_dir=tmp_path)
    assert env.debug is False
    assert env.email_backend == "django.core.mail.backends.smtp.EmailBackend"


def test_a_secret_key_is_required_when_debug_is_off(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        read_env({}, base_dir=tmp_path)


def test_an_empty_secret_key_is_refused_too(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        read_env({"SECRET_KEY": "", "DEBUG": "0"}, base_dir=tmp_path)


def test_debug_allows_a_development_key_and_console_email(tmp_path: Path):
    env = read_env({"DEBUG": "1"}, base_dir=tmp_path)
    assert env.debug is True
    assert "development" in env.secret_key
    assert env.email_backend == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(("raw", "expected"), [("true", True), (" YES ", True), ("on", True), ("off", False)])
def test_booleans_accept_the_usual_spellings(tmp_path: Path, raw: str, expected: bool):
    assert read_env({**PRODUCTION, "DEBUG": raw}, base_dir=tmp_path).debug is expected


def test_a_bad_boolean_is_refused_with_its_name(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS must be a boolean"):
        read_env({**PRODUCTION, "EMAIL_USE_TLS": "maybe"}, base_dir=tmp_path)


def test_a_bad_number_is_refused_with_its_name(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        read_env({**PRODUCTION, "EMAIL_PORT": "smtp"}, base_dir=tmp_path)


def test_the_default_database_is_sqlite_in_the_data_dir(tmp_path: Path):
    env = read_env({**PRODUCTION, "RETOUR_DATA_DIR": str(tmp_path / "data")}, base_dir=tmp_path)
    assert env.data_dir == (tmp_path / "data").resolve()
    assert env.database_url == f"sqlite:///{(tmp_path / 'data').resolve()}/retour.sqlite3"


def test_the_data_dir_defaults_to_var_in_the_base_dir(tmp_path: Path):
    env = read_env(PRODUCTION, base_dir=tmp_path)
    assert env.data_dir == tmp_path.resolve() / "var"


def test_database_url_is_taken_as_given(tmp_path: Path):
    url = "postgres://retour@db:5432/retour"
    assert read_env({**PRODUCTION, "DATABASE_URL": url}, base_dir=tmp_path).database_url == url


def test_lists_are_comma_separated_and_trimmed(tmp_path: Path):
    env = read_env(
        {
            **PRODUCTION,
            "ALLOWED_HOSTS": " shop.example.com, ,returns.example.com ",
            "CSRF_TRUSTED_ORIGINS": "",
        },
        base_dir=tmp_path,
    )
    assert env.allowed_hosts == ["shop.example.com", "returns.example.com"]
    assert env.csrf_trusted_origins == []


def test_allowed_hosts_default_to_the_local_machine(tmp_path: Path):
    assert read_env(PRODUCTION, base_dir=tmp_path).allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]


def test_chasing_days_are_read_and_checked(tmp_path: Path):
    env = read_env(PRODUCTION, base_dir=tmp_path)
    assert (env.return_reminder_days, env.return_expiry_days, env.instant_exchange_days) == ((3, 7), 14, 14)
    env = read_env(
        {
            **PRODUCTION,
            "RETURN_REMINDER_DAYS": "5, 2,5",
            "RETURN_EXPIRY_DAYS": "21",
            "INSTANT_EXCHANGE_DAYS": "10",
        },
        base_dir=tmp_path,
    )
    assert (env.return_reminder_days, env.return_expiry_days, env.instant_exchange_days) == ((2, 5), 21, 10)
    for bad in ("three", "0,7"):
        with pytest.raises(ImproperlyConfigured, match="RETURN_REMINDER_DAYS"):
            read_env({**PRODUCTION, "RETURN_REMINDER_DAYS": bad}, base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="RETURN_EXPIRY_DAYS must be 1 or more"):
        read_env({**PRODUCTION, "RETURN_EXPIRY_DAYS": "0"}, base_dir=tmp_path)


def test_trusted_proxies_are_addresses_or_networks(tmp_path: Path):
    assert read_env(PRODUCTION, base_dir=tmp_path).trusted_proxies == ()
    env = read_env({**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"}, base_dir=tmp_path)
    assert env.trusted_proxies == ("10.0.0.0/8", "127.0.0.1", "::1")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES must be IP addresses or networks"):
        read_env({**PRODUCTION, "TRUSTED_PROXIES": "proxy.local"}, base_dir=tmp_path)


def test_the_database_pool_is_bounded_and_checked(tmp_path: Path):
    env = read_env(PRODUCTION, base_dir=tmp_path)
    assert (env.database_pool_size, env.database_pool_timeout) == (10, 10)
    env = read_env({**PRODUCTION, "DATABASE_POOL_SIZE": "4", "DATABASE_POOL_TIMEOUT": "3"}, base_dir=tmp_path)
    assert (env.database_pool_size, env.database_pool_timeout) == (4, 3)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_SIZE must be 1 or more"):
        read_env({**PRODUCTION, "DATABASE_POOL_SIZE": "0"}, base_dir=tmp_path)


def test_logs_are_json_lines_in_production_and_plain_in_development(tmp_path: Path):
    assert read_env(PRODUCTION, base_dir=tmp_path).log_format == "json"
    assert read_env({"DEBUG": "1"}, base_dir=tmp_path).log_format == "plain"
    assert read_env({**PRODUCTION, "LOG_FORMAT": "Plain"}, base_dir=tmp_path).log_format == "plain"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of json, plain"):
        read_env({**PRODUCTION, "LOG_FORMAT": "xml"}, base_dir=tmp_path)


def test_metrics_are_for_this_machine_unless_networks_are_allowed(tmp_path: Path):
    assert read_env(PRODUCTION, base_dir=tmp_path).metrics_allowed == ("127.0.0.1", "::1")
    allowed = read_env({**PRODUCTION, "METRICS_ALLOWED": "10.0.0.0/8"}, base_dir=tmp_path).metrics_allowed
    assert allowed == ("10.0.0.0/8",)
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED must be IP addresses or networks"):
        read_env({**PRODUCTION, "METRICS_ALLOWED": "prometheus.local"}, base_dir=tmp_path)


def test_labels_are_store_made_unless_easypost_is_chosen(tmp_path: Path):
    assert read_env(PRODUCTION, base_dir=tmp_path).carrier == "store"
    chosen = read_env(
        {**PRODUCTION, "CARRIER": "easypost", "EASYPOST_API_KEY": "EZAK1", "EASYPOST_WEBHOOK_SECRET": "s"},
        base_dir=tmp_path,
    )
    assert (chosen.carrier, chosen.easypost_api_key, chosen.easypost_webhook_secret) == (
        "easypost",
        "EZAK1",
        "s",
    )
    with pytest.raises(ImproperlyConfigured, match="CARRIER must be one of store, easypost"):
        read_env({**PRODUCTION, "CARRIER": "ups"}, base_dir=tmp_path)
