"""Bulk import and export of one seller's catalogue as CSV or XLSX.

Rows are keyed by the seller's own SKU. A dry run (plan) names every bad row and column and lists the
changes it would make; it checks every limit the database and the models enforce (column lengths, price
digits, 32-bit stock counts, control characters, the slug), read from the model fields themselves, so
apply() never meets a row the dry run accepted and the database refuses. apply() writes a clean plan in one
transaction with bulk writes, then re-indexes search and invalidates cached pages once for the whole file.
Importing the same file again, or a file this module exported, changes nothing.

Between the dry run and the apply the uploaded file waits in private storage (StagedImport), owned by the
seller's user who uploaded it. Applying it is a background job (queue_apply, then apply_queued in the
worker): one import per seller at a time, and the staged upload is consumed in the transaction that writes
the catalogue, so a redelivered job cannot import twice and a failed one leaves the upload to try again.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from catalogue_ext import changes
from shop.core import exports, jobs
from shop.core.exceptions import InvalidInput
from shop.core.files import PrivateStorage
from shop.core.models import Job
from shop.sellers import import_files
from shop.sellers.access import partners_of
from shop.sellers.listings import allowed_origin_counties
from shop.sellers.models import StagedImport

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
Partner = get_model("partner", "Partner")

MAX_ROWS = 5000
WRITE_BATCH = 500
STAGED_LIFETIME = datetime.timedelta(hours=2)
TRUE_WORDS = {"1", "true", "yes", "y", "是"}
FALSE_WORDS = {"0", "false", "no", "n", "否", ""}
# Control characters no column may hold (NUL breaks PostgreSQL text); descriptions keep tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _field(model, name: str):
    return model._meta.get_field(name)


def _integer_max(model, name: str) -> int:
    """The largest value the column takes on every supported database (SQLite itself would store any)."""
    return BaseDatabaseOperations.integer_field_ranges[_field(model, name).get_internal_type()][1]


SKU_MAX = _field(StockRecord, "partner_sku").max_length
TITLE_MAX = _field(Product, "title").max_length
SLUG_MAX = _field(Product, "slug").max_length
PRICE_FIELD = _field(StockRecord, "price")
PRICE_PLACES = PRICE_FIELD.decimal_places
PRICE_LIMIT = Decimal(10) ** (PRICE_FIELD.max_digits - PRICE_FIELD.decimal_places)  # exclusive
STOCK_MAX = _integer_max(StockRecord, "num_in_stock")
THRESHOLD_MAX = _integer_max(StockRecord, "low_stock_threshold")


@dataclasses.dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str  # the export writer's column kind
    required: bool


FIELDS = [
    Field("sku", pgettext_lazy("import column", "SKU"), "text", True),
    Field("title", pgettext_lazy("import column", "Title"), "text", True),
    Field("description", pgettext_lazy("import column", "Description"), "text", False),
    Field("product_class", pgettext_lazy("import column", "Product type"), "text", True),
    Field("categories", pgettext_lazy("import column", "Categories"), "text", False),
    Field("origin_county", pgettext_lazy("import column", "Origin county code"), "text", True),
    Field("price", pgettext_lazy("import column", "Price (yuan)"), "money", True),
    Field("num_in_stock", pgettext_lazy("import column", "Stock"), "integer", True),
    Field("low_stock_threshold", pgettext_lazy("import column", "Low-stock alert at"), "integer", False),
    Field("is_public", pgettext_lazy("import column", "On sale (1/0)"), "integer", False),
]
COLUMNS = [field.key for field in FIELDS]
REQUIRED = {field.key for field in FIELDS if field.required}
LABELS = {field.key: field.label for field in FIELDS}


@dataclasses.dataclass
class SourceRow:
    number: int  # the row number the seller sees in Excel/WPS
    cells: dict


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    message: str

    @property
    def column_label(self) -> str:
        return str(LABELS.get(self.column, self.column))

    def __str__(self) -> str:
        return _("Row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column_label,
            "message": self.message,
        }


@dataclasses.dataclass
class RowChange:
    row: int
    sku: str
    action: str  # "create", "update" or "unchanged"
    changes: dict  # column -> (old, new)
    values: dict
    stockrecord: object = None
    slug: str = ""  # for a new product
    product_id: int | None = None  # once written


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


class RowsRefused(ImportRefused):
    """Rows that were fine at the dry run are not any more (the catalogue changed in between)."""

    def __init__(self, message, *, errors: list):
        super().__init__(message)
        self.errors = errors


# --- reading -----------------------------------------------------------------------------------------------


def header_key(cell: str) -> str | None:
    """The column a header cell names: the key (``price``), its label (价格（元）) or both (价格（元）(price))."""
    text = unicodedata.normalize("NFKC", cell).strip()
    match = re.search(r"\(([A-Za-z_]+)\)\s*$", text)
    if match and match.group(1).lower() in COLUMNS:
        return match.group(1).lower()
    if text.lower() in COLUMNS:
        return text.lower()
    for field in FIELDS:
        if text == unicodedata.normalize("NFKC", str(field.label)):
            return field.key
    return None


def header_cell(field: Field) -> str:
    return f"{field.label}({field.key})"


def read_rows(data: bytes, filename: str) -> list[SourceRow]:
    """The file's rows keyed by column; raises ImportRefused for unreadable, hostile or foreign files."""
    try:
        table = import_files.read_table(data, filename, max_rows=MAX_ROWS)
    except import_files.FileRefused as refusal:
        raise ImportRefused(str(refusal)) from None
    keys = [header_key(cell) for cell in table.header]
    named = [key for key in keys if key]
    duplicated = sorted({key for key in named if named.count(key) > 1})
    if duplicated:
        raise ImportRefused(
            _("These columns appear twice: %(columns)s.")
            % {"columns": ", ".join(str(LABELS[key]) for key in duplicated)}
        )
    missing = [field for field in FIELDS if field.required and field.key not in named]
    if missing:
        raise ImportRefused(
            _("Missing columns: %(columns)s. Use the template's header row.")
            % {"columns": ", ".join(header_cell(field) for field in missing)}
        )
    # The shop's own CSV files protect text from spreadsheet formulas with a leading apostrophe.
    restore = exports.restore_text if table.kind == "csv" else (lambda text: text)
    rows = []
    for number, cells in table.rows:
        values = {key: restore(cell) for key, cell in zip(keys, cells, strict=False) if key}
        rows.append(SourceRow(number, values))
    return rows


# --- checking ----------------------------------------------------------------------------------------------


def _control_character(text: str, pattern=_CONTROL) -> str | None:
    found = pattern.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _parse_price(raw: str, error) -> Decimal | None:
    text = import_files.normalise_number(raw)
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite():
        error("price", _("“%(value)s” is not a price; write a number such as 39.90.") % {"value": raw})
        return None
    if price <= 0:
        error("price", _("The price must be greater than 0 (it is %(value)s).") % {"value": raw})
    elif price >= PRICE_LIMIT:
        error(
            "price",
            _("The price %(value)s is too large; it must be below %(limit)s yuan.")
            % {"value": raw, "limit": f"{PRICE_LIMIT:,}"},
        )
    elif price != price.quantize(Decimal(1).scaleb(-PRICE_PLACES)):
        error(
            "price",
            _("The price %(value)s has more than %(places)d decimal places.")
            % {"value": raw, "places": PRICE_PLACES},
        )
    else:
        return price.quantize(Decimal(1).scaleb(-PRICE_PLACES))
    return None


def _parse_count(column: str, raw: str, maximum: int, error) -> int | None:
    text = import_files.normalise_number(raw)
    try:
        number = Decimal(text)
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError
    except (InvalidOperation, ValueError):
        error(column, _("“%(value)s” is not a whole number.") % {"value": raw})
        return None
    if number < 0:
        error(column, _("%(value)s is negative; write 0 or more.") % {"value": raw})
    elif number > maximum:
        error(column, _("%(value)s is too large; the most is %(max)d.") % {"value": raw, "max": maximum})
    else:
        return int(number)
    return None


def plan(partner, rows: list[SourceRow], *, user) -> Plan:
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
        .select_related("product__product_class", "product__origin_county")
        .prefetch_related("product__categories")
    }
    seen = {}
    for source in rows:
        number, row = source.number, source.cells
        row_errors = []

        def error(column, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, column, message))

        for column, text in row.items():
            pattern = _CONTROL_IN_TEXT if column == "description" else _CONTROL
            char = _control_character(text, pattern)
            if char:
                error(
                    column,
                    _("Contains a control character (%(char)s) that cannot be stored; delete it.")
                    % {"char": char},
                )
        if row_errors:
            errors.extend(row_errors)
            continue

        values = {}
        sku = row.get("sku", "")
        if not sku:
            error("sku", _("A SKU is required."))
        elif len(sku) > SKU_MAX:
            error("sku", _("The SKU is longer than %(max)d characters.") % {"max": SKU_MAX})
        elif sku in seen:
            error("sku", _("SKU %(sku)s also appears in row %(row)d.") % {"sku": sku, "row": seen[sku]})
        else:
            seen[sku] = number
        values["title"] = row.get("title", "")
        if not values["title"]:
            error("title", _("A title is required."))
        elif len(values["title"]) > TITLE_MAX:
            error(
                "title",
                _("The title has %(length)d characters; at most %(max)d are allowed.")
                % {"length": len(values["title"]), "max": TITLE_MAX},
            )
        values["description"] = row.get("description", "")
        class_name = row.get("product_class", "")
        values["product_class"] = classes.get(class_name)
        if values["product_class"] is None:
            error(
                "product_class",
                _("Unknown product type “%(name)s”; use one of: %(choices)s.")
                % {"name": class_name, "choices": "、".join(sorted(classes))},
            )
        values["categories"] = []
        for name in filter(None, (part.strip() for part in re.split("[;；]", row.get("categories", "")))):
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
        code = import_files.normalise_number(row.get("origin_county", ""))
        values["origin_county"] = counties.get(code)
        if values["origin_county"] is None:
            error(
                "origin_county",
                _("County %(code)s is not a county you may sell from.") % {"code": code or "—"},
            )
        values["price"] = _parse_price(row.get("price", ""), error)
        values["num_in_stock"] = _parse_count("num_in_stock", row.get("num_in_stock", ""), STOCK_MAX, error)
        raw_threshold = row.get("low_stock_threshold", "")
        values["low_stock_threshold"] = (
            _parse_count("low_stock_threshold", raw_threshold, THRESHOLD_MAX, error)
            if raw_threshold
            else None
        )
        flag = import_files.normalise_number(row.get("is_public", "1")).lower()
        if flag in TRUE_WORDS:
            values["is_public"] = True
        elif flag in FALSE_WORDS:
            values["is_public"] = False
        else:
            error("is_public", _("Write 1 (on sale) or 0 (hidden), not “%(value)s”.") % {"value": flag})
        record = existing.get(sku)
        if record and not row_errors and values["product_class"] != record.product.product_class:
            error("product_class", _("The product type of an existing product cannot be changed."))
        slug = slugify(values["title"]) if record is None and not row_errors else ""
        if len(slug) > SLUG_MAX:
            # The slug function cuts to the column; this guards a replaced OSCAR_SLUG_FUNCTION.
            error("title", _("The title makes a web address that is too long; shorten it."))
        if row_errors:
            errors.extend(row_errors)
            continue
        change = _compare(number, sku, values, record)
        change.slug = slug or "product"
        changes.append(change)
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


# --- writing -----------------------------------------------------------------------------------------------

PRODUCT_FIELDS = ("title", "description", "origin_county", "is_public")
STOCK_FIELDS = ("price", "num_in_stock", "low_stock_threshold")

Progress = Callable[[int, int], None]


def apply(partner, parsed_rows: list[SourceRow], *, user, progress: Progress | None = None) -> Plan:
    """Re-check and write the whole file in one transaction, or nothing if any row is bad.

    progress(done, total) is called as rows are written (for a progress display or a background task).
    """
    try:
        with transaction.atomic():
            # Two imports for the same seller queue here instead of racing to create the same SKUs.
            Partner.objects.select_for_update().filter(pk=partner.pk).first()
            result = plan(partner, parsed_rows, user=user)
            if not result.is_valid:
                raise RowsRefused(_("The file has errors; nothing was imported."), errors=result.errors)
            with changes.ours():
                touched = _write(partner, result, progress or (lambda done, total: None))
            # Search and the page cache learn of the import once, here (bulk writes send no signals).
            changes.products_changed(touched)
    except DatabaseError:
        # Someone changed the catalogue in between (the dashboard adding the same SKU): all rolled back.
        raise ImportRefused(
            _(
                "The catalogue changed while the file was being imported; nothing was imported. Check it again."
            )
        ) from None
    return result


def _write(partner, result: Plan, progress: Progress) -> list[int]:
    creates = [change for change in result.rows if change.action == "create"]
    updates = [change for change in result.rows if change.action == "update"]
    total, done = len(creates) + len(updates), 0
    progress(0, total)
    now = timezone.now()
    for start in range(0, len(creates), WRITE_BATCH):
        batch = creates[start : start + WRITE_BATCH]
        _create(partner, batch)
        done += len(batch)
        progress(done, total)
    for start in range(0, len(updates), WRITE_BATCH):
        batch = updates[start : start + WRITE_BATCH]
        _update(batch, now=now)
        done += len(batch)
        progress(done, total)
    return [change.product_id for change in creates] + [change.stockrecord.product_id for change in updates]


def _create(partner, changes: list[RowChange]) -> None:
    products = []
    for change in changes:
        values = change.values
        county = values["origin_county"]
        products.append(
            Product(
                title=values["title"],
                slug=change.slug,
                description=values["description"],
                product_class=values["product_class"],
                origin_county=county,
                origin_province_id=county.province_id,  # what Product.save() keeps
                is_public=values["is_public"],
            )
        )
    Product.objects.bulk_create(products)
    StockRecord.objects.bulk_create(
        StockRecord(
            product=product,
            partner=partner,
            partner_sku=change.sku,
            price=change.values["price"],
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=change.values["num_in_stock"],
            low_stock_threshold=change.values["low_stock_threshold"],
        )
        for product, change in zip(products, changes, strict=True)
    )
    ProductCategory.objects.bulk_create(
        ProductCategory(product=product, category=category)
        for product, change in zip(products, changes, strict=True)
        for category in change.values["categories"]
    )
    for product, change in zip(products, changes, strict=True):
        change.product_id = product.pk


def _update(changes: list[RowChange], *, now) -> None:
    products, records, recategorised = [], [], []
    product_fields, stock_fields = set(), set()
    for change in changes:
        values, record = change.values, change.stockrecord
        changed_product = [field for field in PRODUCT_FIELDS if field in change.changes]
        if changed_product:
            product = record.product
            for field in changed_product:
                setattr(product, field, values[field])
            product.origin_province_id = product.origin_county.province_id
            product_fields.update(changed_product)
            products.append(product)
        changed_stock = [field for field in STOCK_FIELDS if field in change.changes]
        if changed_stock:
            for field in changed_stock:
                setattr(record, field, values[field])
            stock_fields.update(changed_stock)
            records.append(record)
        if "categories" in change.changes:
            recategorised.append(change)
    # bulk_update builds a CASE per field in Python: only the fields that changed, and the time stamp
    # (the same for every row) in one plain UPDATE.
    if products:
        if "origin_county" in product_fields:
            product_fields.add("origin_province")
        Product.objects.bulk_update(products, sorted(product_fields))
        Product.objects.filter(pk__in=[product.pk for product in products]).update(date_updated=now)
    if records:
        StockRecord.objects.bulk_update(records, sorted(stock_fields))
        StockRecord.objects.filter(pk__in=[record.pk for record in records]).update(date_updated=now)
        _refresh_stock_alerts(records)
    if recategorised:
        links = ProductCategory.objects.filter(
            product_id__in=[change.stockrecord.product_id for change in recategorised]
        )
        # A raw delete: the per-row delete signals would re-index and invalidate once per link.
        links._raw_delete(links.db)
        ProductCategory.objects.bulk_create(
            ProductCategory(product_id=change.stockrecord.product_id, category=category)
            for change in recategorised
            for category in change.values["categories"]
        )


def _refresh_stock_alerts(records) -> None:
    """Oscar's stock alerts, as its post_save receiver keeps them for a saved stock record."""
    ids = [record.pk for record in records]
    open_alerts = set(
        StockAlert.objects.filter(stockrecord_id__in=ids, status=StockAlert.OPEN).values_list(
            "stockrecord_id", flat=True
        )
    )
    below = {record.pk: record for record in records if record.is_below_threshold}
    StockAlert.objects.bulk_create(
        StockAlert(stockrecord=record, threshold=record.low_stock_threshold)
        for pk, record in below.items()
        if pk not in open_alerts
    )
    StockAlert.objects.filter(
        stockrecord_id__in=[pk for pk in open_alerts if pk not in below], status=StockAlert.OPEN
    ).update(status=StockAlert.CLOSED, date_closed=timezone.now())


# --- the file between dry run and apply -------------------------------------------------------------------


def stage(data: bytes, filename: str, *, partner, user) -> StagedImport:
    """Keep a checked upload in private storage under a random name until it is applied or expires."""
    discard_expired()
    extension = os.path.splitext(filename)[1].lower()
    token = secrets.token_urlsafe(32)
    storage = PrivateStorage()
    stored_name = storage.save(f"catalogue-imports/{secrets.token_hex(16)}{extension}", ContentFile(data))
    return StagedImport.objects.create(
        token=token,
        partner=partner,
        user=user,
        stored_name=stored_name,
        original_name=filename[:255],
        digest=hashlib.sha256(data).hexdigest(),
    )


def staged(token: str, *, user) -> tuple[StagedImport, bytes]:
    """The user's own staged upload and its bytes; anyone else's, an expired one or none is refused."""
    found = waiting(token, user=user)
    if found is None:
        raise ImportRefused(_("Upload the file again: the checked file was not found or has expired."))
    try:
        with PrivateStorage().open(found.stored_name, "rb") as stored:
            data = stored.read()
    except OSError:
        discard(found)
        raise ImportRefused(
            _("Upload the file again: the checked file was not found or has expired.")
        ) from None
    return found, data


IMPORT_JOB = "sellers.catalogue_import"


def queue_apply(token: str, *, user, digest: str):
    """Queue the apply of the user's own checked upload (exactly the bytes that were checked) as a job.

    Refused while an import into the same seller's catalogue is queued or running."""
    staged_import = waiting(token, user=user)
    if staged_import is None:
        raise ImportRefused(_("Upload the file again: the checked file was not found or has expired."))
    if staged_import.digest != digest:
        raise ImportRefused(_("The file was checked again in the meantime; apply the latest check."))
    try:
        return jobs.start(
            IMPORT_JOB,
            requested_by=user,
            exclusive_key=f"{IMPORT_JOB}:{staged_import.partner_id}",
            staged_import=staged_import.pk,
        )
    except jobs.AlreadyRunning:
        raise ImportRefused(
            _(
                "An import into %(shop)s is already queued or running. Wait until it has finished, then "
                "apply this file; it stays checked for two hours."
            )
            % {"shop": staged_import.partner.name}
        ) from None


def apply_queued(job, *, staged_import: int) -> dict:
    """The import job: apply the staged upload in one transaction that also consumes it and marks the job
    done; a refusal writes nothing and attaches the row errors as a file."""
    storage = PrivateStorage()
    with transaction.atomic():
        found = (
            StagedImport.objects.select_for_update()
            .select_related("partner", "user")
            .filter(pk=staged_import)
            .first()
        )
        if found is None:
            raise ImportRefused(
                _(
                    "This file was already imported or has expired; upload it again if it is not in your catalogue."
                )
            )
        try:
            with storage.open(found.stored_name, "rb") as stored:
                data = stored.read()
        except OSError:
            raise ImportRefused(
                _("Upload the file again: the checked file was not found or has expired.")
            ) from None
        try:
            result = apply(
                found.partner,
                read_rows(data, found.original_name),
                user=found.user,
                progress=lambda done, total: jobs.report(job, done=done, total=total),
            )
        except RowsRefused as refusal:
            job.result = {"errors": len(refusal.errors)}
            jobs.attach_file(
                job,
                exports.safe_filename("import-errors", "xlsx"),
                exports.render([errors_sheet(refusal.errors)], "xlsx"),
            )
            raise
        stored_name = found.stored_name
        found.delete()
        outcome = {
            "created": result.count("create"),
            "updated": result.count("update"),
            "unchanged": result.count("unchanged"),
            "errors": 0,
        }
        jobs.succeed_within(job, outcome)
        transaction.on_commit(lambda: storage.delete(stored_name))
    return outcome


def import_summary(result: dict) -> list:
    """What the progress page shows of a finished import."""
    rows = [
        (_("Created"), result.get("created", 0)),
        (_("Updated"), result.get("updated", 0)),
        (_("Unchanged"), result.get("unchanged", 0)),
    ]
    if result.get("errors"):
        rows = [(_("Rows with errors"), result["errors"])]
    return rows


def errors_sheet(errors: list[RowError]) -> exports.Sheet:
    """The rows a file was refused for, to download and fix."""
    return exports.Sheet(
        title=_("Errors"),
        columns=[
            exports.Column(_("Row"), "integer", 8),
            exports.Column(_("Column"), width=20),
            exports.Column(_("Problem"), width=80),
        ],
        rows=[[error.row, error.column_label, error.message] for error in errors],
    )


def waiting(token: str | None, *, user) -> StagedImport | None:
    """The user's own checked upload under this token that can still be applied, if any."""
    found = (
        StagedImport.objects.filter(token=_token(token), user=user, partner__in=partners_of(user))
        .select_related("partner")
        .first()
    )
    if found is None or found.created_at < timezone.now() - STAGED_LIFETIME:
        return None
    return found


def forget(token: str | None, *, user) -> None:
    """Drop the user's staged upload under this token, if any (a newer file was checked)."""
    for staged_import in StagedImport.objects.filter(token=_token(token), user=user):
        discard(staged_import)


def _token(value) -> str:
    # Sessions from before uploads were staged hold the whole file here, not a token.
    return value if isinstance(value, str) else ""


def discard(staged_import: StagedImport) -> None:
    PrivateStorage().delete(staged_import.stored_name)
    staged_import.delete()


def discard_expired() -> int:
    """Delete staged uploads nobody applied in time (not those a queued or running import will apply);
    returns how many."""
    awaited = list(  # a handful at most: one per seller
        Job.objects.filter(kind=IMPORT_JOB, state__in=[Job.State.QUEUED, Job.State.RUNNING]).values_list(
            "arguments__staged_import", flat=True
        )
    )
    expired = list(
        StagedImport.objects.filter(created_at__lt=timezone.now() - STAGED_LIFETIME).exclude(pk__in=awaited)
    )
    for staged_import in expired:
        discard(staged_import)
    return len(expired)


# --- export and template ----------------------------------------------------------------------------------


def _columns() -> list[exports.Column]:
    widths = {"title": 36, "description": 40, "categories": 20}
    return [exports.Column(header_cell(field), field.kind, widths.get(field.key)) for field in FIELDS]


def catalogue_size(partner) -> int:
    """How many rows the seller's catalogue export has."""
    return StockRecord.objects.filter(partner=partner).count()


def export_file(partner) -> jobs.ExportFile:
    """The whole catalogue export, for the export job."""
    return jobs.ExportFile([export_sheet(partner)], f"catalogue-{partner.pk}", total=catalogue_size(partner))


def export_sheet(partner) -> exports.Sheet:
    """The seller's catalogue as a sheet that read_rows() reads back as "no changes"."""
    records = (
        StockRecord.objects.filter(partner=partner)
        .select_related("product__product_class", "product__origin_county")
        .prefetch_related("product__categories")
        .order_by("partner_sku")
    )

    def rows():
        for record in records.iterator(chunk_size=1000):
            product = record.product
            yield [
                record.partner_sku,
                product.title,
                product.description,
                product.product_class.name if product.product_class else "",
                "; ".join(category.name for category in sorted(product.categories.all(), key=lambda c: c.pk)),
                product.origin_county_id or "",
                record.price,
                record.num_in_stock or 0,
                record.low_stock_threshold,
                1 if product.is_public else 0,
            ]

    return exports.Sheet(title=_("Catalogue"), columns=_columns(), rows=rows())


def column_guide(partner) -> list[dict]:
    """What each column means and what it accepts, for the import page and the template's guide sheet."""
    classes = "、".join(ProductClass.objects.order_by("name").values_list("name", flat=True)) or "—"
    county = partner.county_id or "360726"
    texts = {
        "sku": _(
            "Your own product code, unique in your shop (at most %(max)d characters). Rows are matched to "
            "your existing products by it: the same SKU updates the product, a new SKU creates one."
        )
        % {"max": SKU_MAX},
        "title": _("The product name shoppers see, at most %(max)d characters.") % {"max": TITLE_MAX},
        "description": _("Optional. Shown on the product page; line breaks are kept."),
        "product_class": _("One of the shop's product types: %(choices)s.") % {"choices": classes},
        "categories": _(
            "Optional. Category names exactly as in the shop; separate several with semicolons (;)."
        ),
        "origin_county": _(
            "The 6-digit division code of the county the goods come from, in your own province "
            "(yours is %(code)s)."
        )
        % {"code": county},
        "price": _("Price in yuan, greater than 0 and below %(limit)s, at most %(places)d decimals (39.90).")
        % {"limit": f"{PRICE_LIMIT:,}", "places": PRICE_PLACES},
        "num_in_stock": _("Whole number in stock, 0 to %(max)d.") % {"max": STOCK_MAX},
        "low_stock_threshold": _(
            "Optional. You are e-mailed when free stock falls to this number (0 to %(max)d)."
        )
        % {"max": THRESHOLD_MAX},
        "is_public": _("1 (or 是) puts the product on sale, 0 (or 否) or empty keeps it hidden."),
    }
    return [
        {
            "header": header_cell(field),
            "required": _("Required") if field.required else _("Optional"),
            "text": texts[field.key],
        }
        for field in FIELDS
    ]


def template_sheets(partner, *, with_guide: bool) -> list[exports.Sheet]:
    """A file to fill in: the header and two example rows (hidden, so importing them changes nothing
    shoppers see), plus a guide sheet explaining every column for the XLSX template."""
    product_class = ProductClass.objects.order_by("name").first()
    county = partner.county_id or ""
    example = [
        ["DEMO-001", _("Example: navel oranges 5 jin"), _("Replace these example rows with your products."),
         product_class.name if product_class else "", "", county, Decimal("39.90"), 200, 20, 0],
        ["DEMO-002", _("Example: sweet potatoes 10 jin"), "",
         product_class.name if product_class else "", "", county, Decimal("59.00"), 100, None, 0],
    ]  # fmt: skip
    sheets = [exports.Sheet(title=_("Catalogue"), columns=_columns(), rows=example)]
    if with_guide:
        guide = [[row["header"], row["required"], row["text"]] for row in column_guide(partner)]
        guide.append(["", "", _("Row 1 is the header: keep it. One product per row, at most %(n)d rows.")
                      % {"n": MAX_ROWS}])  # fmt: skip
        sheets.append(
            exports.Sheet(
                title=_("How to fill in"),
                columns=[
                    exports.Column(_("Column"), width=28),
                    exports.Column(_("Required?"), width=10),
                    exports.Column(_("What to write"), width=90),
                ],
                rows=guide,
            )
        )
    return sheets
