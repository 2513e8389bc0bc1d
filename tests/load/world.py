"""The load tests' shop, run inside the server's database: `python -m tests.load.world seed|quotas`.

Runs as its own process with tests.load.server_settings (tests/load/server.py does that), because
the pytest process only ever talks to pytest's test database. Prints JSON on stdout.

seed:   what the concurrency, load and kill tests need (products with known stock, customers,
        institutional buyers with targets, a staff member), all logging in with PASSWORD.
quotas: every organisation's counted value for this year, as shop/institutions/quotas.py reports it.
"""

import json
import sys
from decimal import Decimal

from shop.core import dates

PASSWORD = "Load-2026!"
RACE_STOCK = 5
RACERS = 20
CONSUMERS = 20
BUYERS_PER_ORGANISATION = 2
ORGANISATIONS = 4


def seed() -> dict:
    from django.db import transaction
    from oscar.core.loading import get_model
    from wagtail.models import Page, Site

    from cms.models import HomePage
    from search import indexing
    from shop.institutions.models import Purpose
    from tests import factories
    from tests.institutions.factories import VALID_CODE, MembershipFactory, OrganisationFactory, TargetFactory

    Country = get_model("address", "Country")
    year = _year()

    def users(prefix, count, **fields):
        return [
            factories.UserFactory(
                username=f"{prefix}{n:02d}", email=f"{prefix}{n:02d}@load.test", password=PASSWORD, **fields
            )
            for n in range(1, count + 1)
        ]

    with transaction.atomic():
        Country.objects.get_or_create(
            iso_3166_1_a2="CN",
            defaults={
                "iso_3166_1_a3": "CHN",
                "iso_3166_1_numeric": "156",
                "printable_name": "中国",
                "name": "People's Republic of China",
                "is_shipping_country": True,
            },
        )
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title="首页", slug="load-home", hero_title="买一份特产，帮一户农家")
        )
        Site.objects.filter(is_default_site=True).update(root_page=home)

        poverty = factories.CountyFactory()
        other = factories.CountyFactory(
            code="360702", name="章贡区", is_poverty_county=False, poverty_exit_year=None
        )
        partner = factories.PartnerFactory(county=poverty)
        category = factories.CategoryFactory(name="脐橙")
        race = factories.ProductFactory(
            title="限量赣南脐橙礼盒",
            partner=partner,
            certified=True,
            num_in_stock=RACE_STOCK,
            price=Decimal("88.00"),
            categories=[category],
        )
        kill = factories.ProductFactory(
            title="安远红薯干",
            partner=partner,
            certified=True,
            num_in_stock=50,
            price=Decimal("25.50"),
            categories=[category],
        )
        # The load run's catalogue: every combination the quota rule tells apart.
        kinds = [
            ("赣南脐橙", poverty, True),
            ("安远蜂蜜", poverty, True),
            ("寻乌百香果", poverty, True),
            ("安远大米", poverty, False),
            ("高山茶叶", poverty, False),
            ("章贡脐橙", other, True),
            ("章贡腊肉", other, True),
        ]
        catalogue = [
            factories.ProductFactory(
                title=title,
                partner=partner,
                origin_county=county,
                certified=certified,
                num_in_stock=100_000,
                price=Decimal("19.90") + 7 * n,
                categories=[category],
            )
            for n, (title, county, certified) in enumerate(kinds)
        ]
        racers = users("racer", RACERS)
        consumers = users("shopper", CONSUMERS)
        killers = users("crash", 2)
        staff = users("staff", 1, is_staff=True)[0]
        organisations = []
        for n in range(1, ORGANISATIONS + 1):
            organisation = OrganisationFactory(name=f"负载测试单位{n}")
            TargetFactory(organisation=organisation, year=year, fixed_amount=Decimal("50000.00"))
            buyers = users(f"buyer{n}-", BUYERS_PER_ORGANISATION)
            for buyer in buyers:
                MembershipFactory(organisation=organisation, user=buyer, is_buyer=True)
            organisations.append({"id": organisation.pk, "buyers": [b.email for b in buyers]})

    indexing.index_products([race.pk, kill.pk, *(p.pk for p in catalogue)])

    def product(p):
        return {
            "id": p.pk,
            "title": p.title,
            "url": p.get_absolute_url(),
            "stockrecord": p.stockrecords.get().pk,
            "price": str(p.stockrecords.get().price),
        }

    from django.urls import reverse

    return {
        "password": PASSWORD,
        "search_url": reverse("search:search"),
        "basket_url": reverse("basket:summary"),
        "year": year,
        "race_product": product(race),
        "kill_product": product(kill),
        "catalogue": [product(p) for p in catalogue],
        "categories": [category.get_absolute_url()],
        "search_words": ["脐橙", "蜂蜜", "大米", "茶叶", "腊肉"],
        "racers": [u.email for u in racers],
        "consumers": [u.email for u in consumers],
        "killers": [u.email for u in killers],
        "staff": staff.email,
        "organisations": organisations,
        "tagging": {"purpose": Purpose.CANTEEN.value, "fapiao_type": "ordinary", "taxpayer_id": VALID_CODE},
    }


def quotas() -> dict:
    from shop.institutions import quotas
    from shop.institutions.models import Organisation

    year = _year()
    progress = quotas.progress_for_all(year=year)
    return {
        "year": year,
        "progress_for_all": {str(pk): str(p.counted) for pk, p in progress.items()},
        "counted_value": {
            str(org.pk): str(quotas.counted_value(org, year=year)) for org in Organisation.objects.all()
        },
    }


def _year() -> int:

    return dates.current_year()


if __name__ == "__main__":
    import django

    django.setup()
    command = {"seed": seed, "quotas": quotas}[sys.argv[1]]
    json.dump(command(), sys.stdout, ensure_ascii=False)
