"""Django's template engine against Jinja2 on the hottest listing template, the product card.

Issue 18 asked to measure both engines on the listing templates and choose by the numbers. The card
(`templates/oscar/catalogue/partials/product_card.html`) is rendered once per product on every listing
page that is not cached; `JINJA_CARD` below is the same card written for Jinja2, with the same helpers
(Oscar's thumbnailer, pricing strategy and currency filter, Django's translations). `compare()` first
checks that both give the same HTML for every product measured (a port that drifted would measure
something else), then times each engine rendering every card, as a listing page does: one context per
page, the card rendered per product.
"""

import re
import statistics
import time
from dataclasses import asdict, dataclass

import jinja2
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from oscar.core.thumbnails import get_thumbnailer
from oscar.templatetags.currency_filters import currency

DJANGO_CARD = "oscar/catalogue/partials/product_card.html"
DJANGO_BADGE = "oscar/catalogue/partials/certified_badge.html"

JINJA_BADGE = (
    '<span class="certified-badge" title="{{ _("Certified consumption-aid product: approved certificate, '
    'not expired") }}">{{ _("Certified aid product") }}</span>'
)
JINJA_CARD = """\
<article class="product_pod product-card{% if product.in_stock is sameas false %} is-sold-out{% endif %}" \
data-product-id="{{ product.pk }}">
  <a class="product-card__image" href="{{ product.get_absolute_url() }}" tabindex="-1" aria-hidden="true">
    {% set thumb = thumbnail(product.primary_image().original, "360x360", crop="center") %}
      <img src="{{ thumb.url }}" alt="" width="180" height="180"{% if not eager %} loading="lazy"{% endif %} \
decoding="async">
    {% if product.in_stock is sameas false %}<span class="product-card__sold-out">{{ _("Sold out") }}</span>\
{% endif %}
  </a>
  <div class="product-card__body">
    <h3 class="product-title"><a href="{{ product.get_absolute_url() }}">{% if product.search_title %}\
{{ product.search_title }}{% else %}{{ product.get_title() }}{% endif %}</a></h3>
    <p class="product-card__badges">
      {% if product.is_certified_now %}{% include "certified_badge.html" %}{% endif %}
      {% if product.is_help_sell %}<span class="help-sell-badge">{{ _("Help-sell") }}</span>{% endif %}
    </p>
    {% set session = purchase_info(request, product) %}
    <p class="product-card__price">
      {% if session.price.exists %}<span class="price_color">\
{{ session.price.incl_tax|currency(session.price.currency) }}</span>{% endif %}
      {% if product.units_sold %}<span class="product-card__sold">\
{{ ngettext("%(units)s sold", "%(units)s sold", product.units_sold)|format(units=product.units_sold) }}</span>\
{% endif %}
    </p>
    {% if product.origin_county %}<p class="product-origin" title="{{ product.origin_province.name }} \
{{ product.origin_county.name }}">{{ product.origin_county.name }}</p>{% endif %}
  </div>
</article>
"""


def listing_request():
    """A request as a catalogue page gets it, for rendering cards: an anonymous visitor with Oscar's strategy."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from oscar.core.loading import get_class

    request = RequestFactory().get("/catalogue/")
    request.user = AnonymousUser()
    request.strategy = get_class("partner.strategy", "Selector")().strategy(
        request=request, user=request.user
    )
    return request


def jinja_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({"card.html": JINJA_CARD, "certified_badge.html": JINJA_BADGE}),
        autoescape=True,
        auto_reload=False,
    )
    environment.globals.update(
        _=translation.gettext,
        ngettext=translation.ngettext,
        thumbnail=lambda source, size, **options: get_thumbnailer().generate_thumbnail(
            source, size=size, **options
        ),
        purchase_info=lambda request, product: (
            request.strategy.fetch_for_parent(product)
            if product.is_parent
            else request.strategy.fetch_for_product(product)
        ),
    )
    environment.filters["currency"] = currency
    return environment


def normalised(html: str) -> str:
    """The HTML with the whitespace between and inside tags that neither engine means collapsed."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r">\s+<", "><", html).replace("> ", ">").replace(" <", "<").strip()


@dataclass
class EngineTiming:
    engine: str
    cards: int
    rounds: int
    median_us_per_card: float
    best_us_per_card: float


def compare(products, request, *, rounds: int = 50, language: str = "zh-hans") -> dict:
    """Render every product's card with both engines `rounds` times; raise if their HTML differs."""
    products = list(products)
    django_card = get_template(DJANGO_CARD).template
    get_template(DJANGO_BADGE)  # loaded (and cached by the loader) before timing, as a warm server has it
    jinja_card = jinja_environment().get_template("card.html")

    def with_django(product, eager):
        return django_card.render(Context({"product": product, "request": request, "eager": eager}))

    def with_jinja(product, eager):
        return jinja_card.render(product=product, request=request, eager=eager)

    with translation.override(language):
        for index, product in enumerate(products):
            eager = index < 4
            ours, theirs = normalised(with_django(product, eager)), normalised(with_jinja(product, eager))
            if ours != theirs:
                raise AssertionError(f"the engines differ for product {product.pk}:\n{ours}\n{theirs}")
        timings = []
        for engine, render in (("django", with_django), ("jinja2", with_jinja)):
            per_round = []
            for _ in range(rounds):
                started = time.perf_counter()
                for index, product in enumerate(products):
                    render(product, index < 4)
                per_round.append((time.perf_counter() - started) * 1e6 / len(products))
            timings.append(
                EngineTiming(
                    engine,
                    len(products),
                    rounds,
                    round(statistics.median(per_round), 1),
                    round(min(per_round), 1),
                )
            )
    django_timing, jinja_timing = timings
    return {
        "timings": [asdict(timing) for timing in timings],
        "jinja2_speedup": round(django_timing.median_us_per_card / jinja_timing.median_us_per_card, 2),
    }
