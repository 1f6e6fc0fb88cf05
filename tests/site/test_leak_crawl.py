"""The leak crawl drill (bench/drill_leaks.py), small, through the test client.

A few hidden things in every state (bench/leak_world.py), each with a unique marker, and
the same crawler the drill runs against the live stack: every public link from the home
pages and the sitemap, every feed, every API list with each filter, ordering and cursor
page, a search for every marker, and each hidden thing's own address. test_leaks.py in
this folder and in tests/api read the public surfaces one by one; this follows whatever
the site links to, so a new page or endpoint is read without being named here.
"""

from typing import Any

import pytest
from django.test import Client

from bench.crawl import Answer, Crawler
from bench.leak_world import HIDDEN_STATES, seed

pytestmark = pytest.mark.django_db

# Enough for the whole crawl of this small world (about 1,500 requests); reaching it fails.
MAX_REQUESTS = 4_000


@pytest.fixture
def crawl_settings(settings: Any) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "1000000/minute", "partner": "1000000/minute"}
    # The change feed shows entries a few seconds after they happen; here, at once.
    settings.API_CHANGES_SETTLE_SECONDS = 0


def test_nothing_hidden_is_found_anywhere_the_public_can_reach(
    client: Client, crawl_settings: None
) -> None:
    manifest = seed(per_state=2, unconfirmed_per_status=1)

    def get(path: str, headers: dict[str, str]) -> Answer:
        response = client.get(path, headers=headers)
        # A file (a logo, the bulk data) is streamed: its bytes are read all the same.
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        return response.status_code, response.headers, body

    result = Crawler(
        get,
        manifest,
        origin="http://testserver",
        max_requests=MAX_REQUESTS,
        # Smaller than the drill: each filter value in one ordering, each ordering with
        # one value of each filter; every marker searched in English, some in all languages.
        cross_orderings=False,
        other_language_searches=10,
    ).run()

    assert set(manifest["hidden_statements"]) == set(HIDDEN_STATES)
    assert all(manifest["hidden_statements"].values())
    assert manifest["unconfirmed_signatures"] == 4
    assert result.findings == []
    assert result.server_errors == []
    assert result.probe_failures == []
    assert not result.truncated, result.summary()
    # Every kind of public address was read, and every marker searched for.
    assert {
        "html page",
        "atom feed",
        "sitemap",
        "robots.txt",
        "api schema",
        "api list",
        "api detail",
        "api change feed",
    } <= set(result.kinds), result.summary()
    assert result.searches == len(manifest["search_terms"]) + 2 * 10
    assert result.probes == len(manifest["probes"])
