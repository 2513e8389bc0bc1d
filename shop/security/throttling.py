"""Login throttling (django-axes): who is throttled, and how the lockout is explained."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings

# The login forms of the shop (Oscar prefixes its form: "login-username"), Oscar's dashboard,
# Wagtail's admin and Django's admin, and the credentials dict of authenticate().
USERNAME_KEYS = ("username", "login-username", "email")


def client_username(request, credentials) -> str:
    """The login as typed, normalised: e-mail logins are case-insensitive, so is their throttling.

    The form's field comes first: on a successful login axes passes the account's username, which
    must match what failed attempts recorded (customers type their e-mail address).
    """
    sources = [credentials or {}]
    if request is not None:
        sources.insert(0, getattr(request, "data", None) or request.POST)
    for source in sources:
        for key in USERNAME_KEYS:
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return ""


def client_ip(request) -> str:
    """The client's address; behind TRUSTED_PROXY_COUNT proxies, the address the outermost proxy saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class ThrottlingBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped where there is no request to throttle.

    Oscar's registration view logs the new user in with authenticate() and no request; axes would
    refuse that call. Every login form passes the request, so every login attempt is still checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: why, for how long, and how to reset the password (429)."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0,
    }
    return render(request, "security/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
