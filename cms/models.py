from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class HomePage(Page):
    """The shop's front page: a hero and products chosen by editors."""

    hero_title = models.CharField(_("Hero title"), max_length=120)
    hero_text = models.CharField(_("Hero text"), max_length=255, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        InlinePanel("featured_products", label=_("Featured products")),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Home page")

    def get_context(self, request, *args, **kwargs):
        from cms.products import featured_products

        context = super().get_context(request, *args, **kwargs)
        context["featured_products"] = featured_products(self)
        return context


class HomePageFeaturedProduct(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_products")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("product")]
