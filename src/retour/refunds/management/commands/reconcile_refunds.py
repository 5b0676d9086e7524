from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.core.management.base import BaseCommand
from retour.refunds.services import charging
from retour.refunds.services.paying import reconcile_pending


class Command(BaseCommand):
    help = gettext_lazy(
        "Complete refunds and exchange charges left pending by a crash or a timeout, asking the provider "
        "with the same idempotency key (safe to run at any time, and twice)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = reconcile_pending()
        self.stdout.write(_("Pending refunds completed: %(count)d.") % {"count": done})
        charged = charging.reconcile_pending()
        self.stdout.write(_("Pending exchange charges completed: %(count)d.") % {"count": charged})
