"""Money on the ground floor: amounts are CNY with two decimals (fen).

SQL sums come back as the database gives them (SQLite drops trailing zeros, and an integer-valued sum
has no decimals at all); `to_fen` is what every figure shown or compared is rounded by."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value) -> Decimal:
    """The amount rounded to the fen (half up, as a receipt rounds); None counts as zero."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rows_to_fen(rows: list[dict], *keys: str) -> list[dict]:
    """Round the named money columns of SQL result rows in place; returns the rows."""
    for row in rows:
        for key in keys:
            row[key] = to_fen(row[key])
    return rows
