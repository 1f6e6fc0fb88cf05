"""Staff sign-in: the password, then the authenticator code when the account has one.

Between the two steps the user is not signed in: the session holds only who passed the
password step and when, for a few minutes. Signing in (django.contrib.auth.login) happens
once, after the last step, so the session key is renewed then.
"""

import time
from typing import Any

import pyotp
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from lib.client_address import client_address

from . import lockout
from .forms import CodeForm, StaffAuthenticationForm, locked_out_error
from .models import TOTPDevice, matching_time_step

PENDING_SESSION_KEY = "staff_password_passed"
ENROLMENT_SECRET_SESSION_KEY = "staff_totp_secret"  # noqa: S105 - a key, not a secret
# Time allowed between the password and the code.
PENDING_SECONDS = 5 * 60
ISSUER = "Chorus"


class StaffLoginView(LoginView):
    """The admin's sign-in page, with guessing throttled and a second step when needed."""

    authentication_form = StaffAuthenticationForm
    template_name = "admin/login.html"
    redirect_authenticated_user = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **admin.site.each_context(self.request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            **super().get_context_data(**kwargs),
        }

    def form_valid(self, form: StaffAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        has_device = TOTPDevice.objects.filter(user=user).exists()
        if not has_device and not settings.STAFF_REQUIRE_TOTP:
            lockout.clear_failures(user.get_username(), client_address(self.request))
            return super().form_valid(form)
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("staff:verify" if has_device else "staff:enrol")


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """Who passed the password step in this session, if recently enough."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def finish_sign_in(request: HttpRequest, user: User, pending: dict[str, Any]) -> HttpResponse:
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(ENROLMENT_SECRET_SESSION_KEY, None)
    lockout.clear_failures(user.get_username(), client_address(request))
    login(request, user, backend=pending["backend"])
    next_url = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return HttpResponseRedirect(next_url)


def restart_sign_in(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_SESSION_KEY, None)
    messages.warning(request, _("Your sign-in took too long. Please enter your password again."))
    return redirect("admin:login")


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app the account enrolled."""
    found = pending_user(request)
    if found is None:
        return restart_sign_in(request)
    user, pending = found
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        return redirect("staff:enrol")
    username, address = user.get_username(), client_address(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lockout.is_locked_out(username, address):
            form.add_error(None, locked_out_error())
        elif device.verify(form.cleaned_data["code"]):
            return finish_sign_in(request, user, pending)
        else:
            lockout.record_failure(username, address)
            form.add_error("code", _("That code is not right, or was already used."))
    return render(
        request,
        "staff/verify.html",
        {**admin.site.each_context(request), "title": _("Confirm it is you"), "form": form},
    )


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: for a signed-in staff member who chooses to, or as part
    of signing in when STAFF_REQUIRE_TOTP is on and the account has none yet."""
    found = None
    if request.user.is_authenticated and request.user.is_staff:
        user = request.user
        pending = None
    else:
        found = pending_user(request)
        if found is None:
            if request.user.is_authenticated or PENDING_SESSION_KEY in request.session:
                return restart_sign_in(request)
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        user, pending = found
        if TOTPDevice.objects.filter(user=user).exists():
            # Replacing a device is for a signed-in user, never half-way through sign-in.
            return redirect("staff:verify")

    secret = request.session.get(ENROLMENT_SECRET_SESSION_KEY)
    if not secret:
        secret = pyotp.random_base32()
        request.session[ENROLMENT_SECRET_SESSION_KEY] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if matching_time_step(secret, form.cleaned_data["code"].strip()) is not None:
            TOTPDevice.objects.update_or_create(user=user, defaults={"secret": secret})
            request.session.pop(ENROLMENT_SECRET_SESSION_KEY, None)
            messages.success(request, _("Your authenticator app is set up."))
            if pending is not None:
                return finish_sign_in(request, user, pending)
            return redirect("admin:index")
        form.add_error("code", _("That code does not match. Check the app and try again."))
    return render(
        request,
        "staff/enrol.html",
        {
            **admin.site.each_context(request),
            "title": _("Set up an authenticator app"),
            "form": form,
            "secret": secret,
            "provisioning_uri": pyotp.TOTP(secret).provisioning_uri(
                name=user.get_username(), issuer_name=ISSUER
            ),
            "replacing": pending is None and TOTPDevice.objects.filter(user=user).exists(),
            "required": settings.STAFF_REQUIRE_TOTP,
        },
    )
