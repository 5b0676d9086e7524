from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "retour.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Returns call their hooks without importing logistics: a label once a return by label is approved.
        from retour.logistics.hooks import void_unused_label
        from retour.logistics.services import issue_label
        from retour.returns import hooks

        hooks.on_label_needed(issue_label)
        hooks.on_event_written(void_unused_label)
