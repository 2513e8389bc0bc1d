"""Every FileField and ImageField of every installed model validates uploads with shop.core.files."""

from django.apps import apps
from django.db import models

from shop.core import files as uploads


def validator_for(field: models.FileField):
    """The shop.core.files validator a field of this kind needs."""
    if isinstance(field, models.ImageField):
        return uploads.validate_image_upload
    return uploads.validate_document_upload


def has_upload_validator(field: models.FileField) -> bool:
    return any(getattr(validator, "__module__", "") == uploads.__name__ for validator in field.validators)


def file_fields():
    """(model, field) for every concrete file field of every installed model."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.concrete and field.model is model:
                yield model, field


def guard_all_file_fields() -> None:
    """Attach the matching shop.core.files validator to every file field that has none."""
    for _model, field in file_fields():
        if has_upload_validator(field):
            continue
        # Append to the computed (cached) validator list, not to field._validators, so the
        # field's deconstruct() and therefore its migrations are unchanged.
        field.validators.append(validator_for(field))
