from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's CSP, with frame-ancestors following the response's X-Frame-Options.

    Modern browsers ignore X-Frame-Options when a CSP names frame-ancestors, so the two must agree:
    'none' everywhere, 'self' only where a view allows same-origin framing (Wagtail's preview).
    Place this middleware above XFrameOptionsMiddleware so that header is already set here.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'" if same_origin else "'none'"]}
        return parts


class RequestSizeLimitMiddleware:
    """Refuse request bodies above MAX_REQUEST_BODY_BYTES before anything reads them (413).

    Django caps form fields in memory but streams uploaded files to disk without limit; this is the
    overall cap (the reverse proxy should enforce the same figure).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return HttpResponse(
                _("The upload is too large: at most %(limit)d MB can be sent at once.")
                % {"limit": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
