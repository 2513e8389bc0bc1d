"""Fill the database with a deterministic, realistic synthetic shop for load tests and benchmarks.

Everything is derived from one seeded random generator and today's date (Asia/Shanghai), so the
same seed on the same day gives the same rows. Rows are written with bulk inserts (COPY on
PostgreSQL) and explicit primary keys; generated rows carry the marks in `devtools.loadgen.marks`.
"""

import contextlib
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_model

from devtools.loadgen import home, images, marks, vocabulary
from devtools.loadgen.writer import Table, next_id, reset_sequence
from search import indexing
from shop import caching
from shop.core import dates
from shop.order import statuses

Region = get_model("catalogue", "Region")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ProductCertificate = get_model("catalogue", "ProductCertificate")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
Organisation = get_model("institutions", "Organisation")
Membership = get_model("institutions", "Membership")
AnnualTarget = get_model("institutions", "AnnualTarget")
OrganisationOrder = get_model("institutions", "OrganisationOrder")
User = get_user_model()

PASSWORD = "Load-2026!"
IMAGE_POOL_SIZE = 24

# (order status, line status, weight): most orders are finished, some still open or cancelled.
ORDER_STATES = [
    (statuses.COMPLETED, statuses.LINE_DELIVERED, 52),
    (statuses.PAID, statuses.LINE_PENDING, 10),
    (statuses.SHIPPED, statuses.LINE_SHIPPED, 10),
    (statuses.PENDING_PAYMENT, statuses.LINE_PENDING, 8),
    (statuses.CANCELLED, statuses.LINE_CANCELLED, 8),
    (statuses.REFUNDED, statuses.LINE_CANCELLED, 4),
    (statuses.PAYMENT_FAILED, statuses.LINE_PENDING, 4),
    (statuses.AWAITING_APPROVAL, statuses.LINE_PENDING, 4),
]
# Certificate situations a product can be in, with weights (see _certificates).
CERTIFICATE_CASES = [
    ("valid", 55),
    ("lapsed", 8),
    ("renewed", 7),
    ("pending", 10),
    ("rejected", 7),
    ("revoked", 5),
    ("expired", 3),
    ("none", 5),
]


@dataclass
class Sizes:
    products: int
    orders: int
    organisations: int
    lines_per_order: float = 4.0

    @property
    def sellers(self) -> int:
        return max(5, self.products // 80)

    @property
    def consumers(self) -> int:
        return max(20, self.orders // 8)


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _ProductFacts:
    id: int
    title: str
    upc: str
    partner_id: int
    partner_name: str
    stockrecord_id: int
    sku: str
    price: Decimal
    county: str
    province: str
    poverty: bool
    approved: list  # [(issue date, expiry date, number)]


def generate(
    sizes: Sizes, *, seed: int, progress: Callable[[str, int], None] = lambda phase, n: None
) -> Summary:
    """Create the synthetic shop; `progress(phase, rows)` is called as rows are written."""
    return _Generator(sizes, seed=seed, progress=progress).run()


def expected_rows(sizes: Sizes) -> int:
    """Roughly how many rows generate() writes, for a progress bar's total."""
    return int(
        sizes.products * 6.6
        + sizes.orders * (1 + sizes.lines_per_order)
        + sizes.consumers * 2
        + sizes.sellers * 3
        + sizes.organisations * 10
    )


def wipe_generated() -> None:
    """Delete every generated row (and only those), keeping regions and other reference data."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block and not marks.foreign_data():
        # Nothing but generated data: truncating is seconds where DELETE would be minutes.
        tables = [Order, Line, ShippingAddress, Product, Category, Partner, StockRecord, Organisation]
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        with transaction.atomic():
            Order.objects.filter(
                Q(number__startswith=marks.ORDER_PREFIX) | Q(user__email__endswith=marks.USER_DOMAIN)
            ).delete()
            Organisation.objects.filter(memberships__user__email__endswith=marks.USER_DOMAIN).delete()
            Product.objects.filter(upc__startswith=marks.UPC_PREFIX).delete()
            Partner.objects.filter(code__startswith=marks.PARTNER_CODE_PREFIX).delete()
            Category.objects.filter(code__startswith=marks.CATEGORY_CODE_PREFIX).delete()
    User.objects.filter(email__endswith=marks.USER_DOMAIN).delete()


@contextlib.contextmanager
def _foreign_key_checks_off():
    """Skip PostgreSQL's per-row foreign-key triggers while bulk loading rows that are consistent by
    construction (needs a superuser, as on a benchmark machine; otherwise the checks stay on)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        if superuser:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


class _Generator:
    def __init__(self, sizes: Sizes, *, seed: int, progress):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.seed = seed
        self.progress = progress
        self.today = dates.today()
        self.now = timezone.now()
        self.summary = Summary()

    def run(self) -> Summary:
        self.counties = list(
            Region.objects.counties()
            .order_by("code")
            .values_list("code", "name", "province_id", "is_poverty_county")
        )
        if not self.counties:
            raise RuntimeError("No counties: load the regions first (catalogue_ext.regions.import_regions).")
        # Consumption-aid shops sell mostly from former poverty counties.
        self.poverty_counties = [c for c in self.counties if c[3]] or self.counties
        self.provinces = dict(Region.objects.provinces().values_list("code", "name"))
        self.site_id = Site.objects.get_current().id
        self.country, _ = Country.objects.get_or_create(
            iso_3166_1_a2="CN",
            defaults={
                "iso_3166_1_a3": "CHN",
                "iso_3166_1_numeric": "156",
                "printable_name": "中国",
                "name": "People's Republic of China",
                "is_shipping_country": True,
            },
        )
        self.password = make_password(PASSWORD)
        with _foreign_key_checks_off():
            self._categories()
            self._sellers()
            self._products()
            self._consumers()
            self._organisations()
            self._orders()
        for model in (
            User,
            Partner,
            Product,
            ProductCategory,
            ProductImage,
            ProductCertificate,
            StockRecord,
            Order,
            Line,
            ShippingAddress,
        ):
            reset_sequence(model)
        for model in (Organisation, Membership, AnnualTarget, OrganisationOrder):
            reset_sequence(model)
        self._search_index()
        home.ensure_home_page()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM (outside a transaction) marks the freshly copied pages all-visible, as
                # autovacuum would soon on a live shop, so index-only scans need no heap visits.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        caching.catalogue_changed()
        return self.summary

    def _search_index(self):
        """Rows written with COPY fire no signals: build the search app's index for them in one pass."""
        result = indexing.rebuild(progress=lambda n: self.progress("search index", n))
        self.summary.rows["search index"] = result.get("documents", 0)

    # -- helpers -------------------------------------------------------------------------------

    def _write(self, phase, model, columns, rows):
        written = Table(model, columns).write(self._counted(phase, rows))
        self.summary.rows[phase] = self.summary.rows.get(phase, 0) + written
        return written

    def _counted(self, phase, rows, every=5_000):
        n = 0
        for row in rows:
            yield row
            n += 1
            if n == every:
                self.progress(phase, n)
                n = 0
        if n:
            self.progress(phase, n)

    def _moment(self, start: datetime.date, end: datetime.date) -> datetime.datetime:
        span = max((end - start).days, 1) * 86400
        offset = self.rng.randrange(span)
        return dates.at(start) + (datetime.timedelta(seconds=offset))

    def _person(self) -> str:
        return self.rng.choice(vocabulary.SURNAMES) + self.rng.choice(vocabulary.GIVEN_NAMES)

    def _users(self, phase, emails_and_names, *, staff=False):
        """Insert users; returns their ids in the given order."""
        first = next_id(User)
        rows = []
        for index, (email, name) in enumerate(emails_and_names):
            rows.append(
                (
                    first + index,
                    self.password,
                    email.split("@")[0],
                    name[:1],
                    name[1:],
                    email,
                    staff,
                    staff,
                    self.now,
                )
            )
        self._write(
            phase,
            User,
            [
                "id",
                "password",
                "username",
                "last_name",
                "first_name",
                "email",
                "is_staff",
                "is_superuser",
                "date_joined",
            ],
            rows,
        )
        return [first + i for i in range(len(rows))]

    # -- phases --------------------------------------------------------------------------------

    def _categories(self):
        self.leaf_categories = []  # (category id, [nouns])
        for slug, name, children in vocabulary.CATEGORIES:
            root = Category.add_root(
                name=name,
                slug=slug,
                code=f"{marks.CATEGORY_CODE_PREFIX}{slug}",
                description=f"{name}，产自脱贫地区。",
            )
            for child_slug, child_name, nouns in children:
                child = root.add_child(
                    name=child_name, slug=child_slug, code=f"{marks.CATEGORY_CODE_PREFIX}{child_slug}"
                )
                self.leaf_categories.append((child.id, nouns))
        self.progress("categories", len(self.leaf_categories))
        self.product_class, _ = ProductClass.objects.get_or_create(
            slug="lg-farm-produce",
            defaults={"name": "农产品（生成）", "track_stock": True, "requires_shipping": True},
        )

    def _sellers(self):
        n = self.sizes.sellers
        first = next_id(Partner)
        self.sellers = []  # (id, name, county)
        rows = []
        for index in range(n):
            county = self.rng.choice(self.poverty_counties)
            kind, suffix = self.rng.choice(vocabulary.SELLER_SUFFIXES)
            word = "".join(self.rng.sample(vocabulary.SELLER_WORDS, 2))
            name = f"{county[1]}{word}{suffix}{index + 1}"
            pid = first + index
            self.sellers.append((pid, name, county))
            rows.append(
                (
                    pid,
                    f"{marks.PARTNER_CODE_PREFIX}{index + 1:05d}",
                    name,
                    kind,
                    county[0],
                    self._person(),
                    f"138{self.rng.randrange(10**8):08d}",
                    self.rng.randrange(10, 900),
                    self.rng.random() < 0.6,
                    self.rng.random() < 0.3,
                    self.rng.random() < 0.7,
                )
            )
        self._write(
            "sellers",
            Partner,
            [
                "id",
                "code",
                "name",
                "kind",
                "county_id",
                "contact_name",
                "contact_phone",
                "households_linked",
                "links_by_wages",
                "links_by_asset_income",
                "links_by_business_income",
            ],
            rows,
        )
        # One login per seller, linked through Oscar's partner.users.
        user_ids = self._users(
            "sellers", [(f"seller{i + 1}{marks.USER_DOMAIN}", self._person()) for i in range(n)]
        )
        Through = Partner.users.through
        self._write(
            "sellers",
            Through,
            ["partner_id", "user_id"],
            [(seller[0], uid) for seller, uid in zip(self.sellers, user_ids, strict=True)],
        )
        # Oscar's permission that lets a partner's users into the seller pages.
        permission = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
        self._write(
            "sellers",
            User.user_permissions.through,
            ["user_id", "permission_id"],
            [(uid, permission.pk) for uid in user_ids],
        )

    def _products(self):
        n = self.sizes.products
        pool = images.ensure_pool(IMAGE_POOL_SIZE, seed=self.seed)
        first_product = next_id(Product)
        first_stock = next_id(StockRecord)
        self.products: list[_ProductFacts] = []
        product_rows, stock_rows, category_rows, image_rows, certificate_rows = [], [], [], [], []
        created_from = self.today - datetime.timedelta(days=3 * 365)
        for index in range(n):
            pid = first_product + index
            seller_id, seller_name, county = self.sellers[index % len(self.sellers)]
            # Most products come from the seller's county; some sellers also sell neighbours' produce.
            if self.rng.random() < 0.2:
                county = self.rng.choice(self.poverty_counties)
            category_id, nouns = self.rng.choice(self.leaf_categories)
            noun = self.rng.choice(nouns)
            title = f"{county[1]}{self.rng.choice(vocabulary.ADJECTIVES)}{noun} {self.rng.choice(vocabulary.PACKS)}"
            upc = f"{marks.UPC_PREFIX}{index + 1:08d}"
            created = self._moment(created_from, self.today)
            product_rows.append(
                (
                    pid,
                    "standalone",
                    self.rng.random() > 0.02,
                    upc,
                    title,
                    f"p{index + 1}",
                    f"{title}，来自{self.provinces.get(county[2], '')}{county[1]}，产地直发。",
                    self.product_class.id,
                    created,
                    created,
                    county[0],
                    county[2],
                )
            )
            price = Decimal(self.rng.randrange(590, 49900)) / 100
            sku = f"{upc}-S"
            stock_rows.append(
                (
                    first_stock + index,
                    pid,
                    seller_id,
                    sku,
                    "CNY",
                    price,
                    0 if self.rng.random() < 0.05 else self.rng.randrange(10, 1000),
                    0,
                    5,
                    created,
                    created,
                )
            )
            category_rows.append((pid, category_id))
            for order in range(self.rng.choice((1, 1, 2, 3))):
                image_rows.append((pid, self.rng.choice(pool), "", order, created))
            approved = self._certificates(pid, index, county, created, certificate_rows)
            self.products.append(
                _ProductFacts(
                    pid,
                    title,
                    upc,
                    seller_id,
                    seller_name,
                    first_stock + index,
                    sku,
                    price,
                    county[0],
                    county[2],
                    county[3],
                    approved,
                )
            )
        self._write(
            "products",
            Product,
            [
                "id",
                "structure",
                "is_public",
                "upc",
                "title",
                "slug",
                "description",
                "product_class_id",
                "date_created",
                "date_updated",
                "origin_county_id",
                "origin_province_id",
            ],
            product_rows,
        )
        self._write(
            "products",
            StockRecord,
            [
                "id",
                "product_id",
                "partner_id",
                "partner_sku",
                "price_currency",
                "price",
                "num_in_stock",
                "num_allocated",
                "low_stock_threshold",
                "date_created",
                "date_updated",
            ],
            stock_rows,
        )
        self._write("products", ProductCategory, ["product_id", "category_id"], category_rows)
        self._write(
            "products",
            ProductImage,
            ["product_id", "original", "caption", "display_order", "date_created"],
            image_rows,
        )
        self._write(
            "products",
            ProductCertificate,
            [
                "product_id",
                "number",
                "issuing_authority",
                "catalogue_batch",
                "issue_date",
                "expiry_date",
                "status",
                "status_reason",
                "created_at",
                "updated_at",
            ],
            certificate_rows,
        )

    def _certificates(self, pid, index, county, created, rows) -> list:
        """Append this product's certificate rows; returns the approved (issue, expiry, number) windows."""
        case = self.rng.choices([c for c, _ in CERTIFICATE_CASES], [w for _, w in CERTIFICATE_CASES])[0]
        if case == "none":
            return []
        today = self.today
        authority = f"{county[1]}{self.rng.choice(vocabulary.ISSUERS)}"
        batch = f"第{self.rng.randrange(1, 9)}批"
        issued = today - datetime.timedelta(days=self.rng.randrange(1, 700))
        number = f"XF-{issued.year}-{index + 1:07d}"
        approved = []
        if case in ("valid", "pending", "rejected", "revoked"):
            expiry = today + datetime.timedelta(days=self.rng.randrange(30, 700))
        else:  # lapsed, expired, renewed: the (first) certificate's validity is over
            expiry = today - datetime.timedelta(days=self.rng.randrange(1, 300))
            issued = min(issued, expiry - datetime.timedelta(days=365))
        status = {
            "valid": "approved",
            "lapsed": "approved",
            "renewed": "approved",
            "pending": "pending",
            "rejected": "rejected",
            "revoked": "revoked",
            "expired": "expired",
        }[case]
        reason = {"rejected": "材料不全，请补充产地证明。", "revoked": "抽检不合格，撤销认定。"}.get(case, "")
        rows.append((pid, number, authority, batch, issued, expiry, status, reason, created, created))
        if status == "approved":
            approved.append((issued, expiry, number))
        if case == "renewed":
            issued2 = expiry + datetime.timedelta(days=1)
            expiry2 = today + datetime.timedelta(days=self.rng.randrange(60, 1000))
            number2 = f"XF-{issued2.year}-{index + 1:07d}R"
            rows.append((pid, number2, authority, batch, issued2, expiry2, "approved", "", created, created))
            approved.append((issued2, expiry2, number2))
        return approved

    def _consumers(self):
        n = self.sizes.consumers
        people = [(f"consumer{i + 1}{marks.USER_DOMAIN}", self._person()) for i in range(n)]
        self.consumer_ids = self._users("consumers", people)
        self._users("consumers", [(f"staff{marks.USER_DOMAIN}", "管理员")], staff=True)
        first = next_id(ShippingAddress)
        rows = []
        self.address_of = {}
        for index, uid in enumerate(self.consumer_ids):
            county = self.rng.choice(self.counties)
            self.address_of[uid] = first + index
            rows.append(
                (
                    first + index,
                    people[index][1],
                    f"{county[1]}人民路{self.rng.randrange(1, 300)}号",
                    self.provinces.get(county[2], ""),
                    self.country.pk,
                    f"139{self.rng.randrange(10**8):08d}",
                )
            )
        self._write(
            "consumers",
            ShippingAddress,
            ["id", "first_name", "line1", "line4", "country_id", "phone_number"],
            rows,
        )

    def _organisations(self):
        self.organisations = []  # (organisation id, buyer user id, fapiao title)
        k = self.sizes.organisations
        if not k:
            return
        first = next_id(Organisation)
        org_rows, people, member_rows, target_rows, paired_rows = [], [], [], [], []
        for index in range(k):
            oid = first + index
            province_code = self.rng.choice(sorted(self.provinces))
            kind, pattern = self.rng.choice(vocabulary.ORGANISATION_KINDS)
            name = (
                pattern.format(
                    province=self.provinces[province_code],
                    dept=self.rng.choice(vocabulary.DEPARTMENTS),
                    company=self.rng.choice(vocabulary.COMPANIES),
                )
                + f"（{index + 1}）"
            )
            org_rows.append(
                (
                    oid,
                    name,
                    kind,
                    province_code,
                    Decimal("0.1000") if index % 3 else Decimal("0.2000"),
                    name,
                    self.now,
                )
            )
            for role in ("admin", "buyer", "approver"):
                people.append((f"org{index + 1}-{role}{marks.USER_DOMAIN}", self._person()))
            for year in range(self.today.year - 2, self.today.year + 1):
                spending = Decimal(self.rng.randrange(200_000, 20_000_000))
                target_rows.append((oid, year, spending, Decimal("0.3000") if index % 2 else None, self.now))
            for county in self.rng.sample(self.poverty_counties, min(2, len(self.poverty_counties))):
                paired_rows.append((oid, county[0]))
        self._write(
            "organisations",
            Organisation,
            ["id", "name", "kind", "region_id", "quota_share", "fapiao_title", "created_at"],
            org_rows,
        )
        user_ids = self._users("organisations", people)
        for index in range(k):
            admin, buyer, approver = user_ids[3 * index : 3 * index + 3]
            oid = first + index
            member_rows += [
                (oid, admin, True, False, True),
                (oid, buyer, True, False, False),
                (oid, approver, False, True, False),
            ]
            self.organisations.append((oid, buyer, org_rows[index][1]))
            self.address_of[buyer] = self.address_of[self.consumer_ids[index % len(self.consumer_ids)]]
        self._write(
            "organisations",
            Membership,
            ["organisation_id", "user_id", "is_buyer", "is_approver", "is_administrator"],
            member_rows,
        )
        self._write(
            "organisations",
            AnnualTarget,
            ["organisation_id", "year", "declared_canteen_spending", "paired_share", "updated_at"],
            target_rows,
        )
        Paired = Organisation.paired_counties.through
        self._write("organisations", Paired, ["organisation_id", "region_id"], paired_rows)

    def _orders(self, chunk=20_000):
        total = self.sizes.orders
        first_order = next_id(Order)
        first_line = next_id(Line)
        start = datetime.date(self.today.year - 2, 1, 1)
        states = [(o, li) for o, li, _ in ORDER_STATES]
        weights = [w for _, _, w in ORDER_STATES]
        max_lines = max(1, round(2 * self.sizes.lines_per_order - 1))
        n_products = len(self.products)
        line_id = first_line
        for chunk_start in range(0, total, chunk):
            order_rows, line_rows, link_rows = [], [], []
            for index in range(chunk_start, min(total, chunk_start + chunk)):
                oid = first_order + index
                placed = self._moment(start, self.today)
                order_status, line_status = self.rng.choices(states, weights)[0]
                organisation = None
                if self.organisations and self.rng.random() < 0.3:
                    organisation = self.rng.choice(self.organisations)
                    user_id = organisation[1]
                else:
                    user_id = self.rng.choice(self.consumer_ids)
                total_price = Decimal("0.00")
                day = placed.date()
                for _ in range(self.rng.randint(1, max_lines)):
                    # Popular products sell far more often than the long tail.
                    facts = self.products[int(n_products * self.rng.random() ** 2.5)]
                    quantity = self.rng.choice((1, 1, 1, 2, 2, 3, 5, 10))
                    line_total = facts.price * quantity
                    total_price += line_total
                    certificate = next((c for c in facts.approved if c[0] <= day <= c[1]), None)
                    line_rows.append(
                        (
                            line_id,
                            oid,
                            facts.partner_id,
                            facts.partner_name,
                            facts.sku,
                            facts.stockrecord_id,
                            facts.id,
                            facts.title,
                            facts.upc,
                            quantity,
                            line_total,
                            line_total,
                            line_total,
                            line_total,
                            facts.price,
                            facts.price,
                            line_status,
                            quantity,
                            facts.county,
                            facts.province,
                            certificate is not None,
                            facts.poverty,
                            certificate[2] if certificate else "",
                        )
                    )
                    line_id += 1
                paid = (
                    placed + datetime.timedelta(minutes=5) if order_status in statuses.PAID_STATUSES else None
                )
                order_rows.append(
                    (
                        oid,
                        f"{marks.ORDER_PREFIX}{index + 1:09d}",
                        self.site_id,
                        user_id,
                        total_price,
                        total_price,
                        Decimal("0.00"),
                        Decimal("0.00"),
                        self.address_of[user_id],
                        "快递包邮",
                        "free-shipping",
                        order_status,
                        placed,
                        "bank_transfer" if organisation else "cash_on_delivery",
                        paid,
                    )
                )
                if organisation is not None:
                    approval = "approved" if total_price > 2000 else "not_required"
                    link_rows.append(
                        (
                            oid,
                            organisation[0],
                            "canteen" if self.rng.random() < 0.7 else "union_welfare",
                            user_id,
                            "ordinary",
                            organisation[2],
                            "",
                            approval,
                            placed,
                        )
                    )
            self._write(
                "orders",
                Order,
                [
                    "id",
                    "number",
                    "site_id",
                    "user_id",
                    "total_incl_tax",
                    "total_excl_tax",
                    "shipping_incl_tax",
                    "shipping_excl_tax",
                    "shipping_address_id",
                    "shipping_method",
                    "shipping_code",
                    "status",
                    "date_placed",
                    "payment_method",
                    "paid_at",
                ],
                order_rows,
            )
            self._write(
                "order lines",
                Line,
                [
                    "id",
                    "order_id",
                    "partner_id",
                    "partner_name",
                    "partner_sku",
                    "stockrecord_id",
                    "product_id",
                    "title",
                    "upc",
                    "quantity",
                    "line_price_incl_tax",
                    "line_price_excl_tax",
                    "line_price_before_discounts_incl_tax",
                    "line_price_before_discounts_excl_tax",
                    "unit_price_incl_tax",
                    "unit_price_excl_tax",
                    "status",
                    "num_allocated",
                    "origin_county_id",
                    "origin_province_id",
                    "was_certified",
                    "was_poverty_county",
                    "certificate_number",
                ],
                line_rows,
            )
            if link_rows:
                self._write(
                    "orders",
                    OrganisationOrder,
                    [
                        "order_id",
                        "organisation_id",
                        "purpose",
                        "buyer_id",
                        "fapiao_type",
                        "fapiao_title",
                        "taxpayer_id",
                        "approval",
                        "created_at",
                    ],
                    link_rows,
                )
