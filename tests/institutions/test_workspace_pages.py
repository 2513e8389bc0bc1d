"""What organisation members and approvers see in their workspace."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.order import statuses
from tests import factories
from tests.institutions.factories import VALID_CODE, TargetFactory, place_order

pytestmark = pytest.mark.django_db


def test_a_plain_buyer_sees_the_organisations_quota_progress(client, buyer, organisation, partner):
    TargetFactory(organisation=organisation, fixed_amount=Decimal("1000.00"))
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("125.00"))
    place_order(buyer, [(item, 2)], organisation=organisation)
    client.force_login(buyer)

    page = client.get(reverse("institutions:detail", kwargs={"pk": organisation.pk})).content.decode()

    assert 'id="quota-progress"' in page
    assert "已计入 ¥250.00，目标 ¥1,000.00" in page
    assert "25.0%" in page
    assert "完整任务报告" not in page  # a plain buyer has no report rights: no link to a 403


def held(buyer, organisation, partner, *, price="60.00", count=1):
    organisation.approval_threshold = Decimal("100.00")
    organisation.save()
    orders = []
    for n in range(count):
        item = factories.ProductFactory(
            partner=partner, certified=True, price=Decimal(price), title=f"赣南脐橙{n}"
        )
        orders.append(
            place_order(buyer, [(item, 2)], organisation=organisation, status=statuses.AWAITING_APPROVAL)
        )
    return orders


def test_the_approver_sees_lines_totals_fapiao_and_a_link_before_deciding(
    client, buyer, approver, organisation, partner
):
    (order,) = held(buyer, organisation, partner)
    client.force_login(approver)

    page = client.get(reverse("institutions:approvals", kwargs={"pk": organisation.pk})).content.decode()

    card = page[page.index(f'id="approval-{order.number}"') :]
    assert "赣南脐橙0 × 2" in card and "¥120.00" in card
    assert f'approval__total">¥{order.total_incl_tax:,.2f}' in card
    assert "发票抬头</dt><dd>赣州市财政局" in card
    assert f"纳税人识别号</dt><dd>{VALID_CODE}" in card
    assert reverse("institutions:order", kwargs={"pk": organisation.pk, "number": order.number}) in card
    assert f'<label for="reason-{order.number}">拒绝原因（必填）</label>' in card


def test_rejecting_without_a_reason_says_why_on_that_order_and_keeps_it_waiting(
    client, buyer, approver, organisation, partner
):
    first, second = held(buyer, organisation, partner, count=2)
    client.force_login(approver)

    response = client.post(
        reverse("institutions:reject", kwargs={"pk": organisation.pk, "number": second.number}),
        {"reason": "  "},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("请填写拒绝原因，下单人会看到。") == 1
    assert f'id="reason-error-{second.number}"' in page
    second.refresh_from_db()
    assert second.status == statuses.AWAITING_APPROVAL


def test_the_approvals_page_reads_a_fixed_number_of_queries_however_many_orders_wait(
    client, buyer, approver, organisation, partner
):
    client.force_login(approver)
    url = reverse("institutions:approvals", kwargs={"pk": organisation.pk})
    held(buyer, organisation, partner, count=1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    held(buyer, organisation, partner, count=4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)

    assert response.content.decode().count('class="ws-card approval"') == 5
    assert len(five) == len(one)


def test_the_basket_quota_preview_sits_above_checkout_and_follows_an_ajax_quantity_change(
    client, buyer, organisation, partner
):
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"))
    client.force_login(buyer)
    client.post(reverse("basket:add", kwargs={"pk": item.pk}), {"quantity": 2})
    page = client.get(reverse("basket:summary")).content.decode()
    line = client.get(reverse("basket:summary")).wsgi_request.basket.all_lines()[0]

    updated = client.post(
        reverse("basket:summary"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(line.pk),
            "form-0-quantity": "3",
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    ).json()["content_html"]

    checkout_link = f'href="{reverse("checkout:index")}"'
    assert checkout_link in page[page.index("quota-preview") :]  # the header's mini-basket links there too
    assert "¥79.80" in page[page.index("quota-preview") :]
    assert updated.index("quota-preview") < updated.index(checkout_link)
    assert "¥119.70" in updated[updated.index("quota-preview") :]
    assert organisation.name in updated


@pytest.mark.parametrize(("threshold", "needs_approval"), [("50.00", True), (None, False)])
def test_the_preview_repeats_the_po_and_fapiao_and_says_whether_approval_is_needed(
    client, buyer, organisation, partner, china, threshold, needs_approval
):
    from tests.institutions.test_checkout import start_checkout, tagging

    organisation.approval_threshold = Decimal(threshold) if threshold else None
    organisation.save()
    item = factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"))
    client.force_login(buyer)
    start_checkout(client, [(item, 2)])

    tagging_page = client.get(reverse("institutions:checkout-tagging")).content.decode()
    preview = client.post(reverse("institutions:checkout-tagging"), tagging(organisation), follow=True)

    assert '<label for="id_fapiao_title">发票抬头</label>' in tagging_page
    page = preview.content.decode()
    assert "采购单号</dt><dd>CG-2026-017" in page
    assert f"发票抬头</dt><dd>{organisation.name}" in page
    assert f"纳税人识别号</dt><dd>{VALID_CODE}" in page
    if needs_approval:
        assert "本订单金额超过 ¥50.00，须经本单位审批人批准后才能付款和发货。" in page
    else:
        assert "本订单无需审批。" in page and 'id="needs-approval"' not in page
