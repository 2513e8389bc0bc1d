"""Dashboard menu entries for the staff-only institutions pages (added by shop/dashboard/menu.py)."""

from django.utils.translation import gettext_lazy as _

from shop.institutions.access import staff_only

NAVIGATION = [
    {
        "label": _("Institutional buyers"),
        "icon": "fas fa-building",
        "access_fn": staff_only,
        "children": [
            {
                "label": _("Organisations overview"),
                "url_name": "institutions-dashboard:overview",
                "access_fn": staff_only,
            },
            {
                "label": _("Bank transfers to record"),
                "url_name": "institutions-dashboard:payments",
                "access_fn": staff_only,
            },
            {
                "label": _("Platform impact"),
                "url_name": "institutions-dashboard:impact",
                "access_fn": staff_only,
            },
        ],
    },
]
