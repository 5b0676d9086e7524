"""A store's cost rates for the cost of returns: read as the pure ``CostSettings``, changed with checks."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from django.utils.translation import gettext as _

from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.core.settings_rows import update_numbers
from retour.insights.domain.cost import CostSettings
from retour.insights.models import InsightsSettings

# The settings a person may change, by the name the API, the command and the page use.
FIELDS = (
    "handling_cost_per_unit",
    "tracking_cost_per_label",
    "insurance_cost_per_label",
    "insurance_share_of_value",
    "payment_fee_share",
    "payment_fee_per_refund",
    "recovery_refurbish",
    "recovery_liquidate",
    "recovery_scrap",
)


class CostSettingsInvalid(DomainError):
    code = "cost_settings_invalid"
    status = 422


def settings_of(store: Store) -> InsightsSettings:
    """The store's settings, unsaved defaults when it never set any."""
    found = InsightsSettings.objects.filter(store=store).first()
    return found if found is not None else InsightsSettings(store=store)


def cost_settings(store: Store, *, handling_cost: Decimal | None = None) -> CostSettings:
    """The store's rates as the cost calculation takes them (``handling_cost`` overrides one report's)."""
    row = settings_of(store)
    return CostSettings(
        handling_per_unit=Decimal(row.handling_cost_per_unit) if handling_cost is None else handling_cost,
        tracking_per_label=Decimal(row.tracking_cost_per_label),
        insurance_per_label=Decimal(row.insurance_cost_per_label),
        insurance_share_of_value=Decimal(row.insurance_share_of_value),
        payment_fee_share=Decimal(row.payment_fee_share),
        payment_fee_per_refund=Decimal(row.payment_fee_per_refund),
        recovery=MappingProxyType(
            {
                "refurbish": Decimal(row.recovery_refurbish),
                "liquidate": Decimal(row.recovery_liquidate),
                "scrap": Decimal(row.recovery_scrap),
            }
        ),
    )


def update_cost_settings(store: Store, values: Mapping[str, object]) -> InsightsSettings:
    """Change some of the store's rates: all of them or none, every bad value named in the error."""
    return update_numbers(
        settings_of(store),
        values,
        FIELDS,
        not_a_setting=lambda name: _("“%(name)s” is not a cost setting.") % {"name": name},
        refused=lambda errors: CostSettingsInvalid(
            _("The cost settings were not changed: %(errors)s")
            % {"errors": "; ".join(f"{name}: {message}" for name, message in errors.items())},
            errors=[{"field": name, "message": message} for name, message in errors.items()],
        ),
    )
