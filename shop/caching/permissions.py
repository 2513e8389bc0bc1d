"""Authentication backends that keep each user's permission set in the cache.

The header asks `perms.partner.dashboard_access` on every page, which cost two queries (the user's
own and their groups' permissions) per request. The set is cached per user under a version that
any change to permissions, groups or group memberships bumps (`permissions_changed`, connected in
`shop.caching.connect_receivers`), so a granted or withdrawn permission counts on the next request.
The same version keys the account menu's cached workspaces (`personal.workspaces`).
"""

from django.contrib.auth import backends
from django.core.cache import cache
from oscar.apps.customer import auth_backends

PERMISSIONS_VERSION_KEY = "permissions-version"
PERMISSIONS_SECONDS = 3600


def permissions_changed(**kwargs) -> None:
    from shop.caching import bump_version

    bump_version(PERMISSIONS_VERSION_KEY)


def permissions_version() -> int:
    from shop.caching import new_version

    return cache.get_or_set(PERMISSIONS_VERSION_KEY, new_version, timeout=None)


class CachedPermissionsMixin:
    def get_all_permissions(self, user_obj, obj=None):
        """The user's permission set from the cache; computed by Django's ModelBackend on a miss."""
        if obj is None and user_obj.is_active and not user_obj.is_anonymous:
            if not hasattr(user_obj, "_perm_cache"):
                version = permissions_version()
                key = f"permissions:{version}:{user_obj.pk}:{int(user_obj.is_superuser)}"
                permissions = cache.get(key)
                if permissions is None:
                    permissions = super().get_all_permissions(user_obj, obj)
                    cache.set(key, permissions, PERMISSIONS_SECONDS)
                user_obj._perm_cache = permissions
        return super().get_all_permissions(user_obj, obj)


class EmailBackend(CachedPermissionsMixin, auth_backends.EmailBackend):
    """Oscar's e-mail login, with cached permissions."""


class ModelBackend(CachedPermissionsMixin, backends.ModelBackend):
    """Django's username login, with cached permissions."""
