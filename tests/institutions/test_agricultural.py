"""Only agricultural and sideline products (农副产品) count: the category flag, inherited down the tree,
frozen on the order line, shown in the basket and reports."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue_ext import agricultural
from shop.core import dates
from shop.institutions import quotas
from tests import factories
from tests.institutions.factories import place_order

Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()
NOT_AGRICULTURAL = "不计入：非农副产品"


@pytest.fixture
def tree():
    food = factories.CategoryFactory(name="新鲜水果")  # left open: a top-level category is agricultural
    crafts = factories.CategoryFactory(name="手工艺品", is_agricultural=False)
    embroidery = factories.CategoryFactory(name="刺绣", parent=crafts)  # inherits "no"
    bamboo_shoots = factories.CategoryFactory(name="竹笋礼盒", parent=crafts, is_agricultural=True)
    return {"food": food, "crafts": crafts, "embroidery": embroidery, "bamboo_shoots": bamboo_shoots}


def test_a_category_inherits_its_parents_answer_unless_it_gives_its_own(tree):
    tree = {name: Category.objects.get(pk=category.pk) for name, category in tree.items()}
    answers = {name: agricultural.category_is_agricultural(category) for name, category in tree.items()}

    assert answers == {"food": True, "crafts": False, "embroidery": False, "bamboo_shoots": True}


def test_a_product_is_agricultural_unless_one_of_its_categories_says_no(partner, tree):
    def product(*categories):
        return factories.ProductFactory(partner=partner, categories=[tree[name] for name in categories])

    assert agricultural.is_agricultural(product("food"))
    assert agricultural.is_agricultural(product())  # uncategorised: the default
    assert agricultural.is_agricultural(product("bamboo_shoots"))
    assert not agricultural.is_agricultural(product("embroidery"))
    assert not agricultural.is_agricultural(product("food", "embroidery"))


def test_a_certified_handicraft_sells_but_the_basket_and_report_say_it_does_not_count(
    client, buyer, org_admin, organisation, partner, tree
):
    orange = factories.ProductFactory(
        partner=partner, certified=True, price=Decimal("39.90"), title="安远脐橙", categories=[tree["food"]]
    )
    sachet = factories.ProductFactory(
        partner=partner,
        certified=True,
        price=Decimal("58.00"),
        title="苗绣香囊",
        categories=[tree["embroidery"]],
    )
    client.force_login(buyer)
    client.post(reverse("basket:add", kwargs={"pk": orange.pk}), {"quantity": 1})
    client.post(reverse("basket:add", kwargs={"pk": sachet.pk}), {"quantity": 1})

    basket = client.get(reverse("basket:summary")).content.decode()
    order = place_order(buyer, [(orange, 1), (sachet, 1)], organisation=organisation)
    client.force_login(org_admin)
    report = client.get(reverse("institutions:report", kwargs={"pk": organisation.pk}))

    assert basket.count(NOT_AGRICULTURAL) == 1
    preview = basket.split("quota-preview")[1]
    assert NOT_AGRICULTURAL in preview.split("苗绣香囊")[1].split("</tr>")[0]
    assert NOT_AGRICULTURAL not in preview.split("安远脐橙")[1].split("</tr>")[0]
    line = order.lines.get(product=sachet)
    assert (line.was_certified, line.was_agricultural) == (True, False)
    assert quotas.line_counts(line, year=YEAR) == (False, quotas.Reason.NOT_AGRICULTURAL)
    assert report.context["report"].progress.counted == Decimal("39.90")
    assert NOT_AGRICULTURAL in report.content.decode()


def test_the_flag_is_frozen_on_the_line_when_ordered(buyer, organisation, partner, tree):
    sachet = factories.ProductFactory(
        partner=partner, certified=True, price=Decimal("58.00"), categories=[tree["embroidery"]]
    )
    place_order(buyer, [(sachet, 1)], organisation=organisation)

    Category.objects.filter(pk=tree["crafts"].pk).update(is_agricultural=True)

    assert quotas.counted_value(organisation, year=YEAR) == Decimal("0.00")
    place_order(buyer, [(sachet, 1)], organisation=organisation)
    assert quotas.counted_value(organisation, year=YEAR) == Decimal("58.00")


def test_staff_set_the_flag_in_the_dashboard_category_form(client, staff_user, tree):
    staff_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalogue"))
    client.force_login(staff_user)
    url = reverse("dashboard:catalogue-category-update", kwargs={"pk": tree["embroidery"].pk})
    assert 'name="is_agricultural"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "刺绣",
            "is_agricultural": "true",
            "_position": "first-child",
            "treebeard_position": "first-child",
            "treebeard_ref_node": tree["crafts"].pk,
            "is_public": "on",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Category.objects.get(pk=tree["embroidery"].pk).is_agricultural is True
