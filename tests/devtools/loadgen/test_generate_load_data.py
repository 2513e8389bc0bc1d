import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from oscar.core.loading import get_model

from catalogue_ext.models import ProductCertificate
from devtools.loadgen import marks
from shop.core import dates

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
Region = get_model("catalogue", "Region")

pytestmark = pytest.mark.django_db


def generate(**options):
    defaults = {"products": 150, "orders": 60, "organisations": 3, "seed": 7, "verbosity": 0}
    call_command("generate_load_data", **{**defaults, **options})


def test_generator_creates_the_requested_products_each_with_stock_and_an_image():
    generate()

    assert Product.objects.count() == 150
    assert StockRecord.objects.filter(price__gt=0).values("product").distinct().count() == 150
    assert not Product.objects.filter(images__isnull=True).exists()
    assert not Product.objects.filter(origin_county__isnull=True).exists()
    assert Region.objects.poverty_counties().count() > 800


def test_generator_covers_every_certificate_state_and_both_sides_of_the_certified_rule():
    generate()

    states = set(ProductCertificate.objects.values_list("status", flat=True))
    assert states == set(ProductCertificate.Status.values)
    certified = Product.objects.certified().count()
    assert 0 < certified < Product.objects.count()
    # An approved certificate past its expiry date exists, and it does not certify its product on its own.
    lapsed = ProductCertificate.objects.filter(status="approved", expiry_date__lt=dates.today())
    assert lapsed.exists()


def test_generator_orders_have_lines_whose_frozen_origin_matches_the_product():
    generate()

    assert Order.objects.count() == 60
    assert not Order.objects.annotate(n=Count("lines")).filter(n=0).exists()
    line = Line.objects.select_related("product").filter(was_certified=True).first()
    assert line.certificate_number
    assert line.origin_county_id == line.product.origin_county_id
    assert len(set(Order.objects.values_list("status", flat=True))) >= 4
    assert len({d.year for d in Order.objects.values_list("date_placed", flat=True)}) >= 2


def test_generator_is_deterministic_for_a_seed():
    generate(seed=11)
    first = list(Product.objects.order_by("upc").values_list("title", "stockrecords__price"))
    totals = list(Order.objects.order_by("number").values_list("total_incl_tax", flat=True))

    generate(seed=11)

    assert list(Product.objects.order_by("upc").values_list("title", "stockrecords__price")) == first
    assert list(Order.objects.order_by("number").values_list("total_incl_tax", flat=True)) == totals


def test_generator_refuses_a_database_holding_other_data(certified_product):
    with pytest.raises(CommandError, match="did not create"):
        generate()

    assert Product.objects.count() == 1


def test_generator_with_force_keeps_the_other_data(certified_product):
    generate(force=True, products=20, orders=10)

    assert Product.objects.filter(pk=certified_product.pk).exists()
    assert Product.objects.filter(upc__startswith=marks.UPC_PREFIX).count() == 20


def test_generator_creates_organisations_with_targets():
    Organisation = get_model("institutions", "Organisation")
    generate(organisations=4)

    assert Organisation.objects.count() == 4
    assert not Organisation.objects.filter(targets__isnull=True).exists()
    assert Organisation.objects.filter(orders__isnull=False).exists()
