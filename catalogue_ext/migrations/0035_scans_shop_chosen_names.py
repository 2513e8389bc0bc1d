"""Certificate scans get names chosen by the shop: new uploads a random name with the extension of their
detected type, and every scan stored before is renamed the same way (the folder stays).

A stored file whose content is not PDF, JPEG, PNG or WebP keeps its bytes under a ``.bin`` name, which
the download view only ever sends as ``application/octet-stream``. The old names go to a manifest in
the private folder (``renamed/catalogue-0035-certificate-scans.json``); reversing restores them.
"""

from django.db import migrations, models

import shop.core.files

MANIFEST = "catalogue-0035-certificate-scans"


def rename_scans(apps, schema_editor):
    ProductCertificate = apps.get_model("catalogue", "ProductCertificate")
    shop.core.files.rename_to_shop_names(ProductCertificate, "scan", manifest=MANIFEST)


def restore_scan_names(apps, schema_editor):
    ProductCertificate = apps.get_model("catalogue", "ProductCertificate")
    shop.core.files.restore_original_names(ProductCertificate, "scan", manifest=MANIFEST)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0034_certificate_scans_private"),
    ]

    operations = [
        migrations.AlterField(
            model_name="productcertificate",
            name="scan",
            field=models.FileField(
                blank=True,
                storage=shop.core.files.PrivateStorage(),
                upload_to=shop.core.files.ShopChosenName("certificates/%Y/%m/"),
                validators=[shop.core.files.validate_scan],
                verbose_name="Certificate scan",
            ),
        ),
        migrations.RunPython(rename_scans, restore_scan_names),
    ]
