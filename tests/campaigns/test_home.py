import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from campaigns.models import Campaign
from tests.factories import CampaignFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

NOT_PUBLIC = {"draft": {}, "in_review": {"in_review": True}, "approved": {"approved": True}}
NOT_PUBLIC |= {"scheduled": {"scheduled": True}, "withdrawn": {"withdrawn": True}}


def test_the_home_page_lists_only_published_statements(client: Client) -> None:
    StatementFactory(published=True, title="The public statement")
    for state, traits in NOT_PUBLIC.items():
        StatementFactory(title=f"Secret{state}marker", **traits)

    response = client.get("/")

    assert response.status_code == 200
    assert "The public statement" in response.text
    assert "marker" not in response.text


def test_an_empty_site_says_so_and_invites_staff_to_write(
    client: Client, admin_client: Client
) -> None:
    assert "No statements have been published yet." in client.get("/").text
    assert "Write the first one in the admin" not in client.get("/").text
    assert 'href="/admin/campaigns/statement/add/"' in admin_client.get("/").text


def test_staff_get_a_link_to_the_admin(client: Client, author: User) -> None:
    statement = StatementFactory(published=True)
    edit = f'href="/admin/campaigns/statement/{statement.pk}/change/"'
    assert edit not in client.get("/").text
    client.force_login(author)
    assert edit in client.get("/").text


def test_the_home_page_shows_active_campaigns_and_the_latest_statements(client: Client) -> None:
    CampaignFactory(title="Active campaign")
    CampaignFactory(title="Concluded campaign", status=Campaign.Status.CONCLUDED)
    StatementFactory.create_batch(11, published=True)

    response = client.get("/")

    assert "Active campaign" in response.text
    assert "Concluded campaign" not in response.text
    assert response.text.count('<article class="statement-item">') == 10
    assert 'href="/statements/"' in response.text


@pytest.mark.parametrize("count", [1, 20])
def test_the_home_page_costs_the_same_whatever_it_lists(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for statement in StatementFactory.create_batch(count, published=True):
        SignatureFactory.create_batch(3, statement=statement)
    # 1: active campaigns with coalitions; 2: the latest statements with campaign and
    # issuer; 3: the laws in force per country, for the map; 4: the next scheduled
    # publish time, which bounds how long the page is cached.
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200
    # Then it comes from the cache, without a query.
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200
