"""Demo data for production–marketing docking (idempotent): open demands with quotes, and a trade fair
with exhibitors and a signed intent. Looks rows up by natural keys (e-mail, UPC, category slug, title)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from cms.models import HomePage, TradeFairExhibitor, TradeFairPage
from shop.core import dates
from shop.docking import demands, intents, quotes
from shop.docking.models import Demand
from shop.institutions.models import Organisation

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")

ANYUAN = "安远县橙乡脐橙专业合作社"
XUNWU = "寻乌县东江源果业有限公司"

# (title, organisation name or None, category slug, quantity, unit, price range, quotes: (seller, UPC, price, quantity))
DEMANDS = [
    (
        "机关食堂冬季脐橙集中采购",
        "赣州市财政局",
        "fruit",
        300,
        "box",
        ("30.00", "45.00"),
        [(ANYUAN, "AM00001", "36.00", 150), (XUNWU, "AM00014", "34.50", 120)],
    ),
    (
        "县直机关食堂富硒大米",
        None,
        "grains",
        200,
        "bag",
        ("50.00", "65.00"),
        [(XUNWU, "AM00018", "56.00", 200)],
    ),
    ("春节慰问品 蜜柚礼盒", "赣州市财政局工会", "fruit", 120, "box", ("60.00", "80.00"), []),
]


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)


def load(stdout=None):
    users = get_user_model().objects
    buyer = users.get(email="buyer@example.com")
    province = Region.objects.get(code="360000")
    today = dates.today()
    made = 0
    for title, organisation_name, category_slug, quantity, unit, (low, high), offers in DEMANDS:
        if Demand.objects.filter(title=title).exists():
            continue
        organisation = (
            Organisation.objects.filter(name=organisation_name).first() if organisation_name else None
        )
        with transaction.atomic():
            demand = demands.save_draft(
                Demand(
                    organisation=organisation,
                    buyer_name="" if organisation else "赣州市农产品批发市场",
                    title=title,
                    category=Category.objects.get(slug=category_slug),
                    specification="产地直供，统一包装，附消费帮扶产品认定证书。",
                    quantity=quantity,
                    unit=unit,
                    price_min=Decimal(low),
                    price_max=Decimal(high),
                    delivery_from=today + datetime.timedelta(days=14),
                    delivery_until=today + datetime.timedelta(days=45),
                    delivery_region=province,
                    quote_deadline=today + datetime.timedelta(days=10),
                    certified_required=True,
                    counts_toward_quota=organisation is not None,
                    delivery_address="江西省赣州市章贡区长征大道1号 机关食堂",
                    contact_name="李采购",
                    contact_phone="13907970001",
                ),
                by=buyer,
            )
            demands.open_for_quotes(demand, by=buyer)
            for seller_name, upc, price, offered in offers:
                partner = Partner.objects.get(name=seller_name)
                quotes.submit(
                    demand,
                    partner=partner,
                    by=partner.users.order_by("pk").first(),
                    product=Product.objects.get(upc=upc),
                    unit_price=Decimal(price),
                    quantity=offered,
                    unit=unit,
                    lead_time_days=5,
                    valid_until=today + datetime.timedelta(days=30),
                    note="可提供冷链配送。",
                )
        made += 1
    _say(stdout, f"  {made} new purchase demands")
    _trade_fair(buyer, today)


def _trade_fair(buyer, today):
    home = HomePage.objects.first()
    if home is None or home.get_children().filter(slug="trade-fair-gannan").exists():
        return
    fair = TradeFairPage(
        title="赣南脱贫地区农产品产销对接会",
        slug="trade-fair-gannan",
        date=today - datetime.timedelta(days=3),
        place="赣州国际会展中心 2 号馆",
        organiser="赣州市商务局",
        intro_text="组织机关食堂、企业和批发市场与脱贫县合作社面对面洽谈。",
        body="<p>上午：产品推介；下午：分组洽谈与意向签约。</p>",
    )
    home.add_child(instance=fair)
    for booth, name in (("A01", ANYUAN), ("A02", XUNWU)):
        TradeFairExhibitor.objects.create(page=fair, seller=Partner.objects.get(name=name), booth=booth)
    fair.save_revision().publish()
    intents.record(
        fair,
        buyer=buyer,
        partner=Partner.objects.get(name=ANYUAN),
        product="赣南脐橙 5斤装",
        quantity=500,
        unit="box",
        amount=Decimal("18000.00"),
        signed_on=fair.date,
        organisation=Organisation.objects.buying_for(buyer).first(),
    )
