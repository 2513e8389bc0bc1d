"""Seller admission: the enterprise applies, the county recommends, the platform reviews."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.core import mail
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.sellers.access import officer_county
from shop.sellers.models import SellerApplication

Partner = get_model("partner", "Partner")
Status = SellerApplication.Status


def submitted(application: SellerApplication) -> None:
    """Tell the applicant and the county's officers that a new application is waiting."""
    mail.send(
        [application.applicant.email],
        template="sellers/email/application_submitted",
        context={"application": application},
    )
    officers = application.county.officers.select_related("user")
    mail.send(
        [officer.user.email for officer in officers],
        template="sellers/email/application_for_county",
        context={"application": application},
    )


def recommend(application: SellerApplication, *, officer, comment: str = "") -> SellerApplication:
    """The county officer recommends the application to the platform."""
    return _county_decision(application, officer=officer, status=Status.RECOMMENDED, comment=comment)


def decline(application: SellerApplication, *, officer, comment: str) -> SellerApplication:
    """The county officer does not recommend the application; a comment is required."""
    if not comment.strip():
        raise InvalidInput(_("A comment is required to decline."))
    return _county_decision(application, officer=officer, status=Status.DECLINED, comment=comment)


def _county_decision(application, *, officer, status, comment):
    with transaction.atomic():
        application = SellerApplication.objects.select_for_update().get(pk=application.pk)
        if officer_county(officer) != application.county:
            raise NotPermitted(_("Only an officer of the application's county decides on it."))
        if application.status != Status.SUBMITTED:
            raise InvalidState(_("This application is no longer awaiting the county."))
        application.status = status
        application.county_comment = comment
        application.recommended_by = officer
        application.recommended_at = timezone.now()
        application.save()
    mail.send(
        [application.applicant.email],
        template="sellers/email/application_county_decision",
        context={"application": application},
    )
    return application


def approve(application: SellerApplication, *, reviewer) -> Partner:
    """Staff approve a recommended application: the seller is created and the applicant linked to it."""
    with transaction.atomic():
        application = SellerApplication.objects.select_for_update().get(pk=application.pk)
        _check_reviewable(application, reviewer)
        if Partner.objects.filter(credit_code=application.credit_code).exists():
            raise InvalidState(_("A seller with this credit code already exists."))
        partner = Partner.objects.create(
            name=application.entity_name,
            kind=application.kind,
            credit_code=application.credit_code,
            county=application.county,
            contact_name=application.contact_name,
            contact_phone=application.contact_phone,
            households_linked=application.households_linked,
            linkage_description=application.linkage_description,
        )
        link_user(partner, application.applicant)
        application.status = Status.APPROVED
        application.partner = partner
        application.reviewed_by = reviewer
        application.reviewed_at = timezone.now()
        application.save()
    mail.send(
        [application.applicant.email],
        template="sellers/email/application_reviewed",
        context={"application": application},
    )
    return partner


def reject(application: SellerApplication, *, reviewer, reason: str) -> SellerApplication:
    """Staff reject a recommended application with a reason the applicant is told."""
    if not reason.strip():
        raise InvalidInput(_("A reason is required."))
    with transaction.atomic():
        application = SellerApplication.objects.select_for_update().get(pk=application.pk)
        _check_reviewable(application, reviewer)
        application.status = Status.REJECTED
        application.review_reason = reason
        application.reviewed_by = reviewer
        application.reviewed_at = timezone.now()
        application.save()
    mail.send(
        [application.applicant.email],
        template="sellers/email/application_reviewed",
        context={"application": application},
    )
    return application


def link_user(partner: Partner, user) -> None:
    """Give a user seller rights on a partner (a user may work for several sellers)."""
    partner.users.add(user)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="partner", codename="dashboard_access")
    )


def _check_reviewable(application, reviewer):
    if not reviewer.is_staff:
        raise NotPermitted(_("Only platform staff review applications."))
    if reviewer.pk == application.applicant_id:
        raise NotPermitted(_("Nobody reviews their own application."))
    if application.status != Status.RECOMMENDED:
        raise InvalidState(_("Only applications recommended by the county are reviewed."))
