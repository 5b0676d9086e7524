from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SegmentsConfig(AppConfig):
    name = "retour.segments"
    label = "segments"
    verbose_name = _("Customer segments")

    def ready(self) -> None:
        # Policies and returns call what is registered without importing this app: policies read a
        # customer's history through it; each return asked for, and each import of orders, brings its
        # customers' profiles up to date (through the worker).
        from retour.orders import hooks as order_hooks
        from retour.policies import customer_history
        from retour.returns import hooks
        from retour.segments import services

        customer_history.provide(services.history_as_of, services.history_of_decisions)
        hooks.on_event_written(services.profile_changed)
        order_hooks.on_orders_imported(services.orders_imported)  # import-orders, shop webhooks and pulls
