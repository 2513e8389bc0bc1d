"""The review forms staff and county officers decide with speak the UI's language (found by journey 3)."""

from django.urls import reverse
from oscar.core.loading import get_model

from shop.sellers.models import SellerApplication
from tests import factories
from tests.sellers.conftest import png_upload

ProductCertificate = get_model("catalogue", "ProductCertificate")


def test_certificate_review_form_labels_the_decision_in_chinese(client, staff_user, own_product):
    certificate = factories.CertificateFactory(product=own_product, status=ProductCertificate.Status.PENDING)
    client.force_login(staff_user)

    page = client.get(reverse("sellers:staff-certificate", args=[certificate.pk])).content.decode()

    assert "审核决定" in page
    assert "Decision" not in page


def test_county_application_form_labels_the_decision_in_chinese(client, officer, county):
    applicant = factories.UserFactory(username="applicant", email="applicant@example.cn")
    application = SellerApplication.objects.create(
        applicant=applicant,
        entity_name="安远县红土地红薯专业合作社",
        kind="cooperative",
        credit_code="93360726MA35R0XB0X",
        county=county,
        contact_name="赖春梅",
        contact_phone="13907970909",
        households_linked=64,
        linkage_description="保底价收购，二次分红。",
        licence_scan=png_upload(),
    )
    client.force_login(officer)

    page = client.get(reverse("sellers:county-application", args=[application.pk])).content.decode()

    assert "审核决定" in page
    assert "Decision" not in page
