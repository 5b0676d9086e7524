import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_stock_movement"),
        ("helpcenter", "0005_return_started_at_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="store",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: every store's help center shows it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="help_articles",
                to="catalog.store",
                verbose_name="store",
            ),
        ),
    ]
