"""A store's repair policy (``RepairSettings``): read with its defaults, changed with checks, all or
nothing, as insights' cost settings are."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.core.settings_rows import update_numbers
from retour.repairs.models import RepairSettings

# The settings a person may change, by the name the API, the command and the back office use.
FIELDS = ("diagnosis_fee",)


class RepairSettingsInvalid(DomainError):
    code = "repair_settings_invalid"
    status = 422


def settings_of(store: Store | int) -> RepairSettings:
    """The store's settings, unsaved defaults (no fee) when it never set any."""
    store_id = store if isinstance(store, int) else store.pk
    found = RepairSettings.objects.filter(store_id=store_id).first()
    return found if found is not None else RepairSettings(store_id=store_id)


def as_dict(row: RepairSettings) -> dict[str, str]:
    """The settings as decimal strings without trailing zeros ("25", "19.5"), read back or just set."""
    return {name: format(Decimal(getattr(row, name)).normalize(), "f") for name in FIELDS}


def update_settings(store: Store, values: Mapping[str, object]) -> RepairSettings:
    """Change some of the store's repair settings: all of them or none, every bad value named."""
    return update_numbers(
        settings_of(store),
        values,
        FIELDS,
        not_a_setting=lambda name: _("“%(name)s” is not a repair setting.") % {"name": name},
        refused=lambda errors: RepairSettingsInvalid(
            _("The repair settings were not changed: %(errors)s")
            % {"errors": "; ".join(f"{name}: {message}" for name, message in errors.items())},
            errors=[{"field": name, "message": message} for name, message in errors.items()],
        ),
    )
