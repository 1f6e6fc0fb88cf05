"""A list gives each statement slim; `expand` nests what is asked; `fields` keeps what is named.

The detail stays complete, and whatever a list nests is exactly what the detail gives.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from campaigns.documents import EXPANSIONS, ITEM_FIELDS
from campaigns.models import Signature, Statement
from tests.factories import (
    CorrectionFactory,
    DemandFactory,
    LawFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
    partner_key,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/statements/"


def statement_with_everything(**fields: Any) -> Statement:
    statement = StatementFactory(**{"published": True, **fields})
    SignatureFactory(statement=statement)
    SignatureFactory(statement=statement)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    DemandFactory(statement=statement, law=LawFactory(common_title="the foreign agents law"))
    PublicationFactory(statement=statement)
    CorrectionFactory(statement=statement, note="The date was wrong.")
    return statement


def listed(api: APIClient, **query: str) -> list[dict[str, Any]]:
    response = api.get(LIST, query)
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def test_a_list_item_is_slim_and_the_detail_complete(api: APIClient) -> None:
    statement = statement_with_everything(declared_signatory_count=40)

    [item] = listed(api)
    detail = api.get(f"{LIST}{statement.pk}/").json()

    assert list(item) == list(ITEM_FIELDS)
    assert {field: detail[field] for field in ITEM_FIELDS} == item
    # The complete statement is at its own address only.
    for field in ["body_html", "translations", "signatories", "demands", "publications"]:
        assert field not in item
        assert field in detail
    # 2 confirmed signatories listed, of 40 who signed.
    assert item["signatory_count"] == 40
    assert len(detail["signatories"]) == 2
    [law] = item["laws"]
    assert law["title"] == "the foreign agents law"
    assert law["status"] == detail["demands"][0]["law"]["status"]
    assert item["url"] == f"http://testserver{LIST}{statement.pk}/"
    assert item["web_url"] == f"http://testserver{statement.get_absolute_url()}"


def test_the_signatory_count_is_the_confirmed_signatories_without_a_declared_total(
    api: APIClient,
) -> None:
    statement_with_everything()

    [item] = listed(api)

    assert item["signatory_count"] == 2


@pytest.mark.parametrize("name", list(EXPANSIONS))
def test_expand_nests_what_the_detail_gives(api: APIClient, name: str) -> None:
    statement = statement_with_everything()
    detail = api.get(f"{LIST}{statement.pk}/").json()

    [item] = listed(api, expand=name)

    field = EXPANSIONS[name]
    assert item[field] == detail[field]
    assert item[field]  # something to nest
    assert set(item) == {*ITEM_FIELDS, field}


def test_expand_takes_several_lists(api: APIClient) -> None:
    statement_with_everything()

    [item] = listed(api, expand="signatures,corrections")

    assert set(item) == {*ITEM_FIELDS, "signatories", "corrections"}
    assert [correction["note"] for correction in item["corrections"]] == ["The date was wrong."]


def test_fields_keeps_the_fields_named_in_the_details_order(api: APIClient) -> None:
    statement = statement_with_everything()
    detail = api.get(f"{LIST}{statement.pk}/").json()

    [item] = listed(api, fields="title,id,body_html,embargoed")
    [with_expanded] = listed(api, fields="title", expand="demands")
    [only] = listed(api, fields="translations")

    assert list(item) == ["id", "title", "body_html", "embargoed"]
    assert item == {field: detail[field] for field in item}
    # `id` always, and the lists `expand` asks for.
    assert with_expanded == {
        "id": statement.pk,
        "title": detail["title"],
        "demands": detail["demands"],
    }
    assert only == {"id": statement.pk, "translations": detail["translations"]}


@pytest.mark.parametrize(
    ("query", "parameter", "named"),
    [
        ({"fields": "id,colour"}, "fields", "'colour'"),
        ({"fields": ","}, "fields", "body_html"),
        ({"expand": "signatories,laws"}, "expand", "'signatories', 'laws'"),
    ],
)
def test_an_unknown_name_is_a_400_naming_the_allowed_ones(
    api: APIClient, query: dict[str, str], parameter: str, named: str
) -> None:
    StatementFactory(published=True)

    response = api.get(LIST, query)

    assert response.status_code == 400
    [message] = response.json()["errors"][parameter]
    assert named in message
    assert "signatures" in message if parameter == "expand" else "updated_at" in message


@pytest.mark.parametrize("parameter", ["expand", "fields"])
def test_a_detail_is_complete_and_chooses_nothing(api: APIClient, parameter: str) -> None:
    statement = StatementFactory(published=True)

    response = api.get(f"{LIST}{statement.pk}/", {parameter: "signatures"})

    assert response.status_code == 400
    assert parameter in response.json()["errors"]


def test_an_embargoed_item_says_until_when(api: APIClient) -> None:
    statement = statement_with_everything(published=False, scheduled=True)
    _, secret = partner_key(can_read_embargoed=True)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")

    [item] = listed(api, expand="signatures")
    [chosen] = listed(api, fields="id,embargo_until")

    assert item["embargoed"] is True
    assert item["embargo_until"] == api.get(f"{LIST}{statement.pk}/").json()["embargo_until"]
    assert item["embargo_until"].endswith("Z")
    assert chosen == {"id": statement.pk, "embargo_until": item["embargo_until"]}
