"""Markdown as staff write it, turned into HTML that is safe to put in a page or a feed.

Raw HTML in the source is not passed through: the parser treats it as text, and the
sanitiser then removes anything outside a short list of tags and attributes, so a
statement's body can never carry a script, a style or an event handler.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML. Links get rel="noopener noreferrer"."""
    return nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
