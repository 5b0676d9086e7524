from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "retour.repairs"
    label = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        # Returns call their hooks without importing repairs: a repair opens with its return, and is
        # approved with it. Each repair step sends the shopper's email.
        from retour.policies import extensions
        from retour.refunds.services import charging
        from retour.repairs import emails
        from retour.repairs.services import extension, opening, paying, timeline
        from retour.returns import hooks

        hooks.on_event_written(opening.on_return_event)
        timeline.on_event_written(emails.queue)
        # A later request about a repaired line is decided with its extended legal guarantee.
        extensions.on_guarantee_until(extension.extended_until)
        # A repair's charge (its quote, a diagnosis fee) settled: the repair's event and the shopper's email.
        charging.on_repair_charge_settled(paying.on_settled)
