"""Markdown written by staff, turned into HTML that is safe to put on a public page.

markdown-it-py renders CommonMark with raw HTML switched off, so HTML typed into a text
is shown as text. nh3 then keeps only the tags and attributes listed here: the renderer
is not a sanitiser, and a link such as `[x](javascript:...)` must never reach a reader.
"""

import html
import re
from functools import lru_cache

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes. Running it twice changes nothing."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        # Links leave the site: the reader's browser should not tell the target where from.
        link_rel="noopener noreferrer nofollow",
    )


# The same texts are rendered again and again (an API page shows each statement's body
# in every language it is written in, twice over): rendering and sanitising is pure, so
# the HTML of the texts read most recently is kept, a bounded number of them and only
# texts of an ordinary length, so that what a worker keeps is bounded too: at most
# RENDERED_TEXTS_KEPT texts and their HTML, up to 256 * 2 * 20,000 characters, tens of
# megabytes at worst, however many statements the site holds. An API page of 50
# statements in three languages fits.
RENDERED_TEXTS_KEPT = 256
LONGEST_TEXT_KEPT = 20_000


def render_markdown(text: str) -> str:
    """The HTML of a Markdown text, sanitised. A level-one heading becomes level two:
    the page's own title is the only h1."""
    text = text or ""
    if len(text) > LONGEST_TEXT_KEPT:
        return _render(text)
    return _rendered(text)


@lru_cache(maxsize=RENDERED_TEXTS_KEPT)
def _rendered(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = _renderer.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitise_html(html)


# Elements whose text a browser sets apart from what comes before and after it.
_BLOCK_TAG = re.compile(r"</?(?:blockquote|br|h[1-6]|hr|li|ol|p|pre|table|td|th|tr|ul)\b[^>]*>")


def markdown_text(text: str) -> str:
    """The words of a Markdown text as a reader reads them on the page: no Markdown syntax,
    no markup, no link addresses; blocks apart, spaces made single."""
    spaced = _BLOCK_TAG.sub(" ", render_markdown(text))
    return " ".join(html.unescape(strip_tags(spaced)).split())
