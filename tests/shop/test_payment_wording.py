"""The thank-you and order pages say in plain Chinese how to pay; the payment step says what is on offer."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.checkout import payment_methods
from shop.payment import methods
from tests.shop.test_checkout import ADDRESS

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, consumer, china, certified_product):
    client.force_login(consumer)
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 2})
    client.post(reverse("checkout:shipping-address"), ADDRESS, follow=True)
    return client


def place(client, method):
    client.post(reverse("checkout:payment-method"), {"method": method})
    return client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)


def test_bank_transfer_shows_the_platform_account_and_the_reference_to_write(shopper, consumer, settings):
    settings.AIDMARKET_BANK_ACCOUNT_NAME = "赣南消费帮扶运营中心"
    settings.AIDMARKET_BANK_NAME = "中国建设银行赣州分行"
    settings.AIDMARKET_BANK_ACCOUNT_NUMBER = "3605 0100 0000 1234"

    thank_you = place(shopper, "bank_transfer").content.decode()

    order = Order.objects.get(user=consumer)
    total = f"¥{order.total_incl_tax:,.2f}"
    for page in (
        thank_you,
        shopper.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode(),
    ):
        assert "从类型" not in page and "分配" not in page
        assert "支付方式</dt><dd>银行转账" in page
        assert f'应付金额</dt><dd class="price">{total}' in page
        assert "户名</dt><dd>赣南消费帮扶运营中心" in page
        assert "开户银行</dt><dd>中国建设银行赣州分行" in page
        assert "3605 0100 0000 1234" in page
        assert f"转账附言</dt><dd><strong>订单 {order.number}</strong>" in page


def test_pay_on_delivery_tells_the_customer_to_pay_the_courier(shopper, consumer):
    page = place(shopper, "cash_on_delivery").content.decode()

    order = Order.objects.get(user=consumer)
    assert f"收货时请向快递员支付 ¥{order.total_incl_tax:,.2f}。" in page
    assert "转账附言" not in page


def test_the_payment_step_says_clearly_when_online_payment_is_not_configured(shopper, settings):
    settings.STRIPE_SECRET_KEY = ""

    page = shopper.get(reverse("checkout:payment-method")).content.decode()

    assert "本店暂未开通在线支付（微信支付、支付宝）" in page
    assert 'value="stripe"' not in page


def test_the_payment_step_shows_wechat_pay_and_alipay_when_stripe_is_configured(shopper, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_configured"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_configured"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_configured"
    # What PaymentConfig.ready() does when the process starts with STRIPE_SECRET_KEY set.
    payment_methods.register_online_provider(methods.stripe_methods)

    page = shopper.get(reverse("checkout:payment-method")).content.decode()

    assert 'value="stripe"' in page
    assert 'payment-brand--wechat">微信支付' in page and 'payment-brand--alipay">支付宝' in page
    assert "暂未开通在线支付" not in page


def test_an_order_awaiting_approval_says_to_pay_after_approval_not_how_to_pay(
    client, consumer, certified_product
):
    from shop.order import statuses
    from tests.institutions.factories import place_order

    order = place_order(consumer, [(certified_product, 1)], status=statuses.AWAITING_APPROVAL)
    client.force_login(consumer)

    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()

    assert "本订单正在等待单位审批，审批通过后再付款" in page
    assert "转账附言" not in page
