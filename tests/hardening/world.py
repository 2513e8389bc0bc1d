"""One small shop with a user for every role and an object behind every kind of URL parameter."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from oscar.core.loading import get_model

from shop.core.dates import today
from shop.order import statuses
from tests import factories

ROLES = (
    "anonymous",
    "consumer",
    "buyer",
    "approver",
    "orgadmin",
    "seller",
    "editor",
    "reviewer",
    "staff",
    "officer",  # a county officer, scoped to the world's county
    "bureau",  # a member of the finance bureau of the world's city (covers the world's organisation)
)

ProductReview = get_model("reviews", "ProductReview")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")
WishList = get_model("wishlists", "WishList")
Range = get_model("offer", "Range")
ConditionalOffer = get_model("offer", "ConditionalOffer")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name)


def build() -> World:
    from oscar.test.factories import create_order
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    from cms import roles as cms_roles
    from shop.institutions.models import FinanceBureau
    from shop.sellers import onboarding
    from shop.sellers.models import CountyOfficer, HelpSellFlag, SellerApplication
    from tests.institutions.factories import MembershipFactory, OrganisationFactory, place_order

    world = World()
    users = world.users
    users["anonymous"] = None
    for role in ROLES[1:]:
        users[role] = factories.UserFactory(
            username=f"matrix-{role}", email=f"{role}@matrix.example.cn", is_staff=role == "staff"
        )
    # Platform staff: the shop's model permissions (Oscar's dashboard asks for them), not the CMS's.
    users["staff"].user_permissions.add(
        *Permission.objects.exclude(
            content_type__app_label__in=(
                "wagtailadmin",
                "wagtailcore",
                "wagtailimages",
                "wagtaildocs",
                "wagtailusers",
                "wagtailsnippets",
                "wagtailredirects",
                "wagtailforms",
                "wagtailembeds",
                "wagtailsearch",
                "cms",
                "contenttypes",
                "sessions",
                "admin",
                "axes",
            )
        )
    )
    county = factories.CountyFactory()
    other_county = factories.CountyFactory(code="360731", name="于都县")
    CountyOfficer.objects.create(user=users["officer"], county=county)
    partner = factories.PartnerFactory(county=county, name="矩阵合作社")
    # Everything "other_…" belongs to someone none of the roles is: each role must be refused it.
    other_partner = factories.PartnerFactory(county=other_county, name="别家合作社")
    onboarding.link_user(partner, users["seller"])
    other_seller = factories.UserFactory(
        username="matrix-other-seller", email="other-seller@matrix.example.cn"
    )
    onboarding.link_user(other_partner, other_seller)
    other_consumer = factories.UserFactory(username="matrix-other-consumer", email="other@matrix.example.cn")
    other_buyer = factories.UserFactory(username="matrix-other-buyer", email="other-buyer@matrix.example.cn")
    editors, reviewers = cms_roles.install()
    users["editor"].groups.add(editors)
    users["reviewer"].groups.add(reviewers)
    organisation = OrganisationFactory(name="矩阵单位", region=county)
    other_organisation = OrganisationFactory(name="别家单位")
    MembershipFactory(organisation=other_organisation, user=other_buyer, is_buyer=True)
    MembershipFactory(organisation=organisation, user=users["buyer"], is_buyer=True)
    MembershipFactory(organisation=organisation, user=users["approver"], is_buyer=False, is_approver=True)
    MembershipFactory(
        organisation=organisation, user=users["orgadmin"], is_buyer=False, is_administrator=True
    )
    bureau = FinanceBureau.objects.create(name="矩阵财政局", region=county.parent)
    bureau.members.add(users["bureau"])
    other_bureau = FinanceBureau.objects.create(
        name="别家财政局", region=factories.ProvinceFactory(code="440000", name="广东省")
    )

    category = factories.CategoryFactory(name="水果")
    product = factories.ProductFactory(
        partner=partner, certified=True, categories=[category], price=Decimal("50")
    )
    other_product = factories.ProductFactory(
        partner=other_partner, certified=True, origin_county=other_county, price=Decimal("20")
    )
    review = ProductReview.objects.create(
        product=product,
        user=users["consumer"],
        title="好吃",
        score=5,
        body="很甜",
        status=ProductReview.APPROVED,
    )
    china, _ = Country.objects.get_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "China",
            "is_shipping_country": True,
        },
    )
    address = UserAddress.objects.create(
        user=users["consumer"],
        first_name="王",
        line1="人民路1号",
        line4="赣州",
        country=china,
        phone_number="+8613800138000",
    )
    other_address = UserAddress.objects.create(
        user=other_consumer,
        first_name="赵",
        line1="解放路2号",
        line4="赣州",
        country=china,
        phone_number="+8613800138001",
    )
    wishlist = WishList.objects.create(owner=users["consumer"], name="年货", visibility=WishList.PUBLIC)
    wishlist.add(product)
    second_wishlist = WishList.objects.create(
        owner=users["consumer"], name="送礼", visibility=WishList.PRIVATE
    )
    other_wishlist = WishList.objects.create(owner=other_consumer, name="私藏", visibility=WishList.PRIVATE)
    other_wishlist.add(product)
    consumer_order = _order(create_order, users["consumer"], [product, other_product], shipping_to=address)
    other_order = _order(create_order, other_consumer, [other_product])  # no line of the world's seller
    org_order = place_order(
        users["buyer"], [(product, 1)], organisation=organisation, status=statuses.AWAITING_APPROVAL
    )
    other_org_order = place_order(
        other_buyer, [(product, 1)], organisation=other_organisation, status=statuses.AWAITING_APPROVAL
    )
    certificate = product.certificates.get()
    certificate.scan.save("scan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    other_certificate = other_product.certificates.get()
    other_certificate.scan.save("other-scan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    application = SellerApplication.objects.create(
        applicant=users["consumer"],
        entity_name="申请合作社",
        kind="cooperative",
        credit_code="91360700MA35ABCD1Q",
        county=county,
        contact_name="李",
        contact_phone="13800138000",
        linkage_description="务工",
        licence_scan=ContentFile(b"%PDF-1.4\n", name="licence.pdf"),
    )
    other_application = SellerApplication.objects.create(
        applicant=other_consumer,
        entity_name="别县合作社",
        kind="cooperative",
        credit_code="91360700MA35ABCD1Q",
        county=other_county,
        contact_name="周",
        contact_phone="13800138001",
        linkage_description="务工",
        licence_scan=ContentFile(b"%PDF-1.4\n", name="licence.pdf"),
    )
    flag = HelpSellFlag.objects.create(
        product=product,
        quantity=100,
        reason="harvest_glut",
        until=today() + datetime.timedelta(days=10),
        created_by=users["seller"],
    )
    offer_range = Range.objects.create(name="年货节", slug="nianhuo", is_public=True)
    document = get_document_model().objects.create(
        title="培训讲义", file=ContentFile(b"%PDF-1.4\n", name="doc.pdf")
    )
    world.objects.update(_dashboard_and_cms_objects(users, product, consumer_order, partner))
    world.objects.update(
        county=county,
        other_county=other_county,
        other_organisation=other_organisation,
        bureau=bureau,
        other_bureau=other_bureau,
        other_consumer=other_consumer,
        other_address=other_address,
        second_wishlist=second_wishlist,
        other_wishlist=other_wishlist,
        other_order=other_order,
        other_org_order=other_org_order,
        other_certificate=other_certificate,
        other_application=other_application,
        partner=partner,
        other_partner=other_partner,
        organisation=organisation,
        category=category,
        product=product,
        other_product=other_product,
        review=review,
        address=address,
        wishlist=wishlist,
        consumer_order=consumer_order,
        org_order=org_order,
        certificate=certificate,
        application=application,
        flag=flag,
        offer_range=offer_range,
        document=document,
        other_partner_user=other_seller,
        home_page=Page.objects.filter(depth=2).first() or Page.objects.get(depth=1),
        consumer_line=consumer_order.lines.first(),
    )
    return world


def _dashboard_and_cms_objects(users, product, order, partner) -> dict:
    """One real object behind each id of Oscar's dashboard, the customer area and Wagtail's admin."""
    from django.contrib.auth.models import Group
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site as DjangoSite
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Page, Site, Workflow

    from tests.sellers.conftest import png_bytes

    AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
    Option = get_model("catalogue", "Option")
    ProductAlert = get_model("customer", "ProductAlert")
    Email = get_model("communication", "Email")
    Notification = get_model("communication", "Notification")
    CommunicationEventType = get_model("communication", "CommunicationEventType")
    Voucher = get_model("voucher", "Voucher")
    VoucherSet = get_model("voucher", "VoucherSet")
    WeightBased = get_model("shipping", "WeightBased")
    WeightBand = get_model("shipping", "WeightBand")
    OrderNote = get_model("order", "OrderNote")
    Benefit = get_model("offer", "Benefit")
    Condition = get_model("offer", "Condition")

    now = datetime.datetime.now(datetime.UTC)
    offer_range = Range.objects.get_or_create(name="年货节", slug="nianhuo", defaults={"is_public": True})[0]
    offer = ConditionalOffer.objects.create(
        name="满百减十",
        slug="manbai",
        offer_type=ConditionalOffer.SITE,
        condition=Condition.objects.create(range=offer_range, type=Condition.VALUE, value=Decimal("100")),
        benefit=Benefit.objects.create(range=offer_range, type=Benefit.FIXED, value=Decimal("10")),
    )
    voucher_set = VoucherSet.objects.create(
        name="新春券",
        count=1,
        code_length=12,
        start_datetime=now,
        end_datetime=now + datetime.timedelta(days=30),
    )
    voucher = Voucher.objects.create(
        name="新春", code="XINCHUN", start_datetime=now, end_datetime=now + datetime.timedelta(days=30)
    )
    shipping = WeightBased.objects.create(name="按重量")
    band = WeightBand.objects.create(method=shipping, upper_limit=Decimal("5"), charge=Decimal("8"))
    alert = ProductAlert.objects.create(product=product, user=users["consumer"], status=ProductAlert.ACTIVE)
    anonymous_alert = ProductAlert.objects.create(
        product=product,
        email="guest@matrix.example.cn",
        key="matrixalertkey",
        status=ProductAlert.UNCONFIRMED,
    )
    email = Email.objects.create(user=users["consumer"], subject="订单确认", body_text="谢谢")
    notification = Notification.objects.create(recipient=users["consumer"], subject="发货通知")
    event_type = CommunicationEventType.objects.get_or_create(code="ORDER_PLACED", defaults={"name": "下单"})[
        0
    ]
    flatpage = FlatPage.objects.create(url="/about-matrix/", title="关于", content="关于我们")
    flatpage.sites.add(DjangoSite.objects.get_current())
    note = OrderNote.objects.create(order=order, user=users["staff"], message="请尽快发货")
    option_group = AttributeOptionGroup.objects.create(name="规格")
    option = Option.objects.create(name="刻字", code="engraving")
    image = get_image_model().objects.create(
        title="脐橙", file=ContentFile(png_bytes(size=(32, 32)), name="orange.png"), width=32, height=32
    )
    home = Page.objects.filter(depth=2).first() or Page.objects.get(depth=1)
    revision = home.save_revision(user=users["editor"])
    workflow = Workflow.objects.filter(active=True).first()
    return {
        "offer": offer,
        "voucher": voucher,
        "voucher_set": voucher_set,
        "shipping_method": shipping,
        "weight_band": band,
        "alert": alert,
        "anonymous_alert": anonymous_alert,
        "email": email,
        "notification": notification,
        "event_type": event_type,
        "flatpage": flatpage,
        "order_note": note,
        "option_group": option_group,
        "option": option,
        "image": image,
        "revision": revision,
        "workflow": workflow,
        "task": workflow.tasks.first() if workflow else None,
        "collection": Collection.get_first_root_node(),
        "redirect": Redirect.objects.create(old_path="/old-matrix", redirect_link="/"),
        "site": Site.objects.get(is_default_site=True) if Site.objects.filter(is_default_site=True) else None,
        "editors_group": Group.objects.get(pk=users["editor"].groups.get().pk),
    }


def _order(create_order, user, products, shipping_to=None):
    from oscar.apps.partner.strategy import Default

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, quantity=1)
    shipping_address = None
    if shipping_to is not None:
        ShippingAddress = get_model("order", "ShippingAddress")
        shipping_address = ShippingAddress.objects.create(
            first_name=shipping_to.first_name,
            line1=shipping_to.line1,
            line4=shipping_to.line4,
            country=shipping_to.country,
            phone_number=shipping_to.phone_number,
        )
    return create_order(basket=basket, user=user, status=statuses.PAID, shipping_address=shipping_address)
