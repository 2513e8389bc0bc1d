"""Certificate scans become private: the field moves to PrivateStorage and existing files move
from MEDIA_ROOT to the private media folder, keeping their names, so stored paths stay valid."""

import os
import shutil

from django.conf import settings
from django.db import migrations, models

import shop.core.files


def _move_scans(apps, source_root, target_root):
    ProductCertificate = apps.get_model("catalogue", "ProductCertificate")
    for name in ProductCertificate.objects.exclude(scan="").values_list("scan", flat=True).iterator():
        source, target = os.path.join(source_root, name), os.path.join(target_root, name)
        if os.path.isfile(source) and not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.move(source, target)


def to_private(apps, schema_editor):
    _move_scans(apps, os.path.abspath(settings.MEDIA_ROOT), shop.core.files.private_root())


def to_public(apps, schema_editor):
    _move_scans(apps, shop.core.files.private_root(), os.path.abspath(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0033_regions_origin_certificates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="productcertificate",
            name="scan",
            field=models.FileField(
                blank=True,
                storage=shop.core.files.PrivateStorage(),
                upload_to="certificates/%Y/%m/",
                validators=[shop.core.files.validate_scan],
                verbose_name="Certificate scan",
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
