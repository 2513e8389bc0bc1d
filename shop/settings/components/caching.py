"""The cache (Redis when REDIS_URL is set, local memory otherwise) and the anonymous page cache."""

from ..env import env

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="aidmarket"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def versioned_caches(local_seconds: int = 30, max_entries: int = 1000) -> dict:
    """Pages, `{% cache %}` fragments and listings' shared parts, kept by each process in front of the
    shared cache (shop/caching/tiered.py): `versioned` for the code, `template_fragments` for Django's
    cache tag, one local store for both."""
    tier = {
        "BACKEND": "shop.caching.tiered.TieredCache",
        "LOCATION": "aidmarket-versioned",
        "OPTIONS": {"REMOTE": "default", "LOCAL_SECONDS": local_seconds, "MAX_ENTRIES": max_entries},
    }
    return {"versioned": tier, "template_fragments": tier}


# A per-process copy only helps in front of a cache the processes share.
if REDIS_URL:
    CACHES.update(
        versioned_caches(
            env.int("VERSIONED_LOCAL_SECONDS", default=30), env.int("VERSIONED_LOCAL_ENTRIES", default=1000)
        )
    )

# With Redis, sessions are read from the cache (written through to the database): a signed-in page
# served from the shared page cache then needs no query for its session. Not with the local-memory
# cache, which each server process keeps to itself: another process would read a stale session.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# Whole-page cache for anonymous shoppers (shop.caching), in seconds; 0 switches it off.
AIDMARKET_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
