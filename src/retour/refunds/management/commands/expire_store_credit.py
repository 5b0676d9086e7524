from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.refunds.services.store_credit import expire


class Command(BaseCommand):
    help = gettext_lazy("Write off store credit past its expiry date (run daily; safe to run twice).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(_("Store credit accounts written off: %(count)d.") % {"count": expire()})
