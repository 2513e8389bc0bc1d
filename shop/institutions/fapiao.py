"""Fapiao (发票) request details: taxpayer IDs and what a special VAT fapiao needs."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalogue_ext.credit_codes import validate_credit_code

TAXPAYER_ID = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{17,20}$")
SPECIAL_FIELDS = ("fapiao_address", "fapiao_phone", "fapiao_bank", "fapiao_account")


def validate_taxpayer_id(value: str) -> None:
    """A taxpayer ID is the 18-character credit code, or an older 15/17/20-character registration number."""
    code = (value or "").strip().upper()
    if len(code) == 18:
        validate_credit_code(code)
        return
    if not TAXPAYER_ID.match(code):
        raise ValidationError(
            _("A taxpayer ID has 15, 18 or 20 letters and digits (usually the 18-character credit code)."),
            code="taxpayer_id",
        )


def missing_special_fields(data: dict) -> list[str]:
    """Fields a special VAT fapiao needs that are empty in data."""
    return [field for field in SPECIAL_FIELDS if not (data.get(field) or "").strip()]
