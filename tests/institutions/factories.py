"""Factories for organisations, members, targets and organisation orders."""

import datetime
from decimal import Decimal

import factory
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from shop.institutions import checkout
from shop.institutions.models import AnnualTarget, Membership, Organisation, Purpose
from shop.order import statuses

VALID_CODE = "91360700MA35ABCD1Q"

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"江西省某单位{n}")
    kind = Organisation.Kind.BUDGET_UNIT

    @factory.post_generation
    def paired(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.paired_counties.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    is_buyer = True


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualTarget

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2026
    fixed_amount = Decimal("1000.00")


def place_order(
    user,
    items,
    *,
    organisation=None,
    purpose=Purpose.CANTEEN,
    status=statuses.PAID,
    placed_at: datetime.datetime | None = None,
    payment_method="bank_transfer",
):
    """A real order through our OrderCreator, tagged for the organisation as checkout does.

    items: a list of (product, quantity).
    """
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for product, quantity in items:
        basket.add_product(product, quantity=quantity)
    order = create_order(basket=basket, user=user, status=status)
    Order.objects.filter(pk=order.pk).update(payment_method=payment_method)
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(date_placed=placed_at)
        order.refresh_from_db()  # tagged (and its ledger row refreshed) in the year it was placed
    if organisation is not None:
        checkout.tag_order(
            order,
            {
                "organisation": organisation,
                "purpose": purpose,
                "fapiao_type": "ordinary",
                "fapiao_title": organisation.name,
                "taxpayer_id": VALID_CODE,
            },
            buyer=user,
        )
    order.refresh_from_db()
    return order
