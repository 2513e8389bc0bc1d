from django.shortcuts import get_object_or_404, redirect
from oscar.apps.customer import views


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
