"""Django settings for Retour. Values come from the environment once, through ``config.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from retour.config.env import read_env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ENV = read_env()

DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
# Reverse proxies whose X-Forwarded-For is believed: the client is the last address before them.
TRUSTED_PROXIES = ENV.trusted_proxies
METRICS_ALLOWED = ENV.metrics_allowed  # who may read /metrics (config/observability.py)
DATA_DIR = ENV.data_dir

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "ninja",  # the API docs page from ninja's own static files, not from a CDN the CSP would refuse
    "django_htmx",
    "django_tasks",
    "retour.core.vendor_apps.TasksDatabaseConfig",  # django_tasks_db, with a translatable name
    "retour.core",
    "retour.catalog",
    "retour.orders",
    "retour.policies",
    "retour.returns",
    "retour.refunds",
    "retour.claims",
    "retour.sellers",
    "retour.logistics",
    "retour.notifications",
    "retour.feedback",  # surveys after a return closes; builds on returns and notifications
    "retour.webhooks",
    "retour.repairs",  # repair journeys; builds on returns, notifications and policies
    "retour.shopsync",
    "retour.helpcenter",
    "retour.segments",
    "retour.abuse",
    "retour.insights",
    "retour.api",
    "retour.portal",
    "retour.backoffice",
    "retour.demo",  # the demo store's command, last: it builds on every app above
]

MIDDLEWARE = [
    "retour.core.request_context.RequestContextMiddleware",  # the request id, and /metrics' timings
    "django.middleware.security.SecurityMiddleware",
    "retour.core.security.ContentSecurityPolicyMiddleware",
    "retour.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "retour.core.limits.RequestSizeLimitMiddleware",
    "retour.core.clean_input.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "retour.config.replica.AnalyticsReadsMiddleware",  # after the user is known: read from the primary
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "retour.config.urls"
WSGI_APPLICATION = "retour.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the write
        # lock up front so concurrent writers wait (busy timeout) instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["TEST"] = {"NAME": None}  # in-memory for tests unless a path is forced
    else:
        # A pool per process (psycopg's): connections are taken for a request and given back after it,
        # and no process ever holds more than DATABASE_POOL_SIZE, however many threads it runs (the
        # development server's, the worker's). A request that finds the pool empty waits up to
        # DATABASE_POOL_TIMEOUT seconds, then fails cleanly (the API answers 503).
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections, not Django
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": ENV.database_pool_size,
            "timeout": ENV.database_pool_timeout,
        }  # Django asks the pool to check each connection before handing it out
    return config


DATABASES = {"default": _database(ENV.database_url)}
if ENV.database_replica_url:
    # Analytics reads go to this streaming replica (config/replica.py); in tests it mirrors the primary.
    DATABASES["replica"] = {**_database(ENV.database_replica_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["retour.config.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and French from the start; LocaleMiddleware honours the language
# cookie set by the switcher, then Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# Retour's own catalogue first (`make messages` writes it); then French for third-party apps that ship
# none (django-tasks), written by hand, which makemessages never touches.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_vendor"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = ENV.time_zone

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# collectstatic fills it for production; whitenoise also serves from the apps (finders) and only warns
# when the folder is missing, so make sure it exists.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step

EMAIL_BACKEND = ENV.email_backend
EMAIL_HOST = ENV.email_url_host
EMAIL_PORT = ENV.email_port
EMAIL_HOST_USER = ENV.email_user
EMAIL_HOST_PASSWORD = ENV.email_password
EMAIL_USE_TLS = ENV.email_use_tls
EMAIL_USE_SSL = ENV.email_use_ssl
DEFAULT_FROM_EMAIL = ENV.default_from_email
SERVER_EMAIL = ENV.default_from_email

# Payments: Stripe refunds when a key is set (STRIPE_API_BASE points tests at a local fake server);
# without one, card refunds are manual (staff confirm the money was sent).
STRIPE_API_KEY = ENV.stripe_api_key
STRIPE_API_BASE = ENV.stripe_api_base
# Return labels: "store" prints them without postage (the shopper pays at the counter); "easypost" buys
# them through EasyPost (EASYPOST_API_BASE points tests at a local fake server), tracked by its signed
# webhooks (EASYPOST_WEBHOOK_SECRET) and by polling.
CARRIER = ENV.carrier
EASYPOST_API_KEY = ENV.easypost_api_key
EASYPOST_API_BASE = ENV.easypost_api_base
EASYPOST_WEBHOOK_SECRET = ENV.easypost_webhook_secret
STORE_CREDIT_DAYS = ENV.store_credit_days
# France's legal interest rate for consumers (% a year, published each half-year by the Banque de France),
# for the first step of the late-refund surcharge (Code de la consommation L242-4). Empty: that step is
# shown without an amount.
FR_LEGAL_INTEREST_RATE = ENV.fr_legal_interest_rate
# Chasing approved returns not sent back: reminders on these days after the approval, expiry after
# RETURN_EXPIRY_DAYS; an instant exchange is charged when its return has not shipped within
# INSTANT_EXCHANGE_DAYS.
RETURN_REMINDER_DAYS = ENV.return_reminder_days
RETURN_EXPIRY_DAYS = ENV.return_expiry_days
INSTANT_EXCHANGE_DAYS = ENV.instant_exchange_days

# Safe defaults for production; DEBUG (development) relaxes only what must be relaxed.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Over HTTPS, browsers are told to come back over HTTPS only (SecurityMiddleware sends it on secure
# requests only, so plain-HTTP development is not affected).
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
# The language chosen in the portal: sent over HTTPS only, not to other sites' requests, not to scripts.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and requests only from
# files on this origin, nothing inline (templates load static files; htmx is told not to inject its
# indicator <style>, see base.html), images from here or data: URLs, no plugins, no framing, forms only
# posted here. Staff pages add STAFF_CSP_UPDATE (Django's admin and the back office use inline styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
STAFF_CSP_PREFIXES = ("/admin/", "/backoffice/")
STAFF_CSP_UPDATE = {"style-src": [UNSAFE_INLINE]}
PERMISSIONS_POLICY_DISABLED = (
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # JSON lines with the request id (core/logs.py) unless LOG_FORMAT=plain (the default with DEBUG).
    "filters": {"request_id": {"()": "retour.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "retour.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": ENV.log_format,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": ENV.log_level},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Upload size bounds (bytes): a request body larger than this is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Any request body, files included: a return's photos (6 a line of 10 MB at most) for a few lines.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
