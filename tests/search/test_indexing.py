"""Rebuilding, the Elasticsearch task, the daily check and surviving an Elasticsearch outage."""

import logging

import pytest
from celery.signals import task_prerun
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import documents, engine, indexing, tasks
from search.backends import elasticsearch as es_backend
from search.backends.base import SearchRequest
from search.models import ProductDocument
from tests import factories
from tests.commit import committed
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


def test_indexing_during_an_outage_retries_then_leaves_it_to_the_daily_check(
    db, settings, caplog, monkeypatch
):
    product = factories.ProductFactory(title="秦岭土蜂蜜")
    product.title = "秦岭野生土蜂蜜"
    product.save()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    monkeypatch.setattr(tasks.update_elasticsearch, "max_retries", 2)
    caplog.set_level(logging.WARNING, logger="aidmarket.search")

    indexing.index_products([product.id])

    assert ProductDocument.objects.get(product=product).title == "秦岭野生土蜂蜜"
    assert ProductDocument.objects.filter(product=product, available=True).exists()  # database still current
    messages = [r.getMessage() for r in caplog.records if r.name == "aidmarket.search"]
    assert sum("will retry" in m for m in messages) == 2
    assert any("after 3 attempts" in m and "daily check" in m for m in messages)


def test_retries_back_off_exponentially(db, settings, monkeypatch):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    countdowns = []
    original = tasks.update_elasticsearch.retry
    monkeypatch.setattr(tasks.update_elasticsearch, "max_retries", 3)
    monkeypatch.setattr(
        tasks.update_elasticsearch,
        "retry",
        lambda **kwargs: countdowns.append(kwargs["countdown"]) or original(**kwargs),
    )

    tasks.update_elasticsearch.delay([1])

    assert countdowns == [15, 30, 60]


def test_elasticsearch_is_updated_by_a_task_after_commit_once_per_product(search_backend, settings):
    if search_backend != "elasticsearch":
        pytest.skip("the task feeds Elasticsearch")
    settings.SEARCH_INDEX_ON_COMMIT = True
    queued = []

    def record(sender=None, args=None, **kwargs):
        if sender.name == tasks.update_elasticsearch.name:
            queued.append(args[0])

    task_prerun.connect(record)
    try:
        with committed():
            product = factories.ProductFactory(title="秦岭土蜂蜜")
            product.title = "秦岭野生土蜂蜜"
            product.save()
            assert search_ids("蜂蜜") == []  # nothing before the commit
    finally:
        task_prerun.disconnect(record)

    assert queued == [[product.id]]  # one task, the product once
    assert search_ids("蜂蜜") == [product.id]


def test_daily_check_repairs_what_an_outage_left_behind(search_backend, settings):
    if search_backend != "elasticsearch":
        pytest.skip("Elasticsearch must miss a product")
    url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = ""  # the change happens while Elasticsearch is unreachable
    product = factories.ProductFactory(title="秦岭土蜂蜜")
    ProductDocument.objects.filter(product=product).delete()  # and the database row got lost too
    settings.ELASTICSEARCH_URL = url
    assert search_ids("蜂蜜") == []

    call_command("check_search_index", "--no-progress")

    assert ProductDocument.objects.filter(product=product).exists()
    assert search_ids("蜂蜜") == [product.id]
    assert indexing.check() == {"checked": 1, "repaired": 0, "missing_in_elasticsearch": 0}


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
