"""Sellers' own listings: which products, counties and stock a seller may touch.

Origin county rule: a seller may give its products an origin county
anywhere in the province of its own registered county (co-operatives often buy from
neighbouring counties), never outside it; platform staff may choose any county. Keeping
the origin inside the seller's province stops a seller from labelling goods as coming from
a poverty county it has nothing to do with, which would distort institutions' quotas.
"""

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from oscar.core.loading import get_model

from shop.sellers.access import partners_of

Region = get_model("catalogue", "Region")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def allowed_origin_counties(user):
    """Counties a user may set as a product's origin."""
    if user.is_staff:
        return Region.objects.counties()
    provinces = partners_of(user).exclude(county__isnull=True).values("county__province_id")
    return Region.objects.counties().filter(province_id__in=provinces)


def products_of(user):
    """Products with a stock record of one of the user's sellers."""
    return Product.objects.filter(stockrecords__partner__in=partners_of(user)).distinct()


def with_stock_level(records):
    """Stock records annotated with what is free to sell (`available_quantity`) and the low-stock flag (`is_low`)."""
    return records.annotate_available_quantity().annotate(
        is_low=ExpressionWrapper(
            Q(low_stock_threshold__isnull=False) & Q(available_quantity__lte=F("low_stock_threshold")),
            output_field=BooleanField(),
        )
    )


def stock_of(user):
    """The user's sellers' stock records, each annotated with what is free to sell and a low-stock flag."""
    return (
        with_stock_level(StockRecord.objects.filter(partner__in=partners_of(user)))
        .select_related("product", "partner")
        .order_by("-is_low", "available_quantity", "product__title")
    )
