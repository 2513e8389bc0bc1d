import pytest
from django.core.cache import caches
from oscar.core.loading import get_model

from tests import factories
from tests.brokers import closed_broker  # noqa: F401 - a fixture for every test module

Country = get_model("address", "Country")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets its own media folder and empty caches (the shared one and each process's copy)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for backend in caches.all(initialized_only=False):
        backend.clear()
    yield
    for backend in caches.all(initialized_only=False):
        backend.clear()


@pytest.fixture
def china(db):
    """China, the one shipping country, with the 省/市/县 the tests' delivery address names."""
    factories.CountyFactory()
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "People's Republic of China",
            "is_shipping_country": True,
        },
    )
    return country


@pytest.fixture
def county(db):
    return factories.CountyFactory()


@pytest.fixture
def non_poverty_county(db):
    return factories.CountyFactory(
        code="360702", name="章贡区", is_poverty_county=False, poverty_exit_year=None
    )


@pytest.fixture
def partner(db, county):
    return factories.PartnerFactory(county=county)


@pytest.fixture
def certified_product(db, partner):
    return factories.ProductFactory(partner=partner, certified=True)


@pytest.fixture
def uncertified_product(db, partner):
    return factories.ProductFactory(partner=partner, title="普通大米")


@pytest.fixture
def consumer(db):
    return factories.UserFactory(username="consumer", email="consumer@example.cn")


@pytest.fixture
def staff_user(db):
    return factories.UserFactory(username="staff", email="staff@example.cn", is_staff=True)


@pytest.fixture(autouse=True)
def _search_indexes_immediately(settings):
    """Search: index catalogue changes at once, since a test's transaction never commits."""
    settings.SEARCH_INDEX_ON_COMMIT = False


@pytest.fixture(autouse=True)
def _quota_ledger_immediately(settings):
    """The quota ledger: recompute rows at once, since a test's transaction never commits."""
    settings.QUOTA_LEDGER_ON_COMMIT = False


@pytest.fixture
def page_cache_on(settings):
    """As in production: the page caches and shared fragments on (the test settings switch them off)."""
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600
