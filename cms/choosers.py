"""Admin choosers for shop objects: products, counties and sellers, searchable in plain SQL.

Oscar's models are not indexed by Wagtail's search, so each chooser brings its own filter form
that searches with icontains lookups (title, seller, county) instead of the search backend.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

Product = get_model("catalogue", "Product")
Region = get_model("catalogue", "Region")
Partner = get_model("partner", "Partner")


class SearchForm(BaseFilterForm):
    """A search box whose lookups each chooser declares in `search_lookups`."""

    search_lookups: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for lookup in self.search_lookups:
                condition |= Q(**{lookup: query})
            objects = objects.filter(condition).distinct()
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(SearchForm):
    search_lookups = (
        "title__icontains",
        "upc__iexact",
        "stockrecords__partner__name__icontains",
        "origin_county__name__icontains",
        "origin_province__name__icontains",
    )


class CountySearchForm(SearchForm):
    search_lookups = (
        "name__icontains",
        "code__startswith",
        "parent__name__icontains",
        "province__name__icontains",
    )


class SellerSearchForm(SearchForm):
    search_lookups = ("name__icontains", "county__name__icontains", "credit_code__iexact")


def _seller_names(product):
    return "、".join(sorted({record.partner.name for record in product.stockrecords.all()}))


class ProductChooseMixin:
    filter_form_class = ProductSearchForm
    ordering = ["title", "pk"]

    def get_object_list(self):
        return (
            Product.objects.filter(parent__isnull=True)
            .with_certified_flag()
            .select_related("origin_county")
            .prefetch_related("stockrecords__partner")
        )

    @property
    def columns(self):
        return [
            *super().columns,
            Column("seller", label=_("Seller"), accessor=_seller_names),
            Column("county", label=_("Origin county"), accessor="origin_county"),
            Column(
                "certified",
                label=_("Certified"),
                accessor=lambda product: _("Yes") if product.is_certified_now else _("No"),
            ),
            Column(
                "public",
                label=_("Public"),
                accessor=lambda product: _("Yes") if product.is_public else _("No"),
            ),
        ]


class ProductChooseView(ProductChooseMixin, ChooseView):
    pass


class ProductChooseResultsView(ProductChooseMixin, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = Product
    icon = "pick"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView


class CountyChooseMixin:
    filter_form_class = CountySearchForm
    ordering = ["code"]

    def get_object_list(self):
        return Region.objects.counties().select_related("parent", "province")

    @property
    def columns(self):
        return [
            *super().columns,
            Column("code", label=_("Division code"), accessor="code"),
            Column("city", label=_("Prefecture-level city"), accessor="parent"),
            Column("province", label=_("Province"), accessor="province"),
        ]


class CountyChooseView(CountyChooseMixin, ChooseView):
    pass


class CountyChooseResultsView(CountyChooseMixin, ChooseResultsView):
    pass


class CountyChooserViewSet(ChooserViewSet):
    model = Region
    icon = "site"
    choose_one_text = _("Choose a county")
    choose_another_text = _("Choose another county")
    choose_view_class = CountyChooseView
    choose_results_view_class = CountyChooseResultsView


class SellerChooseMixin:
    filter_form_class = SellerSearchForm
    ordering = ["name", "pk"]

    def get_object_list(self):
        return Partner.objects.select_related("county")

    @property
    def columns(self):
        return [*super().columns, Column("county", label=_("County"), accessor="county")]


class SellerChooseView(SellerChooseMixin, ChooseView):
    pass


class SellerChooseResultsView(SellerChooseMixin, ChooseResultsView):
    pass


class SellerChooserViewSet(ChooserViewSet):
    model = Partner
    icon = "group"
    choose_one_text = _("Choose a seller")
    choose_another_text = _("Choose another seller")
    choose_view_class = SellerChooseView
    choose_results_view_class = SellerChooseResultsView


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="cms/choose/product")
county_chooser_viewset = CountyChooserViewSet("county_chooser", url_prefix="cms/choose/county")
seller_chooser_viewset = SellerChooserViewSet("seller_chooser", url_prefix="cms/choose/seller")
