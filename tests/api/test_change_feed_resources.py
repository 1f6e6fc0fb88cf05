"""The change feed covers laws and organisations too, offers a head, and refuses bad cursors."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, suppress
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.api import EPOCH
from campaigns.models import Change
from legislation.models import Law, LawEvent, Penalty, Provision
from tests.admin_pages import add_row, admin_url, form_data
from tests.factories import (
    ImplementationFactory,
    LawEventFactory,
    LawFactory,
    LawSourceFactory,
    OrganisationFactory,
    OrganisationIdentifierFactory,
    OrganisationParentFactory,
    PenaltyFactory,
    PressContactFactory,
    ProvisionFactory,
    RightFactory,
    SignatureFactory,
    StandardFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


def entries(api: APIClient, query: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    response = api.get(FEED, query or {})
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def brief(entry: dict[str, Any]) -> tuple[str, int, str]:
    return entry["resource"], entry["id"], entry["kind"]


def save_in_admin(client: Client, row: Any, model_name: str, **changes: str) -> None:
    data = form_data(client.get(admin_url(row, "change")), model_name)
    data.update(changes)
    response = client.post(admin_url(row, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_law_saved_and_deleted_in_the_admin_is_in_the_feed(
    api: APIClient, admin_client: Client
) -> None:
    law = LawFactory(country="RU")
    Change.objects.all().delete()  # the factory's save, recorded too: this reads the admin's

    save_in_admin(admin_client, law, "law", common_title_en="The foreign agents law")
    [updated] = entries(api)
    assert brief(updated) == ("law", law.pk, "updated")
    assert updated["url"] == f"http://testserver/api/v1/laws/{law.pk}/"
    assert updated["statement"] is None
    assert updated["statement_url"] is None
    assert updated["tombstone"] is None
    assert api.get(updated["url"]).json()["common_title"] == "The foreign agents law"

    pk = law.pk
    assert admin_client.post(admin_url(law, "delete"), {"post": "yes"}).status_code == 302
    deleted = entries(api, {"since": updated["cursor"]})
    assert [brief(entry) for entry in deleted] == [("law", pk, "deleted")]
    assert deleted[0]["url"] is None


def test_an_organisation_is_in_the_feed_only_while_it_is_public(
    api: APIClient, admin_client: Client
) -> None:
    hidden = OrganisationFactory(name="Signed a draft only")
    SignatureFactory(statement=StatementFactory(), organisation=hidden)
    # Public as one of the organisations running a programme that signed something public.
    public = OrganisationFactory(name="Runs a programme")
    programme = OrganisationParentFactory(parent=public).programme
    SignatureFactory(statement=StatementFactory(published=True), organisation=programme)
    Change.objects.all().delete()  # the factories' saves, recorded too: this reads the admin's

    save_in_admin(admin_client, hidden, "organisation", name_en="SECRET new name")
    save_in_admin(admin_client, public, "organisation", name_en="Runs a programme, renamed")
    [updated] = entries(api)
    assert brief(updated) == ("organisation", public.pk, "updated")
    assert updated["url"] == f"http://testserver/api/v1/organisations/{public.pk}/"
    assert "SECRET" not in api.get(FEED).content.decode()

    hidden_pk, public_pk = hidden.pk, public.pk
    hidden.signatures.all().delete()
    assert admin_client.post(admin_url(hidden, "delete"), {"post": "yes"}).status_code == 302
    assert admin_client.post(admin_url(public, "delete"), {"post": "yes"}).status_code == 302

    # Its update is no longer served (it is gone); its deletion is.
    deleted = entries(api)
    assert [brief(entry) for entry in deleted] == [("organisation", public_pk, "deleted")]
    assert deleted[0]["url"] is None
    assert not Change.objects.filter(object_id=hidden_pk, kind="deleted").exists()


def test_the_feed_can_be_read_for_one_resource(api: APIClient) -> None:
    statement = StatementFactory(published=True)
    statement.record_change(Change.Kind.UPDATED)
    law = LawFactory()  # its save is recorded

    assert [brief(entry) for entry in entries(api, {"resource": "law"})] == [
        ("law", law.pk, "updated")
    ]
    only_statements = entries(api, {"resource": "statement"})
    assert [brief(entry) for entry in only_statements] == [("statement", statement.pk, "updated")]
    assert only_statements[0]["statement"] == statement.pk
    page = api.get(FEED, {"resource": "law", "page_size": "1"}).json()
    assert "resource=law" in page["next"]
    assert api.get(FEED, {"resource": "campaign"}).status_code == 400


def test_head_starts_after_everything_recorded_so_far(api: APIClient) -> None:
    before = StatementFactory(published=True)
    before.record_change(Change.Kind.UPDATED)

    head = api.get(FEED, {"since": "head"})

    assert head.status_code == 200
    assert head.json()["results"] == []
    assert head.json()["has_more"] is False
    after = StatementFactory(published=True)
    after.record_change(Change.Kind.UPDATED)
    following = api.get(head.json()["next"]).json()["results"]
    # With the statement's lead organisation, which its factory saved.
    assert ("statement", after.pk, "updated") in [brief(entry) for entry in following]
    assert before.pk not in [entry["statement"] for entry in following]


# --- a law's own rows: its timeline, provisions, penalties, sources, implementations ---------

Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    """A block whose changes are committed as far as the code can tell: each test runs in
    one transaction, and what waits for the commit runs at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def save(row: Any, **changes: object) -> None:
    for field, value in changes.items():
        setattr(row, field, value)
    row.save()


@pytest.fixture
def law(committed: Committed) -> Iterator[Law]:
    """A law with a provision that carries a penalty, and a timeline; the feed empty."""
    with committed():
        penalty = PenaltyFactory(provision__law__country="RU")
        law = penalty.provision.law
        LawEventFactory(law=law, kind=LawEvent.Kind.INTRODUCED)
    Change.objects.all().delete()
    yield law


def test_a_laws_rows_changed_from_the_shell_are_in_the_feed(
    api: APIClient, committed: Committed, law: Law
) -> None:
    provision = law.provisions.get()
    penalty = provision.penalties.get()
    event = law.events.get()
    with committed():
        decree = LawFactory(kind=Law.Kind.DECREE)
    head = api.get(FEED, {"since": "head"}).json()["next"]

    def told() -> list[tuple[str, int, str]]:
        """The entries since the last call."""
        nonlocal head
        page = api.get(head).json()
        head = page["next"]
        return [brief(entry) for entry in page["results"]]

    changes: list[Callable[[], object]] = [
        lambda: LawEventFactory(law=law, kind=LawEvent.Kind.ADOPTED),
        partial(save, event, note="In its first reading"),
        event.delete,
        lambda: ProvisionFactory(law=law, reference="Article 330.1"),
        partial(save, provision, summary="Rewritten"),
        lambda: PenaltyFactory(provision=provision, as_reported="up to two years"),
        partial(save, penalty, as_reported="up to £30,000"),
        penalty.delete,
        lambda: LawSourceFactory(law=law),
    ]
    for change in changes:
        with committed():
            change()
        assert told() == [("law", law.pk, "updated")]

    # The link is shown by both laws.
    with committed():
        ImplementationFactory(instrument=decree, law=law)
    assert sorted(told()) == sorted([("law", decree.pk, "updated"), ("law", law.pk, "updated")])

    answer = api.get(f"/api/v1/laws/{law.pk}/").json()
    assert [event["kind"] for event in answer["events"]] == ["adopted"]
    assert answer["status"] == "adopted"
    assert {provision["reference"] for provision in answer["provisions"]} == {
        provision.reference,
        "Article 330.1",
    }

    with committed():
        provision.delete()
    assert told() == [("law", law.pk, "updated")]


def test_a_laws_links_changed_from_either_side_are_in_the_feed(
    api: APIClient, committed: Committed, law: Law
) -> None:
    """Rights, standards and related laws are linked by add(), remove(), set() and
    clear(), which save neither side: each is a change of every law whose answer shows
    the link, made from the law's side or the other's."""
    provision = law.provisions.get()
    with committed():
        right, standard = RightFactory(), StandardFactory()
        other = LawFactory(country="BY")
    Change.objects.all().delete()
    changes: list[tuple[Callable[[], object], set[int]]] = [
        (lambda: law.rights.add(right), {law.pk}),
        (lambda: right.laws.remove(law), {law.pk}),
        (lambda: law.conflicts_with.set([standard]), {law.pk}),
        (lambda: standard.laws.clear(), {law.pk}),
        (lambda: law.modelled_on.add(other), {law.pk, other.pk}),
        (lambda: other.models_for.clear(), {law.pk, other.pk}),
        (lambda: law.implements.add(other), {law.pk, other.pk}),
        (lambda: provision.rights.add(right), {law.pk}),
        (lambda: right.provisions.clear(), {law.pk}),
    ]
    for change, told in changes:
        with committed():
            change()
        assert sorted(brief(entry) for entry in entries(api)) == sorted(
            ("law", pk, "updated") for pk in told
        )
        Change.objects.all().delete()

    # Nothing linked, nothing changed: nothing told.
    with committed():
        standard.laws.clear()
        law.rights.remove(right)
    assert entries(api) == []
    # A law saved with its links (the admin saves the law, then sets them): one entry.
    with committed(), transaction.atomic():
        law.save()
        law.rights.set([right])
    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]
    assert [item["name"] for item in api.get(f"/api/v1/laws/{law.pk}/").json()["rights"]] == [
        right.name
    ]


def test_a_row_deleted_at_one_end_of_a_link_changes_the_other(
    api: APIClient, admin_client: Client, committed: Committed, law: Law
) -> None:
    """Deleting a row deletes its links without m2m_changed: the laws and programmes
    that showed them are told, and a deleted law only as deleted."""
    with committed():
        right, standard = RightFactory(), StandardFactory()
        copy, decree, gone = (LawFactory(country="BY") for _ in range(3))
        copy.modelled_on.add(law)
        ImplementationFactory(instrument=decree, law=law)
        law.rights.add(right)
        law.conflicts_with.add(standard)
        gone.modelled_on.add(law)
        runner = OrganisationFactory(name="Runs a programme")
        programme = OrganisationParentFactory(parent=runner).programme
        SignatureFactory(statement=StatementFactory(published=True), organisation=programme)
    Change.objects.all().delete()

    with committed():
        right.delete()
        standard.delete()
    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]
    Change.objects.all().delete()

    # Deleted in the admin, two laws at once: the one they were both modelled on, and a
    # decree implementing it, is told updated; they only as deleted.
    changelist = reverse("admin:legislation_law_changelist")
    with committed():
        response = admin_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [gone.pk, copy.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert sorted(brief(entry) for entry in entries(api)) == sorted(
        [("law", law.pk, "updated"), ("law", gone.pk, "deleted"), ("law", copy.pk, "deleted")]
    )
    Change.objects.all().delete()

    law_pk = law.pk
    with committed():
        law.delete()
    assert sorted(brief(entry) for entry in entries(api)) == sorted(
        [("law", law_pk, "deleted"), ("law", decree.pk, "updated")]
    )
    assert api.get(f"/api/v1/laws/{decree.pk}/").json()["related_laws"]["implements"] == []
    Change.objects.all().delete()

    with committed():
        runner.delete()
    assert ("organisation", programme.pk, "updated") in [brief(entry) for entry in entries(api)]

    # Deleted as a queryset, from the shell: its caller records the deletions; the links
    # that go with them tell the laws that stay, never those deleted.
    with committed():
        first, second, third = (LawFactory(country="KZ") for _ in range(3))
        first.modelled_on.add(second)
        second.modelled_on.add(third)
        ProvisionFactory(law=first).rights.add(RightFactory())
    Change.objects.all().delete()
    with committed():
        Law.objects.filter(pk__in=[first.pk, second.pk]).delete()
    assert [brief(entry) for entry in entries(api)] == [("law", third.pk, "updated")]


def test_an_organisations_rows_and_links_changed_from_the_shell_are_in_the_feed(
    api: APIClient, committed: Committed
) -> None:
    with committed():
        organisation = OrganisationFactory(name="Memorial")
        SignatureFactory(statement=StatementFactory(published=True), organisation=organisation)
        partner = OrganisationFactory(name="Partner")
        identifier = OrganisationIdentifierFactory(organisation=organisation)
    Change.objects.all().delete()
    changes: list[Callable[[], object]] = [
        lambda: OrganisationIdentifierFactory(
            organisation=organisation, scheme="other", label="Register", value="42"
        ),
        partial(save, identifier, value=identifier.value + "0"),
        identifier.delete,
        lambda: PressContactFactory(organisation=organisation),
        lambda: organisation.press_contacts.get().delete(),
        lambda: OrganisationParentFactory(programme=organisation, parent=partner),
        lambda: organisation.parents.clear(),
        lambda: organisation.parents.add(partner),
    ]
    for change in changes:
        with committed():
            change()
        assert [brief(entry) for entry in entries(api)] == [
            ("organisation", organisation.pk, "updated")
        ]
        Change.objects.all().delete()


def test_a_laws_rows_changed_together_are_one_entry(
    api: APIClient, committed: Committed, law: Law
) -> None:
    provision = law.provisions.get()
    with committed(), transaction.atomic():
        for kind in (LawEvent.Kind.ADOPTED, LawEvent.Kind.SIGNED, LawEvent.Kind.IN_FORCE):
            LawEventFactory(law=law, kind=kind)
        PenaltyFactory(provision=provision)
        provision.summary = "Rewritten"
        provision.save()
        # Nothing is told before the commit: a mirror reading now would find the rows
        # as they were.
        assert not Change.objects.exists()

    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]


def test_a_law_saved_with_its_rows_is_one_entry(
    api: APIClient, admin_client: Client, committed: Committed, law: Law
) -> None:
    data = form_data(admin_client.get(admin_url(law, "change")), "law")
    add_row(data, "events", kind="in_force", date="2013-01-01")
    with committed():
        response = admin_client.post(admin_url(law, "change"), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    assert law.events.filter(kind="in_force").exists()
    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]


def test_rows_undone_tell_nothing_and_a_law_save_undone_hides_no_row(
    api: APIClient, committed: Committed, law: Law
) -> None:
    with committed(), transaction.atomic(), suppress(RuntimeError), transaction.atomic():
        LawEventFactory(law=law, kind=LawEvent.Kind.ADOPTED)
        raise RuntimeError("undone")
    assert entries(api) == []

    with committed(), transaction.atomic():
        with suppress(RuntimeError), transaction.atomic():
            law.save()  # its entry, written in the savepoint, is undone with it
            raise RuntimeError("undone")
        LawEventFactory(law=law, kind=LawEvent.Kind.SIGNED)
    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]


@pytest.mark.parametrize("model", [Provision, Penalty])
def test_rows_deleted_together_in_the_admin_are_in_the_feed(
    api: APIClient, admin_client: Client, committed: Committed, law: Law, model: type[Any]
) -> None:
    rows = model.objects.all()
    with committed():
        response = admin_client.post(
            admin_url(model, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [row.pk for row in rows],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not model.objects.exists()
    assert [brief(entry) for entry in entries(api)] == [("law", law.pk, "updated")]


@pytest.mark.parametrize(
    "since",
    ["garbage", "12-", "-12", "head-1", "1-2-3", "\uff11\uff12-3", "12-3\n", "9" * 20 + "-1"],
)
def test_a_malformed_cursor_is_a_400(api: APIClient, since: str) -> None:
    response = api.get(FEED, {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_a_cursor_ahead_of_the_clock_is_a_400(api: APIClient) -> None:
    ahead = timezone.now() + timedelta(hours=1)
    microseconds = (ahead - EPOCH) // timedelta(microseconds=1)

    response = api.get(FEED, {"since": f"{microseconds}-1"})

    assert response.status_code == 400
    assert response.json()["errors"]["since"] == [
        "This cursor is ahead of the feed: give one the feed gave."
    ]
    assert api.get(FEED, {"since": "9999999999999999999-1"}).status_code == 400


def test_an_unknown_parameter_of_the_feed_is_a_400(api: APIClient) -> None:
    response = api.get(FEED, {"sinse": "head"})

    assert response.status_code == 400
    assert "no parameter 'sinse'" in response.json()["errors"]["sinse"][0]
