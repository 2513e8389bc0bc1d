"""Products and categories with Chinese names get pinyin slugs, and their pages answer at them."""

import pytest
from oscar.core.loading import get_model

from catalogue_ext.slugs import pinyin_slugify
from tests import factories

Category = get_model("catalogue", "Category")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("赣南脐橙 5kg 礼盒", "gan-nan-qi-cheng-5kg-li-he"),
        ("普洱茶（熟茶）357g", "pu-er-cha-shu-cha-357g"),
        ("Honey 蜂蜜", "honey-feng-mi"),
        ("ＡＢＣ　苹果", "abc-ping-guo"),  # full-width letters and space fold to ASCII
    ],
)
def test_pinyin_slugify(title, slug):
    assert pinyin_slugify(title) == slug


@pytest.mark.django_db
def test_product_and_category_urls_use_pinyin(client):
    product = factories.ProductFactory(title="赣南脐橙 5kg")
    category = Category.add_root(name="新鲜水果")

    assert product.slug == "gan-nan-qi-cheng-5kg"
    assert category.slug == "xin-xian-shui-guo"
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert "赣南脐橙 5kg" in response.content.decode()
    assert client.get(category.get_absolute_url()).status_code == 200
