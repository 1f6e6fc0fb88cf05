"""A 304 from a remembered ETag is cheap, and never hides a change.

The API remembers the ETag of an anonymous answer with the public content version
(operations/pages.py), in the cache and in the memory of the process that checked
it; each test here makes a change the way staff make it, through the admin, and shows
that the old ETag stops being answered 304 at once, though the answer is kept
(campaigns/documents.py) and built anew by the task worker.
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Signature, Statement
from legislation.models import Law
from lib.api.schema import HEADER_VALUE_PATTERN
from operations.pages import process_etags
from organisations.models import Organisation
from tests.admin_pages import add_row, admin_url, form_data
from tests.factories import (
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/statements/"


def etag_of(api: APIClient, url: str) -> str:
    """The ETag a client holds after a first GET and a first conditional GET.

    The first conditional GET builds the answer (nothing is remembered yet) and
    remembers its ETag; from then on a 304 is given from memory.
    """
    etag = str(api.get(url)["ETag"])
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    return etag


def unchanged_since(response: Any) -> dict[str, str]:
    """A 304's headers, but for those every answer has of its own."""
    return {
        name: value
        for name, value in response.headers.items()
        if name not in {"X-Request-ID", "Date", "Content-Security-Policy"}
    }


def test_a_remembered_304_costs_one_query_and_no_body(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        SignatureFactory(statement=StatementFactory(published=True))
    etag = etag_of(api, LIST)
    process_etags.clear()  # as another process, which has not checked it
    # The version, whether a statement was published since and the next to be, in one query.
    with django_assert_num_queries(1):
        response = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    assert response["Cache-Control"] == "no-cache"
    assert "Authorization" in response["Vary"]

    # The process that checked it now answers from its memory, the same way.
    with django_assert_num_queries(0):
        again = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert unchanged_since(again) == unchanged_since(response)
    # What the client does not hold is built.
    assert api.get(LIST, HTTP_IF_NONE_MATCH='"another"').status_code == 200


def test_a_304_from_process_memory_is_not_counted_against_the_throttle(
    api: APIClient, settings: Any
) -> None:
    """Revalidating costs less than counting: as on GitHub's API, polling with an ETag
    that still holds does not use up a client's requests."""
    settings.API_THROTTLE_RATES = {"anonymous": "3/minute", "partner": "3/minute"}
    StatementFactory(published=True)
    etag = etag_of(api, LIST)  # one request counted: the GET (not the first check's 304)

    polls = [api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(10)]

    assert polls == [304] * 10
    assert api.get(LIST).status_code == 200
    assert api.get(LIST).status_code == 200
    assert api.get(LIST).status_code == 429


def test_no_304_is_counted_against_the_throttle_even_for_a_key(
    api: APIClient, settings: Any
) -> None:
    from tests.factories import partner_key

    settings.API_THROTTLE_RATES = {"anonymous": "2/minute", "partner": "2/minute"}
    StatementFactory(published=True)
    _, secret = partner_key()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    etag = str(api.get(LIST)["ETag"])  # counted

    polls = [api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code for _ in range(5)]

    assert polls == [304] * 5
    assert api.get(LIST).status_code == 200
    assert api.get(LIST).status_code == 429


def test_every_answer_has_an_etag_a_withdrawn_statements_410_too(api: APIClient) -> None:
    withdrawn = StatementFactory(withdrawn=True)

    gone = api.get(f"/api/v1/statements/{withdrawn.pk}/")
    missing = api.get("/api/v1/statements/999999/")
    refused = api.get(LIST, {"page_size": "1000"})

    assert gone.status_code == 410
    assert gone["ETag"]
    assert missing.status_code == 404
    assert missing["ETag"]
    assert refused.status_code == 400
    assert refused["ETag"]


def test_no_304_from_process_memory_for_a_key_or_another_format(api: APIClient) -> None:
    from tests.factories import partner_key

    def by_the_view(**headers: str) -> int:
        """The request's status, having made sure that its view answered it."""
        with CaptureQueriesContext(connection) as queries:
            status = api.get(LIST, None, False, HTTP_IF_NONE_MATCH=etag, **headers).status_code
        assert queries.captured_queries, "answered from process memory"
        return status

    StatementFactory(published=True)
    etag = etag_of(api, LIST)
    _, secret = partner_key()
    # What a key may see is built and hashed: here, the same as anyone's.
    assert by_the_view(HTTP_AUTHORIZATION=f"Api-Key {secret}") == 304
    # A bad key is refused, not answered from what anyone may see.
    assert by_the_view(HTTP_AUTHORIZATION="Api-Key nonsense") == 401
    # Another Accept header or language is another answer: the view decides.
    assert by_the_view(HTTP_ACCEPT="application/json") == 304
    assert by_the_view(HTTP_ACCEPT_LANGUAGE="fr") in {200, 304}


def test_no_304_from_process_memory_without_a_content_version(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    """Kept under no version, an ETag could outlive a change that no version recorded."""
    from operations import pages

    StatementFactory(published=True)
    monkeypatch.setattr(pages, "content_version", lambda: "")
    etag = etag_of(api, LIST)
    assert not process_etags
    with django_assert_num_queries(1):
        assert api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304


def change_in_admin(admin_client: Client, row: Model, model_name: str, **values: str) -> None:
    """Save `row` through its admin change form with these fields changed."""
    data = form_data(admin_client.get(admin_url(row, "change")), model_name)
    data.update(values)
    response = admin_client.post(admin_url(row, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def rename_organisation(admin_client: Client, organisation: Organisation) -> None:
    change_in_admin(admin_client, organisation, "organisation", name_en="A new name")


def confirm_signature(admin_client: Client, signature: Signature) -> None:
    admin_client.post(
        admin_url(Signature, "changelist"),
        {"action": "confirm", "index": "0", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def retitle_law(admin_client: Client, law: Law) -> None:
    change_in_admin(
        admin_client,
        law,
        "law",
        official_title_en="The new official title",
        common_title_en="the new title",
    )


def repeal_law(admin_client: Client, law: Law) -> None:
    """Add the repeal to the law's timeline, which sets its status."""
    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(data, "events", date="2024-05-01", kind="repealed")
    response = admin_client.post(admin_url(law, "change"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    law.refresh_from_db()
    assert law.status == Law.Status.REPEALED


def correct(admin_client: Client, statement: Statement) -> None:
    change_in_admin(
        admin_client,
        statement,
        "statement",
        body_en="The summit is on Tuesday.",
        change_kind="correction",
        correction_note="An earlier version gave Monday.",
    )


def translate(admin_client: Client, statement: Statement) -> None:
    change_in_admin(
        admin_client,
        statement,
        "statement",
        title_fr="Un titre",
        standfirst_fr="Un chapeau",
        body_fr="Un texte.",
        change_kind="silent_fix",
    )


CHANGES: dict[str, Callable[[Client, dict[str, Any]], None]] = {
    "a signatory organisation renamed": lambda admin, world: rename_organisation(
        admin, world["signatory"]
    ),
    "a signature confirmed": lambda admin, world: confirm_signature(admin, world["pending"]),
    "a law's title changed": lambda admin, world: retitle_law(admin, world["law"]),
    "a law repealed": lambda admin, world: repeal_law(admin, world["law"]),
    "a correction published": lambda admin, world: correct(admin, world["statement"]),
    "a translation added": lambda admin, world: translate(admin, world["statement"]),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("address", ["list", "detail"])
def test_no_304_after_a_change_to_what_the_answer_shows(
    api: APIClient,
    admin_client: Client,
    change: str,
    address: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    statement = StatementFactory(published=True, body="The summit is on Monday.")
    signatory = OrganisationFactory()
    SignatureFactory(statement=statement, organisation=signatory)
    pending = SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    law = LawFactory()
    DemandFactory(statement=statement, law=law)
    world = {"statement": statement, "signatory": signatory, "pending": pending, "law": law}
    # A list item is slim: the lists that change are asked for.
    url = (
        f"{LIST}?expand=signatures,demands,corrections"
        if address == "list"
        else f"{LIST}{statement.pk}/"
    )
    etag = etag_of(api, url)
    before = api.get(url).json()

    # Committed, as in the admin: the kept answers are built anew by the task worker.
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[change](admin_client, world)

    response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json() != before
    # The new answer's ETag is remembered in turn.
    assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_no_304_once_a_scheduled_statement_is_published_by_the_clock(api: APIClient) -> None:
    StatementFactory(published=True)
    scheduled = StatementFactory(scheduled=True, publish_at=timezone.now() + timedelta(seconds=1))
    etag = etag_of(api, LIST)
    # Its time comes with nothing saved: the clock alone makes it public.
    while timezone.now() <= scheduled.publish_at:
        time.sleep(0.05)
    response = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert scheduled.pk in [row["id"] for row in response.json()["results"]]


def test_a_cache_outage_never_gives_a_304_from_memory(
    api: APIClient,
    admin_client: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """While the cache is unreachable every read misses and every write is dropped
    (operations/cache.py), so a change made then cannot make a remembered ETag obsolete
    in the cache. The version lives in the database, which the change did raise."""
    statement = StatementFactory(published=True)
    organisation = SignatureFactory(statement=statement).organisation
    url = f"{LIST}{statement.pk}/"
    etag = etag_of(api, url)

    # The outage: nothing read, nothing written, while staff rename a signatory.
    remembered = dict(cache._cache)  # type: ignore[attr-defined]
    monkeypatch.setattr(cache, "get", lambda key, default=None, version=None: default)
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    during = api.get(url, HTTP_IF_NONE_MATCH=etag)
    with django_capture_on_commit_callbacks(execute=True):  # its answer is built anew
        rename_organisation(admin_client, organisation)
    monkeypatch.undo()
    # The cache is back with what it held before, the old ETag among it.
    assert dict(cache._cache).keys() == remembered.keys()  # type: ignore[attr-defined]

    after = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert during.status_code == 304  # built in full and hashed: the body had not changed
    assert after.status_code == 200
    assert "A new name" in after.text


def test_a_key_and_the_change_feed_always_hash_the_body(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    from tests.factories import partner_key

    SignatureFactory(statement=StatementFactory(published=True))
    _, secret = partner_key()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    etag = str(api.get(LIST)["ETag"])
    # The key; the 2 queries of the answer (the page, the kept documents) and its count,
    # put together to be hashed.
    with django_assert_num_queries(1 + 2 + 1):
        assert api.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    api.credentials()
    feed = str(api.get("/api/v1/changes/")["ETag"])
    for _ in range(2):
        assert api.get("/api/v1/changes/", HTTP_IF_NONE_MATCH=feed).status_code == 304


def test_a_withdrawal_through_the_workflow_ends_the_304s_of_every_address_at_once(
    api: APIClient, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, title="About to be withdrawn")
    SignatureFactory(statement=statement)
    detail = f"{LIST}{statement.pk}/"
    held = {url: etag_of(api, url) for url in (LIST, detail)}
    for url, etag in held.items():  # answered from this process's memory
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert not queries.captured_queries

    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Signed in error.")

    assert api.get(detail, HTTP_IF_NONE_MATCH=held[detail]).status_code == 410
    listed = api.get(LIST, HTTP_IF_NONE_MATCH=held[LIST])
    assert listed.status_code == 200
    assert statement.pk not in [row["id"] for row in listed.json()["results"]]


def test_a_tag_with_spaces_or_tabs_around_it_is_the_same_tag_as_the_schema_allows() -> None:
    StatementFactory(published=True)
    api = APIClient()
    etag = etag_of(api, LIST)
    padded = f"\t{etag} "
    # HTTP allows optional whitespace (spaces and tabs) around a header's value.
    assert re.fullmatch(HEADER_VALUE_PATTERN, padded)
    assert api.get(LIST, HTTP_IF_NONE_MATCH=padded).status_code == 304
    assert not re.fullmatch(HEADER_VALUE_PATTERN, f"{etag}\n")
