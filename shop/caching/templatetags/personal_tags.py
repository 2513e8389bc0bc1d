from django import template
from django.utils.safestring import mark_safe

from shop.caching import holes

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, name, *args):
    """A visitor's own part of the page (shop/caching/holes.py): a marker when the page is rendered to
    be shared, the part itself otherwise."""
    request = context.get("request")
    args = tuple("" if value is None else str(value) for value in args)
    if holes.punching(request):
        return mark_safe(holes.marker(name, args))
    if request is None:  # rendered outside a request (an e-mail): nobody's part to show
        return ""
    return mark_safe(holes.render(request, name, args, context=context))
