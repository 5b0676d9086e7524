from django.db import migrations


def forget_rollups(apps, schema_editor):
    """Cells written before the yearly cells have none, and pages read a period's whole years from
    them: the worker's next look rebuilds every store's rollup (a store never rolled up is rebuilt)."""
    apps.get_model("insights", "RollupState").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0007_rollup_monthly_cells"),
    ]

    operations = [
        migrations.RunPython(forget_rollups, migrations.RunPython.noop),
    ]
