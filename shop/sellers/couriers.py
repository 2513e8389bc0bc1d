"""The couriers a seller ships with, and the tracking-number format of each where it is known.

The one home for courier names and waybill formats: the ship form offers these couriers and checks
the number before anything is marked shipped. A line stores the courier's Chinese name (as printed on
its waybills) and the normalised number. Formats follow the numbers the couriers print today; a
courier with no dependable format ("其他") accepts any 6 to 40 letters and digits.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import InvalidInput

OTHER = "other"
NAME_REQUIRED = _("Enter the name of the courier.")


@dataclass(frozen=True)
class Courier:
    code: str
    name: str  # stored on the line, as the courier prints it
    label: str  # shown in the form, translated
    pattern: re.Pattern
    example: str


def _courier(code, name, label, pattern, example):
    return Courier(code, name, label, re.compile(pattern), example)


COURIERS = (
    _courier("sf", "顺丰速运", _("SF Express"), r"^SF\d{12,13}$", "SF1234567890123"),
    _courier("zto", "中通快递", _("ZTO Express"), r"^\d{12,15}$", "731234567890123"),
    _courier("yto", "圆通速递", _("YTO Express"), r"^YT\d{13,16}$", "YT1234567890123"),
    _courier("yunda", "韵达快递", _("Yunda Express"), r"^\d{13,15}$", "4312345678901"),
    _courier("sto", "申通快递", _("STO Express"), r"^\d{12,15}$", "773123456789012"),
    _courier("jd", "京东物流", _("JD Logistics"), r"^JD[0-9A-Z]{11,15}$", "JDVA12345678901"),
    _courier("ems", "EMS", _("EMS"), r"^(?:[A-Z]{2}\d{9}[A-Z]{2}|1\d{12})$", "EA123456789CN"),
    _courier(
        "post", "中国邮政", _("China Post parcel"), r"^(?:9\d{12}|[A-Z]{2}\d{9}[A-Z]{2})$", "9812345678901"
    ),
    _courier("jt", "极兔速递", _("J&T Express"), r"^JT\d{13}$", "JT1234567890123"),
    _courier("deppon", "德邦快递", _("Deppon Express"), r"^(?:DPK\d{12}|\d{8,10})$", "DPK123456789012"),
    _courier(OTHER, "", _("Other courier"), r"^[0-9A-Z]{6,40}$", "A12345678"),
)
BY_CODE = {courier.code: courier for courier in COURIERS}


def choices() -> list[tuple[str, str]]:
    return [(courier.code, courier.label) for courier in COURIERS]


def normalise(number: str) -> str:
    """Waybill numbers are read aloud and copied with spaces and dashes; compare them without."""
    return re.sub(r"[\s\-]", "", number or "").upper()


def check(code: str, number: str, *, other_name: str = "") -> tuple[str, str]:
    """(courier name to store, normalised tracking number), or InvalidInput saying what is expected."""
    courier = BY_CODE.get(code)
    if courier is None:
        raise InvalidInput(_("Choose a courier from the list."))
    name = courier.name
    if courier.code == OTHER:
        name = (other_name or "").strip()
        if not name:
            raise InvalidInput(NAME_REQUIRED)
    number = normalise(number)
    if not courier.pattern.match(number):
        raise InvalidInput(
            _("This is not a %(courier)s tracking number; it looks like %(example)s.")
            % {"courier": courier.label, "example": courier.example}
        )
    return name, number
