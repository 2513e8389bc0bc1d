from django.db import transaction
from oscar.apps.dashboard.catalogue import views as oscar_views


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    def get_form_kwargs(self):
        """The product form needs the user to offer only the origin counties it may choose."""
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        """Product, stock records and images are saved together or not at all."""
        with transaction.atomic():
            return super().post(request, *args, **kwargs)
