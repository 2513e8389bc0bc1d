from oscar.apps.dashboard import apps


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, forked so that dashboard.catalogue.* classes can be overridden here."""

    name = "shop.dashboard"
    label = "dashboard"
