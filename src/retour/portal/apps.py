from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "retour.portal"
    label = "portal"
    verbose_name = _("Shopper portal")

    def ready(self) -> None:
        # The help center shows the shopper's own return beside an answer, without importing the portal.
        from retour.helpcenter import hooks
        from retour.portal.status import order_statuses

        hooks.on_order_status(order_statuses)
