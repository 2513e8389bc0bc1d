"""The dashboard menu entry for the background jobs page (added by shop/dashboard/menu.py)."""

from django.utils.translation import gettext_lazy as _


def staff_access(user, *args, **kwargs) -> bool:
    return bool(user.is_active and user.is_staff)


NAVIGATION = [
    {
        "label": _("Background jobs"),
        "icon": "fas fa-tasks",
        "url_name": "jobs-dashboard:list",
        "access_fn": staff_access,
    },
]
