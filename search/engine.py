"""Which backend answers: Elasticsearch when ELASTICSEARCH_URL is set, the database otherwise.

If Elasticsearch fails (unreachable, timing out, rejecting a request) shoppers get the database
backend's answer and the failure is logged; a search page never becomes a 500 because of it.
"""

import logging

from django.conf import settings

from search.backends.base import SearchBackend, SearchRequest, SearchResults
from search.backends.database import DatabaseBackend

logger = logging.getLogger("aidmarket.search")


def elasticsearch_enabled() -> bool:
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def elasticsearch_backend():
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend()


class FallbackBackend(SearchBackend):
    """Ask the primary backend; on any error of its own, log and answer from the fallback."""

    def __init__(self, primary: SearchBackend, fallback: SearchBackend):
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def _call(self, method: str, *args, **kwargs):
        try:
            return getattr(self.primary, method)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any failure of the search service must degrade, not 500
            logger.exception(
                "Search backend %s failed in %s; answering from the database", self.primary.name, method
            )
            return getattr(self.fallback, method)(*args, **kwargs)

    def search(self, request: SearchRequest) -> SearchResults:
        return self._call("search", request)

    def closest_title(self, query: str) -> str | None:
        return self._call("closest_title", query)

    def suggest(self, query: str, *, limit: int) -> list[int]:
        return self._call("suggest", query, limit=limit)


def backend() -> SearchBackend:
    """The backend views use."""
    if elasticsearch_enabled():
        return FallbackBackend(elasticsearch_backend(), DatabaseBackend())
    return DatabaseBackend()
