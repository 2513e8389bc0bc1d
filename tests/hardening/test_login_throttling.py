import pytest
from django.conf import settings

from tests import factories

PASSWORD = "pass-word-123"

# (login URL, username field, password field, extra fields) for every login form of the site.
LOGIN_FORMS = {
    "shop": ("/accounts/login/", "login-username", "login-password", {"login_submit": "1"}),
    "dashboard": ("/dashboard/login/", "username", "password", {}),
    "wagtail admin": ("/cms-admin/login/", "username", "password", {}),
    "django admin": ("/django-admin/login/", "username", "password", {}),
}


@pytest.fixture
def member(db):
    # Staff, so that a correct password is accepted by every one of the four forms.
    return factories.UserFactory(username="throttled", email="throttled@example.cn", is_staff=True)


def attempt(client, form, username, password, ip="203.0.113.7"):
    url, user_field, password_field, extra = LOGIN_FORMS[form]
    return client.post(url, {user_field: username, password_field: password, **extra}, REMOTE_ADDR=ip)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("form", LOGIN_FORMS)
def test_login_is_locked_after_the_failure_limit_even_with_the_right_password(client, member, form):
    login = member.email if form == "shop" else member.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, form, login, "wrong").status_code == 200  # the form again, with its error
    assert attempt(client, form, login, "wrong").status_code == 429  # the failure that reaches the limit

    response = attempt(client, form, login, PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)
    page = response.content.decode()
    assert 'id="lockout-message"' in page
    assert "15" in page  # minutes until the lock lifts


@pytest.mark.django_db
def test_shop_login_throttling_ignores_the_case_of_the_email(client, member):
    for attempt_number in range(settings.AXES_FAILURE_LIMIT):
        email = member.email.upper() if attempt_number % 2 else member.email
        attempt(client, "shop", email, "wrong")

    assert attempt(client, "shop", member.email, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_lockout_of_one_address_does_not_lock_the_same_account_elsewhere(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "shop", member.email, "wrong", ip="203.0.113.7")

    response = attempt(client, "shop", member.email, PASSWORD, ip="198.51.100.20")

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "shop", member.email, "wrong")
    assert attempt(client, "shop", member.email, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "shop", member.email, "wrong")
    response = attempt(client, "shop", member.email, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_registration_still_logs_the_new_customer_in(client):
    response = client.post(
        "/accounts/register/",
        {"email": "new.customer@example.cn", "password1": "Seed-Tea-2026!", "password2": "Seed-Tea-2026!"},
    )

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_client_address_is_throttled(client, member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"login_submit": "1", "login-username": member.email, "login-password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    from_other_client = client.post(
        "/accounts/login/",
        {"login_submit": "1", "login-username": member.email, "login-password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert from_other_client.status_code == 302
