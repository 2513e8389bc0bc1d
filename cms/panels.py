"""Editor panels that warn about content that will not show as the editor expects."""

from wagtail.admin.panels import Panel


class FeaturedProductWarningsPanel(Panel):
    """Lists featured products that are unpublished, out of stock or no longer certified."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/panels/featured_product_warnings.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            from cms.products import featured_product_ids, product_problems

            self.problems = product_problems(featured_product_ids(self.instance)) if self.instance.pk else []

        def is_shown(self):
            return bool(self.problems)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["problems"] = self.problems
            return context
