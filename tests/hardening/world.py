"""One small shop with a user for every role and an object behind every kind of URL parameter."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from oscar.core.loading import get_model

from catalogue_ext.certification import today
from shop.order import statuses
from tests import factories

ROLES = ("anonymous", "consumer", "buyer", "approver", "orgadmin", "seller", "editor", "reviewer", "staff")

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
    from shop.sellers import onboarding
    from shop.sellers.models import HelpSellFlag, SellerApplication
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
    partner = factories.PartnerFactory(county=county, name="矩阵合作社")
    other_partner = factories.PartnerFactory(county=county, name="别家合作社")
    onboarding.link_user(partner, users["seller"])
    editors, reviewers = cms_roles.install()
    users["editor"].groups.add(editors)
    users["reviewer"].groups.add(reviewers)
    organisation = OrganisationFactory(name="矩阵单位")
    MembershipFactory(organisation=organisation, user=users["buyer"], is_buyer=True)
    MembershipFactory(organisation=organisation, user=users["approver"], is_buyer=False, is_approver=True)
    MembershipFactory(
        organisation=organisation, user=users["orgadmin"], is_buyer=False, is_administrator=True
    )

    category = factories.CategoryFactory(name="水果")
    product = factories.ProductFactory(
        partner=partner, certified=True, categories=[category], price=Decimal("50")
    )
    other_product = factories.ProductFactory(partner=other_partner, price=Decimal("20"))
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
    wishlist = WishList.objects.create(owner=users["consumer"], name="年货", visibility=WishList.PUBLIC)
    wishlist.add(product)
    consumer_order = _order(create_order, users["consumer"], [product, other_product])
    org_order = place_order(
        users["buyer"], [(product, 1)], organisation=organisation, status=statuses.AWAITING_APPROVAL
    )
    certificate = product.certificates.get()
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
    world.objects.update(
        county=county,
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
        home_page=Page.objects.filter(depth=2).first() or Page.objects.get(depth=1),
        consumer_line=consumer_order.lines.first(),
    )
    return world


def _order(create_order, user, products):
    from oscar.apps.partner.strategy import Default

    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, quantity=1)
    return create_order(basket=basket, user=user, status=statuses.PAID)
