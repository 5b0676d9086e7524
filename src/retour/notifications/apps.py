from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "retour.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Returns call their hooks without importing notifications: an email per event written.
        from retour.claims import hooks as claim_hooks
        from retour.notifications.services import queue_claim_email, queue_email
        from retour.returns import hooks

        hooks.on_event_written(queue_email)
        claim_hooks.on_event_written(queue_claim_email)  # the same for a claim's events
