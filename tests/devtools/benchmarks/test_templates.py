"""The template-engine comparison measures the same card in both engines (devtools/benchmarks/templates.py)."""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from devtools.benchmarks import templates

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(partner, certified_product, uncertified_product):
    sold_out = certified_product.__class__.objects.get(pk=certified_product.pk)
    sold_out.stockrecords.update(num_in_stock=0)
    return list(Product.objects.browsable().for_cards().order_by("id"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_both_engines_render_the_same_card_and_are_timed(listing, language):
    result = templates.compare(listing, templates.listing_request(), rounds=2, language=language)

    assert [row["engine"] for row in result["timings"]] == ["django", "jinja2"]
    assert all(row["cards"] == len(listing) and row["median_us_per_card"] > 0 for row in result["timings"])
    assert result["jinja2_speedup"] > 0


def test_a_port_that_drifts_from_the_django_card_is_refused(listing, monkeypatch):
    monkeypatch.setattr(templates, "JINJA_CARD", templates.JINJA_CARD.replace("product-card__price", "price"))
    with pytest.raises(AssertionError, match="the engines differ"):
        templates.compare(listing, templates.listing_request(), rounds=1)


def test_the_command_writes_its_figures(listing, tmp_path):
    output = tmp_path / "templates.json"
    call_command("bench_templates", cards=5, rounds=2, output=str(output))
    assert '"jinja2_speedup"' in output.read_text()
