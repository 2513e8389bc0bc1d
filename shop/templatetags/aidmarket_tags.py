from django import template

from shop.order import statuses

register = template.Library()


@register.filter
def order_status_label(status):
    return statuses.order_label(status)


@register.filter
def line_status_label(status):
    return statuses.line_label(status)


@register.simple_tag(takes_context=True)
def catalogue_cache_version(context):
    """The product cards' fragment version, for templates rendered without the context processors
    (Oscar's inclusion tags, such as the recently viewed products)."""
    from shop.caching import fragment_versions

    request = context.get("request")
    return fragment_versions(request)["catalogue_cache_version"] if request is not None else ""
