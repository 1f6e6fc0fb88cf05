"""Search finds a statement by its rows as they are now, whichever page of the admin
changed them: each save path writes the statement's search text anew
(Statement.search_text), explicitly, with no signal receiver."""

from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from campaigns.models import Demand, Signature, Statement
from legislation.models import Law
from organisations.models import Organisation
from tests.admin_pages import add_row, admin_url, form_data
from tests.factories import (
    DemandFactory,
    LawFactory,
    OrganisationFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def found(client: Client, query: str) -> list[str]:
    """The titles of the statements a public search finds."""
    page = client.get("/search/", {"q": query, "in": "statements", "n": query}).text
    return [title for title in Statement.objects.values_list("title", flat=True) if title in page]


@pytest.fixture
def statement() -> Statement:
    return StatementFactory(published=True, title="The statement")


def test_a_signature_added_on_the_statements_page(
    admin_client: Client, statement: Statement
) -> None:
    url = admin_url(statement, "change")
    data = form_data(admin_client.get(url), "statement")
    add_row(
        data,
        "signatures",
        organisation=OrganisationFactory().pk,
        role="co_signatory",
        status="confirmed",
        signatory_name="Natalia Estemirova",
        order=1,
    )
    add_row(
        data,
        "demands",
        action="release",
        text="Free the defenders.",
        order=1,
    )
    add_row(data, "publications", publisher_name="Meduza", url="https://example.org/m")
    data["change_kind"] = "silent_fix"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    for query in ("Estemirova", "defenders", "Meduza"):
        assert found(admin_client, query) == ["The statement"], query


def test_a_signature_changed_moved_or_deleted_on_its_own_page(
    admin_client: Client, statement: Statement
) -> None:
    other = StatementFactory(published=True, title="Another statement")
    signature = SignatureFactory(statement=statement, signatory_name="Oleg Orlov")
    assert found(admin_client, "Orlov") == ["The statement"]
    url = admin_url(signature, "change")

    data = form_data(admin_client.get(url), "signature")
    data["signatory_name"] = "Svetlana Gannushkina"
    assert admin_client.post(url, data).status_code == 302
    assert found(admin_client, "Orlov") == []
    assert found(admin_client, "Gannushkina") == ["The statement"]

    data["statement"] = str(other.pk)
    assert admin_client.post(url, data).status_code == 302
    assert found(admin_client, "Gannushkina") == ["Another statement"]

    response = admin_client.post(admin_url(signature, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert found(admin_client, "Gannushkina") == []


def test_signatures_confirmed_or_deleted_from_the_list(
    admin_client: Client, statement: Statement
) -> None:
    pending = SignatureFactory(
        statement=statement, status=Signature.Status.PENDING, signatory_name="Lev Ponomarev"
    )
    assert found(admin_client, "Ponomarev") == []
    changelist = admin_url(Signature, "changelist")

    admin_client.post(
        changelist, {"action": "confirm", "index": "0", "_selected_action": [pending.pk]}
    )
    assert found(admin_client, "Ponomarev") == ["The statement"]

    admin_client.post(
        changelist,
        {"action": "delete_selected", "post": "yes", "_selected_action": [pending.pk]},
    )
    assert not Signature.objects.filter(pk=pending.pk).exists()
    assert found(admin_client, "Ponomarev") == []


def test_a_demand_changed_or_deleted_on_its_own_page(
    admin_client: Client, statement: Statement
) -> None:
    demand = DemandFactory(statement=statement, text="Stop the trial.")
    url = admin_url(demand, "change")
    data = form_data(admin_client.get(url), "demand")
    # Evidence comes with an outcome, in the demand's outcome history.
    add_row(
        data,
        "outcomes",
        outcome="met",
        outcome_on="2020-01-10",
        evidence_reference="Case no. 1-123/2012",
    )
    assert admin_client.post(url, data).status_code == 302
    assert found(admin_client, "1-123/2012") == ["The statement"]

    assert admin_client.post(admin_url(demand, "delete"), {"post": "yes"}).status_code == 302
    assert not Demand.objects.exists()
    assert found(admin_client, "1-123/2012") == []


def test_a_laws_identifier_and_country_changed(
    admin_client: Client, statement: Statement, django_capture_on_commit_callbacks: Any
) -> None:
    law = LawFactory(country="RU", identifier="121-FZ")
    DemandFactory(statement=statement, law=law)
    assert found(admin_client, "Russia") == ["The statement"]
    url = admin_url(law, "change")
    data = form_data(admin_client.get(url), "law")
    data.update(identifier="No. 194-Z", country="BY")
    # Its address changes with its country: the admin asks once, and the second save goes.
    asked = admin_client.post(url, data)
    data.update(form_data(asked, "law"), identifier="No. 194-Z", country="BY")

    # The search text is written anew once the law's change is committed (lib/change_feed.py).
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302

    law.refresh_from_db()
    assert law.identifier == "No. 194-Z"
    assert found(admin_client, "194-Z") == ["The statement"]
    assert found(admin_client, "Belarus") == ["The statement"]
    assert found(admin_client, "Russia") == []


def test_a_publishers_name_changed(
    admin_client: Client, statement: Statement, django_capture_on_commit_callbacks: Any
) -> None:
    publisher = OrganisationFactory(name="Novaya Gazeta", short_name="")
    PublicationFactory(statement=statement, publisher=publisher)
    url = admin_url(publisher, "change")
    data = form_data(admin_client.get(url), "organisation")
    data.update(name_en="Novaya Gazeta Europe", short_name="NGE")

    # Once the organisation's change is committed (lib/change_feed.py).
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302

    assert Organisation.objects.get(pk=publisher.pk).name == "Novaya Gazeta Europe"
    assert found(admin_client, "Europe") == ["The statement"]
    assert found(admin_client, "NGE") == ["The statement"]


def test_signatures_imported_from_a_spreadsheet(admin_client: Client, statement: Statement) -> None:
    organisation = OrganisationFactory(slug="memorial")
    table = (
        "statement,organisation,role,status,signed_at,signatory_name,signatory_title,order\n"
        f"{statement.slug},{organisation.slug},co_signatory,confirmed,,Oleg Orlov,,1\n"
    )
    upload = SimpleUploadedFile("signatures.csv", table.encode(), content_type="text/csv")
    url = admin_url(Signature, "import")
    response = admin_client.post(url, {"import_file": upload, "format": "0"})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    response = admin_client.post(
        admin_url(Signature, "process_import"), {**confirm.initial, "format": "0"}
    )
    assert response.status_code == 302
    assert Signature.objects.filter(statement=statement, signatory_name="Oleg Orlov").exists()
    assert found(admin_client, "Orlov") == ["The statement"]


def test_the_command_writes_every_statements_text_anew(statement: Statement) -> None:
    SignatureFactory(statement=statement, signatory_name="Oleg Orlov")
    law = LawFactory(identifier="121-FZ")
    DemandFactory(statement=statement, law=law)
    # Changed where no save path of the admin runs (a bulk update, say).
    Law.objects.filter(pk=law.pk).update(identifier="122-FZ")
    out = StringIO()

    call_command("refreshsearchtext", stdout=out)

    assert out.getvalue() == "Search text written anew for 1 statements.\n"
    text = Statement.objects.values_list("search_text", flat=True).get(pk=statement.pk)
    assert "122-FZ" in text.splitlines()
    call_command("refreshsearchtext", stdout=out)
    assert out.getvalue().endswith("for 0 statements.\n")


def test_saving_a_statement_never_writes_back_an_older_search_text(
    admin_client: Client, statement: Statement
) -> None:
    read_before = Statement.objects.get(pk=statement.pk)
    SignatureFactory(statement=statement, signatory_name="Oleg Orlov")
    # A statement read before its rows changed, saved after (a form, the workflow).
    read_before.title = "The statement, retitled"
    read_before.save()
    assert "Oleg Orlov" in Statement.objects.values_list("search_text", flat=True).get(
        pk=statement.pk
    )
