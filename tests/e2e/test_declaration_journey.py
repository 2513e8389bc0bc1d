"""Journey 5: the organisation administrator submits the year's canteen spending, the finance bureau
returns it with a reason, the administrator corrects and resubmits, the bureau approves; the year's
target is fixed at the approved spending × the share in force, and both see the declaration's history.
"""

import re

import pytest

from tests.e2e.page_checks import assert_no_horizontal_overflow

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

ORGANISATION = "赣州市财政局"  # a demo unit in Jiangxi; the demo bureau 江西省财政厅 covers it
REASON = "申报金额未包含职工食堂的蔬菜采购，请核对后重新提交"


def submit(page, amount):
    page.fill("#id_declared_canteen_spending", amount)
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success").first).to_contain_text("申报已提交审核")
    expect(page.locator("#declaration-state")).to_have_attribute("data-status", "submitted")


def open_pending_declaration(session, page):
    page.goto("/organisations/")
    with page.expect_navigation():
        page.locator("#my-bureaus a").first.click()
    expect(page.locator("#bureau-units")).to_contain_text(ORGANISATION)
    session.shot(page, "workspace")
    pending = page.locator("#pending-declarations li").filter(has_text=ORGANISATION)
    expect(pending).to_have_count(1)
    with page.expect_navigation():
        pending.get_by_role("link", name="审核").click()


def test_declaration_is_submitted_returned_resubmitted_and_approved(journey):
    admin_session = journey("journey5-orgadmin")
    admin = admin_session.new_page()
    admin.set_viewport_size({"width": 390, "height": 844})  # the administrator is on a phone
    admin_session.login(admin, "orgadmin@example.com")
    admin.goto("/organisations/")
    with admin.expect_navigation():
        admin.get_by_role("link", name=ORGANISATION, exact=True).click()
    with admin.expect_navigation():
        admin.locator(".nav-tabs").get_by_role("link", name="申报", exact=True).click()
    organisation_url = admin.url
    submit(admin, "180000")
    assert_no_horizontal_overflow(admin)
    admin_session.shot(admin, "submitted")

    bureau_session = journey("journey5-bureau")
    bureau = bureau_session.new_page()
    bureau_session.login(bureau, "bureau@example.com")
    open_pending_declaration(bureau_session, bureau)
    expect(bureau.locator("#declared-amount")).to_contain_text("180,000.00")
    bureau_session.shot(bureau, "review")
    bureau.fill("#id_reason", REASON)
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="退回更正").click()
    expect(bureau.locator("#declaration-state")).to_have_attribute("data-status", "returned")
    bureau_session.shot(bureau, "returned")

    admin.goto(organisation_url)
    expect(admin.locator("#declaration-reason")).to_contain_text(REASON)
    submit(admin, "200000")

    open_pending_declaration(bureau_session, bureau)
    expect(bureau.locator("#declared-amount")).to_contain_text("200,000.00")
    share_in_force = re.search(r"预留比例为 ([\d.]+)%", bureau.locator("#declaration-status").inner_text())
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="通过", exact=True).click()
    expect(bureau.locator("#declaration-state")).to_have_attribute("data-status", "approved")
    fixed_share = bureau.locator("#declaration-share").inner_text().strip()
    assert fixed_share == f"{share_in_force.group(1)}%"  # the share in force when approved is fixed
    target = bureau.locator("#target-amount").inner_text()
    expected = f"{200000 * float(share_in_force.group(1)) / 100:,.2f}"
    assert expected in target, (target, expected)
    bureau_session.shot(bureau, "approved")

    admin.goto(organisation_url)
    expect(admin.locator("#declaration-state")).to_have_attribute("data-status", "approved")
    expect(admin.locator("#target-amount")).to_contain_text(expected)
    expect(admin.locator("#declaration-form")).to_have_count(1)  # this year's: may still be revised
    history = admin.locator("#declaration-history")
    expect(history).to_contain_text(REASON)
    expect(history).to_contain_text("孙财政")  # the bureau reviewer (bureau@example.com), by name
    expect(history).to_contain_text("180000.00 → 200000.00")
    expect(history).to_contain_text("已通过")
    assert_no_horizontal_overflow(admin)
    admin_session.shot(admin, "history")

    bureau.set_viewport_size({"width": 390, "height": 844})  # the workspace on a phone too
    bureau.goto("/organisations/")
    with bureau.expect_navigation():
        bureau.locator("#my-bureaus a").first.click()
    expect(bureau.locator("#bureau-units-cards")).to_contain_text(ORGANISATION)
    assert_no_horizontal_overflow(bureau)
    bureau_session.shot(bureau, "workspace-phone")
    assert re.search(r"/organisations/\d+/declaration/", organisation_url)
