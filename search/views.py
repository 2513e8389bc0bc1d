from django.contrib import messages
from django.core.paginator import InvalidPage
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

from search.filters import CatalogueFilters, county_counts, province_counts

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


def listing_queryset():
    """What shoppers may see, with everything a product card needs fetched up front."""
    return (
        Product.objects.browsable()
        .with_certified_flag()
        .select_related("origin_county", "origin_province", "product_class")
        .prefetch_related("stockrecords", "stockrecords__partner", "images")
    )


class CatalogueView(ListView):
    """Browse all products, filtered by province, county and certification."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = 24

    def get(self, request, *args, **kwargs):
        self.filters = CatalogueFilters.from_query(request.GET)
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect(self.first_page_url())

    def first_page_url(self):
        return self.request.path

    def base_queryset(self):
        return listing_queryset()

    def get_queryset(self):
        return self.filters.apply(self.base_queryset())

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except InvalidPage as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unfiltered = Product.objects.browsable()
        ctx["filters"] = self.filters
        ctx["province_facets"] = province_counts(self.narrow(unfiltered))
        ctx["county_facets"] = (
            county_counts(self.narrow(unfiltered), self.filters.provinces) if self.filters.provinces else []
        )
        ctx["summary"] = _("All products")
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_without_page"] = query.urlencode()
        return ctx

    def narrow(self, queryset):
        """Restrict facet counts to the current category (the category view overrides)."""
        if self.filters.certified_only:
            queryset = queryset.certified()
        return queryset


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        expected = self.category.get_absolute_url()
        if expected != request.path:
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def first_page_url(self):
        return self.category.get_absolute_url()

    def category_ids(self):
        if not hasattr(self, "_category_ids"):
            self._category_ids = list(self.category.get_descendants_and_self().values_list("id", flat=True))
        return self._category_ids

    def in_category(self, queryset):
        links = ProductCategory.objects.filter(product=OuterRef("pk"), category_id__in=self.category_ids())
        return queryset.filter(Exists(links))

    def base_queryset(self):
        return self.in_category(super().base_queryset())

    def narrow(self, queryset):
        return super().narrow(self.in_category(queryset))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
        return ctx


class FacetedSearchView(CatalogueView):
    """Keyword search over the catalogue (the search engine issue extends this)."""

    template_name = "oscar/search/results.html"

    def get(self, request, *args, **kwargs):
        self.query = (request.GET.get("q") or "").strip()[:200]
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        queryset = super().base_queryset()
        if self.query:
            queryset = queryset.filter(title__icontains=self.query)
        return queryset

    def narrow(self, queryset):
        if self.query:
            queryset = queryset.filter(title__icontains=self.query)
        return super().narrow(queryset)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.query
        return ctx
