"""Business licence scans get names chosen by the shop: new uploads a random name with the extension of
their detected type, and every scan stored before is renamed the same way (the folder stays).

A stored file whose content is not PDF, JPEG, PNG or WebP keeps its bytes under a ``.bin`` name, which
the download view only ever sends as ``application/octet-stream``. The old names go to a manifest in
the private folder (``renamed/sellers-0004-licence-scans.json``); reversing restores them.
"""

from django.db import migrations, models

import shop.core.files

MANIFEST = "sellers-0004-licence-scans"


def rename_scans(apps, schema_editor):
    SellerApplication = apps.get_model("sellers", "SellerApplication")
    shop.core.files.rename_to_shop_names(SellerApplication, "licence_scan", manifest=MANIFEST)


def restore_scan_names(apps, schema_editor):
    SellerApplication = apps.get_model("sellers", "SellerApplication")
    shop.core.files.restore_original_names(SellerApplication, "licence_scan", manifest=MANIFEST)


class Migration(migrations.Migration):
    dependencies = [
        ("sellers", "0003_low_stock_notices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sellerapplication",
            name="licence_scan",
            field=models.FileField(
                storage=shop.core.files.PrivateStorage(),
                upload_to=shop.core.files.ShopChosenName("seller-applications/%Y/%m/"),
                validators=[shop.core.files.validate_scan],
                verbose_name="Business licence scan",
            ),
        ),
        migrations.RunPython(rename_scans, restore_scan_names),
    ]
