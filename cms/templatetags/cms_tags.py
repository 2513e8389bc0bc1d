from django import template

from cms import related

register = template.Library()


@register.simple_tag
def related_pages(product=None, seller=None, county=None, limit=12):
    """Published CMS pages featuring the product (or its seller or county), a seller or a county."""
    if not (product or seller or county):
        return []
    return related.pages_featuring(
        product=product or None, seller=seller or None, county=county or None, limit=limit
    )


@register.simple_tag(takes_context=True)
def link_href(context, link):
    """The address of a LinkBlock / HeroSlideBlock value: its page if chosen, else its URL."""
    page = link.get("page") or link.get("link_page")
    if page is not None:
        return page.get_url(context.get("request"))
    return link.get("url") or link.get("link_url") or ""


@register.simple_tag(takes_context=True)
def county_url(context, county):
    """The county's page (its stories and products), or "" when there is no story index."""
    from cms import directory

    return directory.county_url(county, request=context.get("request")) if county else ""


@register.simple_tag(takes_context=True)
def seller_url(context, seller):
    """The seller's page (its stories and products), or "" when there is no story index."""
    from cms import directory

    return directory.seller_url(seller, request=context.get("request")) if seller else ""
