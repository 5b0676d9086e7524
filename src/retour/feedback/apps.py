from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "retour.feedback"
    label = "feedback"
    verbose_name = _("Shopper feedback")

    def ready(self) -> None:
        # Returns call their hooks without importing feedback: a survey once a return closes.
        from retour.feedback.services import invite_after_close
        from retour.returns import hooks

        hooks.on_event_written(invite_after_close)
