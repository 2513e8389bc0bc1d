import pytest
from oscar.core.loading import get_model

from devtools.demo import sellers as demo
from shop.order import statuses
from shop.sellers import onboarding
from shop.sellers.models import CountyOfficer, HelpSellFlag, SellerApplication
from tests import factories

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def core_demo_data(county, other_county):
    """The few core demo objects the sellers' loader looks up by natural key."""
    seller = factories.UserFactory(username="seller-demo", email="seller@example.com")
    seller2 = factories.UserFactory(username="seller2-demo", email="seller2@example.com")
    factories.UserFactory(username="officer-demo", email="officer@example.com")
    factories.UserFactory(username="consumer-demo", email="consumer@example.com")
    first, second = factories.PartnerFactory(county=county), factories.PartnerFactory(county=other_county)
    onboarding.link_user(first, seller)
    onboarding.link_user(second, seller2)
    factories.ProductFactory(partner=first, upc="AM00001")
    factories.ProductFactory(partner=first, upc="AM00002")
    factories.ProductFactory(partner=second, upc="AM00050")


def test_demo_loader_is_idempotent(core_demo_data):
    demo.load(stdout=None)
    demo.load(stdout=None)

    assert CountyOfficer.objects.get(user__email="officer@example.com").county.code == demo.DEMO_COUNTY
    assert SellerApplication.objects.filter(status=SellerApplication.Status.SUBMITTED).count() == 1
    assert HelpSellFlag.objects.active().count() == 2
    order = Order.objects.get(number=demo.DEMO_ORDER_NUMBER)
    assert sorted(order.lines.values_list("status", flat=True)) == [
        statuses.LINE_PENDING,
        statuses.LINE_SHIPPED,
    ]
