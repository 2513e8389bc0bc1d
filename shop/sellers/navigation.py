"""Dashboard menu entries for sellers, county officers and reviewing staff (added by shop/dashboard/menu.py)."""

from django.utils.translation import gettext_lazy as _


def seller_access(user, *args, **kwargs) -> bool:
    from shop.sellers.access import is_seller

    return is_seller(user)


def officer_access(user, *args, **kwargs) -> bool:
    from shop.sellers.access import officer_county

    return officer_county(user) is not None


def staff_access(user, *args, **kwargs) -> bool:
    return user.is_staff


def _entry(label, url_name, access_fn):
    return {"label": label, "url_name": url_name, "access_fn": access_fn}


NAVIGATION = [
    {
        "label": _("My shop"),
        "icon": "fas fa-store",
        "access_fn": seller_access,
        "children": [
            _entry(_("Overview"), "sellers:seller-home", seller_access),
            _entry(_("Stock"), "sellers:stock", seller_access),
            _entry(_("Import / export"), "sellers:import", seller_access),
            _entry(_("Certificates"), "sellers:certificates", seller_access),
            _entry(_("Orders to ship"), "sellers:order-lines", seller_access),
            _entry(_("Help-sell"), "sellers:help-sell-flags", seller_access),
            _entry(_("Sales report"), "sellers:sales-report", seller_access),
        ],
    },
    {
        "label": _("My county"),
        "icon": "fas fa-landmark",
        "access_fn": officer_access,
        "children": [
            _entry(_("Applications"), "sellers:county-applications", officer_access),
            _entry(_("Sellers"), "sellers:county-sellers", officer_access),
            _entry(_("Certificates"), "sellers:county-certificates", officer_access),
            _entry(_("Sales"), "sellers:county-sales", officer_access),
        ],
    },
    {
        "label": _("Seller review"),
        "icon": "fas fa-clipboard-check",
        "access_fn": staff_access,
        "children": [
            _entry(_("Seller applications"), "sellers:staff-applications", staff_access),
            _entry(_("Certificate review queue"), "sellers:staff-certificates", staff_access),
        ],
    },
]
