"""Every public page costs a fixed number of queries, whatever the size of what it shows.

The first count of each test includes one query the page cache makes on a miss: the
next scheduled publish time, which bounds how long the page may be kept. It is read once
per content version (each test starts with a new one), so a test's later pages do without.
"""

import pytest
from django.db import connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from operations import fragments
from organisations.models import Organisation
from tests.site.builders import build_world
from tests.site.reading import read

pytestmark = pytest.mark.django_db

SIZES = [1, 30]


@pytest.mark.parametrize("size", SIZES)
def test_the_statement_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    with django_assert_num_queries(8):
        # 1. the statement with campaign, coalition, issuer and moment, and its addressees
        #    (with their roles) and leverage as JSON lists (subqueries in the same SELECT);
        # 2. its confirmed signatures with their organisations;
        # 3. those organisations' links to their parents, with the parents joined;
        # 4. the press contacts of the issuer and of every signatory, in one query;
        # 5. corrections;
        # 6. publications with their publishers;
        # 7. demands with law, provision and addressee, and each one's outcome history as
        #    a JSON list (a subquery in the same SELECT);
        # 8. the next publish time (the page cache, on a miss).
        # None of them is made per signatory, per demand or per list entry.
        response = client.get(world.statement.get_absolute_url())
    assert response.status_code == 200
    # Everything counted is shown, as many times as there are rows.
    assert response.text.count('<li><a href="/organisations/') == size
    assert response.text.count('<a href="mailto:press') == size
    assert response.text.count("<li>Membership of body") == size
    # Addressed to, and also addressed: one list each.
    assert response.text.count("<dd>Addressee") == 2
    assert response.text.count("; Addressee") == 2 * (size - 1)
    assert response.text.count('class="outcome-step"') == 2 * size
    assert response.text.count('<li><a href="/organisations/') == size


@pytest.mark.parametrize("size", SIZES)
def test_the_statement_list(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # Each list made with nothing kept from another (fragments.forget()), as right after
    # a change (a list built afresh later reads fewer: tests/site/test_list_parts.py):
    # first and latest public year for the filter, and the countries public statements
    # are about (campaigns, organisations and laws are typed, not listed); count (up to
    # the list's depth); the ids and versions of the page's statements; those statements
    # with campaign and issuer; next publish time.
    with django_assert_num_queries(6):
        assert client.get("/statements/?kind=joint_statement").status_code == 200
    # The year issued: the same, without the next publish time (read once per version).
    year = world.statement.issued_on.year  # type: ignore[union-attr]
    fragments.forget()
    with django_assert_num_queries(5):
        response = client.get(f"/statements/?year={year}")
    assert response.status_code == 200
    assert response.text.count('class="statement-item"') == min(size + 1, 20)
    # Naming an organisation: the one whose slug it is, from its index; failing that, on
    # PostgreSQL, the ones with a name, acronym or other name that is the value, through
    # their indexes, then those with one that holds it; elsewhere every public
    # organisation's names, read once and compared here. A value that names none lists
    # nothing: no count, no page (down from 8 when the whole list was read after it).
    fragments.forget()
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        assert client.get("/statements/?organisation=nobody-by-this-name").status_code == 200
    slug = Organisation.objects.filter(signatures__isnull=False).values_list("slug", flat=True)[0]
    fragments.forget()
    with django_assert_num_queries(6):
        assert client.get(f"/statements/?organisation={slug}").status_code == 200
    # A country named in any language is found without a query.
    fragments.forget()
    with django_assert_num_queries(5):
        assert client.get("/statements/?country=Russie").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_campaign_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # campaign with coalition; its laws; count; the page of statements; next publish time.
    with django_assert_num_queries(5):
        assert client.get(world.campaign.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_coalition_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # coalition; current members with organisations; campaigns; next publish time.
    with django_assert_num_queries(4):
        response = client.get(world.coalition.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('<li><a href="/organisations/') == size


@pytest.mark.parametrize("size", SIZES)
def test_the_law_tracker(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    build_world(size)
    # laws by country and status (the map, the status chart, the counters and the
    # filter's countries); rights for the filter; pairs of right and law and the rights'
    # names (the chart by right); count; the page of laws with their last event; next
    # publish time.
    with django_assert_num_queries(7):
        assert client.get("/laws/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_law_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # law with what replaced it; events; sources; rights; standards; laws it replaces;
    # laws it is modelled on; laws modelled on it; laws it implements; instruments
    # implementing it (these two came with the "implements" link, one query each way);
    # provisions; their rights; their penalties; public demands, each with its outcome
    # history as a JSON list (a subquery in the same SELECT); published statements; next
    # publish time.
    with django_assert_num_queries(16):
        response = client.get(world.law.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="provision"') == size
    # What replaced it, and `size` laws for each of the five other links.
    assert len(read(response).find("dl", class_="facts").links()) == 1 + 5 * size
    # Every step of every demand listed is shown: two for each of the statement's
    # demands, one for each other statement's.
    demands = response.context["demands"]
    steps = sum(len(demand.outcome_history) for demand in demands)
    assert steps > len(demands)
    assert response.text.count('class="outcome-step"') == steps


@pytest.mark.parametrize("size", SIZES)
def test_the_organisation_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # organisation (if public); its identifiers; its parents that are public; the
    # programmes it runs that are public; its coalitions; the public signatures by it and
    # by the programmes it runs; statements it issued; next publish time.
    with django_assert_num_queries(8):
        response = client.get(world.organisation.get_absolute_url())
    assert response.status_code == 200
    assert f"Signed {size + 1} published statement" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_the_search_page(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    build_world(size)
    # counts of laws and organisations found; the statements found, counted and ranked in
    # one query where the text is searched in full (else counted, then the page's ids);
    # the page of results; next publish time.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 6):
        assert client.get("/search/?q=statement").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_feeds_and_the_sitemap(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, size: int
) -> None:
    world = build_world(size)
    # statements with issuer; their corrections; next publish time
    with django_assert_num_queries(3):
        assert client.get("/feed/").status_code == 200
    # The same statements in Russian (in English, as nothing is written in Russian); the
    # next publish time is known from then on.
    with django_assert_num_queries(2):
        assert client.get("/ru/feed/").status_code == 200
    # law; its statements with issuer; their corrections
    with django_assert_num_queries(3):
        assert client.get(world.law.get_absolute_url() + "feed/").status_code == 200
    # one query per section (pages need none; countries one union).
    with django_assert_num_queries(6):
        assert client.get("/sitemap.xml").status_code == 200
