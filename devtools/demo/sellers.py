"""Demo data for county sellers (idempotent): a county officer, a pending application,
help-sell flags and an order whose first seller has shipped its line.

Looks up the core demo objects by natural keys (user e-mail, product UPC, county code).
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from oscar.core.loading import get_class, get_model
from PIL import Image

from shop.core import dates
from shop.order import statuses
from shop.sellers import fulfilment
from shop.sellers.models import CountyOfficer, HelpSellFlag, SellerApplication

Region = get_model("catalogue", "Region")
Product = get_model("catalogue", "Product")
Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")

DEMO_COUNTY = "360726"  # 安远县
DEMO_ORDER_NUMBER = "DEMO-SELLERS-1"
HELP_SELL = [
    ("AM00001", HelpSellFlag.Reason.HARVEST_GLUT, 3000, "今年脐橙大丰收，果农库存积压，恳请各单位助销。"),
    ("AM00002", HelpSellFlag.Reason.TRANSPORT_BLOCKED, 1200, "冰雪天气导致物流受阻，果品亟需销路。"),
]


def load(stdout=None):
    users = get_user_model().objects
    county = Region.objects.get(code=DEMO_COUNTY)
    officer = users.get(email="officer@example.com")
    CountyOfficer.objects.update_or_create(user=officer, defaults={"county": county})
    _say(stdout, f"  officer@example.com is county officer of {county.name}")

    applicant = users.get(email="consumer@example.com")
    if not SellerApplication.objects.filter(applicant=applicant).exists():
        from devtools.demo.core import credit_code_for

        application = SellerApplication(
            applicant=applicant,
            entity_name="安远县红土地红薯专业合作社",
            kind="cooperative",
            credit_code=credit_code_for("安远县红土地红薯专业合作社", DEMO_COUNTY),
            county=county,
            contact_name="赖春梅",
            contact_phone="13907970909",
            households_linked=64,
            linkage_description="合作社按保底价收购脱贫户红薯，年底按交售量二次分红。",
        )
        application.licence_scan.save("licence.png", ContentFile(_licence_png()), save=False)
        application.save()
    _say(stdout, "  a pending seller application from consumer@example.com")

    until = dates.today() + datetime.timedelta(days=30)
    seller = users.get(email="seller@example.com")
    for upc, reason, quantity, note in HELP_SELL:
        product = Product.objects.filter(upc=upc).first()
        if product and not HelpSellFlag.objects.active().filter(product=product).exists():
            HelpSellFlag.objects.create(
                product=product, reason=reason, quantity=quantity, note=note, until=until, created_by=seller
            )
    _say(stdout, f"  {HelpSellFlag.objects.active().count()} running help-sell flags")

    if not Order.objects.filter(number=DEMO_ORDER_NUMBER).exists():
        _shipped_order(applicant, seller)
    _say(stdout, f"  order {DEMO_ORDER_NUMBER}: one seller's line shipped, the other awaiting shipment")


def _shipped_order(customer, seller):
    """An order across two sellers, paid, with the first seller's line shipped."""
    from oscar.apps.partner.strategy import Default
    from oscar.apps.shipping.methods import Free

    OrderCreator = get_class("order.utils", "OrderCreator")
    OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
    first = Product.objects.filter(stockrecords__partner__users=seller).order_by("upc").first()
    second = Product.objects.exclude(stockrecords__partner__users=seller).order_by("upc").first()
    if first is None or second is None:
        return
    with transaction.atomic():
        basket = Basket.objects.create(owner=customer)
        basket.strategy = Default()
        basket.add_product(first, quantity=2)
        basket.add_product(second, quantity=1)
        shipping_method = Free()
        shipping_charge = shipping_method.calculate(basket)
        order = OrderCreator().place_order(
            basket=basket,
            user=customer,
            order_number=DEMO_ORDER_NUMBER,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            total=OrderTotalCalculator().calculate(basket, shipping_charge),
            status=statuses.PAID,
        )
        basket.submit()
    own_lines = order.lines.filter(partner__users=seller)
    fulfilment.mark_shipped(list(own_lines), by=seller, carrier="顺丰速运", tracking_number="SF1234567890123")


def _licence_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "#f4efe6").save(buffer, format="PNG")
    return buffer.getvalue()


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)
