"""factory_boy factories for the shop's own models, built on Oscar's where they fit."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.core.dates import today

Region = get_model("catalogue", "Region")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductCertificate = get_model("catalogue", "ProductCertificate")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "360000"
    name = "江西省"
    level = Region.Level.PROVINCE
    province_id = factory.SelfAttribute("code")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "360700"
    name = "赣州市"
    level = Region.Level.CITY
    parent = factory.SubFactory(ProvinceFactory)
    province = factory.SelfAttribute("parent")


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "360726"
    name = "安远县"
    level = Region.Level.COUNTY
    parent = factory.SubFactory(CityFactory)
    province = factory.SelfAttribute("parent.province")
    is_poverty_county = True
    poverty_exit_year = 2018


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"安远县助农合作社{n}")
    kind = Partner.Kind.COOPERATIVE
    county = factory.SubFactory(CountyFactory)
    contact_name = "王芳"
    contact_phone = "13800138000"
    households_linked = 120
    links_by_wages = True


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("name",)

    name = "农产品"
    requires_shipping = True
    track_stock = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"水果{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent", None)
        if parent is not None:
            return parent.add_child(**kwargs)
        return model_class.add_root(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    """A public product with one stock record; certified=True adds a valid approved certificate."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"赣南脐橙{n}号")
    structure = Product.STANDALONE
    product_class = factory.SubFactory(ProductClassFactory)
    origin_county = factory.SubFactory(CountyFactory)
    is_public = True

    @factory.post_generation
    def certified(obj, create, extracted, **kwargs):
        if create and extracted:
            CertificateFactory(product=obj)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            for category in extracted:
                ProductCategory.objects.create(product=obj, category=category)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        partner = kwargs.pop("partner", None) or PartnerFactory()
        price = kwargs.pop("price", Decimal("39.90"))
        num_in_stock = kwargs.pop("num_in_stock", 100)
        product = super()._create(model_class, *args, **kwargs)
        StockRecord.objects.create(
            product=product,
            partner=partner,
            partner_sku=f"SKU-{product.pk}",
            price=price,
            price_currency="CNY",
            num_in_stock=num_in_stock,
        )
        return product


def variant_family(partner, *, certified=False, **variant_fields):
    """A parent product sold only through one variant (a child with the stock record and price)."""
    parent = ProductFactory(partner=partner, structure=Product.PARENT, title="脐橙礼盒", certified=certified)
    StockRecord.objects.filter(product=parent).delete()
    variant = ProductFactory(
        partner=partner,
        structure=Product.CHILD,
        parent=parent,
        product_class=None,  # a variant follows its parent's class
        origin_county=None,  # and its parent's origin
        title="脐橙礼盒 5kg",
        **variant_fields,
    )
    return parent, variant


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCertificate

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: f"XF-2026-{n:05d}")
    issuing_authority = "安远县乡村振兴局"
    issue_date = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    expiry_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=335))
    status = ProductCertificate.Status.APPROVED
