from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from oscar.apps.customer import views

from shop.customer import addresses
from shop.customer.forms import UserAddressForm


class OrderLineView(views.OrderLineView):
    """Oscar's order line URL only takes the re-order POST; it has no template for GET (a 500)."""

    def get_object(self, queryset=None):
        """The line of one of the customer's own orders; an unknown line is a 404, not a 500."""
        order = get_object_or_404(views.Order, user=self.request.user, number=self.kwargs["order_number"])
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])

    def get(self, request, *args, **kwargs):
        """Show the line where it is listed, with its re-order button: on the order's page."""
        line = self.get_object()
        return redirect("customer:order", order_number=line.order.number)


class AddressCreateView(views.AddressCreateView):
    form_class = UserAddressForm


class AddressUpdateView(views.AddressUpdateView):
    form_class = UserAddressForm


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def address_regions(request):
    """The cities of `?province=` or the districts of `?city=`, for the cascading address selects."""
    if request.GET.get("province"):
        choices = addresses.cities(request.GET["province"][:6])
    elif request.GET.get("city"):
        choices = addresses.districts(request.GET["city"][:6])
    else:
        choices = addresses.provinces()
    return JsonResponse({"regions": [{"code": code, "name": str(name)} for code, name in choices]})
