from lib.markdown import render_markdown


def test_markdown_is_rendered() -> None:
    html = render_markdown("## Demands\n\nRepeal **all** five laws.\n\n1. One\n2. Two\n")

    assert "<h2>Demands</h2>" in html
    assert "<strong>all</strong>" in html
    assert "<ol>" in html


def test_raw_html_and_dangerous_links_do_not_survive() -> None:
    html = render_markdown(
        '<script>alert(1)</script> <b onclick="x()">bold</b> '
        "[bad](javascript:alert(1)) [good](https://example.org)"
    )

    assert "<script" not in html
    assert "<b" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">good</a>' in html
