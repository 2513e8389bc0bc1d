from django.utils.functional import SimpleLazyObject
from oscar.apps.basket import views

from shop.caching import personal
from shop.core.rendering import INPUT_RENDERER


class BasketView(views.BasketView):
    # The basket's forms (management form, per line id, quantity, "save for later", delete; the voucher
    # code) write their inputs in Python: the same HTML, without two templates per field.
    factory_kwargs = {**views.BasketView.factory_kwargs, "renderer": INPUT_RENDERER}

    def get_context_data(self, **kwargs):
        # The visitor's versions, read once: the saved-basket check below and the header's parts use them.
        personal.prefetch(self.request)
        return super().get_context_data(**kwargs)

    def get_default_shipping_address(self):
        """The user's default shipping address, read only if the shipping repository looks at it (Oscar's
        default repository, ours, never does: the basket page would query it for nothing)."""
        if not self.request.user.is_authenticated:
            return None
        return SimpleLazyObject(super().get_default_shipping_address)

    def get_basket_voucher_form(self):
        form = super().get_basket_voucher_form()
        form.renderer = INPUT_RENDERER
        return form
