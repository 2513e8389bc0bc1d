import pytest
from django.core.cache import caches
from django.core.management import call_command
from oscar.core.loading import get_model

from tests import factories
from tests.brokers import closed_broker  # noqa: F401 - a fixture for every test module

Country = get_model("address", "Country")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """With --reuse-db, leave the test database as the migrations made it.

    Transactional tests (concurrency, webhooks, the browser) end by emptying every table, the rows the
    migrations wrote included (Wagtail's root page and site, the staff groups and their permissions).
    pytest-django runs them last, so within a run no test misses those rows; but a reused database
    would start the next run without them. So the migrated rows are kept at the start of a run on a
    reused database and put back at its end if a transactional test emptied them."""
    if not request.config.getvalue("reuse_db"):
        yield
        return
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection
    from wagtail.models import Page

    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            pytest.exit(
                "The reused test database has lost the rows its migrations wrote (an earlier run was "
                "interrupted in a transactional test): run once with --create-db.",
                returncode=3,
            )
        migrated = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(migrated)
            # The rows came back with their ids; the flush restarted the sequences behind them.
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(statement)


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
