from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_product_categories(apps: Any, schema_editor: Any) -> None:
    """Lines imported before they had a category of their own take their product's."""
    OrderLine = apps.get_model("orders", "OrderLine")
    Product = apps.get_model("catalog", "Product")
    slug = Product.objects.filter(pk=OuterRef("product_id")).values("category__slug")[:1]
    OrderLine.objects.filter(product__category__isnull=False).update(category=Subquery(slug))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_store_return_address"),
        ("orders", "0002_customer_segment"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="category",
            field=models.CharField(blank=True, max_length=64, verbose_name="category"),
        ),
        migrations.RunPython(copy_product_categories, migrations.RunPython.noop, elidable=True),
    ]
