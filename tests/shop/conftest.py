import pytest
from django.db import transaction

from devtools.demo import core as demo_data


@pytest.fixture(scope="module")
def demo_shop(django_db_setup, django_db_blocker):
    """The full demo shop, loaded once per module and rolled back afterwards."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            users = demo_data.load()
            yield users
            transaction.set_rollback(True)
