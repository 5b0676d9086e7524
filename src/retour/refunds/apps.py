from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "retour.refunds"
    label = "refunds"
    verbose_name = _("Refunds and payments")

    def ready(self) -> None:
        # Returns call their hooks without importing refunds: a return the shopper keeps is refunded, a
        # quote starts after what was refunded, an exchange's difference is charged.
        from retour.refunds.services import for_returns
        from retour.refunds.tasks import refund_when_kept
        from retour.returns import hooks

        hooks.on_kept(refund_when_kept)
        for_returns.register()
