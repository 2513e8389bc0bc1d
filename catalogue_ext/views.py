from django.db.models import Prefetch
from oscar.apps.catalogue import views
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

# Oscar's catalogue URLs load these names from this module; browsing lives in the search app.
CatalogueView = views.CatalogueView
ProductCategoryView = views.ProductCategoryView


class ProductDetailView(views.ProductDetailView):
    def get_queryset(self):
        """The product with its origin, seller and images in a fixed number of queries."""
        return (
            Product.objects.with_help_sell_flag()
            .with_units_sold()
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
        """Add the valid certificate (if any) and the seller shown on the page."""
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["certificate"] = product.current_certificate()
        records = list(product.stockrecords.all())
        ctx["seller"] = records[0].partner if records else None
        return ctx
