"""What an editor approved, or the public reads, changes at an editor's hand only: the
statement itself, and its signatures and demands on their own admin pages, through the
"confirm" action and through a signatures import."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns.models import Demand, Signature, Statement
from tests.admin_pages import admin_url, form_data
from tests.factories import (
    DemandFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC_OR_WITHDRAWN = ["published", "scheduled", "withdrawn"]


def demand_form(statement: Statement, text: str) -> dict[str, Any]:
    return {
        "statement": statement.pk,
        "order": 0,
        "action": "repeal",
        "text": text,
        # The outcome history's inline, with no row: outcomes are recorded there.
        "outcomes-TOTAL_FORMS": "0",
        "outcomes-INITIAL_FORMS": "0",
    }


def signature_form(statement: Statement, organisation_pk: int, **values: Any) -> dict[str, Any]:
    return {
        "statement": statement.pk,
        "organisation": organisation_pk,
        "role": "co_signatory",
        "status": "confirmed",
        "order": 0,
        **values,
    }


@pytest.mark.parametrize("state", ["approved", *PUBLIC_OR_WITHDRAWN])
def test_an_author_cannot_change_the_demands_of_an_approved_or_public_statement(
    client: Client, author: User, state: str
) -> None:
    statement = StatementFactory(**{state: True})
    demand = DemandFactory(statement=statement, text="Repeal the law.")
    client.force_login(author)

    page = client.get(admin_url(demand, "change"))
    changed = client.post(admin_url(demand, "change"), demand_form(statement, "Injected."))
    added = client.post(admin_url(Demand, "add"), demand_form(statement, "Injected."))

    assert page.status_code == 200  # they may read it
    assert 'name="text"' not in page.text
    assert changed.status_code == 403
    assert added.status_code == 200
    assert "Only an editor changes the demands" in added.text
    assert list(Demand.objects.values_list("text", flat=True)) == ["Repeal the law."]


def test_an_author_cannot_move_a_demand_onto_or_off_a_published_statement(
    client: Client, author: User
) -> None:
    draft = StatementFactory()
    published = StatementFactory(published=True)
    on_draft = DemandFactory(statement=draft)
    on_published = DemandFactory(statement=published)
    client.force_login(author)

    onto = client.post(admin_url(on_draft, "change"), demand_form(published, "Moved."))
    off = client.post(admin_url(on_published, "change"), demand_form(draft, "Moved."))

    assert "Only an editor changes the demands" in onto.text
    assert off.status_code == 403
    assert published.demands.get() == on_published
    assert draft.demands.get() == on_draft


def test_an_author_changes_the_demands_of_a_draft_and_an_editor_of_a_published_statement(
    client: Client, author: User, editor: User
) -> None:
    draft_demand = DemandFactory(statement=StatementFactory())
    published = StatementFactory(published=True)
    SignatureFactory(statement=published)
    published_demand = DemandFactory(statement=published)

    client.force_login(author)
    by_author = client.post(
        admin_url(draft_demand, "change"),
        demand_form(draft_demand.statement, "The author's words."),
    )
    client.force_login(editor)
    by_editor = client.post(
        admin_url(published_demand, "change"), demand_form(published, "The editor's words.")
    )

    assert (by_author.status_code, by_editor.status_code) == (302, 302)
    assert "The editor&#x27;s words." in client.get(published.get_absolute_url()).text
    draft_demand.refresh_from_db()
    assert draft_demand.text == "The author's words."


@pytest.mark.parametrize("state", PUBLIC_OR_WITHDRAWN)
def test_an_author_cannot_add_or_change_the_signatures_of_a_public_statement(
    client: Client, author: User, state: str
) -> None:
    statement = StatementFactory(**{state: True})
    signature = SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    newcomer = OrganisationFactory()
    client.force_login(author)

    changed = client.post(
        admin_url(signature, "change"),
        signature_form(statement, signature.organisation_id),
    )
    added = client.post(admin_url(Signature, "add"), signature_form(statement, newcomer.pk))

    assert changed.status_code == 403
    assert "Only an editor changes the signatures" in added.text
    assert list(statement.signatures.values_list("status", flat=True)) == ["pending"]


def test_an_author_cannot_move_a_signature_onto_or_off_a_published_statement(
    client: Client, author: User
) -> None:
    draft = StatementFactory()
    published = StatementFactory(published=True)
    on_draft = SignatureFactory(statement=draft)
    on_published = SignatureFactory(statement=published)
    client.force_login(author)

    onto = client.post(
        admin_url(on_draft, "change"), signature_form(published, on_draft.organisation_id)
    )
    off = client.post(
        admin_url(on_published, "change"), signature_form(draft, on_published.organisation_id)
    )

    assert "Only an editor changes the signatures" in onto.text
    assert off.status_code == 403
    assert list(published.signatures.all()) == [on_published]
    assert list(draft.signatures.all()) == [on_draft]


def test_an_author_still_gathers_signatures_before_publication(
    client: Client, author: User
) -> None:
    approved = StatementFactory(approved=True)
    organisation = OrganisationFactory()
    client.force_login(author)

    added = client.post(admin_url(Signature, "add"), signature_form(approved, organisation.pk))

    assert added.status_code == 302
    assert approved.signatures.get().organisation == organisation


def test_only_an_editor_confirms_a_sign_on_to_a_public_statement(
    client: Client, author: User, editor: User
) -> None:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement)
    asked = SignatureFactory(
        statement=statement,
        status=Signature.Status.PENDING,
        organisation__name="Asked To Sign",
    )
    on_a_draft = SignatureFactory(statement=StatementFactory(), status=Signature.Status.PENDING)
    confirm = {"action": "confirm", "index": "0", "_selected_action": [asked.pk, on_a_draft.pk]}

    client.force_login(author)
    by_author = client.post(admin_url(Signature, "changelist"), confirm, follow=True)
    shown_to_public = client.get(statement.get_absolute_url()).text

    assert "1 signature was not confirmed: Only an editor changes the signatures" in (
        by_author.text
    )
    assert "Confirmed 1 signature." in by_author.text
    assert "Asked To Sign" not in shown_to_public
    asked.refresh_from_db()
    on_a_draft.refresh_from_db()
    assert (asked.status, on_a_draft.status) == ("pending", "confirmed")

    client.force_login(editor)
    client.post(admin_url(Signature, "changelist"), confirm)

    asked.refresh_from_db()
    assert asked.status == "confirmed"
    assert "Asked To Sign" in client.get(statement.get_absolute_url()).text


def import_signatures(client: Client, content: str) -> Any:
    """Upload a signatures file and confirm the dry run, as the admin's import pages do."""
    dry_run = client.post(
        admin_url(Signature, "import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("signatures.csv", content.encode()),
        },
    )
    hidden = dict(
        re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', dry_run.text)
    )
    hidden.pop("csrfmiddlewaretoken", None)
    if "import_file_name" not in hidden:  # the dry run found errors: nothing to confirm
        return dry_run
    return client.post(admin_url(Signature, "process_import"), hidden, follow=True)


@pytest.mark.parametrize("state", PUBLIC_OR_WITHDRAWN)
def test_an_author_cannot_import_signatures_of_a_public_statement(
    client: Client, author: User, state: str
) -> None:
    statement = StatementFactory(slug="the-statement", **{state: True})
    pending = SignatureFactory(
        statement=statement, status=Signature.Status.PENDING, organisation__slug="asked"
    )
    OrganisationFactory(slug="newcomer")
    client.force_login(author)

    response = import_signatures(
        client,
        "statement,organisation,role,status\n"
        "the-statement,asked,co_signatory,confirmed\n"
        "the-statement,newcomer,co_signatory,confirmed\n",
    )

    assert "Only an editor imports the signatures" in response.text
    assert list(Signature.objects.all()) == [pending]
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_an_editor_imports_signatures_of_a_published_statement_and_an_author_of_a_draft(
    client: Client, author: User, editor: User
) -> None:
    StatementFactory(slug="published", published=True)
    StatementFactory(slug="draft")
    OrganisationFactory(slug="signer")

    client.force_login(author)
    import_signatures(
        client, "statement,organisation,role,status\ndraft,signer,co_signatory,confirmed\n"
    )
    client.force_login(editor)
    import_signatures(
        client, "statement,organisation,role,status\npublished,signer,co_signatory,confirmed\n"
    )

    assert sorted(Signature.objects.values_list("statement__slug", "status")) == [
        ("draft", "confirmed"),
        ("published", "confirmed"),
    ]


def test_an_author_cannot_change_an_approved_statement(
    client: Client, author: User, editor: User
) -> None:
    statement = StatementFactory(approved=True, title="As approved")
    client.force_login(editor)
    data = form_data(client.get(admin_url(statement, "change")), "statement")
    data["title_en"] = "Changed after approval"

    client.force_login(author)
    page = client.get(admin_url(statement, "change"))
    by_author = client.post(admin_url(statement, "change"), data)

    assert 'name="title_en"' not in page.text  # they may read it
    assert by_author.status_code == 403
    statement.refresh_from_db()
    assert statement.title == "As approved"

    client.force_login(editor)
    assert client.post(admin_url(statement, "change"), data).status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Changed after approval"
