from django.utils.functional import SimpleLazyObject
from oscar.apps.basket import views


class BasketView(views.BasketView):
    def get_default_shipping_address(self):
        """The user's default shipping address, read only if the shipping repository looks at it (Oscar's
        default repository, ours, never does: the basket page would query it for nothing)."""
        if not self.request.user.is_authenticated:
            return None
        return SimpleLazyObject(super().get_default_shipping_address)
