import django.core.validators
from decimal import Decimal

from django.db import migrations, models


def amount(name, help_text):
    return models.DecimalField(
        decimal_places=4,
        default=0,
        help_text=help_text,
        max_digits=19,
        validators=[
            django.core.validators.MinValueValidator(Decimal("0"), message="Enter an amount of zero or more.")
        ],
        verbose_name=name,
    )


def share(name, help_text, default):
    return models.DecimalField(
        decimal_places=4,
        default=Decimal(default),
        help_text=help_text,
        max_digits=5,
        validators=[
            django.core.validators.MinValueValidator(Decimal("0"), message="Enter a share between 0 and 1."),
            django.core.validators.MaxValueValidator(Decimal("1"), message="Enter a share between 0 and 1."),
        ],
        verbose_name=name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="insightssettings",
            name="handling_cost_per_unit",
            field=amount(
                "handling cost per unit",
                "What receiving and processing one returned unit costs the store (return metrics).",
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="tracking_cost_per_label",
            field=amount("tracking cost per label", "What tracking one prepaid return label costs."),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="insurance_cost_per_label",
            field=amount("insurance cost per label", "A fixed insurance cost for each prepaid return label."),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="insurance_share_of_value",
            field=share(
                "insurance as a share of value",
                "Insurance of a labelled return as a share of its returned value (0.01 is 1 %).",
                0,
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="payment_fee_share",
            field=share(
                "payment fees not given back (share)",
                "The share of money refunded to a payment that the payment provider does not give back.",
                0,
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="payment_fee_per_refund",
            field=amount(
                "payment fees not given back (per refund)",
                "A fixed payment fee the provider keeps for each return refunded to a payment.",
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="recovery_refurbish",
            field=share(
                "recovery rate when refurbished",
                "The share of the returned value recovered from a refurbished item (1: nothing lost).",
                1,
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="recovery_liquidate",
            field=share(
                "recovery rate when liquidated",
                "The share of the returned value recovered from a liquidated item (1: nothing lost).",
                1,
            ),
        ),
        migrations.AddField(
            model_name="insightssettings",
            name="recovery_scrap",
            field=share(
                "recovery rate when destroyed",
                "The share of the returned value recovered from a destroyed item (1: nothing lost).",
                1,
            ),
        ),
    ]
