import json
from typing import Any, cast
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.context import Context
from django.urls import reverse, translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, resolution_order

from lib.markdown import render_markdown
from lib.web_addresses import is_web_address
from operations import fragments

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


@register.filter
def language_name(code: str) -> str:
    """A language by the name the language switcher gives it (settings.LANGUAGES), not
    Django's own name for it in itself, which writes one of them in lower case
    ("English", "Русский", "français")."""
    return dict(settings.LANGUAGES)[code]


@register.simple_tag(takes_context=True)
def language_versions(context: dict[str, Any]) -> list[dict[str, str]]:
    """This page in each language it exists in: code, name, and its address (path and absolute).

    A page whose content is written in some languages only says so with `page_languages`.
    A page without a query keeps them for its next rebuild (operations.fragments): every
    address is translated by resolving it and reversing it in each language.
    """
    request: HttpRequest | None = context.get("request")
    if request is None:
        # The server error page is rendered without a request: it offers no other version.
        return []
    languages = context.get("page_languages")

    def versions() -> list[dict[str, str]]:
        found = []
        for code, name in settings.LANGUAGES:
            if languages is not None and code not in languages:
                continue
            path = translate_url(request.get_full_path(), code)
            found.append(
                {"code": code, "name": name, "path": path, "url": request.build_absolute_uri(path)}
            )
        return found

    if request.META.get("QUERY_STRING"):
        # One entry per query would crowd out the parts worth keeping (a search's words).
        return versions()
    shown_in = ",".join(languages) if languages is not None else "*"
    return fragments.kept(request, "language-versions", request.path, shown_in, make=versions)


class KeptNode(template.Node):
    # Holds no block (its part is the same on every page): the parent template's blocks
    # are looked for on each rendering without looking inside it.
    child_nodelists = ()

    def __init__(self, template_name: str, name: str, nodelist: template.NodeList) -> None:
        # Kept under both: another template's part of the same name is another part.
        self.template_name = template_name
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        def make() -> SafeString:
            return SafeString(self.nodelist.render(context))

        request: HttpRequest | None = context.get("request")
        if request is None:
            return make()
        return fragments.kept(request, "site", self.template_name, self.name, make=make)


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """`{% kept "name" %}…{% endkept %}`: a part of the site's frame that is the same on
    every page in a language (its stylesheets, header, footer), rendered once per content
    version, language and host and kept (operations.fragments), not on every page built
    afresh. What is inside may read nothing of the page, nor of the reader but the staff
    link (a member of staff never gets a kept part)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a quoted name.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    template_name = str(parser.origin.template_name) if parser.origin else ""
    return KeptNode(template_name, bits[1][1:-1], nodelist)


@register.simple_tag
def oembed_url(page_url: str) -> str:
    """Where an oEmbed consumer asks how to embed the statement's page at `page_url`."""
    return f"{reverse('oembed')}?{urlencode({'url': page_url, 'format': 'json'})}"


def text_language(obj: Any, value: str) -> str:
    """The language `value`, read from `obj` on a page in the current language, is
    written in: the page's own, or the fallback language modeltranslation read it from.

    The text is found among the object's translated fields in the order modeltranslation
    reads them (the page's language first), so a property built from them (a law's
    `title`: its common title, or failing that its official title) is found too. Text
    that is not translated at all is in the page's language as far as anyone can say.
    """
    current = get_language() or settings.LANGUAGE_CODE
    try:
        fields = translator.get_options_for_model(type(obj)).get_field_names()
    except NotRegistered:
        return current
    for language in resolution_order(current):
        if any(
            getattr(obj, build_localized_fieldname(field, language), None) == value
            for field in fields
        ):
            return language
    return current


@register.filter
def with_language(obj: Any, attribute: str) -> SafeString:
    """`obj.attribute` as a page shows it, in a `<span lang>` when it is shown in a
    fallback language: a law named only in English on a Russian page is read out by a
    screen reader in English, and hyphenated and spelled as English."""
    value = getattr(obj, attribute, None)
    if value is None or value == "":
        return mark_safe("")
    text = str(value)
    language = text_language(obj, text)
    if language == (get_language() or settings.LANGUAGE_CODE):
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', language, text)


# Open Graph names a locale as language_TERRITORY: where each interface language is read.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "ru": "ru_RU", "fr": "fr_FR"}


@register.filter
def og_locale(language: str) -> str:
    return OPEN_GRAPH_LOCALES.get(language, language)


@register.simple_tag(takes_context=True)
def canonical_url(context: dict[str, Any]) -> str:
    """This page's one address for search engines: without the query, except the page
    number of a list (each page of a list is a page of its own)."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    page = request.GET.get("page", "")
    query = f"?{urlencode({'page': page})}" if page.isdigit() and page != "1" else ""
    return request.build_absolute_uri(request.path + query)


@register.simple_tag
def share_links(title: str, address: str) -> list[dict[str, str]]:
    """Plain links that share a page by e-mail and on the networks readers use: no
    script of theirs runs here, and nothing is sent to them until a reader clicks."""
    text = f"{title} {address}"
    return [
        {
            "name": gettext("E-mail"),
            "url": f"mailto:?{urlencode({'subject': title, 'body': address}, quote_via=quote)}",
        },
        {"name": "Bluesky", "url": f"https://bsky.app/intent/compose?{urlencode({'text': text})}"},
        {
            "name": "X",
            "url": f"https://x.com/intent/post?{urlencode({'text': title, 'url': address})}",
        },
        {
            "name": "Facebook",
            "url": f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': address})}",
        },
        {
            "name": "LinkedIn",
            "url": f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': address})}",
        },
        {
            "name": "Telegram",
            "url": f"https://t.me/share/url?{urlencode({'url': address, 'text': title})}",
        },
        {"name": "WhatsApp", "url": f"https://wa.me/?{urlencode({'text': text})}"},
    ]


@register.simple_tag
def colon() -> str:
    """A colon after a label, as the page's language sets it: French puts a no-break
    space before it ("Loi : …"), so that it never starts a line; English and Russian
    none."""
    return "\u00a0:" if (get_language() or "").startswith("fr") else ":"


@register.simple_tag(takes_context=True)
def statement_item(context: Context, statement: Any) -> SafeString:
    """A statement as lists show it (includes/statement_item.html), rendered once per
    version and kept (operations.fragments): the same row on every page of every list,
    filter and search, until the content changes."""

    def make() -> SafeString:
        item = context.template.engine.get_template("includes/statement_item.html")  # type: ignore[union-attr]
        with context.push(statement=statement):
            return cast(SafeString, item.render(context))

    request: HttpRequest | None = context.get("request")
    if request is None or not statement.is_public:
        return make()
    return fragments.kept(request, STATEMENT_ITEM, statement.pk, statement.version, make=make)


STATEMENT_ITEM = "statement-item"


@register.simple_tag(takes_context=True)
def statement_items(context: Context, statements: Any) -> SafeString:
    """Each statement of a list as `{% statement_item %}` shows it. A list that knows its
    statements by id and version before reading them (campaigns.views.ListedStatements,
    which went through the publication gate for them) reads in full only those whose
    rows are not kept: none, for a list built afresh under the content version its rows
    were last shown under."""
    request: HttpRequest | None = context.get("request")
    listed: list[tuple[int, int]] | None = getattr(statements, "listed", None)
    if request is None or listed is None:
        rows = [statement_item(context, statement) for statement in statements]
    else:
        kept = {pk: fragments.find(request, STATEMENT_ITEM, pk, version) for pk, version in listed}
        read = statements.read([pk for pk, row in kept.items() if row is None])
        rows = [
            cast(SafeString, row) if row is not None else statement_item(context, read[pk])
            for pk, _version in listed
            if (row := kept[pk]) is not None or pk in read
        ]
    return mark_safe("\n    ".join(rows))  # noqa: S308 - each row rendered by its template
