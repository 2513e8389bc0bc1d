from django.contrib.sitemaps import Sitemap
from oscar.core.loading import get_model
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

Product = get_model("catalogue", "Product")


class ProductSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Product.objects.listable().only("id", "slug", "date_updated").order_by("id")

    def lastmod(self, product):
        return product.date_updated


sitemaps = {"pages": WagtailSitemap, "products": ProductSitemap}
