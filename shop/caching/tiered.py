"""A cache of versioned values: each server process keeps what it read last in its own memory, in front
of the shared cache (Redis).

Pages, `{% cache %}` fragments and the listings' shared parts are stored under keys that carry a version
(`shop.caching`): a change never rewrites a value, it bumps the version, so the next request asks for
another key. A value stored under a key is therefore the same for as long as it lives, and a process may
keep its own copy: an anonymous page hit then costs one round trip to Redis (the versions) instead of
two, and a signed-in page's header, footer and menu fragments none.

Only versioned values belong here, never the versions themselves (`incr` is refused) nor anything that
is deleted to be forgotten (sessions, counts). Each version starts at a random number
(`shop.caching.new_version`), so a Redis that restarts empty does not reuse the numbers that copies in
the processes were stored under. A process keeps its copy for at most `LOCAL_SECONDS` and at most
`MAX_ENTRIES` values (the oldest are culled first, as in Django's local-memory cache, which holds them).

Configured as the `versioned` and `template_fragments` caches when Redis is the cache
(`shop/settings/components/caching.py`); both share one local store. Without them, `versioned_cache()`
is the default cache.
"""

from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

VERSIONED_ALIAS = "versioned"
_MISSING = object()


def versioned_cache() -> BaseCache:
    """The cache for values stored under versioned keys: the tiered cache when configured, else the default."""
    try:
        return caches[VERSIONED_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


class TieredCache(BaseCache):
    """The process's own copy (Django's local-memory cache) in front of a shared cache alias (`REMOTE`).

    Keys are passed to both as they are: each applies its own prefix, so a value this cache stores is the
    one the shared cache holds under the same key (`search.cached.cards` reads product cards with it).
    """

    def __init__(self, location, params):
        options = params.get("OPTIONS", {})
        super().__init__({**params, "OPTIONS": {}})
        self.remote_alias = options.get("REMOTE", "default")
        self.local_seconds = int(options.get("LOCAL_SECONDS", 30))
        # Aliases with the same LOCATION share one store (Django's local-memory cache keys its stores by it).
        self.local = LocMemCache(
            location or "aidmarket-tiered",
            {
                "TIMEOUT": self.local_seconds,
                "OPTIONS": {"MAX_ENTRIES": int(options.get("MAX_ENTRIES", 1000))},
            },
        )

    @property
    def remote(self) -> BaseCache:
        return caches[self.remote_alias]

    def _local_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.remote.default_timeout
        if timeout is None:
            return self.local_seconds
        return min(timeout, self.local_seconds)

    def get(self, key, default=None, version=None):
        value = self.local.get(key, _MISSING, version=version)
        if value is not _MISSING:
            return value
        value = self.remote.get(key, _MISSING, version=version)
        if value is _MISSING:
            return default
        self.local.set(key, value, self.local_seconds, version=version)
        return value

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = self.local.get_many(keys, version=version)
        missing = [key for key in keys if key not in found]
        if missing:
            fetched = self.remote.get_many(missing, version=version)
            if fetched:
                self.local.set_many(fetched, self.local_seconds, version=version)
            found.update(fetched)
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.remote.set(key, value, timeout, version=version)
        if timeout is None or timeout is DEFAULT_TIMEOUT or timeout > 0:
            self.local.set(key, value, self._local_timeout(timeout), version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self.remote.set_many(data, timeout, version=version)
        self.local.set_many(
            {key: value for key, value in data.items() if key not in failed},
            self._local_timeout(timeout),
            version=version,
        )
        return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self.remote.add(key, value, timeout, version=version)
        if added:
            self.local.set(key, value, self._local_timeout(timeout), version=version)
        return added

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, _MISSING, version=version)
        if value is _MISSING:
            value = default() if callable(default) else default
            self.set(key, value, timeout, version=version)
        return value

    def has_key(self, key, version=None):
        return self.local.has_key(key, version=version) or self.remote.has_key(key, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.remote.touch(key, timeout, version=version)

    def delete(self, key, version=None):
        self.local.delete(key, version=version)
        return self.remote.delete(key, version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self.local.delete_many(keys, version=version)
        self.remote.delete_many(keys, version=version)

    def clear(self):
        self.local.clear()
        self.remote.clear()

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("versions live in the shared cache, never in a process's copy")

    decr = incr

    def close(self, **kwargs):
        self.remote.close(**kwargs)
