"""Configuration from environment variables, read once at start-up (12-factor).

Every setting a deployment may change is named here with its safe production default, so that an
operator reads one file to know what can be set.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def _list(env: Mapping[str, str], name: str, default: str) -> list[str]:
    return [item.strip() for item in env.get(name, default).split(",") if item.strip()]


def _days(env: Mapping[str, str], name: str, default: str) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(item) for item in _list(env, name, default)}))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be whole numbers of days, e.g. 3,7") from None
    if any(day < 1 for day in days):
        raise ImproperlyConfigured(f"{name} must be days after the approval, 1 or more")
    return days


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more, not {value}")
    return value


def _networks(env: Mapping[str, str], name: str, default: str = "") -> tuple[str, ...]:
    """Addresses or networks (CIDR), comma-separated: each checked, kept as the text given."""
    networks = _list(env, name, default)
    for item in networks:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be IP addresses or networks (e.g. 10.0.0.0/8,127.0.0.1), not {item!r}"
            ) from None
    return tuple(networks)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, default).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


@dataclass(frozen=True)
class Env:
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str
    time_zone: str
    data_dir: Path
    email_url_host: str
    email_port: int
    email_user: str
    email_password: str
    email_use_tls: bool
    email_use_ssl: bool
    email_backend: str
    default_from_email: str
    log_level: str
    log_format: str
    stripe_api_key: str = ""
    stripe_api_base: str = ""
    carrier: str = "store"
    easypost_api_key: str = ""
    easypost_api_base: str = ""
    easypost_webhook_secret: str = ""
    store_credit_days: int = 365
    fr_legal_interest_rate: str = ""
    return_reminder_days: tuple[int, ...] = (3, 7)
    return_expiry_days: int = 14
    instant_exchange_days: int = 14
    trusted_proxies: tuple[str, ...] = ()
    metrics_allowed: tuple[str, ...] = ("127.0.0.1", "::1")
    database_pool_size: int = 10
    database_pool_timeout: int = 10
    database_replica_url: str = ""  # a read replica for analytics (config/replica.py); empty: none


def read_env(env: Mapping[str, str] | None = None, base_dir: Path | None = None) -> Env:
    """Read the whole configuration from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    base_dir = base_dir or Path.cwd()
    debug = _bool(env, "DEBUG", default=False)
    data_dir = Path(env.get("RETOUR_DATA_DIR", str(base_dir / "var"))).resolve()
    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if not debug:
            raise ImproperlyConfigured(
                "SECRET_KEY is not set. Set it to a long random value (DEBUG=1 allows a development key)."
            )
        secret_key = "retour-development-only-key-never-use-in-production"  # noqa: S105 - DEBUG only
    return Env(
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=_list(env, "ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]"),
        csrf_trusted_origins=_list(env, "CSRF_TRUSTED_ORIGINS", ""),
        database_url=env.get("DATABASE_URL", f"sqlite:///{data_dir / 'retour.sqlite3'}"),
        time_zone=env.get("TIME_ZONE", "UTC"),
        data_dir=data_dir,
        email_url_host=env.get("EMAIL_HOST", "localhost"),
        email_port=_int(env, "EMAIL_PORT", 25),
        email_user=env.get("EMAIL_HOST_USER", ""),
        email_password=env.get("EMAIL_HOST_PASSWORD", ""),
        email_use_tls=_bool(env, "EMAIL_USE_TLS", default=False),
        email_use_ssl=_bool(env, "EMAIL_USE_SSL", default=False),
        email_backend=env.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if debug
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        default_from_email=env.get("DEFAULT_FROM_EMAIL", "Retour <returns@localhost>"),
        log_level=env.get("LOG_LEVEL", "INFO"),
        log_format=_choice(env, "LOG_FORMAT", ("json", "plain"), "plain" if debug else "json"),
        stripe_api_key=env.get("STRIPE_API_KEY", ""),
        stripe_api_base=env.get("STRIPE_API_BASE", ""),
        carrier=_choice(env, "CARRIER", ("store", "easypost"), "store"),
        easypost_api_key=env.get("EASYPOST_API_KEY", ""),
        easypost_api_base=env.get("EASYPOST_API_BASE", ""),
        easypost_webhook_secret=env.get("EASYPOST_WEBHOOK_SECRET", ""),
        store_credit_days=_int(env, "STORE_CREDIT_DAYS", 365),
        fr_legal_interest_rate=env.get("FR_LEGAL_INTEREST_RATE", ""),
        return_reminder_days=_days(env, "RETURN_REMINDER_DAYS", "3,7"),
        return_expiry_days=_positive(env, "RETURN_EXPIRY_DAYS", 14),
        instant_exchange_days=_positive(env, "INSTANT_EXCHANGE_DAYS", 14),
        trusted_proxies=_networks(env, "TRUSTED_PROXIES"),
        metrics_allowed=_networks(env, "METRICS_ALLOWED", "127.0.0.1,::1"),
        database_pool_size=_positive(env, "DATABASE_POOL_SIZE", 10),
        database_pool_timeout=_positive(env, "DATABASE_POOL_TIMEOUT", 10),
        database_replica_url=env.get("DATABASE_REPLICA_URL", "").strip(),
    )
