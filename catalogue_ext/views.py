from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject
from oscar.apps.catalogue import views
from oscar.core.loading import get_model

from shop import caching

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

# Oscar's catalogue URLs load these names from this module; browsing lives in the search app.
CatalogueView = views.CatalogueView
ProductCategoryView = views.ProductCategoryView


class ProductDetailView(views.ProductDetailView):
    def get_queryset(self):
        """The product with its origin, seller and images in a fixed number of queries."""
        Option = get_model("catalogue", "Option")
        Review = get_model("reviews", "ProductReview")
        approved = (
            Review.objects.filter(product=OuterRef("pk"), status=Review.APPROVED)
            .order_by()
            .values("product")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = self.request.user
        own_review = (
            Review.objects.filter(product=OuterRef("pk"), user=user) if user.is_authenticated else None
        )
        return (
            Product.objects.with_help_sell_flag()
            .with_units_sold()
            .annotate(
                # Oscar's Product.num_approved_reviews (a cached property), read with the product.
                num_approved_reviews=Coalesce(Subquery(approved), Value(0)),
                reviewed_by_viewer=Exists(own_review) if own_review is not None else Value(False),
                # Read by Oscar's Product.has_options (the basket form) instead of a query of its own.
                has_product_class_options=Exists(
                    Option.objects.filter(productclass=OuterRef("product_class"))
                ),
                has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
            )
            .select_related(
                "origin_county", "origin_province", "origin_county__parent", "product_class", "parent"
            )
            .prefetch_related(
                "images",
                Prefetch(
                    "stockrecords", queryset=StockRecord.objects.select_related("partner", "partner__county")
                ),
            )
        )

    def get_context_data(self, **kwargs):
        """Add the valid certificate (if any), the seller shown on the page and the fragments' version."""
        ctx = super().get_context_data(**kwargs)
        product = self.object
        if self.request.user.is_authenticated:  # Product.has_review_by, answered by the product's query
            product.__dict__.setdefault("_reviewed_by", {})[self.request.user.pk] = product.reviewed_by_viewer
        # Read only when a fragment showing it is not cached (detail.html).
        ctx["certificate"] = SimpleLazyObject(product.current_certificate)
        ctx["product_cache_version"] = caching.product_fragment_version(self.request, product.pk)
        records = list(product.stockrecords.all())
        ctx["seller"] = records[0].partner if records else None
        return ctx
