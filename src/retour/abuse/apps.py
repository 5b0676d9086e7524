from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbuseConfig(AppConfig):
    name = "retour.abuse"
    label = "abuse"
    verbose_name = _("Abuse signals")

    def ready(self) -> None:
        # Returns ask what is registered without importing this app: every new return is scored (a high
        # score keeps it for a person), and its later events score it again, by the worker.
        from retour.abuse import services
        from retour.returns import hooks

        hooks.on_review_check(services.hold_for_review)
        hooks.on_event_written(services.event_written)
