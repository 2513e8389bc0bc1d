"""The one interface both search backends implement; views and commands only see this."""

from dataclasses import dataclass, field

from search.filters import CatalogueFilters


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: CatalogueFilters = field(default_factory=CatalogueFilters)
    page: int = 1
    per_page: int = 24
    category_id: int | None = None  # a category page: restrict everything, facets included, to it
    with_facets: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class SearchResults:
    ids: list[int]
    total: int
    # group → {value: count}; certified/in_stock/help_sell → {True: count}
    facets: dict[str, dict] = field(default_factory=dict)
    backend: str = ""


class SearchBackend:
    name = "base"

    def search(self, request: SearchRequest) -> SearchResults:
        raise NotImplementedError

    def closest_title(self, query: str) -> str | None:
        """The title of the product sharing most tokens with a query that found nothing (did-you-mean)."""
        raise NotImplementedError

    def suggest(self, query: str, *, limit: int) -> list[int]:
        """Ids of the products a relevance search ranks first: the search box's product suggestions."""
        request = SearchRequest(
            query=query, filters=CatalogueFilters(sort="relevance"), per_page=limit, with_facets=False
        )
        return self.search(request).ids

    def index(self, docs, *, deleted_ids=()) -> None:
        raise NotImplementedError
