"""Governed declarations: submit, return with a reason, resubmit, approve (the share frozen), deadlines,
past years adjusted only by a reviewer, the history on the page, mail to reviewers and administrators,
and the refusals (a member who is not administrator, another organisation's administrator, a bureau of
another region, reviewing one's own submission)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from shop.core import dates, history
from shop.core.exceptions import InvalidInput, InvalidState, NotPermitted
from shop.core.models import OutgoingMail
from shop.institutions import declarations
from shop.institutions.models import AnnualTarget, Declaration, DeclarationDeadline, FinanceBureau
from tests import factories
from tests.institutions.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

YEAR = dates.current_year()


@pytest.fixture
def county():
    return factories.CountyFactory()  # 安远县 360726, in 赣州市 360700, 江西省 360000


@pytest.fixture
def unit(county):
    return OrganisationFactory(name="安远县教育局", region=county, quota_share=Decimal("0.3000"))


@pytest.fixture
def administrator(unit):
    user = factories.UserFactory(username="unitadmin", email="unitadmin@example.cn")
    MembershipFactory(organisation=unit, user=user, is_buyer=False, is_administrator=True)
    return user


@pytest.fixture
def bureau_user(county):
    user = factories.UserFactory(username="ganzhou-bureau", email="bureau@ganzhou.example.cn")
    bureau = FinanceBureau.objects.create(name="赣州市财政局", region=county.parent)
    bureau.members.add(user)
    return user


@pytest.fixture
def foreign_bureau_user():
    guangdong = factories.ProvinceFactory(code="440000", name="广东省")
    user = factories.UserFactory(username="gd-bureau", email="bureau@gd.example.cn")
    FinanceBureau.objects.create(name="广东省财政厅", region=guangdong).members.add(user)
    return user


def page(unit, year=YEAR):
    return reverse("institutions:declaration", kwargs={"pk": unit.pk}) + f"?year={year}"


def test_submit_return_resubmit_approve_fixes_the_target_and_its_share(
    client, unit, administrator, bureau_user
):
    client.force_login(administrator)
    submitted = client.post(page(unit), {"declared_canteen_spending": "200000", "action": "submit"})

    assert submitted.status_code == 302
    declaration = Declaration.objects.get(organisation=unit, year=YEAR)
    assert declaration.status == Declaration.Status.SUBMITTED
    assert not AnnualTarget.objects.filter(organisation=unit).exists()  # nothing counts before approval
    to_reviewer = OutgoingMail.objects.get(template="institutions/email/declaration_submitted")
    assert to_reviewer.recipients == ["bureau@ganzhou.example.cn"]
    assert "安远县教育局" in to_reviewer.subject

    client.force_login(bureau_user)
    refused = client.post(page(unit), {"action": "return", "reason": "  "})
    assert refused.status_code == 400
    assert "请说明退回的原因" in refused.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).status == Declaration.Status.SUBMITTED
    returned = client.post(page(unit), {"action": "return", "reason": "食堂支出应含职工餐厅，请核对"})
    assert returned.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.RETURNED
    assert declaration.reason == "食堂支出应含职工餐厅，请核对"
    decided = OutgoingMail.objects.get(template="institutions/email/declaration_decided")
    assert decided.recipients == ["unitadmin@example.cn"] and "食堂支出应含职工餐厅" in decided.body

    client.force_login(administrator)
    shown = client.get(page(unit))
    assert "食堂支出应含职工餐厅，请核对" in shown.content.decode()
    assert (
        client.post(page(unit), {"declared_canteen_spending": "250000", "action": "submit"}).status_code
        == 302
    )

    client.force_login(bureau_user)
    assert client.post(page(unit), {"action": "approve"}).status_code == 302
    declaration.refresh_from_db()
    target = AnnualTarget.objects.get(organisation=unit, year=YEAR)
    assert declaration.status == Declaration.Status.APPROVED
    assert declaration.share == target.share == Decimal("0.3000")
    assert target.declared_canteen_spending == Decimal("250000.00")
    assert target.amount == Decimal("75000.00")

    unit.quota_share = Decimal("0.1000")  # a later change of the organisation's share
    unit.save()
    target.refresh_from_db()
    assert target.amount == Decimal("75000.00")  # never rewrites the approved year


def test_history_shows_who_when_before_after_and_reasons(client, unit, administrator, bureau_user):
    declaration = declarations.save(unit, year=YEAR, amount=Decimal("100000"), by=administrator, submit=True)
    declarations.return_for_correction(declaration, by=bureau_user, reason="金额与预算不符")
    declarations.save(unit, year=YEAR, amount=Decimal("120000"), by=administrator, submit=True)
    declarations.approve(declaration, by=bureau_user)

    trail = history.trail(declaration.history.all()).entries

    Status = Declaration.Status
    statuses_shown = [
        [
            change.after
            for change in entry.changes
            if change.field == str(Declaration._meta.get_field("status").verbose_name)
        ]
        for entry in trail
    ]
    assert statuses_shown == [
        [str(Status.APPROVED.label)],
        [str(Status.SUBMITTED.label)],
        [str(Status.RETURNED.label)],
        [str(Status.SUBMITTED.label)],
    ]
    returned = trail[2]
    assert returned.who == bureau_user and returned.reason == "金额与预算不符"
    resubmitted = trail[1]
    assert resubmitted.who == administrator
    assert ("100000.00", "120000.00") in [(change.before, change.after) for change in resubmitted.changes]
    for viewer in (administrator, bureau_user):
        client.force_login(viewer)
        content = client.get(page(unit)).content.decode()
        panel = content[content.index('id="declaration-history"') :]
        assert "金额与预算不符" in panel and "bureau@ganzhou.example.cn" in panel
        assert '<del class="audit-before">100000.00</del> → <ins class="audit-after">120000.00</ins>' in panel


def test_submission_after_the_deadline_is_refused_naming_the_date(unit, administrator):
    DeclarationDeadline.objects.create(year=YEAR, deadline=datetime.date(YEAR, 1, 31))

    with pytest.raises(InvalidState) as refused:
        declarations.save(unit, year=YEAR, amount=Decimal("100000"), by=administrator, submit=True)

    with translation.override("en"):
        assert f"Jan. 31, {YEAR}" in str(refused.value)
    assert not Declaration.objects.filter(status=Declaration.Status.SUBMITTED).exists()
    # a draft may still be kept; the deadline closes submission only
    draft = declarations.save(unit, year=YEAR, amount=Decimal("100000"), by=administrator, submit=False)
    assert draft.status == Declaration.Status.DRAFT


def test_deadline_refusal_keeps_what_was_typed(client, unit, administrator):
    DeclarationDeadline.objects.create(year=YEAR, deadline=datetime.date(YEAR, 1, 31))
    client.force_login(administrator)

    response = client.post(page(unit), {"declared_canteen_spending": "123456.78", "action": "submit"})

    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="123456.78"' in content
    assert f"{YEAR}年1月31日" in content


def test_approved_past_year_is_adjusted_only_by_a_reviewer_with_a_reason(unit, administrator, bureau_user):
    past = YEAR - 1
    declaration = Declaration.objects.create(
        organisation=unit,
        year=past,
        declared_canteen_spending=Decimal("100000"),
        status=Declaration.Status.APPROVED,
        share=Decimal("0.2000"),
    )
    AnnualTarget.objects.create(
        organisation=unit, year=past, declared_canteen_spending=Decimal("100000"), share=Decimal("0.2000")
    )

    with pytest.raises(InvalidState):
        declarations.save(unit, year=past, amount=Decimal("90000"), by=administrator, submit=False)
    with pytest.raises(NotPermitted):
        declarations.adjust(declaration, by=administrator, amount=Decimal("90000"), reason="更正")
    with pytest.raises(InvalidInput):
        declarations.adjust(declaration, by=bureau_user, amount=Decimal("90000"), reason=" ")
    declarations.adjust(
        declaration, by=bureau_user, amount=Decimal("90000"), reason="审计更正：扣除非食材支出"
    )

    target = AnnualTarget.objects.get(organisation=unit, year=past)
    assert target.amount == Decimal("18000.00")  # the frozen 20 %, not today's 30 %
    latest = history.trail(declaration.history.all()).entries[0]
    assert latest.reason == "审计更正：扣除非食材支出" and latest.who == bureau_user


def test_supervising_units_administrator_reviews_and_nobody_reviews_their_own(county):
    parent = OrganisationFactory(name="赣州市教育局", region=county.parent)
    unit = OrganisationFactory(name="安远县实验中学", parent=parent)
    parent_admin = factories.UserFactory(username="parentadmin")
    MembershipFactory(organisation=parent, user=parent_admin, is_administrator=True)
    unit_admin = factories.UserFactory(username="schooladmin")
    MembershipFactory(organisation=unit, user=unit_admin, is_administrator=True)
    staff = factories.UserFactory(username="ops", is_staff=True)
    declaration = declarations.save(unit, year=YEAR, amount=Decimal("50000"), by=staff, submit=True)

    with pytest.raises(NotPermitted):
        declarations.approve(declaration, by=staff)  # submitted it
    with pytest.raises(NotPermitted):
        declarations.approve(declaration, by=unit_admin)  # the unit's own administrator is no reviewer
    declarations.approve(declaration, by=parent_admin)

    assert AnnualTarget.objects.get(organisation=unit, year=YEAR).declared_canteen_spending == Decimal(
        "50000"
    )
    assert declarations.reviewer_emails(unit) == [parent_admin.email]


def test_member_who_is_not_administrator_cannot_declare(client, unit):
    buyer = factories.UserFactory(username="justbuyer")
    MembershipFactory(organisation=unit, user=buyer, is_buyer=True, is_approver=True)
    client.force_login(buyer)

    assert client.get(page(unit)).status_code == 403
    response = client.post(page(unit), {"declared_canteen_spending": "1000", "action": "submit"})

    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        declarations.save(unit, year=YEAR, amount=Decimal("1000"), by=buyer, submit=True)
    assert not Declaration.objects.exists()


def test_another_organisations_administrator_is_refused(client, unit, administrator):
    other = OrganisationFactory(name="别的单位")
    other_admin = factories.UserFactory(username="otheradmin")
    MembershipFactory(organisation=other, user=other_admin, is_administrator=True)
    declaration = declarations.save(unit, year=YEAR, amount=Decimal("1000"), by=administrator, submit=True)
    client.force_login(other_admin)

    assert client.get(page(unit)).status_code == 404
    assert client.post(page(unit), {"action": "approve"}).status_code == 404
    with pytest.raises(NotPermitted):
        declarations.approve(declaration, by=other_admin)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SUBMITTED


def test_bureau_of_another_region_is_refused(client, unit, administrator, foreign_bureau_user):
    declaration = declarations.save(unit, year=YEAR, amount=Decimal("1000"), by=administrator, submit=True)
    client.force_login(foreign_bureau_user)

    assert client.get(page(unit)).status_code == 404
    assert client.post(page(unit), {"action": "approve"}).status_code == 404
    with pytest.raises(NotPermitted):
        declarations.approve(declaration, by=foreign_bureau_user)
    assert not AnnualTarget.objects.exists()


def test_a_submitted_declaration_waits_for_its_decision(unit, administrator, bureau_user):
    declaration = declarations.save(unit, year=YEAR, amount=Decimal("1000"), by=administrator, submit=True)

    with pytest.raises(InvalidState):
        declarations.save(unit, year=YEAR, amount=Decimal("2000"), by=administrator, submit=False)
    declarations.approve(declaration, by=bureau_user)
    with pytest.raises(InvalidState):
        declarations.approve(declaration, by=bureau_user)
    declaration.refresh_from_db()
    assert declaration.declared_canteen_spending == Decimal("1000.00")


def test_a_unit_beneath_a_covered_unit_is_reviewed_by_that_bureau(county, bureau_user, foreign_bureau_user):
    parent = OrganisationFactory(name="安远县卫健委", region=county)
    clinic = OrganisationFactory(name="安远县某卫生院", parent=parent)  # registered without a region
    admin = factories.UserFactory(username="clinicadmin", email="clinic@example.cn")
    MembershipFactory(organisation=clinic, user=admin, is_administrator=True)

    declaration = declarations.save(clinic, year=YEAR, amount=Decimal("30000"), by=admin, submit=True)

    assert declarations.reviewer_emails(clinic) == ["bureau@ganzhou.example.cn"]
    mail = OutgoingMail.objects.get(template="institutions/email/declaration_submitted")
    assert mail.recipients == ["bureau@ganzhou.example.cn"]
    with pytest.raises(NotPermitted):
        declarations.approve(declaration, by=foreign_bureau_user)
    declarations.approve(declaration, by=bureau_user)
    assert AnnualTarget.objects.get(organisation=clinic, year=YEAR).declared_canteen_spending == Decimal(
        "30000"
    )
