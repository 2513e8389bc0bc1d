"""Every page each role reaches, rendered in Chinese, shows no English UI text.

The pages are those of the permission matrix's walk (tests/hardening): every URL pattern of the site,
asked for with real objects of one world as each role. Each page that answers 200 with HTML is read
as a person sees it (tests/language/visible_text.py) and fails on runs of English words, apart from
a short allow-list of brand and format names (ALLOWED there) and the world's own data (user names,
e-mail addresses, page titles, workflow names, voucher and shipping-method codes); time-zone names and each language's own
name are proper names, not UI words. The Django admin is the developers' tool, not a role's workspace, and is skipped.
"""

import os
from collections import defaultdict

import pytest
from oscar.core.loading import get_model
from wagtail.models import Page, Site, Task, Workflow

from tests.hardening.test_permission_matrix import OK, requests_for
from tests.hardening.test_permission_matrix import world as world  # noqa: F401 - the shared fixture
from tests.language.visible_text import english_phrases, visible_text

ROLES = (
    "consumer",
    "buyer",
    "approver",
    "orgadmin",
    "seller",
    "officer",
    "editor",
    "staff",
)
SKIPPED_PATHS = ("/django-admin/",)


def world_data(world) -> list[str]:
    """Strings the world created that pages show as data, not UI (longest first)."""
    values = set()
    for user in world.users.values():
        if user is not None:
            values.update({user.username, user.email, user.get_full_name()})
    values.update({"China", "People's Republic of China"})  # the country row's English name
    values.update(Page.objects.values_list("title", flat=True))  # Wagtail's own root page titles
    values.update(Site.objects.values_list("hostname", flat=True))
    # Names given in the data: workflows and tasks (cms.roles, Wagtail's default), vouchers' codes.
    values.update(Workflow.objects.values_list("name", flat=True))
    values.update(Task.objects.values_list("name", flat=True))
    values.update(get_model("voucher", "Voucher").objects.values_list("code", flat=True))
    shipping_codes = get_model("order", "Order").objects.values_list("shipping_code", flat=True)
    values.update(code.upper() for code in shipping_codes)  # Oscar's order page upper-cases them
    return sorted((value for value in values if value), key=len, reverse=True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_a_role_reaches_show_no_english_in_the_chinese_interface(client, role, settings, world):  # noqa: F811
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = world.media_root
    settings.LANGUAGE_CODE = "zh-hans"
    user = world.users[role]
    client.force_login(user)
    data = world_data(world)
    english = defaultdict(set)
    contexts = {}
    pages = 0
    for label, _route, url, expectation in requests_for(world):
        if OK not in expectation[role] or url.startswith(SKIPPED_PATHS) or "[other's]" in label:
            continue
        try:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        except Exception:  # the permission matrix reports crashes; this test is about words
            continue
        if "_auth_user_id" not in client.session:
            client.force_login(user)  # a logout URL was walked
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        for phrase in english_phrases(html, data=data):
            english[phrase].add(url)
            if os.environ.get("ENGLISH_UI_REPORT"):
                contexts.setdefault(phrase, next((c for c in visible_text(html) if phrase in c), ""))
    if os.environ.get("ENGLISH_UI_REPORT"):
        with open(os.environ["ENGLISH_UI_REPORT"] + f".{role}", "w") as report:
            for phrase, urls in sorted(english.items()):
                report.write(
                    f"{phrase}\t{len(urls)}\t{' '.join(sorted(urls)[:3])}\t{contexts.get(phrase, '')[:200]}\n"
                )

    assert pages > 5, f"{role} reached only {pages} pages: the walk is broken"
    assert not english, f"{len(english)} English phrase(s) shown to {role}:\n" + "\n".join(
        f"  {phrase!r} on {', '.join(sorted(urls)[:3])}" for phrase, urls in sorted(english.items())
    )


@pytest.mark.django_db
def test_the_login_pages_say_denglu_not_oscars_typo(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "登录" in page
    assert "登陆" not in page


@pytest.mark.django_db
def test_changing_a_quantity_says_the_new_basket_total_in_chinese(client, consumer, certified_product):
    from django.urls import reverse

    client.force_login(consumer)
    client.post(reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1})

    response = client.post(
        reverse("basket:add", kwargs={"pk": certified_product.pk}), {"quantity": 1}, follow=True
    )

    page = response.content.decode()
    assert "购物车总额现在为" in page
    assert "Your basket total is now" not in page


@pytest.mark.django_db
def test_the_cms_login_form_labels_the_password_in_chinese(client):
    page = client.get("/cms-admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    label = page[page.index('for="id_password"') : page.index('for="id_password"') + 200]
    assert "密码" in label and "Password" not in label
