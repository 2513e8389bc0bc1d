from django.utils.translation import gettext_lazy as _
from django_tables2 import TemplateColumn
from oscar.apps.dashboard.catalogue import tables as oscar_tables


class CategoryTable(oscar_tables.CategoryTable):
    """Oscar's category table, whose actions column is headed by its attribute name in English."""

    actions = TemplateColumn(
        verbose_name=_("Actions"),
        template_name="oscar/dashboard/catalogue/category_row_actions.html",
        orderable=False,
    )
