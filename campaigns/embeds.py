"""oEmbed: a statement's address pasted into WordPress, or any oEmbed consumer, embeds it.

`/oembed?url=<a statement's address>&format=json` answers a `rich` embed whose HTML is
self-contained: a quotation of the title, the issuer, the date and who signed, with links
back, and nothing that runs (no script, no style, no frame), so a consumer can put it
on its page as it is. Only public statements are embedded; anything else is the same 404
as an address that names nothing.
"""

from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import get_language_from_path

from .models import Statement, confirmed_signatures

# What the embed is drawn at when the consumer gives no maxwidth; its height is a guess a
# consumer may use to reserve space, as the specification asks for one.
DEFAULT_WIDTH = 600
HEIGHT = 320
SIGNATORIES_NAMED = 5


def oembed(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format", "json") != "json":
        # The specification's answer for a format the provider does not offer.
        return HttpResponse("Only format=json is offered.", status=501, content_type="text/plain")
    found = public_statement_at(request, request.GET.get("url", ""))
    if found is None:
        # One answer for every address that is not a public statement's, whatever it is.
        return JsonResponse({"detail": "No public statement at this address."}, status=404)
    statement, language = found
    width = DEFAULT_WIDTH
    if (maxwidth := request.GET.get("maxwidth", "")).isdigit():
        width = max(1, min(width, int(maxwidth)))
    with translation.override(language):
        url = request.build_absolute_uri(statement.get_absolute_url())
        signatures = statement.confirmed_signatures  # type: ignore[attr-defined]
        html = render_to_string(
            "campaigns/embed.html",
            {
                "statement": statement,
                "url": url,
                "named": signatures[:SIGNATORIES_NAMED],
                "others": len(signatures) - SIGNATORIES_NAMED,
                "language": language,
            },
        )
        lead = statement.lead_organisation
        answer: dict[str, Any] = {
            "version": "1.0",
            "type": "rich",
            "provider_name": "Chorus",
            "provider_url": request.build_absolute_uri("/"),
            "title": statement.title,
            "html": sanitise_embed(html),
            "width": width,
            "height": HEIGHT,
            "cache_age": 3600,
        }
        if lead is not None:
            answer["author_name"] = lead.name
            answer["author_url"] = request.build_absolute_uri(lead.get_absolute_url())
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


def public_statement_at(request: HttpRequest, url: str) -> tuple[Statement, str] | None:
    """The public statement whose page `url` is, and the language of that page."""
    parts = urlsplit(url)
    site_hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if parts.scheme not in {"http", "https"} or parts.netloc not in site_hosts:
        return None
    language = get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
    if match.view_name != "campaigns:statement":
        return None
    statement = (
        Statement.objects.published()
        .available_in(language)
        .filter(slug=match.kwargs["slug"])
        .select_related("lead_organisation")
        .prefetch_related(confirmed_signatures())
        .first()
    )
    return None if statement is None else (statement, language)


EMBED_TAGS = {"blockquote", "p", "a", "strong", "time", "cite"}


def sanitise_embed(html: str) -> str:
    """What the consumer puts on its page: our markup, cleaned as if it were anyone's."""
    return nh3.clean(
        html,
        tags=EMBED_TAGS,
        attributes={
            "a": {"href"},
            "blockquote": {"class", "lang", "cite"},
            "time": {"datetime"},
            "p": {"lang"},
        },
        url_schemes={"http", "https"},
        link_rel="noopener",
    ).strip()
