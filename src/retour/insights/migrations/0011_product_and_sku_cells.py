"""A catalogue product's cells are kept in the LINE scope alone, an SKU's in a dimension of their own
(``sku``), and lines with neither have none (``insights.domain.rollup.product_scopes``). Derived data:
every store's rollup state is forgotten, so that the worker's next look rebuilds its rollup from the
facts (as 0007 and 0008 did); the product cells written before are deleted now."""

from django.db import migrations

PRODUCT_DIMENSIONS = ("product", "product/m", "product/y")


def forwards(apps, schema_editor):
    apps.get_model("insights", "RollupCell").objects.filter(dimension__in=PRODUCT_DIMENSIONS).delete()
    apps.get_model("insights", "RollupState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0010_rollup_one_index_by_period"),
    ]

    # Backwards, the cells would have to be computed again: `retour report rebuild`.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
