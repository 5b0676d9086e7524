from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "retour.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Returns and claims call their hooks without importing webhooks: a delivery per subscribed event.
        from retour.claims import hooks as claim_hooks
        from retour.repairs.services import timeline as repair_timeline
        from retour.returns import hooks
        from retour.webhooks.services import emit_claim_event, emit_repair_event, emit_return_event

        hooks.on_event_written(emit_return_event)
        claim_hooks.on_event_written(emit_claim_event)
        repair_timeline.on_event_written(emit_repair_event)  # each step of a repair
