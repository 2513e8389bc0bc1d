"""Each process's copy of versioned values in front of the shared cache (shop/caching/tiered.py)."""

import pytest
from django.core.cache import cache, caches
from django.test import Client

from shop import caching
from shop.caching.tiered import TieredCache, versioned_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier():
    return TieredCache(
        "tests-tier", {"OPTIONS": {"REMOTE": "default", "LOCAL_SECONDS": 30, "MAX_ENTRIES": 50}}
    )


def test_the_suite_and_production_use_the_tiered_cache_for_versioned_values_and_fragments():
    assert isinstance(versioned_cache(), TieredCache)
    assert isinstance(caches["template_fragments"], TieredCache)
    versioned_cache().set("shared:one", "value")
    assert caches["template_fragments"].local.get("shared:one") == "value"  # one local store for both


def test_a_stored_value_is_read_back_from_the_process_copy_without_the_shared_cache(tier):
    tier.set("page:1", b"<html>")
    assert cache.get("page:1") == b"<html>"  # written through
    cache.delete("page:1")  # the shared cache is not asked again
    assert tier.get("page:1") == b"<html>"


def test_a_value_read_from_the_shared_cache_is_kept_by_the_process(tier):
    cache.set("page:2", "from redis")
    assert tier.get("page:2") == "from redis"
    cache.delete("page:2")
    assert tier.get("page:2") == "from redis"
    assert tier.get("page:missing", "default") == "default"


def test_get_many_takes_what_the_process_has_and_asks_the_shared_cache_for_the_rest(tier):
    tier.set("card:1", "one")
    cache.set("card:2", "two")
    cache.delete("card:1")
    assert tier.get_many(["card:1", "card:2", "card:3"]) == {"card:1": "one", "card:2": "two"}
    cache.delete("card:2")
    assert tier.get_many(["card:2"]) == {"card:2": "two"}


def test_the_process_keeps_a_copy_no_longer_than_its_local_seconds(tier, monkeypatch):
    import django.core.cache.backends.locmem as locmem

    now = locmem.time.time()
    tier.set("page:3", "kept", timeout=600)
    cache.delete("page:3")
    monkeypatch.setattr(locmem.time, "time", lambda: now + 31)
    assert tier.get("page:3") is None


def test_a_value_stored_for_less_than_local_seconds_expires_as_early_locally(tier, monkeypatch):
    import django.core.cache.backends.locmem as locmem

    now = locmem.time.time()
    tier.set("page:4", "short", timeout=5)
    monkeypatch.setattr(locmem.time, "time", lambda: now + 6)
    assert tier.get("page:4") is None


def test_delete_and_clear_forget_both_copies(tier):
    tier.set("page:5", "x")
    tier.delete("page:5")
    assert tier.get("page:5") is None and cache.get("page:5") is None
    tier.set("page:6", "y")
    tier.clear()
    assert tier.get("page:6") is None and cache.get("page:6") is None


def test_versions_are_never_kept_in_a_process_copy(tier):
    tier.set("a-version", 1)
    with pytest.raises(NotImplementedError):
        tier.incr("a-version")


def test_a_version_starts_again_at_a_new_random_number_after_the_shared_cache_lost_it():
    first = caching.catalogue_version()
    cache.clear()  # Redis restarted empty; each process still holds copies keyed on `first`
    second = caching.catalogue_version()
    assert second != first
    caching.bump_version("some-version")  # missing: a new start, not a small number pages were keyed on
    assert cache.get("some-version") > 2**16


def test_after_the_shared_cache_restarts_empty_no_process_serves_its_old_copy_of_a_page(
    settings, certified_product
):
    settings.AIDMARKET_PAGE_CACHE_SECONDS = 600
    url = certified_product.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    type(certified_product).objects.filter(pk=certified_product.pk).update(
        title="Renamed while Redis was down"
    )
    cache.clear()  # the shared cache forgot everything, versions included; this process kept its copies

    page = Client().get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Renamed while Redis was down" in page.content.decode()


def test_the_versioned_cache_is_the_default_cache_when_not_configured(settings):
    settings.CACHES = {"default": settings.CACHES["default"]}
    assert versioned_cache() is caches["default"]
    assert not isinstance(versioned_cache(), TieredCache)
