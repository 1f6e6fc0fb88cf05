"""What a search for each query must find, and never find, on every database.

A statement is found by its own text and by what the public reads with it: who signed
for its signatories, its demands and the evidence of their outcomes, its publications
elsewhere, and the identifiers and countries of the laws it is about, the country by its
name in the reader's language. Statements the public may not see carry a unique marker in
each of those places, and no search finds them.
"""

import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from campaigns.models import Signature, Statement
from tests.factories import (
    DemandFactory,
    LawFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {},
    "inreview": {"in_review": True},
    "approved": {"approved": True},
    "scheduled": {"scheduled": True},
    "withdrawn": {"withdrawn": True},
}
# Where each hidden statement carries its marker ("draftsigner", "draftevidence", ...).
PLACES = ("signer", "publication", "publisher", "press", "demand", "evidence")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Made once for the module's tests, each of which runs in a transaction of its own
    inside this one, which is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_world()
        yield
        transaction.set_rollback(True)


def make_world() -> None:
    russian_law = LawFactory(country="RU", identifier="121-FZ", slug="foreign-agents")
    belarusian_law = LawFactory(country="BY", identifier="No. 194-Z", slug="associations")
    # Laws and a country that only statements the public may not see are about.
    hidden_law = LawFactory(country="TM", identifier="777-FZ", slug="hidden")

    petrova = StatementFactory(published=True, slug="signed-by-petrova")
    SignatureFactory(statement=petrova, signatory_name="Anna Petrova")
    # Not (or no longer) signing: their names are nobody's business.
    for status, name in [
        (Signature.Status.PENDING, "Boris Pendingov"),
        (Signature.Status.INVITED, "Ivan Invitov"),
        (Signature.Status.DECLINED, "Clara Declinova"),
        (Signature.Status.WITHDRAWN, "Vera Withdrawnova"),
    ]:
        SignatureFactory(statement=petrova, status=status, signatory_name=name)

    guardian = StatementFactory(published=True, slug="in-the-guardian")
    PublicationFactory(
        statement=guardian,
        publisher=None,
        publisher_name="The Guardian",
        title="Civil society under siege",
    )
    PublicationFactory(statement=guardian, publisher__name="Novaya Gazeta", title="")

    bialiatski = StatementFactory(published=True, slug="free-bialiatski")
    DemandFactory(
        statement=bialiatski,
        text="Release Ales Bialiatski at once.",
        evidence_reference="ECLI:EU:C:2020:791",
    )
    DemandFactory(statement=bialiatski, text="Comply.", evidence_reference="Application 47143/06")

    about_russia = StatementFactory(published=True, slug="about-russian-law")
    DemandFactory(statement=about_russia, law=russian_law)
    SignatureFactory(statement=about_russia, signatory_name="Oleg Orlov")
    about_belarus = StatementFactory(published=True, slug="about-belarusian-law")
    DemandFactory(statement=about_belarus, law=belarusian_law)
    # Written in French only: found through its French text, whatever the reader's language.
    french = StatementFactory(
        published=True,
        slug="written-in-french",
        language="fr",
        title_en="",
        standfirst_en="",
        body_en="",
        title_fr="Abroger la loi",
        body_fr="Les organisations demandent l'abrogation.",
    )
    DemandFactory(statement=french, law=russian_law)

    for kind, traits in HIDDEN.items():
        hidden = StatementFactory(slug=f"hidden-{kind}", **traits)
        SignatureFactory(statement=hidden, signatory_name=f"Anna {kind}signer")
        PublicationFactory(
            statement=hidden,
            publisher=None,
            publisher_name=f"The {kind}publisher",
            title=f"A {kind}publication",
        )
        PublicationFactory(statement=hidden, publisher__name=f"{kind}press")
        DemandFactory(
            statement=hidden,
            law=hidden_law,
            text=f"Repeal it ({kind}demand).",
            evidence_reference=f"ECLI:{kind}evidence",
        )
        # The markers of public statements' rows do not make a hidden statement public.
        DemandFactory(statement=hidden, law=russian_law, text="Release Ales Bialiatski.")
        SignatureFactory(statement=hidden, signatory_name="Anna Petrova Orlov")


def found(client: Client, query: str, language: str) -> list[str]:
    """The slugs of the statements a search finds, in the reader's language."""
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/search/", {"q": query, "in": "statements"})
    assert response.status_code == 200
    return sorted(re.findall(r'<h2><a href="[^"]*/statements/\d{4}/([^/"]+)/"', response.text))


RUSSIAN_LAW = ["about-russian-law", "written-in-french"]

QUERIES = [
    # Who signed for a signatory, if its signature is confirmed.
    ("Petrova", "en", ["signed-by-petrova"]),
    ("anna petrova", "ru", ["signed-by-petrova"]),
    ("Pendingov", "en", []),
    ("Invitov", "en", []),
    ("Declinova", "en", []),
    ("Withdrawnova", "fr", []),
    # Publications elsewhere: their titles and publishers, named or in the registry.
    ("Guardian", "en", ["in-the-guardian"]),
    ("under siege", "fr", ["in-the-guardian"]),
    ("Novaya Gazeta", "en", ["in-the-guardian"]),
    # Demands, and the evidence of their outcomes.
    ("Bialiatski", "en", ["free-bialiatski"]),
    ("ECLI:EU:C:2020:791", "en", ["free-bialiatski"]),
    ("47143/06", "ru", ["free-bialiatski"]),
    # The laws demands are about: by identifier, by country in the reader's language.
    ("121-FZ", "en", RUSSIAN_LAW),
    ("194-Z", "en", ["about-belarusian-law"]),
    ("Russia", "en", RUSSIAN_LAW),
    ("Россия", "ru", RUSSIAN_LAW),
    ("Russie", "fr", RUSSIAN_LAW),
    ("Беларусь", "ru", ["about-belarusian-law"]),
    ("Biélorussie", "fr", ["about-belarusian-law"]),
    # Every word, wherever it is found.
    ("Orlov Russia", "en", ["about-russian-law"]),
    ("Orlov Belarus", "en", []),
    ("Petrova Orlov", "en", []),
    # Their own text still finds them.
    ("abrogation", "fr", ["written-in-french"]),
    # Laws and a country that only statements the public may not see are about.
    ("777-FZ", "en", []),
    ("Turkmenistan", "en", []),
    ("Туркменистан", "ru", []),
    # Each marker of a statement the public may not see, in every place it is in.
    *((f"{kind}{place}", "en", []) for kind in HIDDEN for place in PLACES),
]


@pytest.mark.parametrize(("query", "language", "expected"), QUERIES)
def test_what_a_search_finds(
    client: Client, world: None, query: str, language: str, expected: list[str]
) -> None:
    assert found(client, query, language) == sorted(expected)


@pytest.mark.parametrize("language", ["en", "ru", "fr"])
def test_no_section_of_a_search_shows_what_the_public_may_not_see(
    client: Client, world: None, language: str
) -> None:
    prefix = "" if language == "en" else f"/{language}"
    for kind in HIDDEN:
        for place in PLACES:
            marker = f"{kind}{place}"
            page = client.get(f"{prefix}/search/", {"q": marker}).text
            # Every section's count is on the page, whichever section it shows.
            assert re.findall(r"\((\d+)\)</a></li>", page) == ["0", "0", "0"], marker
            assert f"hidden-{kind}" not in page


def test_a_statement_found_by_what_else_it_is_found_by_shows_it_marked(
    client: Client, world: None
) -> None:
    response = client.get("/search/", {"q": "Petrova"})
    assert '<p class="headline" lang="en">Anna <mark>Petrova</mark></p>' in response.text
    evidence = client.get("/search/", {"q": "47143/06"}).text
    assert "<mark>47143/06</mark>" in evidence
    # Only the lines that hold a match: not the demand beside it.
    assert "Bialiatski" not in evidence


def test_search_text_holds_only_what_the_public_reads(world: None) -> None:
    text = Statement.objects.values_list("search_text", flat=True).get(slug="signed-by-petrova")
    assert text == "Anna Petrova"
    text = Statement.objects.values_list("search_text", flat=True).get(slug="about-russian-law")
    assert text.splitlines() == [
        "Oleg Orlov",
        "Repeal the law.",
        "121-FZ",
        "Russia",
        "Россия",
        "Russie",
    ]
