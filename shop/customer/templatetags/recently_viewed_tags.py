from django import template

from shop.customer import recently_viewed

register = template.Library()


@register.inclusion_tag("oscar/customer/history/recently_viewed_strip.html", takes_context=True)
def recently_viewed_strip(context, current_product=None):
    """A signed-in customer's recently viewed products as a sideways-scrolling strip of links."""
    return {"products": recently_viewed.products(context["request"], exclude=current_product)}
