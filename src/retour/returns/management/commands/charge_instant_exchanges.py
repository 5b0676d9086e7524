from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.returns.services.resolutions import charge_unreturned_instant_exchanges, instant_exchange_days


class Command(BaseCommand):
    help = gettext_lazy(
        "Charge instant exchanges that shipped while their return was never sent back within "
        "INSTANT_EXCHANGE_DAYS (safe to run twice: each exchange is charged once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        charged = charge_unreturned_instant_exchanges()
        self.stdout.write(
            _("Instant exchanges charged: %(count)d (returns not sent back within %(days)d days).")
            % {"count": charged, "days": instant_exchange_days()}
        )
