from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "retour.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from retour.core import lookups  # noqa: F401 - registers ``__any``
