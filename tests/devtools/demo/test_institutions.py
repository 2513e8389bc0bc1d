"""The demo loader builds the organisation hierarchy and non-empty reports, and can run twice."""

import io
from decimal import Decimal

import pytest

from devtools.demo import institutions as demo
from shop.core import dates
from shop.institutions import quotas
from shop.institutions.models import Membership, Organisation, OrganisationOrder
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_fills_the_reports(partner):
    for email in ("buyer@example.com", "approver@example.com", "orgadmin@example.com"):
        factories.UserFactory(username=email.split("@")[0], email=email)
    for index in range(12):
        factories.ProductFactory(
            partner=partner, certified=True, upc=f"DEMO{index:03d}", price=Decimal("30.00")
        )
    factories.ProductFactory(partner=partner, upc="DEMO999", price=Decimal("10.00"))

    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())

    city = Organisation.objects.get(name="赣州市财政局")
    assert Organisation.objects.count() == 5
    assert OrganisationOrder.objects.count() == len(demo.ORDERS)
    assert Membership.objects.get(organisation=city, user__email="approver@example.com").is_approver
    assert Membership.objects.get(organisation=city, user__email="orgadmin@example.com").is_administrator
    progress = quotas.progress(city, year=dates.current_year())
    assert progress.counted > 0
    # The demo's Jiangxi units reserve the Jiangxi floor (fixtures/quota_floors.csv): 30 % of 150,000.
    assert city.quota_share == Decimal("0.30")
    assert progress.target == Decimal("45000.00")
    province = Organisation.objects.get(name="江西省财政厅")
    assert quotas.progress(province, year=dates.current_year()).rollup_counted > progress.counted
