from html.parser import HTMLParser

import pytest

from lib.markdown import ALLOWED_TAGS, render_markdown, sanitise_html


class LiveMarkup(HTMLParser):
    """What a browser would act on: the tags and attributes, not the text shown."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def live_markup(html: str) -> LiveMarkup:
    parser = LiveMarkup()
    parser.feed(html)
    return parser


def test_markdown_becomes_html() -> None:
    html = render_markdown("The organisations **urge** leaders:\n\n- repeal\n- amend")
    assert "<strong>urge</strong>" in html
    assert "<ul>\n<li>repeal</li>" in html


def test_a_level_one_heading_does_not_compete_with_the_page_title() -> None:
    assert render_markdown("# Background") == "<h2>Background</h2>\n"


def test_links_keep_their_address_and_do_not_tell_where_the_reader_came_from() -> None:
    html = render_markdown("[OECD](https://www.oecd.org/)")
    assert 'href="https://www.oecd.org/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '<svg onload="alert(1)">',
        '![x](https://example.org/x.png" onerror="alert(1))',
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_nothing_that_runs_survives(hostile: str) -> None:
    markup = live_markup(render_markdown(hostile))
    assert set(markup.tags) <= ALLOWED_TAGS
    for name, value in markup.attributes:
        assert name in {"href", "title", "rel", "start"}
        if name == "href":
            assert value.startswith(("http://", "https://", "mailto:"))


def test_html_typed_into_the_text_is_shown_as_text() -> None:
    assert "&lt;b&gt;bold&lt;/b&gt;" in render_markdown("<b>bold</b>")


@pytest.mark.parametrize(
    "text",
    ["**bold** and [a link](https://example.org)", "<script>x</script>", "| a |\n|---|\n| b |"],
)
def test_sanitising_is_idempotent(text: str) -> None:
    once = render_markdown(text)
    assert sanitise_html(once) == once


def test_empty_text_gives_empty_html() -> None:
    assert render_markdown("") == ""
