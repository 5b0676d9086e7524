from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "retour.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from retour.backoffice.access import may_reach
        from retour.backoffice.roles import after_migrate
        from retour.insights import health_alerts

        # Installation, not business flow: the roles exist on every install once `retour migrate` ran.
        post_migrate.connect(after_migrate, dispatch_uid="retour.backoffice.roles")
        # A product's alert is emailed to the staff who work for its store only.
        health_alerts.on_store_access(may_reach)
