import pytest

from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def other_county(db):
    return factories.CountyFactory(code="360731", name="于都县")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="赣州市财政局")


@pytest.fixture
def buyer(db, organisation):
    user = factories.UserFactory(username="buyer", email="buyer@example.cn")
    MembershipFactory(organisation=organisation, user=user, is_buyer=True)
    return user


@pytest.fixture
def approver(db, organisation):
    user = factories.UserFactory(username="approver", email="approver@example.cn")
    MembershipFactory(organisation=organisation, user=user, is_buyer=False, is_approver=True)
    return user


@pytest.fixture
def org_admin(db, organisation):
    user = factories.UserFactory(username="orgadmin", email="orgadmin@example.cn")
    MembershipFactory(organisation=organisation, user=user, is_buyer=False, is_administrator=True)
    return user


@pytest.fixture
def outsider(db):
    return factories.UserFactory(username="outsider", email="outsider@example.cn")
