"""A product's cells are kept in the LINE scope alone (``insights.domain.rollup``): its cells of the
CATEGORY scope, daily, monthly and yearly, are deleted (a page now sums the LINE cells of a category's
sellers). Derived data: nothing else changes, and ``retour report rebuild`` would write the same."""

from django.db import migrations

CATEGORY = 1  # insights.domain.rollup.CATEGORY, as it was when this was written
PRODUCT_DIMENSIONS = ("product", "product/m", "product/y")


def forwards(apps, schema_editor):
    cells = apps.get_model("insights", "RollupCell")
    cells.objects.filter(dimension__in=PRODUCT_DIMENSIONS, level=CATEGORY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0010_rollup_one_index_by_period"),
    ]

    # Backwards, the cells would have to be computed again: `retour report rebuild`.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
