"""An organisation buyer checks out through the real views: tagging, quota preview, approval hold."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.institutions.models import OrganisationOrder, Purpose
from shop.order import statuses
from tests import factories
from tests.institutions.factories import VALID_CODE, TargetFactory

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

ADDRESS = {
    "first_name": "张晓明",
    "phone": "13800138000",
    "province": "360000",  # 江西省
    "city": "360700",  # 赣州市
    "district": "360726",  # 安远县
    "line1": "欣山镇幸福路1号",
    "postcode": "342100",
}


def start_checkout(client, items, *, method="bank_transfer"):
    for product, quantity in items:
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    client.get(reverse("checkout:index"), follow=True)
    response = client.post(reverse("checkout:shipping-address"), ADDRESS, follow=True)
    assert response.status_code == 200
    return client.post(reverse("checkout:payment-method"), {"method": method}, follow=True)


def tagging(organisation, **overrides):
    data = {
        "buy_for": str(organisation.pk),
        "purpose": Purpose.CANTEEN,
        "po_reference": "CG-2026-017",
        "fapiao_type": "ordinary",
        "fapiao_title": organisation.name,
        "taxpayer_id": VALID_CODE,
    }
    data.update(overrides)
    return data


@pytest.fixture
def shopping_buyer(client, buyer, china):
    client.force_login(buyer)
    return client


@pytest.fixture
def products(partner):
    return (
        factories.ProductFactory(partner=partner, certified=True, price=Decimal("39.90"), title="安远脐橙"),
        factories.ProductFactory(partner=partner, price=Decimal("20.00"), title="普通大米"),
    )


def test_buyer_tags_the_order_sees_the_quota_preview_and_places_it(
    shopping_buyer, buyer, organisation, products
):
    TargetFactory(organisation=organisation, year=2026, fixed_amount=Decimal("798.00"))
    orange, rice = products

    asked = start_checkout(shopping_buyer, [(orange, 2), (rice, 1)])
    tagged = shopping_buyer.post(reverse("institutions:checkout-tagging"), tagging(organisation), follow=True)
    placed = shopping_buyer.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)

    assert asked.redirect_chain[-1][0].endswith(reverse("institutions:checkout-tagging"))
    assert "安远脐橙" in asked.content.decode()
    preview = tagged.context["quota_preview"]
    assert [line.counts for line in preview.lines] == [True, False]
    assert preview.adds == Decimal("79.80")
    assert (preview.percent_before, preview.percent_after) == (Decimal("0"), Decimal("10"))
    assert "79.80" in tagged.content.decode()
    assert placed.status_code == 200
    order = Order.objects.get(user=buyer)
    link = OrganisationOrder.objects.get(order=order)
    assert (link.organisation, link.purpose, link.buyer, link.po_reference) == (
        organisation,
        Purpose.CANTEEN,
        buyer,
        "CG-2026-017",
    )
    assert (link.fapiao_title, link.taxpayer_id) == (organisation.name, VALID_CODE)
    assert order.status == statuses.PENDING_PAYMENT
    assert link.approval == OrganisationOrder.Approval.NOT_REQUIRED


def test_personal_choice_places_an_untagged_order(shopping_buyer, buyer, organisation, products):
    start_checkout(shopping_buyer, [(products[0], 1)])
    shopping_buyer.post(reverse("institutions:checkout-tagging"), {"buy_for": "personal"})
    shopping_buyer.post(reverse("checkout:preview"), {"action": "place_order"})

    order = Order.objects.get(user=buyer)
    assert not OrganisationOrder.objects.filter(order=order).exists()


def test_order_above_threshold_waits_for_approval_and_approvers_are_mailed(
    shopping_buyer, buyer, approver, organisation, products, django_capture_on_commit_callbacks
):
    organisation.approval_threshold = Decimal("50.00")
    organisation.save()
    start_checkout(shopping_buyer, [(products[0], 2)])
    shopping_buyer.post(reverse("institutions:checkout-tagging"), tagging(organisation))

    with django_capture_on_commit_callbacks(execute=True):
        shopping_buyer.post(reverse("checkout:preview"), {"action": "place_order"})

    order = Order.objects.get(user=buyer)
    assert order.status == statuses.AWAITING_APPROVAL
    assert order.organisation_link.approval == OrganisationOrder.Approval.PENDING
    approval_mail = [message for message in mail.outbox if approver.email in message.to]
    assert len(approval_mail) == 1
    assert order.number in approval_mail[0].subject
    assert buyer.email in approval_mail[0].to


def test_special_fapiao_without_bank_details_is_refused_and_input_kept(
    shopping_buyer, organisation, products
):
    start_checkout(shopping_buyer, [(products[0], 1)])

    response = shopping_buyer.post(
        reverse("institutions:checkout-tagging"),
        tagging(
            organisation,
            fapiao_type="special",
            fapiao_title="赣州市财政局（专票）",
            taxpayer_id="91360700MA35ABCD1X",
        ),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"taxpayer_id", "fapiao_address", "fapiao_phone", "fapiao_bank", "fapiao_account"} <= set(errors)
    content = response.content.decode()
    assert "赣州市财政局（专票）" in content and "91360700MA35ABCD1X" in content
    assert not Order.objects.exists()


def test_buyer_cannot_tag_an_organisation_they_do_not_buy_for(shopping_buyer, products):
    from tests.institutions.factories import OrganisationFactory

    stranger = OrganisationFactory()
    start_checkout(shopping_buyer, [(products[0], 1)])

    response = shopping_buyer.post(reverse("institutions:checkout-tagging"), tagging(stranger))

    assert response.status_code == 400
    assert "buy_for" in response.context["form"].errors


def test_consumers_without_organisation_skip_the_tagging_step(client, consumer, china, products):
    client.force_login(consumer)

    response = start_checkout(client, [(products[0], 1)])

    assert response.redirect_chain[-1][0].endswith(reverse("checkout:preview"))


def test_basket_quota_preview_tag_shows_what_counts_for_each_organisation(
    client, buyer, organisation, products, rf
):
    from django.template import Context, Template

    client.force_login(buyer)
    client.post(reverse("basket:add", kwargs={"pk": products[0].pk}), {"quantity": 2})
    client.post(reverse("basket:add", kwargs={"pk": products[1].pk}), {"quantity": 1})
    request = client.get(reverse("basket:summary")).wsgi_request

    html = Template("{% load institutions_tags %}{% organisation_quota_previews %}").render(
        Context({"request": request})
    )

    assert organisation.name in html
    assert "79.80" in html
    assert html.count("✓") == 1 and html.count("✗") == 1


def test_staff_dashboard_index_shows_the_institutions_menu(client, staff_user):
    staff_user.is_staff = True
    staff_user.save()
    client.force_login(staff_user)

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 200
    assert reverse("institutions-dashboard:overview") in response.content.decode()


def test_the_basket_quota_preview_follows_orders_and_refunds_at_once_with_the_caches_on(
    client, buyer, organisation, products, settings
):
    """The preview's standing and verdicts are cached (page cache on, as in production); an order placed
    or refunded for the organisation shows on the next basket page."""
    from shop.core import dates
    from shop.institutions import refunds
    from tests.institutions.factories import place_order

    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600
    settings.LANGUAGE_CODE = "en"
    TargetFactory(organisation=organisation, year=dates.current_year(), fixed_amount=Decimal("798.00"))
    orange, rice = products
    client.force_login(buyer)
    client.post(reverse("basket:add", kwargs={"pk": orange.pk}), {"quantity": 2})  # 79.80, counts
    client.post(reverse("basket:add", kwargs={"pk": rice.pk}), {"quantity": 1})  # not certified
    basket = reverse("basket:summary")

    def progress_line():
        page = " ".join(client.get(basket, headers={"accept-language": "en"}).content.decode().split())
        return page[page.index("This order adds") :].split("</p>")[0]

    assert "from 0% to 10% of" in progress_line()
    assert "from 0% to 10% of" in progress_line()  # from the caches

    colleague = factories.UserFactory(username="colleague", email="colleague@example.cn")
    order = place_order(colleague, [(orange, 10)], organisation=organisation)  # 399.00 counted

    assert "from 50% to 60% of" in progress_line()

    refunds.record(order.lines.get(), amount=Decimal("399.00"), reference="RF-1")

    assert "from 0% to 10% of" in progress_line()
    factories.CertificateFactory(product=rice)  # the cached verdicts follow catalogue changes

    assert "from 0% to 13% of" in progress_line()  # 99.80 of 798.00
