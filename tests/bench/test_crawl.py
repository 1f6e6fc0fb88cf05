"""The leak crawler on a made-up site: it finds what it must, and only that."""

from bench.crawl import Answer, Crawler

HTML = {"Content-Type": "text/html; charset=utf-8"}
JSON = {"Content-Type": "application/json"}

SITE: dict[str, tuple[int, dict[str, str], str]] = {
    "/": (200, HTML, '<a href="/a/">a</a> <a href="https://elsewhere.example/x">x</a>'),
    "/a/": (
        200,
        HTML,
        '<link href="http://testserver/b/"><form method="get"><select name="k">'
        '<option value="">any</option><option value="1">one</option></select></form>',
    ),
    "/a/?k=1": (200, HTML, "<p>Group LEAKMARK00001</p>"),
    "/b/": (500, HTML, "boom"),
    "/statements/2025/leakmark00002-draft/": (
        404,
        HTML,
        '<meta property="og:url" content="http://testserver/statements/2025/leakmark00002-draft/">',
    ),
    "/statements/2025/leakmark00003-withdrawn/": (410, HTML, "Withdrawn TOMBMARK00004"),
    "/search/?q=LeakMark00001": (200, HTML, '<input value="LeakMark00001"> Nothing was found'),
    "/search/?q=TombMark00004": (200, HTML, "<h2>Withdrawn TOMBMARK00004</h2>"),
}


def get(path: str, headers: dict[str, str]) -> Answer:
    status, answer_headers, body = SITE.get(path, (404, HTML, "Nothing at this address"))
    return status, answer_headers, body.encode()


MANIFEST = {
    "markers": {"LEAKMARK00001": "an organisation", "LEAKMARK00002": "a draft"},
    "notice_markers": {"TOMBMARK00004": "a withdrawn statement's title"},
    "probes": [
        {"path": "/statements/2025/leakmark00002-draft/", "expect": [404]},
        {
            "path": "/statements/2025/leakmark00003-withdrawn/",
            "expect": [410],
            "notice": "TOMBMARK00004",
        },
        {"path": "/a/", "expect": [404]},
    ],
    "filter_values": {},
    "form_values": {},
    "search_terms": ["LeakMark00001", "TombMark00004"],
    "search_terms_every_language": ["TombMark00004"],
}


def crawl(max_requests: int = 100) -> Crawler:
    crawler = Crawler(
        get,
        MANIFEST,
        origin="http://testserver",
        max_requests=max_requests,
        other_language_searches=0,
    )
    crawler.run()
    return crawler


def test_markers_are_found_where_they_are_and_echoes_are_not_leaks() -> None:
    result = crawl().result

    found = {(finding.path, finding.marker) for finding in result.findings}
    # The form's choice led to a page with a marker; the search result showed a notice
    # marker outside its notice. The 404 page repeating its own address, the search page
    # repeating its query, and the 410 notice showing its title are not leaks.
    assert found == {
        ("/a/?k=1", "LEAKMARK00001"),
        ("/search/?q=TombMark00004", "TOMBMARK00004"),
    }
    assert result.findings[0].what in {"an organisation", "a withdrawn statement's title"}
    assert result.server_errors == [("/b/", 500)]
    assert result.probe_failures == [("/a/", [404], 200)]
    assert "https://elsewhere.example/x" not in crawl().seen


def test_the_bound_stops_the_crawl_and_says_so() -> None:
    result = crawl(max_requests=6).result

    assert result.requests == 6
    assert result.truncated
