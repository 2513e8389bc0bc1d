"""The dashboard menu: Oscar's entries (OSCAR_DASHBOARD_NAVIGATION), then those of our own apps.

Our entries carry access functions, so they live with their apps rather than in settings.
"""

from django.conf import settings
from oscar.apps.dashboard.menu import *  # noqa: F401,F403
from oscar.apps.dashboard.menu import create_menu

from shop.core.navigation import NAVIGATION as JOBS_NAVIGATION
from shop.docking.navigation import NAVIGATION as DOCKING_NAVIGATION
from shop.institutions.navigation import NAVIGATION as INSTITUTIONS_NAVIGATION
from shop.sellers.navigation import NAVIGATION as SELLERS_NAVIGATION


def navigation() -> list[dict]:
    """Every dashboard menu entry, in the order the menu shows them."""
    return [
        *settings.OSCAR_DASHBOARD_NAVIGATION,
        *INSTITUTIONS_NAVIGATION,
        *SELLERS_NAVIGATION,
        *DOCKING_NAVIGATION,
        *JOBS_NAVIGATION,
    ]


def get_nodes(user):
    """The visible navigation nodes for the user (Oscar's hook, over `navigation()`)."""
    visible_nodes = []
    for node in create_menu(navigation()):
        filtered_node = node.filter(user)
        # Headings without children are not shown.
        if filtered_node and (filtered_node.has_children() or not filtered_node.is_heading):
            visible_nodes.append(filtered_node)
    return visible_nodes
