"""Rebuilding, queueing and surviving an Elasticsearch outage."""

import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import documents, engine, indexing
from search.backends import elasticsearch as es_backend
from search.backends.base import SearchRequest
from search.models import PendingIndexUpdate, ProductDocument
from tests import factories
from tests.search.conftest import _free_port
from tests.search.factories import build_catalogue


def search_ids(query=""):
    from search.filters import CatalogueFilters

    sort = "relevance" if query else "newest"
    return (
        engine.backend()
        .search(SearchRequest(query=query, filters=CatalogueFilters(sort=sort), per_page=50))
        .ids
    )


def test_documents_are_built_in_a_fixed_number_of_queries(db):
    few = [factories.ProductFactory(certified=True).id for _ in range(2)]
    many = few + [factories.ProductFactory(certified=True).id for _ in range(8)]

    with CaptureQueriesContext(connection) as for_few:
        documents.build(few)
    with CaptureQueriesContext(connection) as for_many:
        built = documents.build(many)

    assert len(built) == 10
    assert len(for_many) == len(for_few)


def test_rebuild_command_restores_the_database_index(search_backend, capsys):
    catalogue = build_catalogue()
    ProductDocument.objects.all().delete()
    if search_backend == "database":
        assert search_ids("脐橙") == []

    call_command("rebuild_search_index", "--batch-size", "3")

    assert search_ids("脐橙") == [catalogue.navel.id, catalogue.navel_gift.id]
    assert ProductDocument.objects.count() == 9  # every product, visible or not
    assert "Indexed 9 products" in capsys.readouterr().out


def test_rebuild_fills_a_new_index_and_swaps_the_alias(search_backend):
    if search_backend != "elasticsearch":
        pytest.skip("the alias swap is Elasticsearch's")
    catalogue = build_catalogue()
    es = es_backend.ElasticsearchBackend()
    before = list(es.es.indices.get_alias(name=es_backend.alias_name()))
    answered_during_rebuild = []

    def progress(count):
        # The old index still answers while the new one fills.
        answered_during_rebuild.append(search_ids("脐橙"))

    summary = indexing.rebuild(batch_size=4, progress=progress)

    after = list(es.es.indices.get_alias(name=es_backend.alias_name()))
    assert after == [summary["index"]] and after != before
    assert summary["replaced"] == before
    assert not es.es.indices.exists(index=before[0])
    assert answered_during_rebuild and all(
        ids == [catalogue.navel.id, catalogue.navel_gift.id] for ids in answered_during_rebuild
    )
    assert search_ids("脐橙") == [catalogue.navel.id, catalogue.navel_gift.id]


def test_outage_falls_back_to_the_database_and_logs(client, db, settings, caplog):
    catalogue = build_catalogue()  # indexed into the database only (ELASTICSEARCH_URL is unset)
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    caplog.set_level(logging.ERROR, logger="aidmarket.search")

    response = client.get(reverse("search:search"), {"q": "脐橙"})
    suggestions = client.get(reverse("search:autocomplete"), {"q": "qc"})

    assert response.status_code == 200
    assert [p.id for p in response.context["products"]] == [catalogue.navel.id, catalogue.navel_gift.id]
    assert response.context["search_backend"] == "database"
    assert catalogue.navel.id in [p["id"] for p in suggestions.json()["products"]]
    assert any("answering from the database" in r.getMessage() for r in caplog.records)


def test_indexing_during_an_outage_queues_the_products_for_later(db, settings, caplog):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    caplog.set_level(logging.ERROR, logger="aidmarket.search")

    product = factories.ProductFactory(title="秦岭土蜂蜜")

    assert PendingIndexUpdate.objects.filter(product_id=product.id).exists()
    assert ProductDocument.objects.filter(product=product, available=True).exists()  # database still current
    assert any("queued for retry" in r.getMessage() for r in caplog.records)


def test_queue_mode_sends_changes_to_elasticsearch_off_the_request_path(search_backend, settings):
    if search_backend != "elasticsearch":
        pytest.skip("the queue feeds Elasticsearch")
    settings.SEARCH_INDEX_QUEUE = True

    product = factories.ProductFactory(title="秦岭土蜂蜜")

    assert PendingIndexUpdate.objects.filter(product_id=product.id).exists()
    assert search_ids("蜂蜜") == []  # not in Elasticsearch yet

    call_command("process_search_queue")

    assert search_ids("蜂蜜") == [product.id]
    assert not PendingIndexUpdate.objects.exists()


def test_reindexing_rewrites_only_the_rows_that_changed(db):
    product = factories.ProductFactory(title="秦岭土蜂蜜")
    unchanged = ProductDocument.objects.get(product=product).indexed_at

    indexing.index_products([product.id])

    assert ProductDocument.objects.get(product=product).indexed_at == unchanged

    product.title = "秦岭野生土蜂蜜"
    product.save()
    indexing.index_products([product.id])

    document = ProductDocument.objects.get(product=product)
    assert document.title == "秦岭野生土蜂蜜" and document.indexed_at > unchanged
    assert " 野生 " in document.title_tokens
