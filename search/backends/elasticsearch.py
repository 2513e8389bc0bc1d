"""The Elasticsearch 8 backend: index definition, client, searching and indexing through an alias.

The only module (with search.queries building the requests) that talks to Elasticsearch. Shoppers
search the alias `<prefix>-products`; a rebuild fills a new concrete index and swaps the alias.
"""

import datetime
import functools
import logging

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Index,
    Integer,
    Keyword,
    Text,
    analyzer,
    token_filter,
)

from search import queries, understanding
from search.backends.base import SearchBackend, SearchRequest, SearchResults
from shop.core import dates

logger = logging.getLogger("aidmarket.search")

# Width folding, lower case, then CJK bigrams; the index also keeps unigrams so that a one-character
# query (茶) matches, while a longer query is matched by its bigrams.
cjk_bigram_with_unigrams = token_filter("cjk_bigram_with_unigrams", type="cjk_bigram", output_unigrams=True)
cjk_index = analyzer(
    "cjk_index", tokenizer="standard", filter=["cjk_width", "lowercase", cjk_bigram_with_unigrams]
)
cjk_search = analyzer("cjk_search", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"])


class ProductSearchDocument(Document):
    id = Integer()
    title = Text(analyzer=cjk_index, search_analyzer=cjk_search, fields={"raw": Keyword(ignore_above=256)})
    body = Text(analyzer=cjk_index, search_analyzer=cjk_search)
    pinyin = Keyword()
    category_ids = Integer()
    province = Keyword()
    city = Keyword()
    county = Keyword()
    seller_id = Integer()
    price = Float()
    in_stock = Boolean()
    certified = Boolean()
    certified_until = Date()
    help_sell = Boolean()
    num_sold = Integer()
    date_created = Date()
    available = Boolean()


def alias_name() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-products"


def new_index_name() -> str:
    return f"{alias_name()}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"


def index_definition(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0, refresh_interval="1s")
    index.document(ProductSearchDocument)
    return index


@functools.cache
def _client(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


def client() -> Elasticsearch:
    return _client(settings.ELASTICSEARCH_URL, float(getattr(settings, "ELASTICSEARCH_TIMEOUT", 3)))


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, es: Elasticsearch | None = None):
        self.es = es or client()

    def search(self, request: SearchRequest) -> SearchResults:
        results = self._search(request, homophones=False)
        if not results.total and request.query and understanding.has_homophones(request.query):
            results = self._search(request, homophones=True)  # nothing matched as typed: 脐撑 → 脐橙
        return results

    def _search(self, request: SearchRequest, *, homophones: bool) -> SearchResults:
        search = queries.build_search(request, index=alias_name(), today=dates.today(), homophones=homophones)
        response = self.es.search(index=alias_name(), body=search.to_dict())
        hits = response["hits"]
        facets = queries.parse_facets(response.get("aggregations", {})) if request.with_facets else {}
        return SearchResults(
            ids=[int(hit["_id"]) for hit in hits["hits"]],
            total=hits["total"]["value"],
            facets=facets,
            backend=self.name,
        )

    def closest_title(self, query: str) -> str | None:
        search = queries.build_closest(query, index=alias_name())
        hits = self.es.search(index=alias_name(), body=search.to_dict())["hits"]["hits"]
        return hits[0]["_source"]["title"] if hits else None

    # Indexing -------------------------------------------------------------------------------------

    def ensure_index(self) -> None:
        """Create a first index behind the alias if there is none (new installs, tests)."""
        if not self.es.indices.exists_alias(name=alias_name()):
            name = new_index_name()
            index_definition(name).create(using=self.es)
            self.es.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias_name()}}])

    def index(self, docs, *, deleted_ids=(), refresh: bool | None = None) -> None:
        self.ensure_index()
        actions = [
            {"_op_type": "index", "_index": alias_name(), "_id": doc.id, "_source": doc.as_elasticsearch()}
            for doc in docs
        ]
        actions += [{"_op_type": "delete", "_index": alias_name(), "_id": pk} for pk in deleted_ids]
        if not actions:
            return
        if refresh is None:
            refresh = getattr(settings, "SEARCH_REFRESH_ON_INDEX", False)
        helpers.bulk(self.es, actions, raise_on_error=False, refresh=True if refresh else False)

    def missing_ids(self, ids) -> set[int]:
        """Which of these products have no document in the index."""
        if not ids:
            return set()
        self.ensure_index()
        found = self.es.mget(index=alias_name(), ids=[str(pk) for pk in ids], source=False)["docs"]
        return {int(doc["_id"]) for doc in found if not doc.get("found")}

    def start_rebuild(self) -> str:
        name = new_index_name()
        index_definition(name).create(using=self.es)
        # No refreshes while bulk loading; restored before the swap.
        self.es.indices.put_settings(index=name, settings={"index": {"refresh_interval": "-1"}})
        return name

    def bulk_into(self, name: str, docs) -> None:
        actions = (
            {"_op_type": "index", "_index": name, "_id": doc.id, "_source": doc.as_elasticsearch()}
            for doc in docs
        )
        # Bulk loads take longer than a shopper's search may: their own, longer timeout.
        helpers.bulk(self.es.options(request_timeout=120), actions, chunk_size=1000, raise_on_error=True)

    def finish_rebuild(self, name: str) -> list[str]:
        """Point the alias at the new index in one atomic call, then drop the indices it replaced."""
        es = self.es.options(request_timeout=300)  # refreshing a freshly loaded index takes a while
        es.indices.put_settings(index=name, settings={"index": {"refresh_interval": "1s"}})
        es.indices.refresh(index=name)
        try:
            old = list(es.indices.get_alias(name=alias_name()).keys())
        except NotFoundError:
            old = []
        actions = [{"remove": {"index": index, "alias": alias_name()}} for index in old]
        actions.append({"add": {"index": name, "alias": alias_name()}})
        es.indices.update_aliases(actions=actions)
        for index in old:
            if index != name:
                es.indices.delete(index=index, ignore_unavailable=True)
        return old

    def drop_all(self) -> None:
        """Delete every product index (by name: Elasticsearch 8 refuses wildcard deletes by default)."""
        names = list(self.es.indices.get(index=f"{alias_name()}-*", expand_wildcards="all").keys())
        for name in names:
            self.es.indices.delete(index=name, ignore_unavailable=True)
