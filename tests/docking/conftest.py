import datetime
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from shop.core.dates import today
from shop.docking.models import Demand, Quote, Status
from shop.sellers import onboarding
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory

Region = get_model("catalogue", "Region")


def make_demand(*, organisation, posted_by, category, region, status=Status.DRAFT, **fields) -> Demand:
    values = {
        "organisation": organisation,
        "buyer_name": "" if organisation else "赣州农产品批发市场",
        "posted_by": posted_by,
        "title": "食堂采购脐橙",
        "category": category,
        "specification": "果径 75mm 以上",
        "quantity": 100,
        "unit": "box",
        "price_min": Decimal("30.00"),
        "price_max": Decimal("45.00"),
        "delivery_from": today() + datetime.timedelta(days=10),
        "delivery_until": today() + datetime.timedelta(days=30),
        "delivery_region": region,
        "quote_deadline": today() + datetime.timedelta(days=5),
        "certified_required": True,
        "counts_toward_quota": organisation is not None,
        "delivery_address": "南昌市红谷滩区机关食堂",
        "contact_name": "刘主任",
        "contact_phone": "13907910000",
        "status": status,
    }
    values.update(fields)
    return Demand.objects.create(**values)


def make_quote(demand, partner, product, *, user, unit_price="38.00", quantity=60, **fields) -> Quote:
    values = {
        "demand": demand,
        "partner": partner,
        "product": product,
        "unit_price": Decimal(unit_price),
        "quantity": quantity,
        "lead_time_days": 3,
        "valid_until": today() + datetime.timedelta(days=20),
        "created_by": user,
    }
    values.update(fields)
    return Quote.objects.create(**values)


class Docking:
    """A buyer's organisation, a fruit category, two county sellers with certified oranges, one unrelated seller."""

    def __init__(self):
        self.county = factories.CountyFactory()
        self.other_county = factories.CountyFactory(code="360731", name="于都县")
        self.province = self.county.province
        self.organisation = OrganisationFactory(name="南昌市机关事务管理局", approval_threshold=None)
        TargetFactory(organisation=self.organisation, year=today().year, fixed_amount=Decimal("100000.00"))
        self.buyer = factories.UserFactory(username="buyer", email="buyer@unit.example.cn")
        MembershipFactory(organisation=self.organisation, user=self.buyer, is_buyer=True)
        self.fruit = factories.CategoryFactory(name="水果")
        self.citrus = factories.CategoryFactory(name="柑橘", parent=self.fruit)
        self.grain = factories.CategoryFactory(name="粮油")
        self.sellers = []
        self.products = []
        for index, county in enumerate((self.county, self.other_county)):
            partner = factories.PartnerFactory(county=county, name=f"脐橙合作社{index}")
            user = factories.UserFactory(username=f"seller{index}", email=f"seller{index}@coop.example.cn")
            onboarding.link_user(partner, user)
            product = factories.ProductFactory(
                partner=partner,
                certified=True,
                origin_county=county,
                categories=[self.citrus],
                price=Decimal("50.00"),
                num_in_stock=500,
                title=f"赣南脐橙礼盒{index}",
            )
            self.sellers.append((partner, user))
            self.products.append(product)
        self.rice_partner = factories.PartnerFactory(county=self.county, name="大米合作社")
        self.rice_user = factories.UserFactory(username="rice", email="rice@coop.example.cn")
        onboarding.link_user(self.rice_partner, self.rice_user)
        self.rice = factories.ProductFactory(
            partner=self.rice_partner, certified=True, categories=[self.grain], title="富硒大米"
        )

    def demand(self, **fields) -> Demand:
        fields.setdefault("organisation", self.organisation)
        fields.setdefault("posted_by", self.buyer)
        fields.setdefault("category", self.fruit)
        fields.setdefault("region", self.province)
        return make_demand(**fields)


@pytest.fixture
def docking(db, china):
    return Docking()
