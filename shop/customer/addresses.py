"""Chinese delivery addresses: 收货人, 手机号, 省/市/区, 详细地址 and an optional postcode.

Oscar's address models are kept; the Chinese address is stored in their fields:
first_name = 收货人 (last_name stays blank: one name, no first/last split), phone_number = 手机号 (+86),
state = 省, line4 = 市 (the province's name for a municipality, blank for a county governed directly by
its province), line3 = 区/县, line1 = 详细地址, country = CN. Provinces, cities and districts come from
the GB/T 2260 divisions in `catalogue.Region`. Addresses print in Chinese order: 省 市 区 详细地址,
then 收货人 手机号 (`lines()`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

Region = get_model("catalogue", "Region")
Country = get_model("address", "Country")

MOBILE = re.compile(r"^1[3-9]\d{9}$")
POSTCODE = re.compile(r"^\d{6}$")
# Separators people type inside a number, and the country code they may put in front of it.
_NUMBER_NOISE = re.compile(r"[\s\-()（）]")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # 北京 天津 上海 重庆


def mainland_mobile(value: str) -> str:
    """The 11-digit mainland mobile number in `value`, or a ValidationError saying what is expected."""
    digits = _COUNTRY_PREFIX.sub("", _NUMBER_NOISE.sub("", value or ""))
    if not MOBILE.match(digits):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13–19, e.g. 13800138000."),
            code="mobile",
        )
    return digits


def postcode(value: str) -> str:
    """A 6-digit postcode, or blank (the postcode is optional)."""
    value = (value or "").strip()
    if value and not POSTCODE.match(value):
        raise ValidationError(_("A postcode has 6 digits, e.g. 342100."), code="postcode")
    return value


def china() -> "Country":
    """The only shipping country."""
    return Country.objects.get(iso_3166_1_a2="CN")


def provinces() -> list[tuple[str, str]]:
    return list(Region.objects.provinces().order_by("code").values_list("code", "name"))


def cities(province_code: str) -> list[tuple[str, str]]:
    """The cities of a province; the province itself first when counties sit directly under it."""
    rows = list(
        Region.objects.filter(parent_id=province_code, level__in=["city", "county"])
        .order_by("code")
        .values_list("code", "name", "level")
    )
    choices = [(code, name) for code, name, level in rows if level == Region.Level.CITY]
    if any(level == Region.Level.COUNTY for _code, _name, level in rows):
        province = Region.objects.filter(code=province_code).values_list("name", flat=True).first()
        label = province if province_code in MUNICIPALITIES else _("Counties under the province")
        choices.insert(0, (province_code, str(label)))
    return choices


def districts(city_code: str) -> list[tuple[str, str]]:
    """The districts and counties under a city (or directly under a province)."""
    return list(
        Region.objects.filter(parent_id=city_code, level=Region.Level.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    )


@dataclass(frozen=True)
class Place:
    """A chosen 省/市/区 and the names stored in Oscar's address fields."""

    province: str
    city: str
    district: str
    district_code: str


def resolve(province_code: str, city_code: str, district_code: str) -> Place:
    """Check that the district lies in the city and the city in the province; errors name the field."""
    province = Region.objects.provinces().filter(code=province_code).first()
    if province is None:
        raise ValidationError({"province": _("Choose a province.")})
    city = None
    if city_code == province.code:
        city = province
    elif city_code:
        city = Region.objects.filter(code=city_code, parent=province, level=Region.Level.CITY).first()
    if city is None:
        raise ValidationError({"city": _("Choose a city in %(province)s.") % {"province": province}})
    district = Region.objects.filter(code=district_code, parent=city, level=Region.Level.COUNTY).first()
    if district is None:
        raise ValidationError({"district": _("Choose a district or county in %(city)s.") % {"city": city}})
    if city == province:
        city_name = province.name if province.code in MUNICIPALITIES else ""
    else:
        city_name = city.name
    return Place(province=province.name, city=city_name, district=district.name, district_code=district.code)


def codes(*, state: str, city: str, district: str) -> tuple[str, str, str]:
    """The province, city and district codes of a stored address (to edit it); blanks if unknown."""
    province = Region.objects.provinces().filter(name=state).first() if state else None
    if province is None:
        return "", "", ""
    if not city or city == province.name:
        parent = province
    else:
        parent = Region.objects.filter(parent=province, level=Region.Level.CITY, name=city).first()
        if parent is None:
            return province.code, "", ""
    found = Region.objects.filter(parent=parent, level=Region.Level.COUNTY, name=district).first()
    return province.code, parent.code, found.code if found else ""


def mobile_display(phone) -> str:
    """A mainland number as the 11 digits people read; anything else as stored."""
    if not phone:
        return ""
    if getattr(phone, "country_code", None) == 86:
        return str(phone.national_number)
    return str(getattr(phone, "as_international", phone))


def lines(address) -> list[str]:
    """The address in Chinese order: 省 市 区 详细地址, then 收货人 手机号 (nothing for no address)."""
    if address is None:
        return []
    place = [address.state, address.line4, address.line3, address.line1, address.line2]
    seen, parts = set(), []
    for part in (p.strip() for p in place if p and p.strip()):
        if part not in seen:  # a municipality's city repeats its province
            seen.add(part)
            parts.append(part)
    if address.postcode:
        parts.append(str(_("Postcode %(postcode)s") % {"postcode": address.postcode}))
    # Older addresses split the name; a Chinese name reads family name first, without a space.
    name = f"{address.last_name or ''}{address.first_name or ''}"
    who = " ".join(p for p in [name, mobile_display(address.phone_number)] if p)
    return [line for line in [" ".join(parts), who] if line]
