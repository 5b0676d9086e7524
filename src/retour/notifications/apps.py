from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "retour.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from retour.notifications.receivers import on_event
        from retour.returns.signals import event_recorded

        event_recorded.connect(on_event, dispatch_uid="retour.notifications")
