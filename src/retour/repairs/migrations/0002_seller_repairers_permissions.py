"""Seller accounts reach the repairs routed to their seller through the API (sellers' SELLER_PERMISSIONS):
the existing seller group gets the two permissions now; a new database gets them with its first seller."""

from django.db import migrations

PERMISSIONS = ("view_repair", "change_repair")


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    group = apps.get_model("auth", "Group").objects.filter(name="Seller staff").first()
    if group is None:
        return
    permission = apps.get_model("auth", "Permission")
    group.permissions.add(
        *permission.objects.filter(content_type__app_label="repairs", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):  # type: ignore[no-untyped-def]
    group = apps.get_model("auth", "Group").objects.filter(name="Seller staff").first()
    if group is None:
        return
    permission = apps.get_model("auth", "Permission")
    group.permissions.remove(
        *permission.objects.filter(content_type__app_label="repairs", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
