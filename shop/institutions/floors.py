"""Floors on the reserved share: the least share of canteen food spending a unit must reserve.

The national floor (10 % from 2021) may be raised by a province or a city. The floors, with their
documents and sources, live in `fixtures/quota_floors.csv` (one row per region code and years in force;
see fixtures/README.md). For a unit, the most specific region in force that year decides: its city over
its province over the national row, matched by GB/T 2260 code prefix (`3607xx` is in city `360700`,
which is in province `360000`; `000000` is the whole country). A row without a share records a policy that
sets no figure: no floor is enforced for that region and years.

Every way of setting a share goes through it: `validate_share` in `AnnualTarget.clean()` (dashboard target
form, the admin) and `Organisation.clean()` (its own share); `refusal` in `declarations.save()` and
`declarations.approve()` (the administrator's declaration and the bureau's approval).
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

NATIONAL = "000000"


@dataclass(frozen=True)
class Floor:
    region_code: str
    region_name: str
    year_from: int
    year_to: int | None
    share: Decimal | None
    document: str
    issuer: str
    source: str
    verified: str
    note: str

    @property
    def prefix(self) -> str:
        """The code prefix of the divisions the row covers: "" national, 2 digits a province, 4 a city."""
        if self.region_code == NATIONAL:
            return ""
        if self.region_code.endswith("0000"):
            return self.region_code[:2]
        if self.region_code.endswith("00"):
            return self.region_code[:4]
        return self.region_code

    @property
    def percent(self) -> str:
        return percent(self.share)

    @property
    def citation(self) -> str:
        """How a refusal names the rule: its document number, else its issuer, else that it is unverified."""
        if self.document:
            return self.document
        if self.issuer:
            return str(_("%(issuer)s, document number not verified") % {"issuer": self.issuer})
        return str(_("source not verified"))

    def in_force(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


def percent(share: Decimal) -> str:
    value = share * 100
    return f"{value:.0f}%" if value == value.to_integral_value() else f"{value.normalize():f}%"


def data_file() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "quota_floors.csv"


@functools.cache
def table() -> tuple[Floor, ...]:
    """Every row of the floors file, checked; read once per process."""
    path = data_file()
    floors = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                floors.append(_parse(row))
            except (KeyError, ValueError, InvalidOperation) as error:
                raise ImproperlyConfigured(f"{path.name} line {number}: {error}") from error
    return tuple(floors)


def _parse(row: dict) -> Floor:
    code = row["region_code"].strip() or NATIONAL
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"region code {code!r} is not six digits")
    share = Decimal(row["floor_share"]) if row["floor_share"].strip() else None
    if share is not None and not Decimal(0) < share <= 1:
        raise ValueError(f"floor share {share} is not a fraction above 0 and at most 1")
    year_to = int(row["year_to"]) if row["year_to"].strip() else None
    return Floor(
        region_code=code,
        region_name=row["region_name"].strip(),
        year_from=int(row["year_from"]),
        year_to=year_to,
        share=share,
        document=row["document"].strip(),
        issuer=row["issuer"].strip(),
        source=row["source"].strip(),
        verified=row["verified"].strip(),
        note=row["note"].strip(),
    )


def floor_for(region, year: int) -> Floor | None:
    """The floor in force for a region (a Region, a code or None for national only) in a year."""
    code = getattr(region, "code", region) or ""
    candidates = [floor for floor in table() if floor.in_force(year) and code.startswith(floor.prefix)]
    if not candidates:
        return None
    return max(candidates, key=lambda floor: (len(floor.prefix), floor.year_from))


def refusal(share: Decimal | None, *, region, year: int) -> str | None:
    """Why a share is below the floor of the region that year (naming the floor and its source), or None."""
    floor = floor_for(region, year)
    if share is None or floor is None or floor.share is None or share >= floor.share:
        return None
    return _(
        "The reserved share for %(year)s may not be below the %(floor)s set for %(region)s "
        "(%(citation)s); %(share)s was entered."
    ) % {
        "year": year,
        "floor": floor.percent,
        "region": floor.region_name,
        "citation": floor.citation,
        "share": percent(share),
    }


def validate_share(share: Decimal | None, *, region, year: int) -> None:
    """Refuse (ValidationError, for model clean and forms) a share below the floor of the region that year."""
    message = refusal(share, region=region, year=year)
    if message is not None:
        raise ValidationError(message, code="below_floor")
