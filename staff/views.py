"""Staff sign-in: the password, then a second factor when the account has one or the site
requires one; and the security page where staff see and change how they sign in.

Between the password and the second factor the user is not signed in: the session holds
only who passed the password step and when, for a few minutes. Signing in
(django.contrib.auth.login) happens once, after the last step, so the session key is
renewed then, and django-otp is told which factor confirmed it (user.is_verified()).
Passkeys are checked by the views in staff/passkeys.py, which end in the same sign_in().
"""

import time
from base64 import b32encode
from typing import Any, cast
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.client_address import client_address

from . import factors, lockout
from .browsers import describe
from .forms import (
    CodeForm,
    PasswordForm,
    RecoveryCodeForm,
    RenameForm,
    StaffAuthenticationForm,
    locked_out_error,
    record_refusal,
)
from .models import (
    Session,
    SignInRecord,
    request_address,
    request_user_agent,
    session_handle,
    signed_in_details,
)
from .sessions import SIGNED_IN_KEY

PENDING_SESSION_KEY = "staff_password_passed"
# Time allowed between the password and the second factor.
PENDING_SECONDS = 5 * 60
# When the staff member last proved who they are (signing in, or their password again):
# adding a second factor or making recovery codes needs that to be recent, so that a
# session left open on a shared computer cannot be used to plant a factor of one's own.
CONFIRMED_SESSION_KEY = "staff_confirmed_at"
RECENT_SECONDS = 15 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
RECENT_SIGN_INS_SHOWN = 20

Method = SignInRecord.Method
Event = SignInRecord.Event


class StaffLoginView(LoginView):
    """The admin's sign-in page, with guessing throttled and a second step when needed."""

    authentication_form = StaffAuthenticationForm
    template_name = "staff/login.html"
    redirect_authenticated_user = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        next_url = self.get_redirect_url()
        return {
            **admin.site.each_context(self.request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "passkey_alone": settings.STAFF_ALLOW_PASSKEY_ONLY,
            "passkey_begin_url": reverse("staff:passkey-begin"),
            "passkey_complete_url": with_next(reverse("staff:passkey-complete"), next_url),
            **super().get_context_data(**kwargs),
        }

    def form_valid(self, form: StaffAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        backend = getattr(user, "backend", MODEL_BACKEND)
        has_factor = factors.has_second_factor(user)
        if not has_factor and not settings.STAFF_REQUIRE_2FA:
            return HttpResponseRedirect(
                sign_in(
                    self.request,
                    user,
                    backend=backend,
                    device=None,
                    method=Method.PASSWORD,
                    next_url=self.get_success_url(),
                )
            )
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("staff:verify" if has_factor else "staff:enrol")


def signed_in_user(request: HttpRequest) -> User:
    """The staff member of a view that only signed-in staff reach."""
    return cast(User, request.user)


def with_next(url: str, next_url: str) -> str:
    return f"{url}?next={quote(next_url)}" if next_url else url


def safe_next(request: HttpRequest, next_url: str | None) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("admin:index")


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """Who passed the password step in this session, if recently enough."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True, is_staff=True).first()
    return (user, pending) if user is not None else None


def sign_in(
    request: HttpRequest,
    user: User,
    *,
    backend: str,
    device: Device | None,
    method: SignInRecord.Method,
    next_url: str | None,
) -> str:
    """Sign in (renewing the session key), note which factor and where from, and say
    where to go next."""
    request.session.pop(PENDING_SESSION_KEY, None)
    lockout.clear_failures(user.get_username(), client_address(request))
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    request.session[SIGNED_IN_KEY] = signed_in_details(request)
    request.session[CONFIRMED_SESSION_KEY] = time.time()
    SignInRecord.objects.record(
        request, user, Event.SIGNED_IN, method, detail=device.name if device else ""
    )
    return safe_next(request, next_url)


def restart_sign_in(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_SESSION_KEY, None)
    messages.warning(request, _("Your sign-in took too long. Please enter your password again."))
    return redirect("admin:login")


def second_step_page(
    request: HttpRequest,
    second: factors.SecondFactors,
    code_form: CodeForm,
    recovery_form: RecoveryCodeForm,
) -> HttpResponse:
    return render(
        request,
        "staff/verify.html",
        {
            **admin.site.each_context(request),
            "title": _("Confirm it is you"),
            "factors": second,
            "form": code_form,
            "recovery_form": recovery_form,
            "passkey_begin_url": reverse("staff:passkey-begin"),
            "passkey_complete_url": reverse("staff:passkey-complete"),
        },
    )


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a passkey, a code from an authenticator app, or a recovery code."""
    found = pending_user(request)
    if found is None:
        return restart_sign_in(request)
    user, pending = found
    second = factors.SecondFactors.of(user)
    if not second.any:
        return redirect("staff:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and second.apps and form.is_valid():
        username = user.get_username()
        if lockout.is_locked_out(username, client_address(request)):
            record_refusal(request, username, Method.AUTHENTICATOR_APP, locked=True)
            form.add_error(None, locked_out_error())
        else:
            app, waiting = factors.check_app_code(user, form.cleaned_data["code"])
            if app is not None:
                return HttpResponseRedirect(
                    sign_in(
                        request,
                        user,
                        backend=pending["backend"],
                        device=app,
                        method=Method.AUTHENTICATOR_APP,
                        next_url=pending["next"],
                    )
                )
            record_refusal(request, username, Method.AUTHENTICATOR_APP)
            form.add_error(
                "code",
                _("Too many wrong codes in a row: wait a few seconds, then enter the newest code.")
                if waiting
                else _("That code is not right, or was already used."),
            )
    return second_step_page(request, second, form, RecoveryCodeForm())


@sensitive_post_parameters("recovery_code")
@never_cache
@csrf_protect
@require_POST
def use_recovery_code(request: HttpRequest) -> HttpResponse:
    """The second step with one of the account's recovery codes, which is used up."""
    found = pending_user(request)
    if found is None:
        return restart_sign_in(request)
    user, pending = found
    form = RecoveryCodeForm(request.POST)
    if form.is_valid():
        username = user.get_username()
        if lockout.is_locked_out(username, client_address(request)):
            record_refusal(request, username, Method.RECOVERY_CODE, locked=True)
            form.add_error(None, locked_out_error())
        elif device := factors.use_recovery_code(user, form.cleaned_data["recovery_code"]):
            next_url = sign_in(
                request,
                user,
                backend=pending["backend"],
                device=device,
                method=Method.RECOVERY_CODE,
                next_url=pending["next"],
            )
            tell_about_recovery_code(request, user)
            return HttpResponseRedirect(next_url)
        else:
            record_refusal(request, username, Method.RECOVERY_CODE)
            form.add_error(
                "recovery_code", _("That is not one of your recovery codes, or it was used.")
            )
    second = factors.SecondFactors.of(user)
    return second_step_page(request, second, CodeForm(), form)


def where_from(request: HttpRequest) -> dict[str, str]:
    """When, from which address and browser: for e-mails about an account."""
    user_agent = request_user_agent(request)
    return {
        "when": factors.now_text(),
        "address": request_address(request) or _("an unknown address"),
        "browser": describe(user_agent) if user_agent else _("an unknown browser"),
    }


def tell_about_recovery_code(request: HttpRequest, user: User) -> None:
    left = factors.recovery_codes_left(user)
    factors.tell_by_email(
        user,
        _("A recovery code was used to sign in to %(site)s") % {"site": settings.SITE_NAME},
        _(
            "Someone signed in to your %(site)s account (%(username)s) with one of your "
            "recovery codes, at %(when)s, from %(address)s (%(browser)s).\n\n"
            "%(left)s\n\n"
            "If it was you, make new recovery codes once you have your phone or key "
            "again. If it was not you, tell an administrator at once: they can end the "
            "sessions of your account and reset its second factors."
        )
        % {
            "site": settings.SITE_NAME,
            "username": user.get_username(),
            "left": ngettext(
                "You have %(count)d recovery code left.",
                "You have %(count)d recovery codes left.",
                left,
            )
            % {"count": left},
            **where_from(request),
        },
    )


def note_factor_added(request: HttpRequest, user: User, device: Device) -> None:
    """Recorded, and told by e-mail: whoever knows the password could otherwise add
    a factor of their own to an account that has none, unseen."""
    SignInRecord.objects.record(request, user, Event.FACTOR_ADDED, detail=device.name)
    factors.tell_by_email(
        user,
        _("A second factor was added to your %(site)s account") % {"site": settings.SITE_NAME},
        _(
            "“%(name)s” was added to your %(site)s account (%(username)s) as a second "
            "factor, at %(when)s, from %(address)s (%(browser)s).\n\n"
            "If it was not you, tell an administrator at once: they can end the sessions "
            "of your account and reset its second factors."
        )
        % {
            "name": device.name,
            "site": settings.SITE_NAME,
            "username": user.get_username(),
            **where_from(request),
        },
    )


def is_recent(request: HttpRequest) -> bool:
    confirmed = request.session.get(CONFIRMED_SESSION_KEY) or 0
    return time.time() - confirmed < RECENT_SECONDS


def signed_in_without_factor(request: HttpRequest) -> bool:
    """A session signed in with the password alone, of an account that has a factor
    (from before the factor, or before this way of signing in)."""
    user = signed_in_user(request)
    return not factors.is_verified(user) and factors.has_second_factor(user)


def changes_refused(request: HttpRequest) -> HttpResponse | None:
    """Why this signed-in staff member may not add a second factor right now, if so."""
    if signed_in_without_factor(request):
        messages.error(
            request,
            _(
                "This session was signed in without your second factor. To change your "
                "second factors, sign out and sign in again with one of them."
            ),
        )
        return redirect("staff:security")
    if not is_recent(request):
        return redirect(with_next(reverse("staff:confirm-password"), request.get_full_path()))
    return None


def next_after_adding_factor(user: User, next_url: str) -> str:
    """Recovery codes come next if the account has none."""
    if factors.recovery_codes_left(user):
        return next_url
    return with_next(reverse("staff:recovery-codes"), next_url)


def qr_code_svg(config_url: str) -> SafeString:
    """The setup link as a QR code, drawn here as inline SVG: no image from elsewhere,
    and nothing the Content Security Policy has to allow."""
    svg = segno.make(config_url, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title=_("QR code to scan with your authenticator app"),
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" class="qr-code" ', 1))  # noqa: S308 - segno's own markup


def grouped_key(app: TOTPDevice) -> str:
    key = b32encode(app.bin_key).decode()
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def enrol(request: HttpRequest) -> HttpResponse:
    """Add a second factor (a passkey, or an authenticator app through its QR code): for
    a signed-in staff member, or as part of signing in when STAFF_REQUIRE_2FA is on and
    the account has none yet."""
    pending = None
    if request.user.is_authenticated and request.user.is_staff:
        user = signed_in_user(request)
        if refused := changes_refused(request):
            return refused
        next_url = reverse("staff:security")
    else:
        found = pending_user(request)
        if found is None:
            if request.user.is_authenticated or PENDING_SESSION_KEY in request.session:
                return restart_sign_in(request)
            return redirect(with_next(reverse("admin:login"), request.path))
        user, pending = found
        if factors.has_second_factor(user):
            # Adding to an account that has a factor is for a signed-in user, never
            # half-way through sign-in.
            return redirect("staff:verify")
        next_url = pending["next"]

    app = factors.add_authenticator_app(user)
    form = CodeForm(request.POST or None)
    # The page starts with the passkey: the cursor should not jump past it.
    form.fields["code"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid():
        if factors.confirm_authenticator_app(app, form.cleaned_data["code"]):
            if pending is not None:
                next_url = sign_in(
                    request,
                    user,
                    backend=pending["backend"],
                    device=app,
                    method=Method.AUTHENTICATOR_APP,
                    next_url=next_url,
                )
            note_factor_added(request, user, app)
            if pending is None:
                after_adding_factor_signed_in(request, user, app)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(next_after_adding_factor(user, next_url))
        form.add_error("code", _("That code does not match. Check the app and try again."))
    return render(
        request,
        "staff/enrol.html",
        {
            **admin.site.each_context(request),
            "title": _("Add a second factor"),
            "form": form,
            "qr_code": qr_code_svg(app.config_url),
            "key": grouped_key(app),
            "config_url": app.config_url,
            "signing_in": pending is not None,
            "required": settings.STAFF_REQUIRE_2FA,
            "passkey_register_begin_url": reverse("staff:passkey-register-begin"),
            "passkey_register_complete_url": with_next(
                reverse("staff:passkey-register-complete"), next_url
            ),
        },
    )


def after_adding_factor_signed_in(request: HttpRequest, user: User, device: Device) -> None:
    """If this is the account's first factor, the sessions that signed in with the
    password alone end (one of them may not be the staff member's), and this one counts
    as confirmed by the new factor."""
    if factors.is_verified(request.user):
        return
    ended = factors.end_other_sessions(user, request.session.session_key)
    if ended:
        SignInRecord.objects.record(request, user, Event.SESSIONS_ENDED)
    otp_login(request, device)


@staff_member_required
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    """The staff member's own second factors, sessions and recent sign-ins."""
    user = signed_in_user(request)
    current = session_handle(request.session.session_key)
    sessions = list(
        Session.objects.filter(user=user, expire_date__gt=timezone.now()).order_by(
            "-signed_in_at", "-expire_date"
        )
    )
    return render(
        request,
        "staff/security.html",
        {
            **admin.site.each_context(request),
            "title": _("Security"),
            "factors": factors.SecondFactors.of(user),
            "sessions": [(session, session.handle == current) for session in sessions],
            "other_sessions": len([s for s in sessions if s.handle != current]),
            "records": user.sign_in_records.select_related("by").order_by("-at", "-pk")[
                :RECENT_SIGN_INS_SHOWN
            ],
            "required": settings.STAFF_REQUIRE_2FA,
            "verified": factors.is_verified(user),
            "recent": is_recent(request),
            "passkey_register_begin_url": reverse("staff:passkey-register-begin"),
            "passkey_register_complete_url": reverse("staff:passkey-register-complete"),
        },
    )


@staff_member_required
@never_cache
@require_POST
def end_sessions(request: HttpRequest) -> HttpResponse:
    """End one other session of the staff member's, or all of them."""
    user = signed_in_user(request)
    chosen = request.POST.get("session", "")
    current = request.session.session_key or ""
    others = Session.objects.filter(user=user).exclude(session_key=current)
    if chosen == "others":
        ended, _by_model = others.delete()
    else:
        keys = [
            key
            for key in others.values_list("session_key", flat=True)
            if session_handle(key) == chosen
        ]
        ended, _by_model = Session.objects.filter(session_key__in=keys).delete()
    if ended:
        SignInRecord.objects.record(request, user, Event.SESSIONS_ENDED)
        messages.success(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
            % {"count": ended},
        )
    return redirect("staff:security")


def own_device(request: HttpRequest, kind: str, pk: int) -> Device:
    model = factors.KINDS.get(kind)
    if model is None:
        raise Http404
    device: Device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    return device


@staff_member_required
@never_cache
@require_POST
def rename(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    device = own_device(request, kind, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        device.name = form.cleaned_data["name"]
        device.save(update_fields=["name"])
        messages.success(request, _("Renamed to “%(name)s”.") % {"name": device.name})
    else:
        messages.error(request, _("A name is needed, of at most 64 characters."))
    return redirect("staff:security")


@sensitive_post_parameters("password")
@staff_member_required
@never_cache
def remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Remove an app or a passkey, once the staff member has typed their password again."""
    user = signed_in_user(request)
    device = own_device(request, kind, pk)
    second = factors.SecondFactors.of(user)
    last = len(second.apps) + len(second.passkeys) == 1
    if last and settings.STAFF_REQUIRE_2FA:
        messages.error(
            request,
            _("Add another second factor before removing your last one: this site requires one."),
        )
        return redirect("staff:security")
    form = PasswordForm(user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = device.name
        factors.remove(user, device)
        SignInRecord.objects.record(request, user, Event.FACTOR_REMOVED, detail=name)
        messages.success(request, _("“%(name)s” is removed.") % {"name": name})
        return redirect("staff:security")
    return render(
        request,
        "staff/remove.html",
        {
            **admin.site.each_context(request),
            "title": _("Remove “%(name)s”") % {"name": device.name},
            "device": device,
            "last": last,
            "form": form,
        },
    )


@sensitive_post_parameters("password")
@staff_member_required
@never_cache
def confirm_password(request: HttpRequest) -> HttpResponse:
    """The password again, before adding a second factor or making recovery codes when
    the sign-in was not recent."""
    user = signed_in_user(request)
    form = PasswordForm(user, request, request.POST or None)
    next_url = safe_next(request, request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        request.session[CONFIRMED_SESSION_KEY] = time.time()
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "staff/confirm_password.html",
        {**admin.site.each_context(request), "title": _("Confirm your password"), "form": form},
    )


@staff_member_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and new ones: shown once, on the page that makes
    them, and never again."""
    user = signed_in_user(request)
    next_url = safe_next(request, request.GET.get("next") or reverse("staff:security"))
    if not factors.has_second_factor(user):
        messages.info(request, _("Set up a passkey or an authenticator app first."))
        return redirect("staff:security")
    codes: list[str] = []
    if request.method == "POST":
        if refused := changes_refused(request):
            return refused
        codes = [factors.readable_recovery_code(code) for code in factors.make_recovery_codes(user)]
        SignInRecord.objects.record(request, user, Event.RECOVERY_CODES_MADE)
    return render(
        request,
        "staff/recovery_codes.html",
        {
            **admin.site.each_context(request),
            "title": _("Recovery codes"),
            "codes": codes,
            "left": factors.recovery_codes_left(user),
            "next_url": next_url,
        },
    )
