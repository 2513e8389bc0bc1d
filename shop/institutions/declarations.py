"""Governed declarations: the organisation administrator declares, a reviewer approves or returns.

draft → submitted → approved, or → returned → (corrected) submitted → approved. The administrator of the
organisation saves and submits before the year's deadline; a reviewer decides: a finance bureau covering
the organisation (bureaus.py), an administrator of a unit above it, or platform staff. Nobody reviews a
declaration they submitted. Approving writes the year's target with the reserved share in force at that
moment, so a later change of the organisation's share never rewrites the year. An approved declaration
of a past year is no longer the administrator's to edit: only a reviewer adjusts it, with a reason.
Every change is kept in the declaration's history (django-simple-history), with who, when and why.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from shop.core import dates, mail
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.institutions import bureaus, floors, permissions
from shop.institutions.models import AnnualTarget, Declaration, DeclarationDeadline, Membership, Organisation

Status = Declaration.Status


def deadline(year: int) -> datetime.date:
    """The last day to submit the year's declaration: staff's date for the year, else the setting's day."""
    row = DeclarationDeadline.objects.filter(year=year).first()
    if row is not None:
        return row.deadline
    month, day = (int(part) for part in settings.AIDMARKET_DECLARATION_DEADLINE.split("-"))
    return datetime.date(year, month, day)


def for_year(organisation: Organisation, year: int) -> Declaration | None:
    return Declaration.objects.filter(organisation=organisation, year=year).first()


def can_declare(user, organisation: Organisation) -> bool:
    return permissions.is_administrator(user, organisation)


def can_review(user, organisation: Organisation) -> bool:
    """Staff, a member of a finance bureau covering the organisation, or an administrator of a unit above."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    ancestors, current = [], organisation.parent
    while current is not None:
        ancestors.append(current.pk)
        current = current.parent
    if Membership.objects.filter(user=user, organisation_id__in=ancestors, is_administrator=True).exists():
        return True
    return bureaus.user_covers(user, organisation)


def save(organisation: Organisation, *, year: int, amount: Decimal, by, submit: bool) -> Declaration:
    """The administrator saves the year's declared spending as a draft, or submits it for review."""
    if not can_declare(by, organisation):
        raise NotPermitted(_("Only an administrator of this organisation can declare its canteen spending."))
    if amount is None or amount <= 0:
        raise InvalidInput(_("Enter the declared canteen food spending, more than ¥0."))
    if submit and dates.today() > (last_day := deadline(year)):
        raise InvalidState(_deadline_passed(year, last_day))
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().filter(
            organisation=organisation, year=year
        ).first() or Declaration(organisation=organisation, year=year)
        if declaration.status == Status.SUBMITTED:
            raise InvalidState(
                _("This declaration was submitted and awaits review; it can be changed once it is decided.")
            )
        if declaration.status == Status.APPROVED and year < dates.current_year():
            raise InvalidState(_past_year_approved(year))
        _check_floor(organisation, year)
        declaration.declared_canteen_spending = amount
        declaration._history_user = by
        if submit:
            declaration.status = Status.SUBMITTED
            declaration.submitted_by = by
            declaration.submitted_at = timezone.now()
        else:
            declaration.status = Status.DRAFT
        declaration.save()
        if submit:
            _mail_reviewers(declaration)
    return declaration


# Messages with values, translated when shown (the exception may be shown in another language).
def _deadline_passed_text(year: int, last_day: datetime.date) -> str:
    return str(
        _("The deadline for submitting the %(year)s declaration was %(date)s; submissions are closed.")
    ) % {"year": year, "date": date_format(last_day, "DATE_FORMAT")}


def _past_year_approved_text(year: int) -> str:
    return str(
        _("The %(year)s declaration was approved and the year is over: only a reviewer can adjust it.")
    ) % {"year": year}


_deadline_passed = lazy(_deadline_passed_text, str)
_past_year_approved = lazy(_past_year_approved_text, str)


def _check_floor(organisation: Organisation, year: int) -> None:
    """The share the declaration would be approved with may not be below the region's floor."""
    target = AnnualTarget.objects.filter(organisation=organisation, year=year).first()
    share = (
        target.share
        if target is not None and target.share is not None
        else organisation.effective_quota_share
    )
    if message := floors.refusal(share, region=organisation.region_id, year=year):
        raise InvalidInput(message)


def approve(declaration: Declaration, *, by) -> Declaration:
    """Approve a submitted declaration: the year's target takes its spending and the share in force now."""
    with transaction.atomic():
        locked = _lock_for_review(declaration, by)
        target = AnnualTarget.objects.select_for_update().filter(
            organisation=locked.organisation, year=locked.year
        ).first() or AnnualTarget(organisation=locked.organisation, year=locked.year)
        share = target.share if target.share is not None else locked.organisation.effective_quota_share
        if message := floors.refusal(share, region=locked.organisation.region_id, year=locked.year):
            raise InvalidInput(message)
        target.declared_canteen_spending = locked.declared_canteen_spending
        target.share = share
        target._history_user = by
        target.save()
        locked.status = Status.APPROVED
        locked.share = share
        locked.reason = ""
        _reviewed(locked, by, "")
        _mail_administrators(locked, "approved")
    return locked


def return_for_correction(declaration: Declaration, *, by, reason: str) -> Declaration:
    """Send a submitted declaration back to the administrator, saying what to correct."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the declaration is returned, so the administrator can correct it."))
    with transaction.atomic():
        locked = _lock_for_review(declaration, by)
        locked.status = Status.RETURNED
        locked.reason = reason
        _reviewed(locked, by, reason)
        _mail_administrators(locked, "returned")
    return locked


def adjust(declaration: Declaration, *, by, amount: Decimal, reason: str) -> Declaration:
    """A reviewer corrects an approved declaration (e.g. of a past year): spending changes, the share stays."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the approved declaration is adjusted."))
    if amount is None or amount <= 0:
        raise InvalidInput(_("Enter the declared canteen food spending, more than ¥0."))
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().select_related("organisation").get(pk=declaration.pk)
        if not can_review(by, locked.organisation):
            raise NotPermitted(_("Only a reviewer of this organisation can adjust its declaration."))
        if locked.submitted_by_id == by.pk:
            raise NotPermitted(_("You cannot review a declaration you submitted yourself."))
        if locked.status != Status.APPROVED:
            raise InvalidState(_("Only an approved declaration can be adjusted."))
        locked.declared_canteen_spending = amount
        locked.reason = reason
        target = AnnualTarget.objects.select_for_update().get(
            organisation=locked.organisation, year=locked.year
        )
        target.declared_canteen_spending = amount
        target.share = locked.share
        target._change_reason = reason
        target._history_user = by
        target.save()
        _reviewed(locked, by, reason)
        _mail_administrators(locked, "adjusted")
    return locked


def _lock_for_review(declaration: Declaration, by) -> Declaration:
    locked = Declaration.objects.select_for_update().select_related("organisation").get(pk=declaration.pk)
    if not can_review(by, locked.organisation):
        raise NotPermitted(_("Only a reviewer of this organisation can decide on its declaration."))
    if locked.submitted_by_id == by.pk:
        raise NotPermitted(_("You cannot review a declaration you submitted yourself."))
    if locked.status != Status.SUBMITTED:
        raise InvalidState(_("This declaration is not awaiting review."))
    return locked


def _reviewed(locked: Declaration, by, reason) -> None:
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    if reason:  # the reviewer's own words; the status says the rest
        locked._change_reason = reason
    locked._history_user = by
    locked.save()


# ---------------------------------------------------------------------------------------------------
# Who hears of it.


def reviewer_emails(organisation: Organisation) -> list[str]:
    """The covering bureaus' members and the administrators of the units above; staff when there is none."""
    ancestors, current = [], organisation.parent
    while current is not None:
        ancestors.append(current.pk)
        current = current.parent
    emails = set(bureaus.members_covering(organisation))
    emails.update(
        Membership.objects.filter(organisation_id__in=ancestors, is_administrator=True).values_list(
            "user__email", flat=True
        )
    )
    if not emails:
        from django.contrib.auth import get_user_model

        emails.update(
            get_user_model().objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
        )
    return sorted(email for email in emails if email)


def _mail_reviewers(declaration: Declaration) -> None:
    mail.send(
        reviewer_emails(declaration.organisation),
        template="institutions/email/declaration_submitted",
        context=_mail_context(declaration),
        key=f"declaration-submitted:{declaration.pk}:{declaration.submitted_at.isoformat()}",
    )


def _mail_administrators(declaration: Declaration, decision: str) -> None:
    administrators = Membership.objects.filter(
        organisation=declaration.organisation, is_administrator=True
    ).values_list("user__email", flat=True)
    mail.send(
        administrators,
        template="institutions/email/declaration_decided",
        context={**_mail_context(declaration), "decision": decision},
        key=f"declaration-{decision}:{declaration.pk}:{declaration.reviewed_at.isoformat()}",
    )


def _mail_context(declaration: Declaration) -> dict:
    return {
        "organisation": declaration.organisation.name,
        "year": declaration.year,
        "amount": declaration.declared_canteen_spending,
        "reason": declaration.reason,
        "reviewer": declaration.reviewed_by.email if declaration.reviewed_by else "",
        "submitter": declaration.submitted_by.email if declaration.submitted_by else "",
    }
