"""The security headers every response carries, static files included.

Django's SecurityMiddleware sends Referrer-Policy, X-Content-Type-Options,
Cross-Origin-Opener-Policy and HSTS; its CSP middleware and X-Frame-Options middleware
send the rest for responses Django makes. WhiteNoise answers static files before those
two run, so it is given the same headers here. Permissions-Policy has no Django setting.
"""

from collections.abc import Callable
from wsgiref.headers import Headers

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP, build_policy

# Chorus uses none of these browser features; saying so stops an injected script or an
# embedded third-party page from asking for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

# No inline script or style anywhere: the admin (Django 6) and the API documentation
# (drf-spectacular's sidecar split views) load theirs from files on this site. Swagger UI
# and Redoc start web workers from blob: URLs and show images from data: URLs. Redoc
# styles itself by adding <style> elements: it gives them the page's nonce, which is in
# the policy only of a page that uses it.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def add_static_file_headers(headers: Headers, path: str, url: str) -> None:
    """WhiteNoise's hook: the headers Django's middleware would have added."""
    headers["Content-Security-Policy"] = build_policy(settings.SECURE_CSP)
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
