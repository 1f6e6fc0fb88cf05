"""The API's language: the one the client asks for, as its addresses carry none."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

API_PATH = "/api/"


def accepted_language(header: str) -> str:
    """The first language of an Accept-Language header that Chorus has, else English."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class ApiLanguageMiddleware:
    """The API's texts follow Accept-Language, in English where Chorus has no such language.

    LocaleMiddleware gives an address outside the public site's language prefixes the
    default language, since the site's English pages have no prefix. The API's addresses
    have no language at all, so the request's header decides, and only the header (not
    the language cookie): an answer may vary only with what its Vary names, which
    LocaleMiddleware already sets to Accept-Language, with Content-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info.startswith(API_PATH):
            translation.activate(accepted_language(request.headers.get("Accept-Language", "")))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
