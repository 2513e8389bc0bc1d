from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarConfig
from oscar.core.loading import get_class


class SearchConfig(OscarConfig):
    """Replaces Oscar's haystack search: product browsing, search and autocomplete views live here."""

    label = "search"
    name = "search"
    verbose_name = _("Search")
    namespace = "search"

    def ready(self):
        from search import receivers

        receivers.connect()
        self.search_view = get_class("search.views", "FacetedSearchView")
        self.autocomplete_view = get_class("search.views", "AutocompleteView")

    def get_urls(self):
        return self.post_process_urls(
            [
                path("", self.search_view.as_view(), name="search"),
                path("autocomplete/", self.autocomplete_view.as_view(), name="autocomplete"),
            ]
        )
