import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from devtools.demo import core as demo_data

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductCertificate = get_model("catalogue", "ProductCertificate")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Region = get_model("catalogue", "Region")

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "regions": Region.objects.count(),
        "users": get_user_model().objects.count(),
        "sellers": Partner.objects.count(),
        "products": Product.objects.count(),
        "images": ProductImage.objects.count(),
        "stock": StockRecord.objects.count(),
        "certificates": ProductCertificate.objects.count(),
        "categories": Category.objects.count(),
        "certified": Product.objects.certified().count(),
    }


def test_loading_the_demo_twice_duplicates_nothing():
    demo_data.load()
    first = snapshot()

    demo_data.load()

    assert snapshot() == first


def test_demo_shop_looks_real():
    demo_data.load()

    products = Product.objects.all()
    assert products.count() >= 120
    assert Partner.objects.count() >= 12
    assert Category.objects.count() >= 8
    assert products.values("origin_province").distinct().count() >= 8
    assert products.values("origin_county").distinct().count() >= 30
    assert ProductImage.objects.values("product").distinct().count() == products.count()
    statuses = set(ProductCertificate.objects.values_list("status", flat=True))
    assert {"approved", "pending", "rejected", "revoked"} <= statuses
    assert 0 < Product.objects.certified().count() < products.count()
    expired = ProductCertificate.objects.filter(status="approved").exclude(
        id__in=ProductCertificate.objects.valid().values("id")
    )
    assert expired.exists()
    assert Region.objects.filter(is_poverty_county=True).count() == 830  # 832 entries, 830 distinct codes
    assert not StockRecord.objects.exclude(price_currency="CNY").exists()


def test_every_demo_role_can_sign_in():
    demo_data.load()
    User = get_user_model()

    for email, *_rest in demo_data.DEMO_USERS:
        assert User.objects.get(email=email).check_password(demo_data.DEMO_PASSWORD)
    seller = User.objects.get(email="seller@example.com")
    assert seller.partners.filter(name="安远县橙乡脐橙专业合作社").exists()
    assert seller.has_perm("partner.dashboard_access")


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/catalogue/", "/dashboard/orders/", "/dashboard/partners/"]
)
def test_demo_platform_staff_can_work_in_the_dashboard(client, url):
    demo_data.load()
    client.force_login(get_user_model().objects.get(email="staff@example.com"))

    response = client.get(url)

    assert response.status_code == 200, (url, response.status_code)


def test_demo_consumer_is_refused_by_the_dashboard(client):
    demo_data.load()
    client.force_login(get_user_model().objects.get(email="consumer@example.com"))

    response = client.get("/dashboard/catalogue/")

    assert response.status_code in (302, 403)
