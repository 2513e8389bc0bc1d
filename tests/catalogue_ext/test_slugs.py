"""Products and categories with Chinese names get pinyin slugs, and their pages answer at them."""

import pytest
from oscar.core.loading import get_class, get_model

from catalogue_ext.slugs import pinyin_slugify
from tests import factories

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductForm = get_class("dashboard.catalogue.forms", "ProductForm")


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


LONG_CHINESE_TITLE = "江西赣南安远县高山红壤脐橙" * 19  # 247 characters, over 1,000 of pinyin


def test_pinyin_slug_of_a_long_chinese_title_fits_the_slug_column():
    slug = pinyin_slugify(LONG_CHINESE_TITLE)

    assert 200 < len(slug) <= Product._meta.get_field("slug").max_length
    assert slug.startswith("jiang-xi-gan-nan-an-yuan-xian")
    assert not slug.endswith("-")
    assert slug.split("-")[-1] in pinyin_slugify("江西赣南安远县高山红壤脐橙").split(
        "-"
    )  # cut after a whole word


def test_slug_without_word_boundaries_is_cut_at_the_column_length():
    assert pinyin_slugify("x" * 300) == "x" * 255


@pytest.mark.django_db
def test_dashboard_product_form_saves_a_long_chinese_title(county):
    product_class = factories.ProductClassFactory()
    staff = factories.UserFactory(is_staff=True)
    form = ProductForm(
        product_class,
        data={
            "title": LONG_CHINESE_TITLE,
            "structure": "standalone",
            "is_public": "on",
            "is_discountable": "on",
            "priority": 0,
            "origin_county": county.pk,
        },
        user=staff,
    )
    assert form.is_valid(), form.errors

    product = form.save()

    product.refresh_from_db()
    assert product.title == LONG_CHINESE_TITLE
    assert 0 < len(product.slug) <= 255
    assert product.get_absolute_url()
