"""A real SMTP server for the survey emails."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def smtp(settings: Any) -> Any:
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Maison <retours@example.com>"
    yield server
    server.stop()
