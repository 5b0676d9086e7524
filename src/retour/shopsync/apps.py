from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopSyncConfig(AppConfig):
    name = "retour.shopsync"
    label = "shopsync"
    verbose_name = _("Shop sync")

    def ready(self) -> None:
        # Returns call their hook without importing shopsync: a return, its refund and an exchange's new
        # order are sent back to the shop the order came from.
        from retour.returns import hooks
        from retour.shopsync.services.pushing import on_return_event

        hooks.on_event_written(on_return_event)
