"""Staff sign-in's middlewares: sessions without a second factor end where one is
required, and the admin speaks the browser's language."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lib.api.language import accepted_language

from . import factors
from .views import with_next


class SecondFactorRequiredMiddleware:
    """With STAFF_REQUIRE_2FA, a session signed in without a second factor ends.

    Sign-in itself asks for the second factor (staff.views); this ends the sessions that
    began before the setting was turned on, or whose factor was since removed or reset
    by an administrator. django-otp's OTPMiddleware, before this one, says whether a
    factor confirmed the session (user.is_verified()). Every address is covered, not
    only the admin's: a draft's preview on the public site is for staff too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.STAFF_REQUIRE_2FA
            and request.user.is_authenticated
            and not factors.is_verified(request.user)
        ):
            logout(request)
            messages.warning(
                request,
                _(
                    "Your session has ended: staff now confirm each sign-in with a second "
                    "factor. Sign in again to set one up or to use yours."
                ),
            )
            return redirect(with_next(reverse("admin:login"), request.get_full_path()))
        return self.get_response(request)


class StaffLanguageMiddleware:
    """The admin, its sign-in pages and the security page follow the browser's language.

    LocaleMiddleware gives every address outside the public site's language prefixes
    the default language (English pages have no prefix), the admin's among them. Staff
    read the admin in the language their browser asks for, when Chorus has it, as the
    API's clients do; the public site keeps the language of its address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = reverse("admin:index")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.path):
            translation.activate(accepted_language(request.headers.get("Accept-Language", "")))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
