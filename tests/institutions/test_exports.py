"""Every institution export (report, statement, staff overview, impact) through the one export writer:
hostile names neutralised in CSV and XLSX, typed cells, only csv/xlsx URLs, file names built by the shop."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shop.core import dates
from shop.institutions import refunds
from shop.institutions.models import OrganisationOrder
from tests import factories
from tests.institutions.factories import OrganisationFactory, TargetFactory, place_order

pytestmark = pytest.mark.django_db

YEAR = dates.today().year
HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


@pytest.fixture
def certified(partner):
    return factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"))


def hostile_world(name, buyer, organisation, certified):
    """The organisation, the fapiao title and the product title all start with a formula."""
    organisation.name = name
    organisation.save()
    TargetFactory(organisation=organisation, year=YEAR, fixed_amount=Decimal("100.00"))
    certified.title = name
    certified.save()
    order = place_order(buyer, [(certified, 2)], organisation=organisation)
    OrganisationOrder.objects.filter(order=order).update(fapiao_title=name)
    refunds.record(order.lines.get(), amount=Decimal("9.90"))
    return order


def csv_cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(response) -> list:
    book = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_neutralised(name, text, workbook):
    assert text.status_code == workbook.status_code == 200
    assert name not in csv_cells(text)  # never the bare formula
    assert "'" + name in csv_cells(text)
    hits = [cell for cell in xlsx_cells(workbook) if (cell.value or "") == name.replace("\r", "\n")]
    assert hits
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in hits)
    assert not any(cell.data_type == "f" for cell in xlsx_cells(workbook))


def export_urls(organisation):
    return {
        "report": (
            reverse("institutions:report-csv", kwargs={"pk": organisation.pk}),
            reverse("institutions:report-xlsx", kwargs={"pk": organisation.pk}),
        ),
        "statement": (
            reverse("institutions:statement-export", kwargs={"pk": organisation.pk, "fmt": "csv"}),
            reverse("institutions:statement-export", kwargs={"pk": organisation.pk, "fmt": "xlsx"}),
        ),
    }


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_neutralised_in_the_report_and_statement(
    client, org_admin, buyer, organisation, certified, name
):
    hostile_world(name, buyer, organisation, certified)
    client.force_login(org_admin)

    for csv_url, xlsx_url in export_urls(organisation).values():
        assert_neutralised(name, client.get(csv_url), client.get(xlsx_url))


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_neutralised_in_the_staff_overview_and_impact(
    client, staff_user, buyer, organisation, certified, name
):
    hostile_world(name, buyer, organisation, certified)
    client.force_login(staff_user)
    overview = reverse("institutions-dashboard:overview")

    assert_neutralised(
        name, client.get(overview, {"year": YEAR, "format": "csv"}), client.get(overview, {"format": "xlsx"})
    )


def test_statement_export_lists_counted_lines_with_fapiao_title_and_refunds(
    client, org_admin, buyer, organisation, certified
):
    order = hostile_world("赣州市财政局", buyer, organisation, certified)
    client.force_login(org_admin)
    csv_url, xlsx_url = export_urls(organisation)["statement"]

    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(client.get(xlsx_url).content)).active

    assert rows[0][:4] == ["订单", "下单时间", "单位", "发票抬头"]
    assert rows[1][0] == order.number and rows[1][3] == "赣州市财政局"
    assert rows[1][-4:] == ["2", "79.80", "9.90", "69.90"]
    assert rows[-1][0] == "合计" and rows[-1][-1] == "69.90"
    line = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert line[0].data_type == "s" and line[1].is_date and line[1].number_format == "yyyy-mm-dd hh:mm"
    assert [cell.value for cell in line[-4:]] == [2, 79.8, 9.9, 69.9]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_report_summary_has_typed_money_and_percentages(client, org_admin, buyer, organisation, certified):
    hostile_world("赣州市财政局", buyer, organisation, certified)
    client.force_login(org_admin)

    response = client.get(reverse("institutions:report-xlsx", kwargs={"pk": organisation.pk}))

    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0].value: row[1] for row in book.worksheets[0].iter_rows(min_row=2)}
    assert summary["计入目标的金额"].value == pytest.approx(69.9)
    assert summary["计入目标的金额"].number_format == "#,##0.00"
    assert summary["完成比例"].value == pytest.approx(0.699)
    assert summary["完成比例"].number_format == "0.0%"
    orders = book.worksheets[-1]
    assert list(orders.iter_rows(min_row=2, max_row=2))[0][1].is_date


def test_overview_share_is_a_fraction_with_a_percent_format(
    client, staff_user, buyer, organisation, certified
):
    hostile_world("赣州市财政局", buyer, organisation, certified)
    client.force_login(staff_user)

    response = client.get(reverse("institutions-dashboard:overview"), {"format": "xlsx"})
    text = client.get(reverse("institutions-dashboard:overview"), {"format": "csv"})

    row = [r for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2)][0]
    assert row[5].value == pytest.approx(69.9) and row[6].value == pytest.approx(0.699)
    assert row[6].number_format == "0.0%"
    assert "69.9%" in text.content.decode("utf-8-sig")


@pytest.mark.parametrize("suffix", ["pdf", "html", "CSV", "csv.html", "xlsx%00", "svg"])
def test_report_and_statement_urls_only_match_csv_and_xlsx(client, org_admin, organisation, suffix):
    client.force_login(org_admin)

    for page in ("report", "statement"):
        response = client.get(f"/organisations/{organisation.pk}/{page}.{suffix}")
        assert response.status_code == 404, (page, suffix)


@pytest.mark.parametrize("fmt", ["pdf", "html", "", "CSV"])
def test_staff_exports_refuse_an_unknown_format(client, staff_user, fmt):
    client.force_login(staff_user)

    overview = client.get(reverse("institutions-dashboard:overview"), {"format": fmt})
    impact = client.get(reverse("institutions-dashboard:impact"), {"format": fmt})

    assert overview.status_code == impact.status_code == 404


def test_export_file_names_are_built_by_the_shop(client, org_admin, staff_user, organisation):
    client.force_login(org_admin)
    report = client.get(
        reverse("institutions:report-csv", kwargs={"pk": organisation.pk}), {"year": '2026"; x=.html'}
    )
    statement = client.get(
        reverse("institutions:statement-export", kwargs={"pk": organisation.pk, "fmt": "xlsx"}),
        {"year": "2025"},
    )
    client.force_login(staff_user)
    impact = client.get(reverse("institutions-dashboard:impact"), {"format": "xlsx", "year": "../../x"})

    this_year = dates.today().year
    assert (
        report["Content-Disposition"]
        == f'attachment; filename="quota-report-{organisation.pk}-{this_year}.csv"'
    )
    assert statement["Content-Disposition"] == f'attachment; filename="statement-{organisation.pk}-2025.xlsx"'
    assert impact["Content-Disposition"] == f'attachment; filename="impact-{this_year}.xlsx"'
    assert report["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statement_export_is_refused_like_the_statement(client, buyer, organisation, fmt):
    stranger = OrganisationFactory(name="别的单位")
    client.force_login(buyer)

    own = client.get(reverse("institutions:statement-export", kwargs={"pk": organisation.pk, "fmt": fmt}))
    other = client.get(reverse("institutions:statement-export", kwargs={"pk": stranger.pk, "fmt": fmt}))
    client.logout()
    anonymous = client.get(
        reverse("institutions:statement-export", kwargs={"pk": organisation.pk, "fmt": fmt})
    )

    assert own.status_code == 403  # a buyer is not an administrator
    assert other.status_code == 404
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_staff_exports_are_for_staff_only(client, org_admin):
    client.force_login(org_admin)

    overview = client.get(reverse("institutions-dashboard:overview"), {"format": "csv"})
    impact = client.get(reverse("institutions-dashboard:impact"), {"format": "xlsx"})

    assert overview.status_code == impact.status_code == 302
    assert "login" in overview["Location"]
