import json
from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lib.markdown import render_markdown
from lib.web_addresses import is_web_address

register = template.Library()

# As json_script does: nothing inside the JSON can end the script element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict[str, Any] | None) -> SafeString:
    if not data:
        return mark_safe("")
    text = json.dumps(data, ensure_ascii=False, default=str).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


@register.filter
def web_address(address: str | None) -> str:
    """The address if a page may link to it (http:// or https://), else nothing."""
    return address if address and is_web_address(address) else ""


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 - render_markdown sanitises


@register.simple_tag(takes_context=True)
def language_versions(context: dict[str, Any]) -> list[dict[str, str]]:
    """This page in each language it exists in: code, name, and its address (path and absolute).

    A page whose content is written in some languages only says so with `page_languages`.
    """
    request: HttpRequest | None = context.get("request")
    if request is None:
        # The server error page is rendered without a request: it offers no other version.
        return []
    languages = context.get("page_languages")
    versions = []
    for code, name in settings.LANGUAGES:
        if languages is not None and code not in languages:
            continue
        path = translate_url(request.get_full_path(), code)
        versions.append(
            {"code": code, "name": name, "path": path, "url": request.build_absolute_uri(path)}
        )
    return versions


@register.simple_tag(takes_context=True)
def oembed_url(context: dict[str, Any], statement: Any) -> str:
    """Where an oEmbed consumer asks how to embed this statement's page."""
    request = context["request"]
    page = request.build_absolute_uri(statement.get_absolute_url())
    return f"{reverse('oembed')}?{urlencode({'url': page, 'format': 'json'})}"
