"""Third-party apps as Retour installs them (INSTALLED_APPS names these instead of the apps' own)."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db with a name the back office can translate.

    Its own verbose name ("Tasks Database Backend") is a plain string that gettext never sees; the
    other strings it marks are translated by the catalogue in ``locale_vendor``.
    """

    verbose_name = _("Background tasks")  # type: ignore[assignment]  # the app's own is a plain str
