from django import template
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import mark_safe

from shop import caching
from shop.caching import holes
from shop.caching.tiered import versioned_cache

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


@register.tag("shared")
def do_shared(parser, token):
    """`{% shared "name" vary_on… %}…{% endshared %}`: a block of the page frame that is the same for every
    visitor but for its `{% personal %}` parts (the header, the footer), rendered once per catalogue
    version, host and `vary_on` values and kept with markers for those parts; each page then gets it with
    its visitor's parts and CSRF token filled in. It renders in place when the page cache is off."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a name")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )


class SharedNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        request = context.get("request")
        version = context.get("catalogue_cache_version")
        if not version or request is None:
            return self.nodelist.render(context)
        vary_on = [version, request.get_host(), *(variable.resolve(context) for variable in self.vary_on)]
        key = make_template_fragment_key(f"shared.{self.name.resolve(context)}", vary_on)
        fragments = versioned_cache()
        content = fragments.get(key)
        if content is None:
            with holes.punched(request):
                content = caching.without_csrf_token(self.nodelist.render(context).encode())
            fragments.set(key, content, caching.page_cache_seconds())
        content = caching.with_csrf_token(request, content)
        if not holes.punching(request):  # a page kept for everyone fills the whole page's parts itself
            content = holes.fill(request, content)
        return mark_safe(content.decode())
