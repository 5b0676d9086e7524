from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "retour.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from retour.backoffice.roles import after_migrate

        # Installation, not business flow: the roles exist on every install once `retour migrate` ran.
        post_migrate.connect(after_migrate, dispatch_uid="retour.backoffice.roles")
