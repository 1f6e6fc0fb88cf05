from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from campaigns.models import PublicContentVersion, Statement
from operations import pages
from operations.pages import CONTENT_VERSION_KEY, CachedPage, ProcessPages
from tests.factories import (
    SignatureFactory,
    StatementFactory,
    TargetFactory,
    withdraw_in_database_only,
)

pytestmark = pytest.mark.django_db


def test_public_pages_revalidate_with_etag_and_last_modified(client: Client) -> None:
    StatementFactory(published=True)
    response = client.get("/")
    assert "public" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]

    assert client.get("/", headers={"if-none-match": response["ETag"]}).status_code == 304
    since = client.get("/", headers={"if-modified-since": response["Last-Modified"]})
    assert since.status_code == 304
    assert client.get("/", headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get("/", headers={"if-match": '"other"'}).status_code == 412
    held = client.get("/")
    assert held["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert (held["ETag"], held["Last-Modified"]) == (response["ETag"], response["Last-Modified"])


def test_a_cached_page_is_served_without_a_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    statement = StatementFactory(published=True)
    client.get(statement.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(statement.get_absolute_url()).status_code == 200


def test_a_scheduled_statement_appears_in_a_cached_page_the_moment_its_time_passes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementFactory(published=True, title="Already public")
    scheduled = StatementFactory(
        title="Embargoed until noon",
        status=Statement.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    SignatureFactory(statement=scheduled)
    before = client.get("/")
    assert "Already public" in before.text
    assert "Embargoed until noon" not in before.text
    assert "Embargoed until noon" not in client.get("/").text  # from the cache

    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Embargoed until noon" in client.get("/").text


def test_a_change_in_the_admin_shows_at_once(
    client: Client, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement)
    addressee = TargetFactory(name="Old addressee name")
    statement.addressees.add(addressee)
    assert "Old addressee name" in client.get(statement.get_absolute_url()).text

    # Once the admin's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/campaigns/target/{addressee.pk}/change/",
            {"name": "New addressee name", "slug": addressee.slug, "kind": addressee.kind},
        )
    assert response.status_code == 302

    assert "New addressee name" in client.get(statement.get_absolute_url()).text


def test_a_withdrawal_through_the_workflow_shows_at_once(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, title="About to be withdrawn")
    SignatureFactory(statement=statement)
    assert "About to be withdrawn" in client.get("/").text
    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Signed in error.")
    assert "About to be withdrawn" not in client.get("/").text
    assert client.get(statement.get_absolute_url()).status_code == 410


def test_staff_pages_are_private_and_not_shared(client: Client, author: User) -> None:
    StatementFactory(published=True)
    client.force_login(author)
    response = client.get("/")
    assert "private" in response["Cache-Control"]
    assert "Edit in the admin" in response.text
    client.logout()
    assert "Edit in the admin" not in client.get("/").text


@override_settings(ALLOWED_HOSTS=["chorus.example.org", "other.example.org"])
def test_a_page_cached_for_one_host_is_not_served_to_another(client: Client) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()

    other = client.get(url, headers={"host": "other.example.org"})
    ours = client.get(url, headers={"host": "chorus.example.org"})

    # Pages carry absolute links (JSON-LD, hreflang, Open Graph) built from the host.
    assert "https://other.example.org" in other.text or "http://other.example.org" in other.text
    assert "other.example.org" not in ours.text


def test_a_page_kept_in_process_memory_is_not_served_once_another_process_changes_content(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    statement = StatementFactory(published=True, title="First wording")
    client.get(statement.get_absolute_url())
    with django_assert_num_queries(0):
        assert "First wording" in client.get(statement.get_absolute_url()).text

    # Another worker withdraws the statement: all this process sees is the shared version.
    withdraw_in_database_only(statement)
    cache.set(CONTENT_VERSION_KEY, "changed-elsewhere", timeout=None)
    assert client.get(statement.get_absolute_url()).status_code == 410


def test_while_the_shared_cache_is_unreachable_nothing_is_kept_in_process_memory(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = StatementFactory(published=True)
    # Redis is away: reads miss and the content version cannot be known.
    monkeypatch.setattr(pages.cache, "get", lambda key, default=None: default)
    assert client.get(statement.get_absolute_url()).status_code == 200
    withdraw_in_database_only(statement)
    # No version bump can reach Redis either; the page must still come from the database.
    assert client.get(statement.get_absolute_url()).status_code == 410


def test_process_memory_keeps_the_most_recent_pages_within_its_budget() -> None:
    now = timezone.now()

    def page(size: int) -> CachedPage:
        return {
            "content": b"x" * size,
            "content_type": "text/html",
            "etag": '"e"',
            "rendered_at": now,
            "expires_at": now,
        }

    pages = ProcessPages(budget=900)
    pages.put("a", page(200), path="/a/")
    pages.put("b", page(200), path="/b/")
    pages.get("a")  # used again: "b" is now the oldest
    pages.put("c", page(200), path="/c/")
    pages.put("d", page(200), path="/d/")
    pages.put("e", page(200), path="/e/")
    assert pages.size <= 900
    assert pages.get("b") is None
    assert pages.get("a") is not None
    pages.put("huge", page(300), path="/huge/")  # more than a quarter of the budget: never kept
    assert pages.get("huge") is None
    pages.put("a", page(100), path="/a/")  # replacing a page counts its new size only
    assert pages.size == sum(len(p["content"]) for p in pages.pages.values())
    # The paths it holds pages for, and only those.
    assert set(pages.paths) == {f"/{key}/" for key in pages.pages}
    assert not pages.holds_path("/b/") and pages.holds_path("/a/")
    pages.clear()
    assert not pages.holds_path("/a/") and pages.size == 0


@override_settings(ALLOWED_HOSTS=["testserver", "other.example.org"])
def test_a_page_held_in_process_memory_is_answered_before_its_address_is_resolved(
    client: Client, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = StatementFactory(published=True, title="Held in memory")
    url = statement.get_absolute_url()
    first = client.get(url)
    resolved: list[str] = []
    original = BaseHandler.resolve_request

    def resolve_request(handler: BaseHandler, request: HttpRequest) -> Any:
        resolved.append(request.path)
        return original(handler, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", resolve_request)
    held = client.get(url)
    assert held.content == first.content
    assert held["ETag"] == first["ETag"]
    assert "public" in held["Cache-Control"]
    # Every other middleware still applies: the security headers are there.
    assert held["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert held["X-Frame-Options"] == "DENY"
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert resolved == []

    # Another host, or a member of staff, goes on to the view.
    client.get(url, headers={"host": "other.example.org"})
    staff = Client()
    staff.force_login(author)
    assert "private" in staff.get(url)["Cache-Control"]
    assert resolved == [url, url]


class RedisOutage:
    """Redis unreachable, as the degrading cache answers then: every read misses and every
    write is dropped. Ending it brings back what Redis held before, as after a network
    cut or a failover to a replica."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def begin(self) -> None:
        self.monkeypatch.setattr(pages.cache, "get", lambda key, default=None: default)
        self.monkeypatch.setattr(pages.cache, "set", lambda *args, **kwargs: None)
        self.monkeypatch.setattr(pages.cache, "add", lambda *args, **kwargs: False)

    def end(self) -> None:
        self.monkeypatch.undo()


@pytest.fixture
def redis_outage(monkeypatch: pytest.MonkeyPatch) -> RedisOutage:
    pages.cache_contact.lost = False
    return RedisOutage(monkeypatch)


def test_a_withdrawal_saved_while_redis_was_away_shows_once_it_is_back(
    client: Client, redis_outage: RedisOutage
) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200  # cached under the current version

    redis_outage.begin()
    withdraw_in_database_only(statement)
    pages.pages_changed()  # cannot reach Redis to set a new version
    redis_outage.end()

    # Redis is back with the old version and the page made under it.
    assert client.get(url).status_code == 410


def test_a_process_that_was_without_redis_sets_a_new_version_when_it_is_back(
    client: Client, redis_outage: RedisOutage
) -> None:
    statement = StatementFactory(published=True)
    url = statement.get_absolute_url()
    assert client.get(url).status_code == 200
    before = pages.content_version()

    redis_outage.begin()
    # Meanwhile another process withdrew it: it raised the database's number, and could
    # not tell Redis.
    withdraw_in_database_only(statement)
    PublicContentVersion.raise_number()
    assert client.get(url).status_code == 410  # built from the database
    redis_outage.end()

    assert client.get(url).status_code == 410
    assert pages.content_version() not in {before, ""}
    # Once: the next requests keep the new version.
    after = pages.content_version()
    client.get(url)
    assert pages.content_version() == after


def test_a_page_built_without_a_version_is_kept_nowhere(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = StatementFactory(published=True)
    stored: list[str] = []
    # The version cannot be read, but a write would still go through (a flaky Redis).
    monkeypatch.setattr(pages.cache, "get", lambda key, default=None: default)
    monkeypatch.setattr(pages.cache, "set", lambda key, *args, **kwargs: stored.append(key))
    assert client.get(statement.get_absolute_url()).status_code == 200
    assert not [key for key in stored if key.startswith("public-pages:")]


def kept_page_keys() -> set[str]:
    """The keys of the pages the (local-memory) cache keeps."""
    return {
        key
        for key in cache._cache  # type: ignore[attr-defined]
        if "public-pages:" in key and CONTENT_VERSION_KEY not in key
    }


def test_a_parameter_the_page_does_not_read_shares_the_bare_pages_entry(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    StatementFactory(published=True)
    bare = client.get("/statements/")
    kept = kept_page_keys()
    assert len(kept) == 1

    # Unknown parameters, defaults, empty values, another order: the bare page's entry,
    # from this process's memory, and nothing new kept.
    with django_assert_num_queries(0):
        for query in ("?x=1", "?utm_source=news&page=1", "?kind=&page=01"):
            answer = client.get(f"/statements/{query}")
            assert answer.content == bare.content
    assert kept_page_keys() == kept
    # A page that is not there is not found, and not kept.
    assert client.get("/statements/?page=abc").status_code == 404
    assert kept_page_keys() == kept

    # Parameters the page reads are a page each, whatever their order.
    client.get("/search/?q=law&in=laws")
    client.get("/search/?in=laws&q=law&x=1")
    client.get("/statements/?kind=open_letter")
    assert len(kept_page_keys()) == 3


def test_a_page_that_reads_no_parameter_is_one_entry_whatever_the_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    address = StatementFactory(published=True).get_absolute_url()
    bare = client.get(address)
    kept = kept_page_keys()
    assert len(kept) == 1

    with django_assert_num_queries(0):
        for query in ("?utm_source=news", "?page=2&q=law", "?"):
            answer = client.get(f"{address}{query}")
            assert answer.content == bare.content
            assert answer["ETag"] == bare["ETag"]
    assert kept_page_keys() == kept


def test_the_view_sees_only_the_parameters_it_reads(client: Client) -> None:
    StatementFactory(published=True)
    # Built first with a parameter it does not read, the page links to none of it.
    polluted = client.get("/statements/?utm_source=newsletter")
    assert "utm_source" not in polluted.text
    assert client.get("/statements/").content == polluted.content
