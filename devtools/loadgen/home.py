"""The CMS home page with featured products, so that `/` shows what a real shop's front page does."""

from oscar.core.loading import get_model
from wagtail.models import Page, Site

from cms.models import HomePage, HomePageFeaturedProduct
from devtools.loadgen import marks

Product = get_model("catalogue", "Product")


def ensure_home_page(*, featured: int = 12) -> None:
    """Make a HomePage the default site's root and feature certified generated products."""
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="首页",
            slug="aidmarket-home",
            hero_title="买脱贫地区产品，助乡村全面振兴",
            hero_text="来自832个脱贫县的认定产品，产地直发。",
        )
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Aidmarket"
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.save()
    HomePageFeaturedProduct.objects.filter(page=home).delete()
    products = (
        Product.objects.certified()
        .filter(upc__startswith=marks.UPC_PREFIX, is_public=True)
        .order_by("id")[:featured]
    )
    HomePageFeaturedProduct.objects.bulk_create(
        [
            HomePageFeaturedProduct(page=home, product=product, sort_order=order)
            for order, product in enumerate(products)
        ]
    )
