from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView
from oscar.core.loading import get_model

from search import autocomplete, cached, engine, presentation, text, understanding
from search.backends.base import SearchRequest
from search.filters import DEFAULT_QUERY_SORT, DEFAULT_SORT, SORTS, CatalogueFilters
from shop.caching import fragment_versions, remember

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

# Elasticsearch pages at most 10,000 hits deep; nobody pages further than this by hand.
MAX_RESULT_WINDOW = 10_000


def cards_by_id(ids, *, query: str = "") -> dict:
    """{id: product} of the listable ones among these ids, ready for a card (`search_title` highlighted)."""
    products = {product.id: product for product in Product.objects.listable().for_cards().filter(id__in=ids)}
    for product in products.values():
        product.search_title = text.highlight(product.title, query) if query else product.title
    return products


class ResultWindow:
    """`total` results of which only one page is loaded: what Django's Paginator needs to page them."""

    def __init__(self, total: int, offset: int, items: list):
        self.total, self.offset, self.items = total, offset, items

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.items if key.start in (None, self.offset) else []
        return self.items[key - self.offset]


class CatalogueView(ListView):
    """Browse all products, narrowed by facets (place, category, seller, price, certification, stock)."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = 24
    query = ""
    # Cards keyed on the query too (search results highlight its words), see search/cached.py.
    cards_vary_on_query = False

    def get(self, request, *args, **kwargs):
        self.filters = CatalogueFilters.from_query(request.GET, default_sort=self.default_sort())
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect(self.first_page_url())

    def default_sort(self):
        return DEFAULT_SORT

    def first_page_url(self):
        query = self.request.GET.copy()
        query.pop("page", None)
        return f"{self.request.path}?{query.urlencode()}" if query else self.request.path

    def category(self):
        return None

    def search_request(self, page: int, **overrides) -> SearchRequest:
        category = self.category()
        options = {
            "query": self.query,
            "filters": self.filters,
            "page": page,
            "per_page": self.paginate_by,
            "category_id": category.id if category else None,
        }
        options.update(overrides)
        return SearchRequest(**options)

    def requested_page(self) -> int:
        raw = self.request.GET.get(self.page_kwarg) or "1"
        if raw == "last":
            total = engine.backend().search(self.search_request(1, with_facets=False)).total
            return max(1, -(-total // self.paginate_by))
        if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
            raise Http404
        page = int(raw)
        if page * self.paginate_by > MAX_RESULT_WINDOW:
            raise Http404
        return page

    def cache_version(self) -> str:
        """The shared parts' cache version ("" when the page cache is off: computed every time)."""
        if not hasattr(self, "_cache_version"):
            self._cache_version = fragment_versions(self.request)["catalogue_cache_version"]
        return self._cache_version

    def get_queryset(self):
        page = self.requested_page()
        search = self.search_request(page)
        self.results = remember(
            self.cache_version(), "results", (repr(search),), lambda: engine.backend().search(search)
        )
        offset = (page - 1) * self.paginate_by
        items = cached.cards(
            self.results.ids,
            self.cache_version(),
            lambda ids: cards_by_id(ids, query=self.query),
            query=self.query if self.cards_vary_on_query else None,
        )
        return ResultWindow(self.results.total, offset, items)

    def shared_facets(self):
        """The facet options and region pairs: the same for everyone at this URL and catalogue version."""

        def compute():
            facets = presentation.build_facets(
                self.results, self.filters, self.request.GET, scope=self.category()
            )
            pairs = {group: _as_pairs(facets.get(group, [])) for group in ("province", "city", "county")}
            return facets, pairs

        category = self.category()
        parts = (type(self).__name__, category.pk if category else "", self.request.GET.urlencode())
        return remember(self.cache_version(), "facets", parts, compute)

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except InvalidPage as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["products"] = list(ctx["page_obj"].object_list)
        ctx["object_list"] = ctx["products"]
        facets, pairs = self.shared_facets()
        ctx["facets"] = facets
        ctx["filters"] = self.filters
        ctx["province_facets"] = pairs["province"]
        ctx["city_facets"] = pairs["city"]
        ctx["county_facets"] = pairs["county"]
        ctx["sort_options"] = [
            (key, label) for key, label in SORTS.items() if key != "relevance" or self.query
        ]
        ctx["applied_filters"] = presentation.applied_filters(facets)
        ctx["sort_links"] = presentation.sort_links(self.request.GET, ctx["sort_options"], self.filters.sort)
        ctx["total"] = self.results.total
        ctx["search_backend"] = self.results.backend
        ctx["summary"] = _("All products")
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query_without_page"] = query.urlencode()
        if not self.results.total:
            version = self.cache_version()
            ctx["popular_categories"] = remember(version, "popular", (), presentation.popular_categories)
            help_sell = remember(version, "help-sell", (), presentation.help_sell_product_ids)
            ctx["help_sell_products"] = cached.cards(help_sell, version, cards_by_id)
        return ctx


def _as_pairs(options):
    """(Region, count) pairs, the shape the catalogue templates have always used."""
    from oscar.core.loading import get_model

    Region = get_model("catalogue", "Region")
    regions = Region.objects.in_bulk([option.value for option in options])
    return [(regions[option.value], option.count) for option in options if option.value in regions]


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self._category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self._category.is_public or request.user.is_staff):
            raise Http404
        expected = self._category.get_absolute_url()
        if expected != request.path:
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def category(self):
        return self._category

    def first_page_url(self):
        return self._category.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self._category
        ctx["summary"] = self._category.name
        return ctx


class FacetedSearchView(CatalogueView):
    """Keyword search over the catalogue, with a separate section of matching CMS stories."""

    template_name = "oscar/search/results.html"
    cards_vary_on_query = True

    def get(self, request, *args, **kwargs):
        self.raw_query = (request.GET.get("q") or "")[:2000]
        self.query = text.clean_query(self.raw_query)
        return super().get(request, *args, **kwargs)

    def default_sort(self):
        return DEFAULT_QUERY_SORT if self.query else DEFAULT_SORT

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.query
        ctx["raw_query"] = self.raw_query.strip()[:200]
        if self.query:
            first = ctx["products"][0].pk if ctx["products"] else None
            ctx.update(
                remember(
                    self.cache_version(),
                    "query-extras",
                    (self.query, first),
                    lambda: self.query_extras(first),
                )
            )
        ctx["summary"] = (
            _("Results for “%(query)s”") % {"query": self.query} if self.query else _("All products")
        )
        return ctx

    def query_extras(self, first_product_id) -> dict:
        """Stories matching the query, which word homophone results are for, a did-you-mean."""
        extras = {"stories": presentation.stories(self.query)}
        if first_product_id is not None:
            # Results found through a homophone (脐撑 → 脐橙): say which word they are for.
            title = Product.objects.filter(pk=first_product_id).values_list("title", flat=True).first() or ""
            extras["showing_instead"] = understanding.correction(self.query, title)
        if not self.results.total:
            suggestion = engine.backend().closest_title(self.query)
            if suggestion:
                extras["did_you_mean"] = _best_phrase(suggestion, self.query)
        return extras


def _best_phrase(title: str, query: str) -> str:
    """The word of `title` sharing most tokens with the query: the did-you-mean suggestion."""
    wanted = set(text.query_tokens(query))
    words = text.TOKEN.findall(title)
    scored = [(len(wanted & set(text.index_tokens(word))), word) for word in words]
    scored = [pair for pair in scored if pair[0]]
    return max(scored, key=lambda pair: (pair[0], len(pair[1])))[1] if scored else title


class AutocompleteView(View):
    """JSON suggestions for the search box: products, categories and counties shoppers may see."""

    def get(self, request):
        response = JsonResponse(
            autocomplete.suggest(request.GET.get("q", "")[:200]), json_dumps_params={"ensure_ascii": False}
        )
        response["Cache-Control"] = "public, max-age=60"
        return response
