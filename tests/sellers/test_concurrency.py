"""Racing writes on PostgreSQL: two sellers shipping the last lines of one order at the same moment."""

import threading

import pytest
from django.db import connection

from shop.order import statuses
from shop.sellers import fulfilment
from tests.sellers.conftest import place_order


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sellers_shipping_at_once_leave_the_order_shipped(
    consumer, seller_user, seller2_user, own_product, other_product
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    order = place_order(consumer, [own_product, other_product])
    barrier = threading.Barrier(2)
    errors = []

    def ship(user, product):
        from django.db import connection as thread_connection

        try:
            line = order.lines.get(product=product)
            barrier.wait()
            fulfilment.mark_shipped([line], by=user, carrier="顺丰速运", tracking_number=f"SF-{product.pk}")
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=ship, args=(seller_user, own_product)),
        threading.Thread(target=ship, args=(seller2_user, other_product)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    order.refresh_from_db()
    assert errors == []
    assert order.status == statuses.SHIPPED
    assert order.status_changes.filter(new_status=statuses.SHIPPED).count() == 1
