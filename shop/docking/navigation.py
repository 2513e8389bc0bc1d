"""Dashboard menu entries for docking (added by shop/dashboard/menu.py)."""

from django.utils.translation import gettext_lazy as _

from shop.sellers.navigation import officer_access, seller_access, staff_access


def report_access(user, *args, **kwargs) -> bool:
    return staff_access(user) or officer_access(user)


NAVIGATION = [
    {
        "label": _("Purchase demands"),
        "icon": "fas fa-handshake",
        "access_fn": lambda user, *args, **kwargs: seller_access(user) or report_access(user),
        "children": [
            {
                "label": _("Demands for my shop"),
                "url_name": "docking:seller-demands",
                "access_fn": seller_access,
            },
            {
                "label": _("Demands for my county"),
                "url_name": "docking:county-demands",
                "access_fn": officer_access,
            },
            {"label": _("Docked volume"), "url_name": "docking:report", "access_fn": report_access},
        ],
    },
]
