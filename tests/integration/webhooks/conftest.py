from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fakes.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server; Django's SMTP backend pointed at it."""
    from smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Retour <retours@example.com>"
    yield server
    server.stop()
