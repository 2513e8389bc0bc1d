"""Bulk import and export of one seller's catalogue as CSV or XLSX.

Rows are keyed by the seller's own SKU. A dry run (plan) names every bad row and column
and lists the changes it would make; apply() writes a clean plan in one transaction;
importing the same file again, or a file this module exported, changes nothing.
"""

import csv
import dataclasses
import io
from decimal import Decimal, InvalidOperation

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.core.exceptions import InvalidInput
from shop.sellers.listings import allowed_origin_counties

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")

COLUMNS = [
    "sku",
    "title",
    "description",
    "product_class",
    "categories",
    "origin_county",
    "price",
    "num_in_stock",
    "low_stock_threshold",
    "is_public",
]
REQUIRED = {"sku", "title", "product_class", "origin_county", "price", "num_in_stock"}
MAX_ROWS = 5000
TRUE_WORDS = {"1", "true", "yes", "y", "是"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclasses.dataclass
class RowChange:
    row: int
    sku: str
    action: str  # "create", "update" or "unchanged"
    changes: dict  # column -> (old, new)
    values: dict
    stockrecord: object = None


@dataclasses.dataclass
class Plan:
    errors: list
    rows: list

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


class ImportRefused(InvalidInput):
    pass


def read_rows(data: bytes, filename: str) -> list[dict]:
    """The file's rows as dicts keyed by the header row; raises ImportRefused for unreadable files."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportRefused(_("The file is not a readable XLSX workbook."))
        sheet = workbook.worksheets[0]
        values = [
            ["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)
        ]
        workbook.close()
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(_("The CSV file must be encoded as UTF-8."))
        values = list(csv.reader(io.StringIO(text)))
    else:
        raise ImportRefused(_("Upload a .csv or .xlsx file."))
    values = [row for row in values if any(cell.strip() for cell in row)]
    if not values:
        raise ImportRefused(_("The file is empty."))
    header = [cell.strip() for cell in values[0]]
    missing = REQUIRED - set(header)
    if missing:
        raise ImportRefused(_("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))})
    if len(values) - 1 > MAX_ROWS:
        raise ImportRefused(_("At most %(n)d rows can be imported at once.") % {"n": MAX_ROWS})
    return [dict(zip(header, [cell.strip() for cell in row], strict=False)) for row in values[1:]]


def plan(partner, rows: list[dict], *, user) -> Plan:
    """Validate every row and work out what importing it would change, writing nothing."""
    errors, changes = [], []
    counties = {region.code: region for region in allowed_origin_counties(user)}
    classes = {product_class.name: product_class for product_class in ProductClass.objects.all()}
    categories = {}
    for category in Category.objects.all():
        categories.setdefault(category.name, []).append(category)
    existing = {
        record.partner_sku: record
        for record in StockRecord.objects.filter(partner=partner)
        .select_related("product__product_class")
        .prefetch_related("product__categories")
    }
    seen = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        row_errors = []

        def error(column, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, column, message))

        values = {}
        sku = row.get("sku", "")
        if not sku:
            error("sku", _("A SKU is required."))
        elif sku in seen:
            error("sku", _("SKU %(sku)s also appears in row %(row)d.") % {"sku": sku, "row": seen[sku]})
        else:
            seen[sku] = number
        values["title"] = row.get("title", "")
        if not values["title"]:
            error("title", _("A title is required."))
        elif len(values["title"]) > 255:
            error("title", _("The title is longer than 255 characters."))
        values["description"] = row.get("description", "")
        class_name = row.get("product_class", "")
        values["product_class"] = classes.get(class_name)
        if values["product_class"] is None:
            error("product_class", _("Unknown product class “%(name)s”.") % {"name": class_name})
        values["categories"] = []
        for name in filter(None, (part.strip() for part in row.get("categories", "").split(";"))):
            matches = categories.get(name, [])
            if len(matches) != 1:
                message = (
                    _("Unknown category “%(name)s”.")
                    if not matches
                    else _("Category “%(name)s” is ambiguous.")
                )
                error("categories", message % {"name": name})
            else:
                values["categories"].append(matches[0])
        code = row.get("origin_county", "")
        values["origin_county"] = counties.get(code)
        if values["origin_county"] is None:
            error(
                "origin_county",
                _("County %(code)s is not a county you may sell from.") % {"code": code or "—"},
            )
        try:
            values["price"] = Decimal(row.get("price", "")).quantize(Decimal("0.01"))
            if values["price"] < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            error("price", _("“%(value)s” is not a price.") % {"value": row.get("price", "")})
        for column, required in (("num_in_stock", True), ("low_stock_threshold", False)):
            raw = row.get(column, "")
            if not raw and not required:
                values[column] = None
                continue
            try:
                values[column] = int(Decimal(raw))
                if values[column] < 0 or values[column] != Decimal(raw):
                    raise ValueError
            except (InvalidOperation, ValueError):
                error(column, _("“%(value)s” is not a whole number of 0 or more.") % {"value": raw})
        flag = row.get("is_public", "1").lower()
        if flag in TRUE_WORDS:
            values["is_public"] = True
        elif flag in FALSE_WORDS:
            values["is_public"] = False
        else:
            error("is_public", _("Write 1 or 0 (yes or no)."))
        record = existing.get(sku)
        if record and not row_errors and values["product_class"] != record.product.product_class:
            error("product_class", _("The product class of an existing product cannot be changed."))
        if row_errors:
            errors.extend(row_errors)
            continue
        changes.append(_compare(number, sku, values, record))
    return Plan(errors=errors, rows=changes)


def _current(record) -> dict:
    product = record.product
    return {
        "title": product.title,
        "description": product.description,
        "product_class": product.product_class,
        "categories": sorted(product.categories.all(), key=lambda c: c.pk),
        "origin_county": product.origin_county,
        "price": record.price,
        "num_in_stock": record.num_in_stock,
        "low_stock_threshold": record.low_stock_threshold,
        "is_public": product.is_public,
    }


def _compare(number, sku, values, record) -> RowChange:
    values["categories"] = sorted(set(values["categories"]), key=lambda c: c.pk)
    if record is None:
        return RowChange(number, sku, "create", {key: (None, value) for key, value in values.items()}, values)
    old = _current(record)
    changed = {key: (old[key], value) for key, value in values.items() if old[key] != value}
    return RowChange(number, sku, "update" if changed else "unchanged", changed, values, record)


def apply(partner, rows: list[dict], *, user) -> Plan:
    """Re-validate and write the whole file in one transaction, or nothing if any row is bad."""
    with transaction.atomic():
        # Two imports for the same seller queue here instead of racing to create the same SKUs.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        result = plan(partner, rows, user=user)
        if not result.is_valid:
            raise ImportRefused(_("The file has errors; nothing was imported."))
        for change in result.rows:
            if change.action == "create":
                _create(partner, change)
            elif change.action == "update":
                _update(change)
    return result


def _create(partner, change):
    values = change.values
    product = Product.objects.create(
        title=values["title"],
        description=values["description"],
        product_class=values["product_class"],
        origin_county=values["origin_county"],
        is_public=values["is_public"],
    )
    _set_categories(product, values["categories"])
    StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=change.sku,
        price=values["price"],
        price_currency="CNY",
        num_in_stock=values["num_in_stock"],
        low_stock_threshold=values["low_stock_threshold"],
    )


def _update(change):
    values, record = change.values, change.stockrecord
    product = record.product
    for field in ("title", "description", "origin_county", "is_public"):
        setattr(product, field, values[field])
    product.save()
    if "categories" in change.changes:
        _set_categories(product, values["categories"])
    for field in ("price", "num_in_stock", "low_stock_threshold"):
        setattr(record, field, values[field])
    record.save()


def _set_categories(product, categories):
    ProductCategory.objects.filter(product=product).delete()
    ProductCategory.objects.bulk_create(ProductCategory(product=product, category=c) for c in categories)


def export_rows(partner) -> list[list[str]]:
    """The seller's catalogue as rows (header first) that import() reads back unchanged."""
    records = (
        StockRecord.objects.filter(partner=partner)
        .select_related("product__product_class", "product__origin_county")
        .prefetch_related("product__categories")
        .order_by("partner_sku")
    )
    rows = [COLUMNS]
    for record in records:
        product = record.product
        rows.append(
            [
                record.partner_sku,
                product.title,
                product.description,
                product.product_class.name if product.product_class else "",
                "; ".join(category.name for category in sorted(product.categories.all(), key=lambda c: c.pk)),
                product.origin_county_id or "",
                f"{record.price:.2f}" if record.price is not None else "",
                str(record.num_in_stock or 0),
                "" if record.low_stock_threshold is None else str(record.low_stock_threshold),
                "1" if product.is_public else "0",
            ]
        )
    return rows


def export_csv(partner) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_rows(partner))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open Chinese text correctly


def export_xlsx(partner) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "catalogue"
    for row in export_rows(partner):
        sheet.append(row)  # everything as text: prices and codes must not turn into floats
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
