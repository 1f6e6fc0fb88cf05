"""The API gives every language a text is written in, and only those.

A statement's top-level texts are in its own `language` whatever the request asks for;
`languages` and `translations` give every language it is public in (title and body
written). Campaigns, laws, organisations and rights give `translations` for every
language that has any of their translated texts.
"""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from modeltranslation.translator import translator
from rest_framework.test import APIClient

from campaigns.api import CAMPAIGN_TEXTS
from campaigns.models import Campaign, Statement
from legislation.api import LAW_TEXTS, RIGHT_TEXTS
from legislation.models import Law, Right
from lib.markdown import render_markdown
from organisations.api import ORGANISATION_TEXTS
from organisations.models import Organisation, WebhookEndpoint
from tests.api.receiver import Receiver
from tests.factories import (
    CampaignFactory,
    CoalitionMembershipFactory,
    LawFactory,
    OrganisationFactory,
    RightFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

RUSSIAN_TITLE = "Отменить законы"
RUSSIAN_BODY = "Организации **призывают** лидеров."
RUSSIAN_STANDFIRST = "Восемь организаций."


def english_and_russian(**fields: Any) -> Statement:
    return StatementFactory(
        **{"published": True, "language": "en", **fields},
        title_en="Repeal the laws",
        standfirst_en="Eight organisations.",
        body_en="The organisations **urge** the leaders. <script>alert(1)</script>",
        title_ru=RUSSIAN_TITLE,
        standfirst_ru=RUSSIAN_STANDFIRST,
        body_ru=RUSSIAN_BODY,
    )


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_statement_in_english_and_russian_gives_both_and_no_french(api: APIClient) -> None:
    statement = english_and_russian()

    answer = api.get(f"/api/v1/statements/{statement.pk}/").json()

    assert answer["languages"] == ["en", "ru"]
    assert set(answer["translations"]) == {"en", "ru"}
    assert answer["translations"]["ru"] == {
        "title": RUSSIAN_TITLE,
        "standfirst": RUSSIAN_STANDFIRST,
        "body_markdown": RUSSIAN_BODY,
        "body_html": render_markdown(RUSSIAN_BODY),
    }
    english = answer["translations"]["en"]
    assert english["title"] == "Repeal the laws"
    assert english["body_html"] == render_markdown(english["body_markdown"])
    assert "<strong>urge</strong>" in english["body_html"]
    assert "<script>" not in english["body_html"]
    # The list gives each statement exactly as its own address does, slim.
    [listed] = api.get("/api/v1/statements/").json()["results"]
    assert listed == {field: answer[field] for field in listed}
    assert listed["languages"] == ["en", "ru"]


def test_a_language_needs_its_title_and_body_to_be_given(api: APIClient) -> None:
    # French has a title but no body yet: not public in French, so not given at all.
    statement = english_and_russian(title_fr="Abrogez les lois", standfirst_fr="Huit.")

    answer = api.get(f"/api/v1/statements/{statement.pk}/").json()

    assert answer["languages"] == ["en", "ru"]
    assert "fr" not in answer["translations"]
    assert "Abrogez" not in json.dumps(answer, ensure_ascii=False)


@pytest.mark.parametrize("accept_language", ["en", "ru", "fr", ""])
def test_top_level_texts_are_in_the_statements_own_language_whatever_is_asked(
    api: APIClient, accept_language: str
) -> None:
    english = english_and_russian()
    russian = english_and_russian(language="ru")
    if accept_language:
        api.defaults["HTTP_ACCEPT_LANGUAGE"] = accept_language

    english_answer = api.get(f"/api/v1/statements/{english.pk}/").json()
    russian_answer = api.get(f"/api/v1/statements/{russian.pk}/").json()

    assert english_answer["language"] == "en"
    assert english_answer["title"] == "Repeal the laws"
    assert english_answer["body_markdown"] == english_answer["translations"]["en"]["body_markdown"]
    assert russian_answer["language"] == "ru"
    assert russian_answer["title"] == RUSSIAN_TITLE
    assert russian_answer["standfirst"] == RUSSIAN_STANDFIRST
    assert russian_answer["body_markdown"] == RUSSIAN_BODY
    assert russian_answer["body_html"] == render_markdown(RUSSIAN_BODY)
    # Its public page is the Russian one.
    assert russian_answer["web_url"].startswith("http://testserver/ru/")


def test_available_in_filters_on_every_language_and_language_on_the_original(
    api: APIClient,
) -> None:
    both = english_and_russian()
    english_only = StatementFactory(published=True, language="en")
    russian_original = english_and_russian(language="ru")

    assert set(ids(api.get("/api/v1/statements/", {"available_in": "fr"}))) == set()
    assert set(ids(api.get("/api/v1/statements/", {"available_in": "ru"}))) == {
        both.pk,
        russian_original.pk,
    }
    assert set(ids(api.get("/api/v1/statements/", {"available_in": "en"}))) == {
        both.pk,
        english_only.pk,
        russian_original.pk,
    }
    # `language` is the language it was written in, not every language it is read in.
    assert ids(api.get("/api/v1/statements/", {"language": "ru"})) == [russian_original.pk]
    assert set(ids(api.get("/api/v1/statements/", {"language": "en"}))) == {
        both.pk,
        english_only.pk,
    }
    assert ids(api.get("/api/v1/statements/", {"available_in": "ru", "language": "en"})) == [
        both.pk
    ]


def test_an_unknown_language_is_refused_with_a_clear_error(api: APIClient) -> None:
    response = api.get("/api/v1/statements/", {"available_in": "de"})

    assert response.status_code == 400
    assert "available_in" in response.json()["errors"]


def test_a_drafts_translations_appear_nowhere(api: APIClient) -> None:
    public = english_and_russian()
    draft = StatementFactory(
        campaign=public.campaign,
        title_ru="HIDDEN title",
        standfirst_ru="HIDDEN standfirst",
        body_ru="HIDDEN body",
    )

    for query in [{}, {"available_in": "ru"}, {"language": "en"}]:
        response = api.get("/api/v1/statements/", query, HTTP_ACCEPT_LANGUAGE="ru")
        assert ids(response) == [public.pk]
        assert "HIDDEN" not in response.content.decode()
    assert api.get(f"/api/v1/statements/{draft.pk}/").status_code == 404


def test_campaigns_laws_organisations_and_rights_give_only_languages_with_text(
    api: APIClient,
) -> None:
    campaign = CampaignFactory(title_en="Free to associate", summary_en="", title_fr="Libres")
    law = LawFactory(
        official_title_en="Federal Law No. 121-FZ",
        common_title_en="",
        summary_en="Brands NGOs.",
        official_title_ru="Закон № 121-ФЗ",
    )
    organisation = OrganisationFactory(name_en="Rights Group", description_en="Documents.")
    # The public (and the API) know of an organisation once something public names it.
    CoalitionMembershipFactory(organisation=organisation)
    right = RightFactory(name_en="Freedom of association", name_fr="Liberté d’association")

    campaign_answer = api.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    law_answer = api.get(f"/api/v1/laws/{law.pk}/").json()
    organisation_answer = api.get(f"/api/v1/organisations/{organisation.pk}/").json()
    right_answer = api.get(f"/api/v1/rights/{right.pk}/").json()

    assert campaign_answer["translations"] == {
        "en": {"title": "Free to associate", "summary": ""},
        "fr": {"title": "Libres", "summary": ""},
    }
    assert law_answer["translations"] == {
        "en": {
            "official_title": "Federal Law No. 121-FZ",
            "common_title": "",
            "summary": "Brands NGOs.",
        },
        "ru": {"official_title": "Закон № 121-ФЗ", "common_title": "", "summary": ""},
    }
    assert organisation_answer["translations"] == {
        "en": {"name": "Rights Group", "description": "Documents."}
    }
    assert right_answer["translations"] == {
        "en": {"name": "Freedom of association", "description": ""},
        "fr": {"name": "Liberté d’association", "description": ""},
    }
    # The lists give the same.
    lists = {
        "/api/v1/campaigns/": campaign_answer,
        "/api/v1/laws/": law_answer,
        "/api/v1/organisations/": organisation_answer,
        "/api/v1/rights/": right_answer,
    }
    for url, answer in lists.items():
        rows = api.get(url).json()["results"]
        assert [row["translations"] for row in rows if row["id"] == answer["id"]] == [
            answer["translations"]
        ], url


@pytest.mark.parametrize(
    ("accept_language", "title", "language"),
    [
        ("fr", "Libres", "fr"),
        ("fr-CA,en;q=0.5", "Libres", "fr"),
        ("de, fr;q=0.8", "Libres", "fr"),
        ("", "Free to associate", "en"),
        ("de", "Free to associate", "en"),
        # Russian is a language of Chorus; the campaign has no Russian title.
        ("ru", "Free to associate", "ru"),
    ],
)
def test_the_other_top_level_texts_follow_accept_language(
    api: APIClient, accept_language: str, title: str, language: str
) -> None:
    campaign = CampaignFactory(title_en="Free to associate", title_fr="Libres")
    if accept_language:
        api.defaults["HTTP_ACCEPT_LANGUAGE"] = accept_language
    # A language cookie (the public site's) is not what the API's answers vary with.
    api.cookies["django_language"] = "ru" if language != "ru" else "fr"

    detail = api.get(f"/api/v1/campaigns/{campaign.pk}/")
    listed = api.get("/api/v1/campaigns/")

    assert detail.json()["title"] == title
    assert [row["title"] for row in listed.json()["results"]] == [title]
    assert detail["Content-Language"] == language
    assert "Accept-Language" in detail["Vary"]


def test_a_revalidation_in_another_language_is_answered_in_full(api: APIClient) -> None:
    campaign = CampaignFactory(title_en="Free to associate", title_fr="Libres")
    url = f"/api/v1/campaigns/{campaign.pk}/"
    french = api.get(url, HTTP_ACCEPT_LANGUAGE="fr")["ETag"]
    assert api.get(url, HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=french).status_code == 304
    assert api.get(url, HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=french).status_code == 304

    english = api.get(url, HTTP_IF_NONE_MATCH=french)

    assert english.status_code == 200
    assert english.json()["title"] == "Free to associate"


def test_the_publication_webhook_carries_the_statement_as_the_api_gives_it(
    receiver: str,
    api: APIClient,
    editor: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SITE_URL = "http://testserver"
    WebhookEndpoint.objects.create(organisation=OrganisationFactory(), url=receiver)
    statement = english_and_russian(published=False, approved=True, language="ru")
    SignatureFactory(statement=statement)

    with django_capture_on_commit_callbacks(execute=True):
        statement.publish(by=editor)

    [delivery] = Receiver.received
    data = json.loads(delivery["body"])["data"]
    assert data["languages"] == ["en", "ru"]
    assert data["title"] == RUSSIAN_TITLE
    assert data == api.get(f"/api/v1/statements/{statement.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()


def test_every_translated_text_is_in_translations() -> None:
    # A text added to a translation.py is written per language from then on: the API
    # must give it in `translations` too.
    given = {
        Statement: set(Statement.TEXT_FIELDS),
        Campaign: set(CAMPAIGN_TEXTS),
        Law: set(LAW_TEXTS),
        Right: set(RIGHT_TEXTS),
        Organisation: set(ORGANISATION_TEXTS),
    }
    for model, fields in given.items():
        assert set(translator.get_options_for_model(model).all_fields) == fields, model
