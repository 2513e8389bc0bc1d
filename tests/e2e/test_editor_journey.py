"""Journey 4: an editor writes a campaign with products and features it on the home page, submits both
for moderation, a reviewer approves them, and the campaign appears on the home page.
"""

import datetime
import uuid

import pytest

from shop.core import dates

pytestmark = pytest.mark.slow
expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed; browser journeys skipped"
).expect

PRODUCT = "赣南脐橙 10斤装"  # a demo product the campaign features


def submit_for_moderation(page):
    """In Wagtail's page editor: the footer's "more actions" menu, then "submit to …"."""
    page.locator("footer .w-dropdown__toggle").first.click()
    with page.expect_navigation():
        page.locator("button[name='action-submit']").click()


def open_in_page_explorer(page, title):
    """In Wagtail's page explorer: open the listing of this page's children."""
    row = page.locator("tr", has_text=title).first
    with page.expect_navigation():
        row.locator("a[href^='/cms-admin/pages/'][href$='/']:not([href$='/edit/'])").first.click()


def approve_on_dashboard(page, title):
    """On Wagtail's dashboard: the row awaiting this reviewer's review, its actions menu, then approve."""
    page.goto("/cms-admin/")
    row = page.locator("#awaiting-review-section tr", has_text=title)
    expect(row).to_be_visible()
    row.locator(".w-dropdown__toggle").click()
    with page.expect_navigation():
        row.get_by_role("button", name="通过", exact=True).click()


def test_editor_campaign_is_moderated_published_and_shown_on_the_home_page(journey):
    title = f"E2E 丰收助农节 {uuid.uuid4().hex[:6]}"
    now = dates.now()

    editor_session = journey("journey4-editor")
    editor = editor_session.new_page()
    editor_session.cms_login(editor, "editor@example.com")
    editor.goto("/cms-admin/pages/")
    open_in_page_explorer(editor, "首页")
    open_in_page_explorer(editor, "助农活动")  # the campaign index
    with editor.expect_navigation():
        editor.locator("a[href$='/add_subpage/']").first.click()  # campaigns are its only child type
    editor.wait_for_url(lambda url: "/add/cms/campaignpage/" in url)

    editor.fill("input[name='title']", title)
    editor.fill("input[name='starts_at']", (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"))
    editor.fill("input[name='ends_at']", (now + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M"))
    editor.keyboard.press("Escape")  # close the date picker
    editor.get_by_role("button", name="增加 商品").click()
    editor.get_by_role("button", name="选择商品").click()
    chooser = editor.locator(".modal")
    chooser.locator("input[name='q']").fill(PRODUCT)
    expect(chooser.locator("tbody tr")).to_have_count(1)
    product_title = chooser.locator("tbody tr a").first.inner_text().strip()
    chooser.locator("tbody tr a").first.click()
    expect(chooser).to_be_hidden()
    expect(editor.locator("#id_campaign_products-FORMS")).to_contain_text(product_title)
    editor.fill("input[name='discount_percent']", "10")
    editor_session.shot(editor, "new-campaign")
    submit_for_moderation(editor)
    expect(editor.locator(".messages")).to_contain_text(title)
    editor_session.shot(editor, "campaign-submitted")

    # Feature it on the home page; that change is moderated too.
    editor.goto("/cms-admin/pages/")
    with editor.expect_navigation():
        editor.locator("tr", has_text="首页").get_by_role("link", name="首页", exact=True).click()
    editor.wait_for_url(lambda url: url.endswith("/edit/"))
    editor.get_by_role("button", name="增加 推荐活动").click()
    editor.locator("#id_featured_campaigns-FORMS").get_by_role(
        "button", name="选择一个页面 (活动)"
    ).last.click()
    page_chooser = editor.locator(".modal")
    page_chooser.get_by_role("link", name=title, exact=True).click()
    expect(page_chooser).to_be_hidden()
    expect(editor.locator("#id_featured_campaigns-FORMS")).to_contain_text(title)
    editor_session.shot(editor, "home-featuring-campaign")
    submit_for_moderation(editor)
    expect(editor.locator(".messages")).to_contain_text("首页")

    # Not public yet.
    visitor_session = journey("journey4-visitor")
    visitor = visitor_session.new_page()
    visitor.goto("/")
    expect(visitor.locator("body")).not_to_contain_text(title)

    # The reviewer approves both (second browser context).
    reviewer_session = journey("journey4-reviewer")
    reviewer = reviewer_session.new_page()
    reviewer_session.cms_login(reviewer, "reviewer@example.com")
    expect(reviewer.locator("#awaiting-review-section")).to_contain_text(title)
    reviewer_session.shot(reviewer, "awaiting-review")
    approve_on_dashboard(reviewer, title)
    approve_on_dashboard(reviewer, "首页")
    expect(reviewer.locator("#awaiting-review-section tr", has_text=title)).to_have_count(0)
    reviewer_session.shot(reviewer, "approved")

    # The home page shows the campaign, and the campaign its product.
    visitor.goto("/")
    card = visitor.locator(".cms-campaign-card", has_text=title)
    expect(card).to_be_visible()
    visitor_session.shot(visitor, "home-with-campaign")
    with visitor.expect_navigation():
        card.get_by_role("link").first.click()
    expect(visitor.locator("h1")).to_contain_text(title)
    expect(visitor.locator("body")).to_contain_text(product_title)
    visitor_session.shot(visitor, "campaign-page")
