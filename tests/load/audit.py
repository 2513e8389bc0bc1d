"""Checks of the server's database in plain SQL, independent of the shop's code.

Each function returns the offending rows; an empty list means the invariant holds.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

LIVE = "o.status <> 'cancelled'"
PAID_STATUSES = ("paid", "shipped", "completed", "refunded")


def orders_without_lines(conn) -> list:
    return conn.execute(
        "SELECT o.number FROM order_order o WHERE NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id)"
    ).fetchall()


def lines_without_order(conn) -> list:
    return conn.execute(
        "SELECT l.id FROM order_line l LEFT JOIN order_order o ON o.id = l.order_id WHERE o.id IS NULL"
    ).fetchall()


def wrong_totals(conn) -> list:
    """Orders whose total is not the sum of unit price × quantity over their lines, plus shipping."""
    return conn.execute(
        """
        SELECT o.number, o.total_incl_tax, o.shipping_incl_tax, SUM(l.unit_price_incl_tax * l.quantity)
        FROM order_order o JOIN order_line l ON l.order_id = o.id
        GROUP BY o.id
        HAVING o.total_incl_tax <> SUM(l.unit_price_incl_tax * l.quantity) + o.shipping_incl_tax
            OR SUM(l.line_price_incl_tax) <> SUM(l.unit_price_incl_tax * l.quantity)
        """
    ).fetchall()


def stock_inconsistencies(conn) -> list:
    """Stock records allocated beyond their stock, or whose allocation is not what live orders hold."""
    return conn.execute(
        f"""
        SELECT s.id, s.num_in_stock, s.num_allocated, COALESCE(held.quantity, 0)
        FROM partner_stockrecord s
        LEFT JOIN (
            SELECT l.stockrecord_id, SUM(l.quantity) AS quantity
            FROM order_line l JOIN order_order o ON o.id = l.order_id WHERE {LIVE} GROUP BY l.stockrecord_id
        ) held ON held.stockrecord_id = s.id
        WHERE COALESCE(s.num_allocated, 0) > s.num_in_stock
           OR COALESCE(s.num_allocated, 0) <> COALESCE(held.quantity, 0)
        """
    ).fetchall()


def stock(conn, stockrecord_id: int) -> tuple[int, int]:
    row = conn.execute(
        "SELECT num_in_stock, COALESCE(num_allocated, 0) FROM partner_stockrecord WHERE id = %s",
        [stockrecord_id],
    ).fetchone()
    return row[0], row[1]


def orders(conn, numbers) -> dict[str, dict]:
    """The orders with these numbers: their basket, total and lines {product_id: quantity}."""
    found = {}
    for number, basket_id, total, shipping in conn.execute(
        "SELECT number, basket_id, total_incl_tax, shipping_incl_tax FROM order_order WHERE number = ANY(%s)",
        [list(numbers)],
    ):
        found[number] = {"basket": basket_id, "total": total, "shipping": shipping, "lines": {}}
    for number, product_id, quantity in conn.execute(
        "SELECT o.number, l.product_id, l.quantity FROM order_line l JOIN order_order o ON o.id = l.order_id "
        "WHERE o.number = ANY(%s)",
        [list(numbers)],
    ):
        found[number]["lines"][product_id] = found[number]["lines"].get(product_id, 0) + quantity
    return found


def baskets_of(conn, emails) -> dict[str, list[tuple[int, str, int]]]:
    """Each user's baskets as (id, status, number of lines)."""
    rows = conn.execute(
        """
        SELECT u.email, b.id, b.status, (SELECT COUNT(*) FROM basket_line bl WHERE bl.basket_id = b.id)
        FROM basket_basket b JOIN auth_user u ON u.id = b.owner_id WHERE u.email = ANY(%s) ORDER BY b.id
        """,
        [list(emails)],
    ).fetchall()
    result = {email: [] for email in emails}
    for email, basket_id, status, lines in rows:
        result[email].append((basket_id, status, lines))
    return result


def recount_quotas(conn, *, year: int) -> dict[str, Decimal]:
    """Each organisation's counted value, recounted from the order lines' frozen flags.

    Lines certified and from a poverty county when ordered, on the organisation's orders placed in
    the year (Asia/Shanghai) that are paid and not cancelled, minus what was refunded on them.
    """
    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime.datetime(year, 1, 1, tzinfo=shanghai)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=shanghai)
    rows = conn.execute(
        """
        SELECT tag.organisation_id,
               SUM(l.line_price_incl_tax
                   - COALESCE((SELECT SUM(r.amount) FROM institutions_linerefund r WHERE r.line_id = l.id), 0))
        FROM order_line l
        JOIN order_order o ON o.id = l.order_id
        JOIN institutions_organisationorder tag ON tag.order_id = o.id
        WHERE l.was_certified AND l.was_poverty_county
          AND o.status = ANY(%s) AND o.date_placed >= %s AND o.date_placed < %s
        GROUP BY tag.organisation_id
        """,
        [list(PAID_STATUSES), start, end],
    ).fetchall()
    return {str(organisation): total for organisation, total in rows}
