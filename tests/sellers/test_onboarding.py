import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.sellers.models import SellerApplication
from tests.factories import CategoryFactory
from tests.sellers.conftest import days, png_upload

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCertificate = get_model("catalogue", "ProductCertificate")


def valid_credit_code():
    from catalogue_ext.credit_codes import check_character

    first_17 = "91360726360726MA3"  # passes the validator, which reads characters 9-14 as the region
    return first_17 + check_character(first_17)


def apply(client, applicant, county, **overrides):
    client.force_login(applicant)
    data = {
        "entity_name": "安远县果农专业合作社",
        "kind": "cooperative",
        "credit_code": valid_credit_code(),
        "county": county.code,
        "contact_name": "李明",
        "contact_phone": "13912345678",
        "licence_scan": png_upload(),
        "households_linked": 35,
        "linkage_description": "订单收购，保底价收购脱贫户脐橙。",
        **overrides,
    }
    return client.post(reverse("sellers:apply"), data)


def test_application_recommendation_approval_listing_certificate_and_badge(
    client, consumer, county, officer, staff_user, product_class
):
    # The applicant applies.
    response = apply(client, consumer, county)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    application = SellerApplication.objects.get()
    assert application.status == SellerApplication.Status.SUBMITTED
    assert {m.to[0] for m in mail.outbox} == {consumer.email, officer.email}

    # The county officer recommends it.
    client.force_login(officer)
    assert application.entity_name in client.get(reverse("sellers:county-applications")).content.decode()
    response = client.post(
        reverse("sellers:county-application", args=[application.pk]),
        {"decision": "recommend", "comment": "属实"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == SellerApplication.Status.RECOMMENDED
    assert mail.outbox[-1].to == [consumer.email]

    # Staff approve it: the seller exists and the applicant works for it.
    client.force_login(staff_user)
    assert application.entity_name in client.get(reverse("sellers:staff-applications")).content.decode()
    response = client.post(
        reverse("sellers:staff-application", args=[application.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    partner = Partner.objects.get(credit_code=valid_credit_code())
    assert partner.county == county
    assert list(partner.users.all()) == [consumer]
    assert mail.outbox[-1].to == [consumer.email]

    # The new seller lists a product through Oscar's dashboard.
    client.force_login(consumer)
    response = client.post(
        reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": product_class.slug}),
        product_form_data(partner, county, title="安远脐橙礼盒"),
    )
    assert response.status_code == 302, form_errors(response)
    product = Product.objects.get(title="安远脐橙礼盒")
    assert product.origin_county == county
    assert product.stockrecords.get().partner == partner

    # ...submits a certificate...
    response = client.post(
        reverse("sellers:certificate-submit"),
        {
            "product": product.pk,
            "number": "GN-2026-001",
            "issuing_authority": "安远县乡村振兴局",
            "issue_date": days(-10).isoformat(),
            "expiry_date": days(300).isoformat(),
            "scan": png_upload("cert.png"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    certificate = ProductCertificate.objects.get(number="GN-2026-001")
    assert certificate.status == ProductCertificate.Status.PENDING
    assert certificate.submitted_by == consumer
    assert "certified-badge" not in client.get(product.get_absolute_url()).content.decode()

    # ...staff approve it from the queue, the seller is told, and the badge shows in the shop.
    client.force_login(staff_user)
    assert "GN-2026-001" in client.get(reverse("sellers:staff-certificates")).content.decode()
    mail.outbox.clear()
    response = client.post(
        reverse("sellers:staff-certificate", args=[certificate.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == ProductCertificate.Status.APPROVED
    assert mail.outbox[0].to == [consumer.email]
    client.logout()
    assert "certified-badge" in client.get(product.get_absolute_url()).content.decode()


def product_form_data(partner, county, *, title, sku="SKU-NEW-1", category=None):
    category = category or Category.objects.first() or CategoryFactory(name="水果")
    return {
        "title": title,
        "upc": "",
        "description": "赣南脐橙",
        "is_public": "on",
        "is_discountable": "on",
        "structure": "standalone",
        "slug": "",
        "meta_title": "",
        "meta_description": "",
        "origin_county": county.code,
        "stockrecords-TOTAL_FORMS": "1",
        "stockrecords-INITIAL_FORMS": "0",
        "stockrecords-MIN_NUM_FORMS": "0",
        "stockrecords-MAX_NUM_FORMS": "1000",
        "stockrecords-0-partner": partner.pk,
        "stockrecords-0-partner_sku": sku,
        "stockrecords-0-price": "59.00",
        "stockrecords-0-price_currency": "CNY",
        "stockrecords-0-num_in_stock": "100",
        "stockrecords-0-low_stock_threshold": "10",
        "productcategory_set-TOTAL_FORMS": "1",
        "productcategory_set-INITIAL_FORMS": "0",
        "productcategory_set-MIN_NUM_FORMS": "0",
        "productcategory_set-MAX_NUM_FORMS": "1000",
        "productcategory_set-0-category": category.pk,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "primary_recommendations-TOTAL_FORMS": "0",
        "primary_recommendations-INITIAL_FORMS": "0",
        "primary_recommendations-MIN_NUM_FORMS": "0",
        "primary_recommendations-MAX_NUM_FORMS": "1000",
        "attributes-TOTAL_FORMS": "0",
        "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0",
        "attributes-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def product_class(db):
    from tests.factories import ProductClassFactory

    return ProductClassFactory()


def form_errors(response):
    if response.context is None:
        return response
    errors = {"form": response.context["form"].errors}
    for name in [key for key in response.context.keys() if key.endswith("formset")]:
        formset = response.context.get(name)
        if formset is not None:
            errors[name] = (formset.errors, formset.non_form_errors(), formset.prefix)
    errors["keys"] = [key for key in response.context.keys() if "formset" in key]
    return errors


def test_county_decline_stops_the_application_and_tells_the_applicant(
    client, consumer, county, officer, staff_user
):
    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    client.force_login(officer)

    no_comment = client.post(
        reverse("sellers:county-application", args=[application.pk]), {"decision": "decline"}
    )
    response = client.post(
        reverse("sellers:county-application", args=[application.pk]),
        {"decision": "decline", "comment": "材料不实"},
    )

    assert no_comment.status_code == 200  # a comment is required to decline
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == SellerApplication.Status.DECLINED
    assert "材料不实" in mail.outbox[-1].body
    # Staff cannot approve what the county declined.
    client.force_login(staff_user)
    client.post(reverse("sellers:staff-application", args=[application.pk]), {"decision": "approve"})
    assert not Partner.objects.filter(credit_code=application.credit_code).exists()


def test_staff_rejection_needs_a_reason_and_creates_no_seller(client, consumer, county, officer, staff_user):
    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    client.force_login(officer)
    client.post(reverse("sellers:county-application", args=[application.pk]), {"decision": "recommend"})
    client.force_login(staff_user)

    without_reason = client.post(
        reverse("sellers:staff-application", args=[application.pk]), {"decision": "reject"}
    )
    response = client.post(
        reverse("sellers:staff-application", args=[application.pk]),
        {"decision": "reject", "comment": "带农机制不清"},
    )

    assert without_reason.status_code == 200
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == SellerApplication.Status.REJECTED
    assert application.review_reason == "带农机制不清"
    assert "带农机制不清" in mail.outbox[-1].body
    assert not Partner.objects.filter(credit_code=application.credit_code).exists()
    assert not consumer.partners.exists()


def test_officer_of_another_county_neither_sees_nor_decides_the_application(
    client, consumer, county, other_officer
):
    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    client.force_login(other_officer)

    listing = client.get(reverse("sellers:county-applications"))
    response = client.post(
        reverse("sellers:county-application", args=[application.pk]), {"decision": "recommend", "comment": ""}
    )

    assert application.entity_name not in listing.content.decode()
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == SellerApplication.Status.SUBMITTED


def test_certificate_rejection_is_reasoned_and_reported_to_the_seller(
    client, seller_user, own_product, staff_user
):
    from tests.factories import CertificateFactory

    certificate = CertificateFactory(product=own_product, status=ProductCertificate.Status.PENDING)
    client.force_login(staff_user)

    client.post(reverse("sellers:staff-certificate", args=[certificate.pk]), {"decision": "reject"})
    certificate.refresh_from_db()
    assert certificate.status == ProductCertificate.Status.PENDING
    client.post(
        reverse("sellers:staff-certificate", args=[certificate.pk]),
        {"decision": "reject", "comment": "扫描件不清晰"},
    )

    certificate.refresh_from_db()
    assert certificate.status == ProductCertificate.Status.REJECTED
    assert certificate.status_reason == "扫描件不清晰"
    assert mail.outbox[-1].to == [seller_user.email]
    assert "扫描件不清晰" in mail.outbox[-1].body
    assert not Product.objects.certified().filter(pk=own_product.pk).exists()


def test_staff_member_who_sells_the_product_cannot_approve_its_certificate(client, partner, own_product):
    from shop.sellers import onboarding
    from tests.factories import CertificateFactory, UserFactory

    staff_seller = UserFactory(username="staffseller", is_staff=True)
    onboarding.link_user(partner, staff_seller)
    certificate = CertificateFactory(product=own_product, status=ProductCertificate.Status.PENDING)
    client.force_login(staff_seller)

    response = client.post(
        reverse("sellers:staff-certificate", args=[certificate.pk]), {"decision": "approve"}
    )

    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == ProductCertificate.Status.PENDING


def test_seller_may_not_set_an_origin_county_outside_its_province(
    client, seller_user, partner, far_county, county
):
    client.force_login(seller_user)
    from tests.factories import ProductClassFactory

    product_class = ProductClassFactory()

    response = client.post(
        reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": product_class.slug}),
        product_form_data(partner, far_county, title="三都水族米酒"),
    )

    assert response.status_code == 200
    assert "origin_county" in response.context["form"].errors
    assert not Product.objects.filter(title="三都水族米酒").exists()


def test_certificate_submission_validates_the_scan_and_dates(client, seller_user, own_product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(seller_user)
    base = {
        "product": own_product.pk,
        "number": "GN-BAD",
        "issuing_authority": "安远县乡村振兴局",
        "issue_date": days(-10).isoformat(),
        "expiry_date": days(100).isoformat(),
    }

    fake_scan = client.post(
        reverse("sellers:certificate-submit"),
        {**base, "scan": SimpleUploadedFile("scan.pdf", b"not really a pdf", content_type="application/pdf")},
    )
    expired = client.post(
        reverse("sellers:certificate-submit"),
        {**base, "expiry_date": days(-1).isoformat(), "scan": png_upload("c.png")},
    )
    pdf = client.post(
        reverse("sellers:certificate-submit"),
        {
            **base,
            "scan": SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        },
    )

    assert "scan" in fake_scan.context["form"].errors
    assert "expiry_date" in expired.context["form"].errors
    assert pdf.status_code == 302
    assert list(ProductCertificate.objects.values_list("number", "status")) == [("GN-BAD", "pending")]


def test_licence_scan_must_be_a_real_image_or_pdf(client, consumer, county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = apply(client, consumer, county, licence_scan=SimpleUploadedFile("l.png", b"GIF89a-nope"))

    assert "licence_scan" in response.context["form"].errors
    assert not SellerApplication.objects.exists()


def test_licence_scan_is_private_and_served_only_to_those_who_review_it(
    client, consumer, county, officer, other_officer, staff_user, seller_user, settings
):
    import os

    apply(client, consumer, county)
    application = SellerApplication.objects.get()
    url = reverse("sellers:application-licence", args=[application.pk])

    assert not application.licence_scan.path.startswith(os.path.abspath(settings.MEDIA_ROOT))
    answers = {}
    for name, user in [
        ("applicant", consumer),
        ("officer", officer),
        ("staff", staff_user),
        ("other officer", other_officer),
        ("seller", seller_user),
    ]:
        client.force_login(user)
        answers[name] = client.get(url).status_code
    client.logout()
    answers["anonymous"] = client.get(url).status_code

    assert answers == {
        "applicant": 200,
        "officer": 200,
        "staff": 200,
        "other officer": 404,
        "seller": 404,
        "anonymous": 302,
    }
