"""The staff roles every install has: a group per role with what it may see and do in the back office.

Kept up to date after every ``migrate`` (a new model's permissions join its role) and by
``retour create-roles``; permissions an admin added to a group by hand are left in place.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

AGENTS, WAREHOUSE, FINANCE, ADMINISTRATORS = "Agents", "Warehouse", "Finance", "Administrators"

# role -> app label -> permission codenames.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    AGENTS: {
        "orders": [
            "view_customer",
            "change_customer",
            "view_order",
            "change_order",
            "view_orderline",
            "view_payment",
            "view_shipment",
        ],
        "catalog": ["view_product", "view_variant", "view_category", "view_seller"],
        "returns": [
            "view_return",
            "add_return",
            "approve_return",
            "view_returnline",
            "view_returnevent",
            "view_returnphoto",
            "view_exchange",
            "view_withdrawal",
        ],
        "policies": ["view_returnpolicy", "view_policyversion", "view_policydecision"],
        "notifications": ["view_notification"],
        "refunds": ["view_refundrequest", "view_refund"],
        # The marketplace's claims queue: file for a buyer, answer for a seller, decide, appeal.
        "claims": [
            "view_claim",
            "add_claim",
            "respond_claim",
            "decide_claim",
            "appeal_claim",
            "view_claimline",
            "view_claimevent",
        ],
    },
    WAREHOUSE: {
        "orders": ["view_order", "view_orderline", "view_shipment", "change_shipment"],
        "catalog": ["view_product", "view_variant", "change_variant", "view_category"],
        "returns": [
            "view_return",
            "receive_return",
            "view_returnline",
            "view_returnevent",
            "view_returnphoto",
        ],
    },
    FINANCE: {
        "orders": ["view_customer", "view_order", "view_orderline", "view_payment"],
        "catalog": ["view_store", "view_seller", "change_seller"],
        "returns": ["view_return", "refund_return", "view_returnline", "view_returnevent", "view_exchange"],
        # Confirming a manual refund is an action on the refunds list: seeing it, and changing a refund.
        "refunds": [
            "view_refundrequest",
            "view_refund",
            "change_refund",
            "view_storecreditaccount",
            "view_storecreditmovement",
            "view_ledgertransaction",
            "view_ledgerentry",
        ],
        # Claim payouts and what sellers owe: recovered from their next payouts.
        "claims": ["view_claim", "view_claimline", "view_claimevent", "recover_claim"],
        # The analytics and the cost rates they count returns' costs with.
        "insights": ["view_insightssettings", "change_insightssettings"],
    },
}
# Administrators (policies, stores, settings, staff) may do everything in these apps.
ADMINISTRATOR_APPS = (
    "auth",
    "api",
    "catalog",
    "orders",
    "policies",
    "returns",
    "refunds",
    "claims",
    "sellers",
    "logistics",
    "notifications",
    "helpcenter",
    "insights",
    "core",
    "django_tasks_database",
)


def _permissions(by_app: dict[str, list[str]]) -> list[Permission]:
    wanted = Q(pk__in=[])
    for app_label, codenames in by_app.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    return list(Permission.objects.filter(wanted))


def ensure_roles() -> dict[str, Group]:
    """Create the role groups that are missing and give each its permissions; idempotent."""
    groups = {}
    for name, by_app in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(by_app))
        groups[name] = group
    group, _created = Group.objects.get_or_create(name=ADMINISTRATORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS))
    groups[ADMINISTRATORS] = group
    return groups


def after_migrate(app_config: AppConfig, **kwargs: Any) -> None:
    """After ``migrate``: post_migrate comes once per app, each time after that app's permissions were
    made, so the roles are set on the last app's, when every permission exists."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and app_config is with_models[-1]:
        ensure_roles()
