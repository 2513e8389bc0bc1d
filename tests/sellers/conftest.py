import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model
from oscar.test.factories import create_order
from PIL import Image

from shop.core.dates import today
from shop.order import statuses
from shop.sellers import onboarding
from shop.sellers.models import CountyOfficer
from tests import factories
from tests.commit import CommittingClient

Basket = get_model("basket", "Basket")


def png_bytes(size=(8, 8), color="red", image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def png_upload(name="licence.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


@pytest.fixture
def other_county(db):
    return factories.CountyFactory(code="360731", name="于都县")


@pytest.fixture
def far_county(db):
    """A poverty county in another province, out of bounds for a Jiangxi seller."""
    province = factories.ProvinceFactory(code="520000", name="贵州省")
    city = factories.CityFactory(code="522700", name="黔南州", parent=province)
    return factories.CountyFactory(code="522732", name="三都县", parent=city)


@pytest.fixture
def seller_user(db, partner):
    user = factories.UserFactory(username="seller", email="seller@example.cn")
    onboarding.link_user(partner, user)
    return user


@pytest.fixture
def partner2(db, other_county):
    return factories.PartnerFactory(name="于都县第二合作社", county=other_county)


@pytest.fixture
def seller2_user(db, partner2):
    user = factories.UserFactory(username="seller2", email="seller2@example.cn")
    onboarding.link_user(partner2, user)
    return user


@pytest.fixture
def officer(db, county):
    user = factories.UserFactory(username="officer", email="officer@example.cn")
    CountyOfficer.objects.create(user=user, county=county)
    return user


@pytest.fixture
def other_officer(db, other_county):
    user = factories.UserFactory(username="officer2", email="officer2@example.cn")
    CountyOfficer.objects.create(user=user, county=other_county)
    return user


@pytest.fixture
def own_product(db, partner):
    return factories.ProductFactory(partner=partner, title="安远脐橙", num_in_stock=50)


@pytest.fixture
def other_product(db, partner2, other_county):
    return factories.ProductFactory(
        partner=partner2, title="于都红薯", origin_county=other_county, num_in_stock=50
    )


def place_order(user, products, *, status=statuses.PAID, quantity=1):
    """A real order through Oscar's OrderCreator (our fork), one line per product."""
    from oscar.apps.partner.strategy import Default

    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product in products:
        basket.add_product(product, quantity=quantity)
    return create_order(basket=basket, user=user, status=status)


@pytest.fixture
def two_seller_order(db, consumer, own_product, other_product):
    return place_order(consumer, [own_product, other_product])


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def client():
    """Requests commit as in production, so the mail they cause goes out (see tests/commit.py)."""
    return CommittingClient()
