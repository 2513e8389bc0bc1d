from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from oscar.apps.customer.wishlists import views


class WishListCreateView(views.WishListCreateView):
    """Oscar redirects an unknown product to the un-namespaced URL name "wishlists-create": a 500."""

    def dispatch(self, request, *args, **kwargs):
        if "product_pk" in kwargs and not views.Product.objects.filter(pk=kwargs["product_pk"]).exists():
            messages.error(request, _("The requested product no longer exists"))
            return redirect("customer:wishlists-create")
        return super().dispatch(request, *args, **kwargs)


class WishListMoveProductToAnotherWishList(views.WishListMoveProductToAnotherWishList):
    """Oscar names the line's product in its messages; a line whose product was deleted has none (a 500)."""

    def dispatch(self, request, *args, **kwargs):
        self.fetch_line(request.user, kwargs["key"], line_pk=kwargs["line_pk"])
        if self.line.product is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
