from django.template.defaultfilters import yesno
from django.utils.translation import pgettext_lazy
from django_tables2 import Column
from oscar.apps.dashboard.users import tables as oscar_tables


class UserTable(oscar_tables.UserTable):
    """Oscar's user table with a translated name header and yes/no in words instead of True/False."""

    name = Column(
        accessor="get_full_name",
        order_by=("last_name", "first_name"),
        verbose_name=pgettext_lazy("User's name", "Name"),
    )

    def render_active(self, value):
        return yesno(value)

    def render_staff(self, value):
        return yesno(value)
