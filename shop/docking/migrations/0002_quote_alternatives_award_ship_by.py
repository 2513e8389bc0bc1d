import datetime

from django.db import migrations, models


def fill_ship_by(apps, schema_editor):
    """Awards made before: the award's day (Asia/Shanghai) plus the quote's lead time."""
    from shop.core import dates

    Award = apps.get_model("docking", "Award")
    for award in Award.objects.select_related("quote").iterator():
        award.ship_by = dates.date_of(award.awarded_at) + datetime.timedelta(days=award.quote.lead_time_days)
        award.save(update_fields=["ship_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0036_product_title_en"),
        ("docking", "0001_demands_quotes_awards_intents"),
    ]

    operations = [
        migrations.AddField(
            model_name="quote",
            name="alternatives",
            field=models.ManyToManyField(
                blank=True,
                help_text="Other products of yours the buyer may choose instead, at the same price.",
                related_name="+",
                to="catalogue.product",
                verbose_name="Also offered",
            ),
        ),
        migrations.AddField(
            model_name="award",
            name="ship_by",
            field=models.DateField(null=True, verbose_name="Ship by"),
        ),
        migrations.RunPython(fill_ship_by, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="award",
            name="ship_by",
            field=models.DateField(verbose_name="Ship by"),
        ),
    ]
