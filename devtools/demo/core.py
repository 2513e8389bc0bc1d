"""The demo shop: sellers, products, certificates, users and the home page, from fixtures/demo/.

Every step looks rows up by natural key (e-mail, seller name, UPC, category slug), so loading
twice leaves the same data.
"""

import csv
import datetime
import hashlib
import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont
from pypinyin import lazy_pinyin

from catalogue_ext.credit_codes import check_character
from shop.core import dates

Region = get_model("catalogue", "Region")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
ProductCertificate = get_model("catalogue", "ProductCertificate")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "Demo-2026!"

# (email, display name, is_staff, is_superuser, role description shown by the command and README)
DEMO_USERS = [
    ("consumer@example.com", "张晓明", False, False, "consumer"),
    ("buyer@example.com", "李采购", False, False, "institutional buyer"),
    ("approver@example.com", "王审批", False, False, "institutional approver"),
    ("orgadmin@example.com", "赵管理", False, False, "organisation administrator"),
    ("bureau@example.com", "孙财政", False, False, "finance bureau (江西省财政厅, reviews Jiangxi's units)"),
    ("seller@example.com", "钟建华", False, False, "seller (安远县橙乡脐橙专业合作社)"),
    ("seller2@example.com", "刘桂芳", False, False, "seller (寻乌县东江源果业有限公司)"),
    ("officer@example.com", "陈干部", False, False, "county officer"),
    ("editor@example.com", "周编辑", False, False, "CMS editor"),
    ("reviewer@example.com", "吴审核", False, False, "CMS reviewer"),
    ("staff@example.com", "平台运营", True, False, "platform staff"),
    ("admin@example.com", "系统管理员", True, True, "superuser"),
]

CATEGORY_COLOURS = {
    "fruit": (242, 140, 40),
    "tea": (76, 140, 74),
    "grains": (201, 167, 98),
    "mushrooms": (140, 98, 72),
    "honey": (230, 180, 30),
    "dried-meat": (170, 60, 50),
    "oils": (214, 190, 70),
    "handicrafts": (60, 100, 170),
    "dried-fruit": (180, 50, 70),
    "vegetables": (110, 150, 60),
}


def read_csv(name):
    with open(DEMO_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def credit_code_for(name: str, county_code: str) -> str:
    """A well-formed (check digit included) unified social credit code, stable for a name."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digest = hashlib.sha1(name.encode()).digest()
    body = "".join(alphabet[b % 31] for b in digest[:9])
    first_17 = "93" + county_code + body  # 9 = farmers' cooperative registration authority, 3 = other
    return first_17 + check_character(first_17)


def ensure_country():
    country, _ = Country.objects.update_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "name": "People's Republic of China",
            "printable_name": "中国",
            "is_shipping_country": True,
            "display_order": 1,
        },
    )
    return country


# Apps whose models platform staff manage in Oscar's dashboard (Oscar 4 checks model permissions).
PLATFORM_STAFF_APPS = (
    "catalogue",
    "partner",
    "order",
    "offer",
    "voucher",
    "payment",
    "shipping",
    "reviews",
    "communication",
    "flatpages",
    "institutions",
    "sellers",
    "address",
    "basket",
    "customer",
)


def platform_staff_group():
    group, _ = Group.objects.get_or_create(name="Platform staff")
    permissions = Permission.objects.filter(content_type__app_label__in=PLATFORM_STAFF_APPS)
    permissions = permissions | Permission.objects.filter(
        content_type__app_label="auth", codename="view_user"
    )
    group.permissions.set(permissions)
    return group


def load_users():
    User = get_user_model()
    users = {}
    staff_group = platform_staff_group()
    for email, name, is_staff, is_superuser, _role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"username": email.split("@")[0], "first_name": name}
        )
        user.first_name = name
        user.is_staff = is_staff
        user.is_superuser = is_superuser
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        if is_staff and not is_superuser:
            user.groups.add(staff_group)
        users[email] = user
    return users


def load_categories():
    categories = {}
    for row in read_csv("categories.csv"):
        category = Category.objects.filter(slug=row["slug"]).first()
        if category is None:
            category = Category.add_root(name=row["name"], slug=row["slug"], description=row["description"])
        else:
            category.name, category.description = row["name"], row["description"]
            category.save()
        categories[row["slug"]] = category
    return categories


def load_sellers(users):
    dashboard_access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    sellers = {}
    for row in read_csv("sellers.csv"):
        partner, _ = Partner.objects.update_or_create(
            name=row["name"],
            defaults={
                "kind": row["kind"],
                "county_id": row["county_code"],
                "credit_code": credit_code_for(row["name"], row["county_code"]),
                "contact_name": row["contact_name"],
                "contact_phone": row["contact_phone"],
                "households_linked": int(row["households_linked"]),
                "links_by_wages": row["links_by_wages"] == "1",
                "links_by_asset_income": row["links_by_asset_income"] == "1",
                "links_by_business_income": row["links_by_business_income"] == "1",
                "linkage_description": row["linkage_description"],
                "description": row["description"],
            },
        )
        if row["user_email"]:
            user = users[row["user_email"]]
            partner.users.add(user)
            user.user_permissions.add(dashboard_access)
        sellers[row["name"]] = partner
    return sellers


def product_image(title: str, upc: str, category_slug: str) -> bytes:
    """A coloured 600×600 label image: the product's pinyin title, category band and code."""
    colour = CATEGORY_COLOURS.get(category_slug, (120, 120, 120))
    image = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 440, 600, 600], fill=tuple(max(c - 60, 0) for c in colour))
    draw.ellipse([180, 90, 420, 330], fill=tuple(min(c + 50, 255) for c in colour), outline="white", width=6)
    words = " ".join(lazy_pinyin(title.split(" ")[0])).title()
    try:
        big, small = ImageFont.load_default(size=40), ImageFont.load_default(size=26)
    except TypeError:  # Pillow built without FreeType
        big = small = ImageFont.load_default()
    draw.text((300, 480), words[:28], fill="white", font=big, anchor="mm")
    draw.text((300, 545), f"{category_slug.upper()} · {upc}", fill="white", font=small, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def certificate_dates(state: str, index: int, today: datetime.date):
    if state == "expired":
        return today - datetime.timedelta(days=400 + index), today - datetime.timedelta(days=5 + index)
    return today - datetime.timedelta(days=60 + index), today + datetime.timedelta(days=300 + index * 3)


def load_products(sellers, categories):
    product_class, _ = ProductClass.objects.get_or_create(
        name="农特产品", defaults={"requires_shipping": True, "track_stock": True}
    )
    today = dates.today()
    status_for = {
        "certified": ProductCertificate.Status.APPROVED,
        "expired": ProductCertificate.Status.APPROVED,  # approved, but the expiry date has passed
        "pending": ProductCertificate.Status.PENDING,
        "rejected": ProductCertificate.Status.REJECTED,
        "revoked": ProductCertificate.Status.REVOKED,
    }
    reasons = {"rejected": "证书扫描件不清晰，请重新上传。", "revoked": "抽检不合格，县乡村振兴局撤销认定。"}
    products = {}
    for index, row in enumerate(read_csv("products.csv")):
        partner = sellers[row["seller"]]
        product, _ = Product.objects.update_or_create(
            upc=row["upc"],
            defaults={
                "title": row["title"],
                "title_en": row.get("title_en", ""),
                "description": f"<p>{row['description']}</p>",
                "product_class": product_class,
                "structure": Product.STANDALONE,
                "origin_county_id": row["county_code"],
                "is_public": True,
            },
        )
        ProductCategory.objects.get_or_create(product=product, category=categories[row["category"]])
        StockRecord.objects.update_or_create(
            partner=partner,
            partner_sku=row["upc"],
            defaults={
                "product": product,
                "price": Decimal(row["price"]),
                "price_currency": "CNY",
                "num_in_stock": int(row["stock"]),
            },
        )
        if not product.images.exists():
            ProductImage.objects.create(
                product=product,
                original=ContentFile(
                    product_image(row["title"], row["upc"], row["category"]), name=f"{row['upc']}.jpg"
                ),
                caption=row["title"],
                display_order=0,
            )
        state = row["certificate"]
        if state in status_for:
            issue, expiry = certificate_dates(state, index % 20, today)
            county = product.origin_county
            ProductCertificate.objects.update_or_create(
                product=product,
                number=f"XFBF-{row['county_code']}-{today.year if state != 'expired' else today.year - 1}-{index + 1:04d}",
                defaults={
                    "issuing_authority": f"{county.name}乡村振兴局",
                    "catalogue_batch": "全国消费帮扶产品目录" if state == "certified" and index % 2 else "",
                    "issue_date": issue,
                    "expiry_date": expiry,
                    "status": status_for[state],
                    "status_reason": reasons.get(state, ""),
                },
            )
        products[row["upc"]] = product
    return products


def load_home_page(products):
    from wagtail.models import Page, Site

    from cms.models import HomePage, HomePageFeaturedProduct

    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="首页",
            slug="aidmarket-home",
            hero_title="买脱贫地区产品，助乡村全面振兴",
            hero_text="来自832个脱贫县的认定产品，产地直发。单位采购计入消费帮扶采购任务。",
            intro="<p>Aidmarket 消费帮扶商城汇集脱贫地区农副产品与手工艺品，让好产品找到买家。</p>",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Aidmarket"
        )
    elif site.root_page_id != home.id:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Aidmarket"
        site.save()
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()  # Wagtail's placeholder "Welcome" page
    if not home.featured_products.exists():
        certified = Product.objects.certified().filter(upc__in=list(products)).order_by("upc")[:8]
        for order, product in enumerate(certified):
            HomePageFeaturedProduct.objects.create(page=home, product=product, sort_order=order)
    return home


@transaction.atomic
def load(stdout=None):
    """Load (or refresh) the whole core demo shop."""
    from catalogue_ext import regions

    def say(message):
        if stdout is not None:
            stdout.write(message)

    say("Regions (3,213 divisions, 832 poverty counties)…")
    regions.import_regions()
    ensure_country()
    say("Users…")
    users = load_users()
    say("Categories and sellers…")
    categories = load_categories()
    sellers = load_sellers(users)
    say("Products, stock, images and certificates…")
    products = load_products(sellers, categories)
    say("Home page…")
    load_home_page(products)
    say("Search index…")
    from search import indexing

    indexing.index_products(Product.objects.values_list("id", flat=True))
    return users
