"""Every known XSS vector of bench/xss-vectors.json, through the statement Markdown pipeline.

The drill (bench/drill_xss.py) opens each in Chromium; this reads the rendered HTML as a
browser's parser would and finds nothing that could run, on every run of the suite.
"""

import pytest

from bench.drill_xss import MINIMUM_VECTORS, live_markup, load_vectors, url_scheme
from lib.markdown import ALLOWED_TAGS, render_markdown, sanitise_html

VECTORS = load_vectors()


def test_there_are_enough_vectors_and_each_is_different() -> None:
    assert len(VECTORS) >= MINIMUM_VECTORS
    assert len(set(VECTORS)) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_leaves_anything_that_runs(vector: str) -> None:
    html = render_markdown(vector)
    assert live_markup(html, ALLOWED_TAGS) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize("vector", VECTORS)
def test_sanitising_a_rendered_vector_again_changes_nothing(vector: str) -> None:
    html = render_markdown(vector)
    assert sanitise_html(html) == html


# The checks above are only as good as the reading of the HTML: it must find what a
# browser would act on when it is there.
@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<script>x()</script>", ["<script> element"]),
        ('<p onclick="x()">a</p>', ["onclick attribute on <p>"]),
        ('<a href="javascript:x()">a</a>', ['href="javascript:x()" on <a>']),
        ('<a href=" \tJava\nScript:x()">a</a>', ['href=" \tJava\nScript:x()" on <a>']),
        ('<a href="vbscript:x">a</a>', ['href="vbscript:x" on <a>']),
        ('<a href="data:text/html,x">a</a>', ['href="data:text/html,x" on <a>']),
        ('<p style="color:red">a</p>', ['style="color:red" on <p>']),
        ("<img src=x>", ["<img> element"]),
        ('<a href="https://example.org/" title="javascript:x">a</a>', []),
    ],
)
def test_the_reading_finds_what_would_run(html: str, found: list[str]) -> None:
    assert live_markup(html, ALLOWED_TAGS) == found


@pytest.mark.parametrize(
    ("address", "scheme"),
    [
        ("javascript:x", "javascript"),
        ("\x01 JAVA\tSCRIPT:x", "javascript"),
        ("java%0ascript:x", ""),
        ("%6A%61vascript:x", ""),
        ("/relative:path", ""),
        ("https://example.org/", "https"),
    ],
)
def test_a_scheme_is_read_as_a_browser_reads_it(address: str, scheme: str) -> None:
    assert url_scheme(address) == scheme
