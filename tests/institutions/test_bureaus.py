"""The finance bureau: which units it covers, its workspace, the statistics table (every figure equal to
the unit's own report, roll-ups equal to the sum of their units), the refusals of another region, the
export as a background job, and query counts that do not grow with the number of units."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.demo import institutions as demo
from shop.core import dates
from shop.core.models import Job
from shop.institutions import bureaus, declarations, quotas, reports
from shop.institutions.models import FinanceBureau, Organisation
from tests import factories
from tests.commit import committed
from tests.institutions.factories import MembershipFactory, OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


def regions():
    county = factories.CountyFactory()  # 安远县 360726 < 赣州市 360700 < 江西省 360000
    yudu = factories.CountyFactory(code="360731", name="于都县")
    nanchang = factories.CityFactory(code="360100", name="南昌市")
    guangzhou = factories.CityFactory(
        code="440100", name="广州市", parent=factories.ProvinceFactory(code="440000", name="广东省")
    )
    return county, yudu, nanchang, guangzhou


def bureau_of(region, email):
    user = factories.UserFactory(username=email.split("@")[0], email=email)
    bureau = FinanceBureau.objects.create(name=f"{region.name}财政局", region=region)
    bureau.members.add(user)
    return bureau, user


def test_a_bureau_covers_its_region_by_code_prefix_and_what_is_beneath(county):
    anyuan, yudu, nanchang, guangzhou = regions()
    province = OrganisationFactory(name="省直单位", region=anyuan.province)
    city = OrganisationFactory(name="赣州市直单位", region=anyuan.parent)
    in_anyuan = OrganisationFactory(name="安远县单位", region=anyuan)
    school = OrganisationFactory(name="安远县单位下属学校", parent=in_anyuan)  # no region of its own
    in_yudu = OrganisationFactory(name="于都县单位", region=yudu)
    in_nanchang = OrganisationFactory(name="南昌市单位", region=nanchang)
    in_guangzhou = OrganisationFactory(name="广州市单位", region=guangzhou)

    def covered(region):
        return bureaus.covered_ids(FinanceBureau.objects.create(name=region.name, region=region))

    assert covered(anyuan.province) == {
        province.pk,
        city.pk,
        in_anyuan.pk,
        school.pk,
        in_yudu.pk,
        in_nanchang.pk,
    }
    assert covered(anyuan.parent) == {city.pk, in_anyuan.pk, school.pk, in_yudu.pk}
    assert covered(anyuan) == {in_anyuan.pk, school.pk}
    assert covered(guangzhou.parent) == {in_guangzhou.pk}
    assert in_guangzhou.pk not in covered(anyuan.province)


@pytest.fixture
def demo_region(partner, county):
    """The demo's Jiangxi units, their members and orders, the demo bureau, and a unit in Guangdong."""
    anyuan, yudu, nanchang, guangzhou = regions()
    factories.CountyFactory(code="360734", name="寻乌县")
    for email in ("buyer@example.com", "approver@example.com", "orgadmin@example.com", "bureau@example.com"):
        factories.UserFactory(username=email.split("@")[0], email=email)
    for index in range(12):
        factories.ProductFactory(
            partner=partner,
            certified=True,
            upc=f"DEMO{index:03d}",
            price=Decimal("30.00") + index,
            num_in_stock=1000,
        )
    factories.ProductFactory(partner=partner, upc="DEMO999", price=Decimal("10.00"), num_in_stock=1000)
    demo.load(stdout=io.StringIO())
    foreign = OrganisationFactory(name="广州市某局", region=guangzhou, credit_code="")
    TargetFactory(organisation=foreign, year=YEAR, fixed_amount=Decimal("900.00"))
    buyer = factories.UserFactory(username="gzbuyer")
    MembershipFactory(organisation=foreign, user=buyer)
    place_order(buyer, [(factories.ProductFactory(partner=partner, certified=True), 3)], organisation=foreign)
    return FinanceBureau.objects.get(name=demo.BUREAU[0]), foreign


def read_xlsx(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    }


def money(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_demo_regions_export_equals_every_units_own_report(client, demo_region):
    bureau, foreign = demo_region
    client.force_login(bureau.members.get())

    response = client.get(reverse("institutions:bureau-export", kwargs={"bureau": bureau.pk, "fmt": "xlsx"}))

    assert response.status_code == 200
    sheets = read_xlsx(response.content)
    units_sheet, by_city, by_county = list(sheets.values())
    header, *rows, total = units_sheet
    assert header[:4] == ["单位名称", "统一社会信用代码", "行政区划", "类型"]
    names = [row[0] for row in rows]
    demo_units = Organisation.objects.exclude(pk=foreign.pk).exclude(name="赣州市财政局工会")
    assert sorted(names) == sorted(demo_units.values_list("name", flat=True))
    assert foreign.name not in names and "赣州市财政局工会" not in names  # union: its unit's "of which"
    union = Organisation.objects.get(name="赣州市财政局工会")
    for row in rows:
        organisation = Organisation.objects.get(name=row[0])
        report = reports.organisation_report(organisation, year=YEAR)
        progress = report.progress
        target = organisation.targets.get(year=YEAR)
        (declared, share, reserved, completed, rate, of_union, paired, *quarters) = row[4:]
        assert row[1] == organisation.credit_code
        assert money(declared) == target.declared_canteen_spending
        assert money(reserved) == progress.target
        assert money(completed) == progress.counted
        assert money(paired) == progress.paired_counted
        if progress.target:
            assert round(Decimal(str(rate)), 6) == round(progress.counted / progress.target, 6)
        if target.fixed_amount is None:
            assert Decimal(str(share)) == target.effective_share
        months = dict(report.breakdowns["month"])
        for quarter, amount in enumerate(quarters, start=1):
            expected = sum(
                (value for month, value in months.items() if (int(month[5:]) - 1) // 3 + 1 == quarter),
                Decimal("0.00"),
            )
            assert money(amount) == expected
        expected_union = (
            quotas.progress(union, year=YEAR).counted if union.parent_id == organisation.pk else 0
        )
        assert money(of_union) == expected_union
    assert any(money(row[9]) > 0 for row in rows)  # the demo's union did buy
    assert any(money(row[7]) > 0 for row in rows)
    # Totals and roll-ups: each the sum of its units, every line once.
    for column in range(4, 15):
        if column in (5, 8):
            continue  # share and rate are not sums
        expected = sum((money(row[column]) or Decimal("0.00") for row in rows), Decimal("0.00"))
        assert money(total[column]) == expected
        for rollup in (by_city, by_county):
            _header, *groups, grand = rollup
            assert sum((money(group[column - 2]) or 0 for group in groups), Decimal("0.00")) == expected
            assert money(grand[column - 2]) == expected
    _header, *cities, _grand = by_city
    assert [city[0] for city in cities] == ["赣州市", "省本级单位"]
    assert cities[0][1] == 2  # 赣州市财政局 and 安远县财政局 (the union is folded into its unit)

    csv_response = client.get(
        reverse("institutions:bureau-export", kwargs={"bureau": bureau.pk, "fmt": "csv"})
    )
    text = csv_response.content.decode("utf-8-sig")
    assert "赣州市财政局" in text and foreign.name not in text


def test_another_regions_unit_is_refused_to_the_bureau(client, demo_region):
    bureau, foreign = demo_region
    client.force_login(bureau.members.get())
    city = Organisation.objects.get(name="赣州市财政局")

    assert client.get(reverse("institutions:report", kwargs={"pk": city.pk})).status_code == 200
    for name in (
        "institutions:report",
        "institutions:detail",
        "institutions:declaration",
        "institutions:statement",
    ):
        assert client.get(reverse(name, kwargs={"pk": foreign.pk})).status_code == 404
    other_bureau, _user = bureau_of(foreign.region, "gz@example.cn")
    assert client.get(reverse("institutions:bureau", kwargs={"bureau": other_bureau.pk})).status_code == 404
    workspace = client.get(reverse("institutions:bureau", kwargs={"bureau": bureau.pk}))
    assert foreign.name not in workspace.content.decode()


def test_workspace_lists_units_with_progress_filters_and_pending_declarations(client, demo_region):
    bureau, _foreign = demo_region
    user = bureau.members.get()
    county_unit = Organisation.objects.get(name="安远县财政局")
    admin = factories.UserFactory(username="countyadmin", email="countyadmin@example.cn")
    MembershipFactory(organisation=county_unit, user=admin, is_administrator=True)
    declarations.save(county_unit, year=YEAR, amount=Decimal("88000"), by=admin, submit=True)
    client.force_login(user)
    url = reverse("institutions:bureau", kwargs={"bureau": bureau.pk})

    everything = client.get(url).content.decode()
    in_anyuan = client.get(url, {"county": "360726"}).content.decode()
    enterprises = client.get(url, {"kind": Organisation.Kind.STATE_OWNED}).content.decode()
    listing = client.get(reverse("institutions:list")).content.decode()

    assert "江西省交通投资集团有限责任公司" in everything and "赣州市财政局" in everything
    pending = everything.split('id="pending-declarations"')[1].split("</section>")[0]
    assert "安远县财政局" in pending and "¥88,000.00" in pending
    table = in_anyuan.split('id="bureau-units"')[1]
    assert "安远县财政局" in table and "江西省交通投资集团" not in table
    table = enterprises.split('id="bureau-units"')[1]
    assert "江西省交通投资集团有限责任公司" in table and "安远县财政局" not in table
    assert reverse("institutions:bureau", kwargs={"bureau": bureau.pk}) in listing


def test_export_as_a_background_job(client, demo_region):
    bureau, _foreign = demo_region
    user = bureau.members.get()
    client.force_login(user)

    with committed():
        response = client.post(
            reverse("institutions:bureau-export-job", kwargs={"bureau": bureau.pk}) + f"?year={YEAR}",
            {"format": "xlsx"},
        )

    job = Job.objects.get(kind="institutions.bureau_statistics")
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:progress", kwargs={"pk": job.pk}
    )
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.requested_by == user
    download = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    content = b"".join(download.streaming_content) if download.streaming else download.content
    direct = client.get(reverse("institutions:bureau-export", kwargs={"bureau": bureau.pk, "fmt": "xlsx"}))
    assert read_xlsx(content) == read_xlsx(direct.content)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_bureau_pages_run_the_same_queries_for_3_and_30_units(client, partner, other_county):
    anyuan = factories.CountyFactory()
    bureau, user = bureau_of(anyuan.parent, "ganzhou@example.cn")
    buyer = factories.UserFactory(username="manybuyer")
    products = [
        factories.ProductFactory(
            partner=partner,
            certified=True,
            price=Decimal("12.00"),
            num_in_stock=10_000,
            origin_county=other_county if index % 2 else None,
        )
        for index in range(3)
    ]

    def add_units(count):
        for index in range(count):
            unit = OrganisationFactory(region=anyuan if index % 2 else anyuan.parent, paired=[other_county])
            union = OrganisationFactory(parent=unit, relation_to_parent=Organisation.Relation.AFFILIATED)
            TargetFactory(
                organisation=unit, year=YEAR, fixed_amount=None, declared_canteen_spending=Decimal("10000")
            )
            for member in (unit, union):
                MembershipFactory(organisation=member, user=buyer)
                place_order(
                    buyer, [(products[index % 3], 1), (products[(index + 1) % 3], 2)], organisation=member
                )

    client.force_login(user)
    workspace = reverse("institutions:bureau", kwargs={"bureau": bureau.pk})
    export = reverse("institutions:bureau-export", kwargs={"bureau": bureau.pk, "fmt": "xlsx"})
    add_units(3)
    client.get(workspace)  # the session's first request also creates the session and basket
    small = (
        count_queries(client, workspace),
        count_queries(client, export),
        count_queries(client, workspace, {"city": "360700"}),
    )
    add_units(27)
    client.get(workspace)  # after new memberships, cached menus may be read again once
    large = (
        count_queries(client, workspace),
        count_queries(client, export),
        count_queries(client, workspace, {"city": "360700"}),
    )

    assert small == large
    assert len(reports.statistics(bureaus.covered_ids(bureau), year=YEAR).units) == 30


def test_another_bureaus_export_job_is_refused(client, demo_region):
    bureau, foreign = demo_region
    other_bureau, _user = bureau_of(foreign.region, "gz-job@example.cn")
    client.force_login(bureau.members.get())

    with committed():
        response = client.post(
            reverse("institutions:bureau-export-job", kwargs={"bureau": other_bureau.pk}), {"format": "xlsx"}
        )

    assert response.status_code == 404
    assert not Job.objects.exists()
