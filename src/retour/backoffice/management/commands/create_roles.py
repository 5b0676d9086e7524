from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retour.backoffice.roles import ensure_roles
from retour.core.management.base import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "Create the staff roles (groups Agents, Warehouse, Finance, Administrators) with their permissions; "
        "safe to run again (migrate does it too)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        groups = ensure_roles()
        self.stdout.write(
            _("Staff roles ready: %(roles)s. Add a staff member to a group to give them the role.")
            % {"roles": ", ".join(groups)}
        )
