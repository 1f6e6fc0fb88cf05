"""The parts of public pages kept below the page cache (operations/fragments.py): a
statement's article and a law's record are made once per content version, and a page
built afresh reuses them; a correction, a withdrawal or a draft never shows through one."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template import Context, Engine
from django.test import Client
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from campaigns.models import PreviewLink, Statement
from operations import fragments
from tests.factories import (
    DemandFactory,
    LawFactory,
    PreviewLinkFactory,
    SignatureFactory,
    StatementFactory,
    withdraw_in_database_only,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_never_answers")]


def test_a_statement_page_built_afresh_reuses_its_article(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    statement = StatementFactory(published=True, body="The text as it stands.")
    SignatureFactory(statement=statement)
    first = client.get(statement.get_absolute_url())

    # Whether the statement is still public in the version kept, through the publication
    # gate: the next publish time was read under this content version already.
    with django_assert_num_queries(1):
        again = client.get(statement.get_absolute_url())

    assert again.content == first.content
    assert "The text as it stands." in again.text


def test_a_correction_shows_at_once_on_a_page_built_afresh(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, body="The summit is on Monday.")
    assert "on Monday" in client.get(statement.get_absolute_url()).text

    statement.body = "The summit is on Tuesday."
    with django_capture_on_commit_callbacks(execute=True):
        statement.save_correction("It said Monday.", by=editor)

    page = client.get(statement.get_absolute_url()).text
    assert "on Tuesday" in page
    assert "on Monday" not in page
    assert "It said Monday." in page


def test_a_withdrawal_shows_at_once_even_before_any_change_is_heard_of(client: Client) -> None:
    statement = StatementFactory(published=True, title="To be withdrawn")
    assert client.get(statement.get_absolute_url()).status_code == 200

    # Another process withdraws it, and this one has heard of no change: the article is
    # still kept under the same content version, but the page asks the gate first.
    withdraw_in_database_only(statement)

    gone = client.get(statement.get_absolute_url())
    assert gone.status_code == 410
    assert "To be withdrawn" in gone.text  # the notice names it; the article is not shown
    assert "The organisations" not in gone.text


def test_a_new_version_shows_at_once_even_before_any_change_is_heard_of(client: Client) -> None:
    statement = StatementFactory(published=True, body="The summit is on Monday.")
    assert "on Monday" in client.get(statement.get_absolute_url()).text

    # Another process corrects it, and this one has heard of no change: the page kept
    # shows the version before, which the gate no longer finds public.
    Statement.objects.filter(pk=statement.pk).update(
        body="The summit is on Tuesday.", version=statement.version + 1
    )
    page = client.get(statement.get_absolute_url()).text
    assert "on Tuesday" in page
    assert "on Monday" not in page


def test_the_site_frame_kept_for_the_public_never_shows_the_staff_link(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True)
    page = client.get(statement.get_absolute_url()).text
    assert "Staff admin" not in page

    client.force_login(editor)
    assert "Staff admin" in client.get(statement.get_absolute_url()).text
    client.logout()
    assert client.get(statement.get_absolute_url()).text == page


def test_the_site_frame_is_kept_in_each_language(client: Client) -> None:
    statement = StatementFactory(published=True, title_fr="Le titre", body_fr="Le texte.")
    english = client.get(statement.get_absolute_url()).text
    with translation.override("fr"):
        french = client.get(statement.get_absolute_url()).text

    assert ">Statements</a>" in english
    assert ">Statements</a>" not in french
    assert 'hreflang="fr"' in english
    assert client.get(statement.get_absolute_url()).text == english


def test_a_kept_part_is_kept_under_its_template_and_its_name(rf: Any) -> None:
    """Two templates may name a part alike: each keeps its own."""
    engine = Engine(
        libraries={"public_site": "campaigns.templatetags.public_site"},
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    name: '{% load public_site %}{% kept "header" %}' + text + "{% endkept %}"
                    for name, text in [("one.html", "One"), ("two.html", "Two")]
                },
            )
        ],
    )
    request = rf.get("/")
    request.user = AnonymousUser()

    def rendered(name: str) -> str:
        return engine.get_template(name).render(Context({"request": request}))

    assert [rendered("one.html"), rendered("two.html")] == ["One", "Two"]
    assert [rendered("one.html"), rendered("two.html")] == ["One", "Two"]


def test_a_drafts_article_is_never_kept(client: Client) -> None:
    link = PreviewLinkFactory(statement__body="The draft's first wording.")
    statement = link.statement
    assert "first wording" in client.get(PreviewLink.url_for(link.token)).text

    # The draft is reworded and published by another process, its version unchanged and
    # no change heard of here: an article kept from the preview would show the old words.
    Statement.objects.filter(pk=statement.pk).update(
        body="The published wording.",
        status=Statement.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
        issued_on=timezone.localdate(),
    )
    statement.refresh_from_db()
    page = client.get(statement.get_absolute_url()).text
    assert "The published wording." in page
    assert "first wording" not in page


def test_staff_never_get_an_article_kept_for_the_public(client: Client, editor: User) -> None:
    statement = StatementFactory(published=True)
    assert "Edit in the admin" not in client.get(statement.get_absolute_url()).text

    client.force_login(editor)
    assert "Edit in the admin" in client.get(statement.get_absolute_url()).text


def test_a_law_page_built_afresh_reuses_its_record_until_a_statement_about_it_is_withdrawn(
    client: Client,
    editor: User,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    law = LawFactory()
    demand = DemandFactory(law=law, statement__published=True, statement__title="About the law")
    first = client.get(law.get_absolute_url())
    assert "About the law" in first.text

    # The law alone: the next publish time was read under this content version already.
    with django_assert_num_queries(1):
        assert client.get(law.get_absolute_url()).content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        demand.statement.withdraw(by=editor, reason="Signed in error.")
    assert "About the law" not in client.get(law.get_absolute_url()).text


def test_a_law_page_never_keeps_its_record_past_the_next_publish_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    law = LawFactory()
    DemandFactory(law=law, statement__scheduled=True, statement__title="Under embargo")
    assert "Under embargo" not in client.get(law.get_absolute_url()).text

    # Its publish time comes: no change is saved, yet the law page shows it.
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Under embargo" in client.get(law.get_absolute_url()).text


def test_a_page_built_as_a_publish_time_comes_is_not_kept_past_it(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    law = LawFactory()
    demand = DemandFactory(law=law, statement__scheduled=True, statement__title="Under embargo")
    publish_at = demand.statement.publish_at
    # Read before its time: this process learns the next publish time.
    assert "Under embargo" not in client.get(law.get_absolute_url()).text

    # The record is read a moment before the publish time, and kept a moment after it.
    clock = [publish_at - timedelta(milliseconds=1)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    put = fragments.put

    def put_after_the_publish_time(*args: Any, **kwargs: Any) -> None:
        clock[0] = publish_at + timedelta(milliseconds=1)
        put(*args, **kwargs)

    monkeypatch.setattr(fragments, "put", put_after_the_publish_time)
    assert "Under embargo" not in client.get(law.get_absolute_url()).text
    monkeypatch.setattr(fragments, "put", put)

    # What was read before the publish time is not kept past it.
    clock[0] = publish_at + timedelta(seconds=1)
    assert "Under embargo" in client.get(law.get_absolute_url()).text


def test_a_list_row_follows_a_correction_and_a_withdrawal(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True, title="The first title")
    StatementFactory(published=True, title="Another statement")
    assert "The first title" in client.get("/statements/").text

    statement.title = "The corrected title"
    with django_capture_on_commit_callbacks(execute=True):
        statement.save_correction("The title was wrong.", by=editor)
    page = client.get("/statements/").text
    assert "The corrected title" in page
    assert "The first title" not in page

    with django_capture_on_commit_callbacks(execute=True):
        statement.withdraw(by=editor, reason="Signed in error.")
    page = client.get("/statements/").text
    assert "The corrected title" not in page
    assert "Another statement" in page


def test_a_process_keeps_the_most_recent_parts_within_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fragments, "BUDGET", 400)
    later = timezone.now() + timedelta(minutes=5)
    for number in range(5):
        fragments.keep(f"part-{number}", later, "x" * 100)
    fragments.keep("too-big", later, "x" * 101)  # over a quarter of the budget: not kept

    assert list(fragments._kept) == ["part-1", "part-2", "part-3", "part-4"]
    assert fragments._size == 400
