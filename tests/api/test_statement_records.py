"""What the API says of who signed beyond those listed, who a statement addresses in which
role, where else it was published and under what name, and what came of each demand."""

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from campaigns.models import (
    Addressing,
    Change,
    Demand,
    PublicContentVersion,
    Signature,
    Statement,
)
from tests.factories import (
    AddressingFactory,
    DemandFactory,
    OrganisationFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
)
from tests.site.reading import read

pytestmark = pytest.mark.django_db


def demands_on_page(client: Client, statement: Statement) -> str:
    return read(client.get(statement.get_absolute_url())).section("demands").text


def statement_answer(api: APIClient, pk: int) -> dict[str, Any]:
    response = api.get(f"/api/v1/statements/{pk}/")
    assert response.status_code == 200
    return response.json()


def test_the_declared_total_and_the_others_beyond_those_listed(api: APIClient) -> None:
    declared = StatementFactory(published=True, declared_signatory_count=67)
    SignatureFactory(statement=declared)
    SignatureFactory(statement=declared, status=Signature.Status.PENDING)
    undeclared = StatementFactory(published=True)
    SignatureFactory(statement=undeclared)

    answer = statement_answer(api, declared.pk)
    assert (answer["declared_signatory_count"], answer["unlisted_signatory_count"]) == (67, 66)
    assert len(answer["signatories"]) == 1
    answer = statement_answer(api, undeclared.pk)
    assert (answer["declared_signatory_count"], answer["unlisted_signatory_count"]) == (None, 0)
    # The list gives the same as the statement's own answer, and how many signed in all.
    rows = api.get(
        "/api/v1/statements/", {"fields": "id,unlisted_signatory_count,signatory_count"}
    ).json()["results"]
    listed = {row["id"]: row for row in rows}
    assert listed[declared.pk]["unlisted_signatory_count"] == 66
    assert listed[declared.pk]["signatory_count"] == 67
    assert listed[undeclared.pk]["signatory_count"] == 1


def test_each_addressee_comes_with_its_role_the_primary_ones_first(api: APIClient) -> None:
    statement = StatementFactory(published=True)
    AddressingFactory(
        statement=statement,
        target__name="President of Russia",
        target__country="RU",
        role=Addressing.Role.ALSO_ADDRESSED,
    )
    leaders = AddressingFactory(statement=statement, target__name="European Union leaders")

    addressees = statement_answer(api, statement.pk)["addressees"]

    assert addressees[0] == {
        "id": leaders.target_id,
        "name": "European Union leaders",
        "slug": leaders.target.slug,
        "kind": "government",
        "country": "",
        "role": "primary",
    }
    assert [(row["name"], row["country"], row["role"]) for row in addressees[1:]] == [
        ("President of Russia", "RU", "also_addressed")
    ]


def test_a_publication_gives_its_byline_and_words_to_link_it_by(api: APIClient) -> None:
    statement = StatementFactory(published=True)
    registered = OrganisationFactory(name="International Federation for Human Rights")
    PublicationFactory(
        statement=statement,
        publisher=registered,
        published_as="the Observatory (OMCT–FIDH)",
        url="https://www.fidh.org/en/12345",
        title="",
        published_on=date(2012, 12, 19),
    )
    PublicationFactory(
        statement=statement,
        publisher=registered,
        url="https://fidh.org/en/press",
        title="Russia: stop the crackdown",
        published_on=date(2012, 12, 20),
    )

    byline, titled = statement_answer(api, statement.pk)["publications"]

    assert byline["published_as"] == byline["display_name"] == "the Observatory (OMCT–FIDH)"
    assert byline["link_text"] == "fidh.org"
    assert byline["publisher"]["name"] == "International Federation for Human Rights"
    assert (titled["display_name"], titled["link_text"]) == (
        "International Federation for Human Rights",
        "Russia: stop the crackdown",
    )


def test_a_demands_outcome_history_in_order_of_date_in_both_answers(
    api: APIClient, editor: User
) -> None:
    statement = StatementFactory(published=True)
    demand = DemandFactory(statement=statement)
    demand.record_outcome(
        Demand.Outcome.SUPERSEDED,
        date(2022, 1, 1),
        evidence_reference="Federal Law No. 255-FZ",
        by=editor,
    )
    demand.record_outcome(
        Demand.Outcome.MET,
        date(2019, 5, 3),
        evidence_url="https://example.org/ruling",
        evidence_reference="ECLI:XX:2019:123",
        note="The court struck it down.",
        by=editor,
    )
    untouched = DemandFactory(statement=statement, order=1)

    [shown, still_open] = statement_answer(api, statement.pk)["demands"]
    history = [
        {
            "outcome": "met",
            "outcome_on": "2019-05-03",
            "evidence_url": "https://example.org/ruling",
            "evidence_reference": "ECLI:XX:2019:123",
            "note": "The court struck it down.",
        },
        {
            "outcome": "superseded",
            "outcome_on": "2022-01-01",
            "evidence_url": "",
            "evidence_reference": "Federal Law No. 255-FZ",
            "note": "",
        },
    ]
    assert shown["outcome_history"] == history
    # The demand's outcome is the latest step's, by date.
    assert (shown["outcome"], shown["outcome_on"], shown["evidence_reference"]) == (
        "superseded",
        "2022-01-01",
        "Federal Law No. 255-FZ",
    )
    assert (still_open["outcome"], still_open["outcome_history"]) == ("open", [])
    assert api.get(f"/api/v1/demands/{demand.pk}/").json()["outcome_history"] == history
    assert api.get(f"/api/v1/demands/{untouched.pk}/").json()["outcome_history"] == []
    assert [
        row["id"]
        for row in api.get("/api/v1/demands/", {"outcome": "superseded"}).json()["results"]
    ] == [demand.pk]


def test_an_outcome_recorded_for_a_public_statement_is_told_to_mirrors_and_caches(
    api: APIClient, client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement)
    demand = DemandFactory(statement=statement, text="Repeal it.")
    draft_demand = DemandFactory(statement=StatementFactory())
    first = api.get(f"/api/v1/statements/{statement.pk}/")
    assert "Outcome: Open" in demands_on_page(client, statement)
    version = PublicContentVersion.objects.get().number
    # What the factories' organisations told the change feed: not this test's business.
    Change.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        demand.record_outcome(Demand.Outcome.MET, date(2019, 5, 3), by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        draft_demand.record_outcome(Demand.Outcome.MET, date(2019, 5, 3), by=editor)

    assert PublicContentVersion.objects.get().number > version
    assert list(Change.objects.values_list("statement", "kind")) == [
        (statement.pk, Change.Kind.UPDATED)
    ]
    changed = api.get(f"/api/v1/statements/{statement.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["demands"][0]["outcome_history"][0]["outcome"] == "met"
    # The cached page was made obsolete with everything else.
    assert "Outcome: Met (3 May 2019)" in demands_on_page(client, statement)


def test_the_schema_documents_the_new_fields() -> None:
    client = APIClient()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    statement = components["Statement"]["properties"]
    assert "beyond the `signatories` listed" in statement["unlisted_signatory_count"]["description"]
    assert statement["declared_signatory_count"]["nullable"] is True
    assert components["Addressee"]["properties"]["role"]["description"].startswith("`primary`")
    publication = components["Publication"]["properties"]
    assert "host without www." in publication["link_text"]["description"]
    history = components["Demand"]["properties"]["outcome_history"]
    assert history["type"] == "array"
    assert history["items"]["$ref"] == "#/components/schemas/DemandOutcome"
