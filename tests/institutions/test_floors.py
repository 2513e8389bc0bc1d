"""Floors on the reserved share: read from fixtures/quota_floors.csv, the most specific region wins, a share
below the floor is refused with the floor and its source named, on every form that sets one."""

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from shop.core import dates
from shop.core.exceptions import InvalidInput
from shop.institutions import declarations, floors
from shop.institutions.models import AnnualTarget, Declaration, Organisation
from tests import factories
from tests.institutions.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangxi_unit(organisation):
    organisation.region = factories.CityFactory()  # 赣州市, in 江西省 (360000)
    organisation.save()
    return organisation


def test_the_floor_table_is_the_data_file():
    with floors.data_file().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    table = floors.table()

    assert [(f.region_code, f.year_from, f.share) for f in table] == [
        (
            row["region_code"],
            int(row["year_from"]),
            Decimal(row["floor_share"]) if row["floor_share"] else None,
        )
        for row in rows
    ]
    national = floors.floor_for(None, 2026)
    assert (national.share, national.document, national.region_name) == (
        Decimal("0.10"),
        "财库〔2021〕19号",
        "全国",
    )
    assert all(f.verified in {"yes", "partly", "no"} and f.note for f in table)


def test_a_malformed_data_file_stops_the_shop_with_its_line(tmp_path, monkeypatch):
    bad = tmp_path / "quota_floors.csv"
    header = floors.data_file().read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(header + "\n360000,江西省,2021,,1.30,,,,no,too high\n", encoding="utf-8")
    monkeypatch.setattr(floors, "data_file", lambda: bad)
    floors.table.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="line 2"):
            floors.table()
    finally:
        floors.table.cache_clear()


@pytest.mark.parametrize(
    "code, year, region, share",
    [
        ("360726", 2026, "江西省", "0.30"),  # a Jiangxi county: the province's row
        ("360000", 2026, "江西省", "0.30"),
        ("440305", 2026, "深圳市", "0.20"),  # a Shenzhen district: the city's row beats Guangdong's
        ("440106", 2026, "广东省", "0.30"),  # a Guangzhou district: the province's row
        ("440106", 2024, "全国", "0.10"),  # Guangdong's 30 % is in force from 2025 only
        ("620702", 2023, "张掖市", "0.15"),
        ("510000", 2026, "全国", "0.10"),  # no provincial row: the national floor
        (None, 2022, "全国", "0.10"),
        ("110105", 2026, "北京市", "0.30"),
    ],
)
def test_the_most_specific_region_in_force_decides(code, year, region, share):
    floor = floors.floor_for(code, year)

    assert (floor.region_name, floor.share) == (region, Decimal(share))


def test_before_2021_no_figure_is_enforced():
    floor = floors.floor_for("510000", 2020)

    assert floor.document == "财库〔2019〕27号" and floor.share is None
    floors.validate_share(Decimal("0.01"), region="510000", year=2020)  # nothing raised


def test_a_low_target_is_refused_on_the_dashboard_with_the_floor_and_source(client, staff_user, jiangxi_unit):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:target-save", kwargs={"pk": jiangxi_unit.pk}),
        {"year": 2026, "declared_canteen_spending": "800000", "share": "0.20"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "2026 年的预留比例不得低于江西省规定的 30%（来源未核实），填写的是 20%。" in body
    assert 'value="0.20"' in body and 'value="800000"' in body
    assert not AnnualTarget.objects.exists()


def test_a_target_at_the_floor_is_accepted(client, staff_user, jiangxi_unit):
    client.force_login(staff_user)

    client.post(
        reverse("institutions-dashboard:target-save", kwargs={"pk": jiangxi_unit.pk}),
        {"year": 2026, "declared_canteen_spending": "800000", "share": "0.30"},
    )

    assert AnnualTarget.objects.get(organisation=jiangxi_unit).amount == Decimal("240000.00")


def test_a_fixed_target_has_no_share_to_check(jiangxi_unit):
    target = AnnualTarget(organisation=jiangxi_unit, year=2026, fixed_amount=Decimal("500.00"))

    target.full_clean()


def test_the_national_floor_names_its_document(organisation):
    target = AnnualTarget(
        organisation=organisation, year=2026, declared_canteen_spending=Decimal("1000"), share=Decimal("0.05")
    )

    with pytest.raises(ValidationError) as refusal:
        target.full_clean()

    assert "财库〔2021〕19号" in str(refusal.value)


def test_the_administrators_declaration_is_refused_when_the_inherited_share_is_too_low(
    client, org_admin, jiangxi_unit
):
    # No share on the unit or the target: the site-wide default 10 % applies, below Jiangxi's 30 %.
    client.force_login(org_admin)
    year = dates.current_year()

    response = client.post(
        reverse("institutions:declaration", kwargs={"pk": jiangxi_unit.pk}) + f"?year={year}",
        {"declared_canteen_spending": "500000", "action": "submit"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "不得低于江西省规定的 30%（来源未核实），填写的是 10%" in body
    assert 'value="500000"' in body
    assert not Declaration.objects.exists() and not AnnualTarget.objects.exists()


def test_approval_is_refused_when_the_share_fell_below_the_floor_since_submission(
    org_admin, staff_user, jiangxi_unit
):
    jiangxi_unit.quota_share = Decimal("0.30")
    jiangxi_unit.save()
    declaration = declarations.save(
        jiangxi_unit, year=dates.current_year(), amount=Decimal("500000"), by=org_admin, submit=True
    )
    Organisation.objects.filter(pk=jiangxi_unit.pk).update(quota_share=Decimal("0.15"))  # e.g. a bulk import

    with pytest.raises(InvalidInput, match="30%"):
        declarations.approve(declaration, by=staff_user)

    assert not AnnualTarget.objects.exists()


def test_the_organisation_share_is_refused_below_the_floor(client, staff_user, jiangxi_unit):
    client.force_login(staff_user)

    response = client.post(
        reverse("institutions-dashboard:organisation", kwargs={"pk": jiangxi_unit.pk}),
        {
            "name": jiangxi_unit.name,
            "kind": Organisation.Kind.BUDGET_UNIT,
            "region": jiangxi_unit.region_id,
            "relation_to_parent": Organisation.Relation.SUBORDINATE,
            "quota_share": "0.25",
            "fapiao_type": "ordinary",
            "is_active": "on",
        },
    )

    assert response.status_code == 200  # the form shown again
    assert "不得低于江西省规定的 30%（来源未核实），填写的是 25%" in response.content.decode()
    jiangxi_unit.refresh_from_db()
    assert jiangxi_unit.quota_share is None


def test_the_dashboard_shows_the_units_floor(client, staff_user, jiangxi_unit):
    client.force_login(staff_user)

    page = client.get(reverse("institutions-dashboard:organisation", kwargs={"pk": jiangxi_unit.pk}))

    assert "江西省规定预留不低于食堂食材采购额的 30%" in page.content.decode()


def test_a_unit_without_region_is_held_to_the_national_floor_only():
    unit = OrganisationFactory(quota_share=Decimal("0.10"))

    unit.full_clean()
