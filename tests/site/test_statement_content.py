"""What a statement page says: every fact a journalist would quote from it."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from campaigns.models import Addressing, Demand, Signature, Statement
from legislation.models import LawEvent
from organisations.models import Organisation
from tests.factories import (
    AddressingFactory,
    CorrectionFactory,
    DemandFactory,
    LawEventFactory,
    LawFactory,
    LeverageFactory,
    MomentFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    PressContactFactory,
    ProvisionFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
)
from tests.site.reading import Element, open_graph, read, structured_data

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2012, 12, 19, 9, 30, tzinfo=UTC)


def published_statement(**fields: object) -> Statement:
    defaults: dict[str, object] = {
        "published": True,
        "publish_at": PUBLISHED,
        "title": "Leaders must press Moscow on five laws",
        "standfirst": "Eight organisations write before the summit.",
        "kind": Statement.Kind.PRESS_RELEASE,
        "lead_organisation__name": "Amnesty International",
        "lead_organisation__short_name": "Amnesty",
    }
    return StatementFactory(**(defaults | fields))


def signatory_names(page: Element) -> list[str]:
    return [item.text for item in page.find("ol", class_="signatories").find_all("li")]


def test_the_heading_says_what_when_which_kind_and_who_issued_it(client: Client) -> None:
    statement = published_statement()

    page = read(client.get(statement.get_absolute_url()))

    assert page.find("h1").text == "Leaders must press Moscow on five laws"
    assert (
        page.find("p", class_="standfirst").text == "Eight organisations write before the summit."
    )
    meta = page.find("article", class_="statement").find("p", class_="meta")
    assert "Press release" in meta.text
    # The date it was issued: the day it became public here.
    assert meta.find("time").attrs["datetime"] == "2012-12-19"
    assert meta.find("time").text == "19 December 2012"
    assert "in the archive since" not in meta.text
    issuer, campaign = statement.lead_organisation, statement.campaign
    assert issuer is not None and campaign is not None
    assert ("Amnesty International", issuer.get_absolute_url()) in meta.links()
    assert (campaign.title, campaign.get_absolute_url()) in meta.links()


def test_signatories_appear_as_they_display_themselves_in_their_order_with_their_role(
    client: Client,
) -> None:
    statement = published_statement()
    observatory = OrganisationFactory(
        name="Observatory for the Protection of Human Rights Defenders",
        kind=Organisation.Kind.JOINT_PROGRAMME,
    )
    # The parents are named in the order staff gave, not alphabetically.
    OrganisationParentFactory(programme=observatory, parent__short_name="OMCT", order=0)
    OrganisationParentFactory(programme=observatory, parent__short_name="FIDH", order=1)
    renamed = OrganisationFactory(name="Legal name Ltd", display_as="Zeta Watch")
    SignatureFactory(
        statement=statement, organisation=renamed, order=2, role=Signature.Role.SUPPORTER
    )
    SignatureFactory(statement=statement, organisation=observatory, order=1)
    SignatureFactory(
        statement=statement,
        organisation=statement.lead_organisation,
        order=0,
        role=Signature.Role.LEAD,
        signatory_name="Jane Doe",
        signatory_title="Secretary General",
    )
    for status in ("invited", "pending", "declined", "withdrawn"):
        SignatureFactory(
            statement=statement, organisation__name=f"Not confirmed {status}", status=status
        )

    response = client.get(statement.get_absolute_url())
    page = read(response)

    assert signatory_names(page) == [
        "Amnesty International (Lead) Jane Doe, Secretary General",
        "Observatory for the Protection of Human Rights Defenders "
        "(a joint programme of OMCT and FIDH)",
        "Zeta Watch (Supporter)",
    ]
    assert page.find("ol", class_="signatories").links()[1][1] == observatory.get_absolute_url()
    assert "Not confirmed" not in response.text
    assert "Legal name Ltd" not in page.find("main").text


def test_addressees_moment_and_leverage(client: Client) -> None:
    statement = published_statement(
        moment=MomentFactory(
            name="EU–Russia summit", starts_on=date(2012, 12, 21), place="Brussels"
        ),
        leverage_note="Russia's standing in the Council of Europe is at stake.",
    )
    statement.addressees.add(
        TargetFactory(name="European Union leaders"), TargetFactory(name="President Putin")
    )
    statement.leverage.add(LeverageFactory(name="EU–Russia partnership talks"))

    page = read(client.get(statement.get_absolute_url()))

    facts = page.find("dl", class_="facts")
    assert [term.text for term in facts.find_all("dt")] == ["Addressed to", "Timed for"]
    addressees, moment = (description.text for description in facts.find_all("dd"))
    assert addressees == "European Union leaders; President Putin"
    assert moment == "EU–Russia summit, 21 December 2012, Brussels"
    leverage = page.section("leverage")
    assert [item.text for item in leverage.find_all("li")] == ["EU–Russia partnership talks"]
    assert "Russia's standing in the Council of Europe is at stake." in leverage.text


def test_the_text_is_rendered_markdown_and_html_typed_into_it_never_runs(client: Client) -> None:
    statement = published_statement(
        body="# A heading\n\nThe organisations **urge** leaders to act.\n\n"
        "<script>alert('body')</script>\n\n<b onclick=\"steal()\">bold?</b>\n\n"
        "[a link](javascript:steal())"
    )

    response = client.get(statement.get_absolute_url())
    body = read(response).find("div", class_="body")

    assert body.find("h2").text == "A heading"
    assert body.find("strong").text == "urge"
    assert not body.has("script")
    assert not body.has("b")
    assert "alert('body')" in body.text  # shown as the text it is
    assert "<script>alert" not in response.text
    assert "steal()" not in " ".join(href for _, href in body.links())


def test_each_demand_links_to_its_law_and_provision_with_status_and_outcome(
    client: Client,
) -> None:
    statement = published_statement()
    law = LawFactory(official_title="Federal Law No. 121-FZ", common_title="'foreign agents' law")
    LawEventFactory(law=law, kind=LawEvent.Kind.IN_FORCE, date=date(2012, 11, 21))
    provision = ProvisionFactory(law=law, reference="Article 2")
    DemandFactory(
        statement=statement,
        law=law,
        provision=provision,
        action=Demand.Action.REPEAL,
        text="Repeal the 'foreign agents' law.",
        outcome=Demand.Outcome.UNMET,
        outcome_on=date(2013, 6, 1),
        order=1,
    )
    DemandFactory(
        statement=statement,
        action=Demand.Action.RELEASE,
        text="Release the detained protesters.",
        addressee=TargetFactory(name="Russian authorities"),
        order=0,
    )

    page = read(client.get(statement.get_absolute_url()))

    release, repeal = page.section("demands").find_all("li")
    assert release.text.startswith(
        "Release (addressed to Russian authorities): Release the detained protesters."
    )
    assert "Outcome: Open" in release.text
    assert "Law:" not in release.text
    assert "Repeal: Repeal the 'foreign agents' law." in repeal.text
    assert "status: In force" in repeal.text
    assert "Outcome: Unmet (1 June 2013)" in repeal.text
    assert repeal.links() == [
        ("'foreign agents' law", law.get_absolute_url()),
        ("Article 2", f"{law.get_absolute_url()}#provision-{provision.pk}"),
    ]


def test_corrections_publications_elsewhere_and_press_contacts(client: Client) -> None:
    statement = published_statement()
    signatory = OrganisationFactory(name="Human Rights Watch", short_name="HRW")
    SignatureFactory(statement=statement, organisation=signatory)
    PressContactFactory(
        organisation=signatory,
        name="Tanya Lokshina",
        role="Russia director",
        email="press@hrw.example",
        phone="+7 495 000 00 00",
    )
    PressContactFactory(organisation=signatory, name="Retired Officer", is_active=False)
    pending = SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    PressContactFactory(organisation=pending.organisation, name="Pending Officer")
    # The issuer speaks to the press about what it issued, whether or not it also signed.
    PressContactFactory(
        organisation=statement.lead_organisation,
        name="Issuer Officer",
        email="press@amnesty.example",
    )
    CorrectionFactory(
        statement=statement,
        note="The summit is on 21 December, not 20.",
        corrected_at=datetime(2012, 12, 20, tzinfo=UTC),
    )
    PublicationFactory(
        statement=statement,
        publisher=signatory,
        url="https://hrw.example/news/2012/12/19",
        title="EU: press Russia on its crackdown",
    )

    response = client.get(statement.get_absolute_url())
    page = read(response)

    assert page.section("corrections").find("li").text == (
        "20 December 2012: The summit is on 21 December, not 20."
    )
    publications = page.section("publications")
    assert publications.links() == [
        ("EU: press Russia on its crackdown", "https://hrw.example/news/2012/12/19")
    ]
    assert "Human Rights Watch" in publications.text
    contacts = [item.text for item in page.section("press").find_all("li")]
    assert contacts == [
        "Issuer Officer (Amnesty) · press@amnesty.example",
        "Tanya Lokshina, Russia director (HRW) · press@hrw.example · +7 495 000 00 00",
    ]
    assert ("+7 495 000 00 00", "tel:+74950000000") in page.section("press").links()
    assert "Retired Officer" not in response.text
    assert "Pending Officer" not in response.text


def test_an_issuer_who_also_signed_is_listed_once_among_press_contacts(client: Client) -> None:
    statement = published_statement()
    SignatureFactory(statement=statement, organisation=statement.lead_organisation)
    PressContactFactory(organisation=statement.lead_organisation, name="Issuer Officer")

    page = read(client.get(statement.get_absolute_url()))

    assert len(page.section("press").find_all("li")) == 1


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [(Statement.Kind.PRESS_RELEASE, "NewsArticle"), (Statement.Kind.BRIEFING, "Report")],
)
def test_structured_data_describes_the_statement(
    client: Client, kind: str, schema_type: str
) -> None:
    statement = published_statement(kind=kind)
    SignatureFactory(statement=statement, organisation__name="First signatory", order=0)
    SignatureFactory(statement=statement, organisation__name="Second signatory", order=1)
    SignatureFactory(
        statement=statement, organisation__name="Pending", status=Signature.Status.PENDING
    )
    DemandFactory(statement=statement, law=LawFactory(common_title="libel law"))

    data = structured_data(read(client.get(statement.get_absolute_url())))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert data["headline"] == "Leaders must press Moscow on five laws"
    assert data["description"] == "Eight organisations write before the summit."
    assert data["inLanguage"] == "en"
    assert data["url"] == "http://testserver" + statement.get_absolute_url()
    assert data["datePublished"] == "2012-12-19T09:30:00+00:00"
    assert [author["name"] for author in data["author"]] == ["First signatory", "Second signatory"]
    assert {author["@type"] for author in data["author"]} == {"NGO"}
    assert data["publisher"]["name"] == "Amnesty International"
    assert data["about"] == [{"@type": "Legislation", "name": "libel law"}]


def test_open_graph_and_a_print_stylesheet(client: Client) -> None:
    statement = published_statement()

    page = read(client.get(statement.get_absolute_url()))

    assert open_graph(page) == {
        "og:site_name": "Chorus",
        "og:title": "Leaders must press Moscow on five laws",
        "og:type": "article",
        "og:url": "http://testserver" + statement.get_absolute_url(),
        "og:description": "Eight organisations write before the summit.",
        "og:locale": "en_GB",
        "og:image": "http://testserver" + statement.get_absolute_url() + "card/1.png",
        "og:image:type": "image/png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "Leaders must press Moscow on five laws",
    }
    stylesheets = [
        link.attrs["href"] for link in page.find_all("link") if link.attrs["rel"] == "stylesheet"
    ]
    # The site's, then the statement and comparison components'.
    assert len(stylesheets) == 2
    response = client.get(stylesheets[0])
    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    # On paper: no navigation, forms or links that lead nowhere.
    assert "@media print" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header nav" in print_rules and ".no-print" in print_rules


def test_a_statement_with_no_issuer_still_lists_its_signatories_press_contacts(
    client: Client,
) -> None:
    statement = published_statement(lead_organisation=None)
    signature = SignatureFactory(statement=statement, organisation__short_name="HRW")
    PressContactFactory(organisation=signature.organisation, name="Signatory Officer")

    page = read(client.get(statement.get_absolute_url()))

    assert "Issued by" not in page.find("p", class_="meta").text
    assert [item.text for item in page.section("press").find_all("li")] == [
        f"Signatory Officer (HRW) · {signature.organisation.press_contacts.get().email}"
    ]


# --- signatories not listed, addressees' roles, publications elsewhere -------------------

OTHERS = "and %(counter)s other organisation"


def others_line(client: Client, statement: Statement, language: str = "en") -> str:
    with translation.override(language):
        url = statement.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return read(response).section("signatories").find("p", class_="others").text


def test_a_declared_total_says_how_many_signed_beyond_those_listed(client: Client) -> None:
    many = published_statement(declared_signatory_count=67)
    SignatureFactory(statement=many, organisation__name="EPDE", order=0)
    # Only confirmed signatories are listed, and only they are counted as listed.
    SignatureFactory(statement=many, status=Signature.Status.PENDING)
    one = published_statement(declared_signatory_count=2)
    SignatureFactory(statement=one)

    assert others_line(client, many) == "and 66 other organisations"
    assert others_line(client, one) == "and 1 other organisation"


def test_without_a_declared_total_or_with_every_signatory_listed_no_others_are_claimed(
    client: Client,
) -> None:
    undeclared = published_statement()
    SignatureFactory(statement=undeclared)
    all_listed = published_statement(declared_signatory_count=2)
    SignatureFactory.create_batch(2, statement=all_listed)
    # Confirmed after the total was declared: more are listed than were declared.
    outnumbered = published_statement(declared_signatory_count=1)
    SignatureFactory.create_batch(2, statement=outnumbered)

    for statement in (undeclared, all_listed, outnumbered):
        page = read(client.get(statement.get_absolute_url()))
        assert not page.section("signatories").has("p", class_="others")


@pytest.fixture
def russian_plurals() -> Iterator[None]:
    """The Russian forms of “and N other organisations”, as translators will write them
    (the catalogues are brought up to date at the end of the release, not here)."""
    # Django has no public way to add to a loaded catalogue.
    catalog = trans_real.translation("ru")._catalog._catalogs[0]  # type: ignore[attr-defined]
    forms = [
        "и ещё %(counter)s организация",
        "и ещё %(counter)s организации",
        "и ещё %(counter)s организаций",
        "и ещё %(counter)s организации",
    ]
    for index, form in enumerate(forms):
        catalog[OTHERS, index] = form
    yield
    for index in range(len(forms)):
        del catalog[OTHERS, index]


@pytest.mark.usefixtures("russian_plurals")
@pytest.mark.parametrize(
    ("unlisted", "said"),
    [
        (1, "и ещё 1 организация"),
        (3, "и ещё 3 организации"),
        (5, "и ещё 5 организаций"),
        (11, "и ещё 11 организаций"),
        (21, "и ещё 21 организация"),
        (66, "и ещё 66 организаций"),
    ],
)
def test_the_others_are_counted_in_russian_plural_forms(
    client: Client, unlisted: int, said: str
) -> None:
    statement = published_statement(
        declared_signatory_count=unlisted + 1, title_ru="Заявление", body_ru="Текст."
    )
    SignatureFactory(statement=statement)

    assert others_line(client, statement, "ru") == said
    assert others_line(client, statement, "en").startswith(f"and {unlisted} other organisation")


def test_primary_addressees_come_first_then_those_also_addressed(client: Client) -> None:
    statement = published_statement()
    putin = TargetFactory(name="President Putin")
    AddressingFactory(
        statement=statement, target=putin, role=Addressing.Role.ALSO_ADDRESSED, order=0
    )
    AddressingFactory(statement=statement, target__name="European Union leaders", order=2)
    AddressingFactory(statement=statement, target__name="Council of the EU", order=1)
    AddressingFactory(
        statement=statement,
        target__name="Russian government",
        role=Addressing.Role.ALSO_ADDRESSED,
        order=1,
    )

    facts = read(client.get(statement.get_absolute_url())).find("dl", class_="facts")

    assert [term.text for term in facts.find_all("dt")] == ["Addressed to", "Also addressed"]
    assert [description.text for description in facts.find_all("dd")] == [
        "Council of the EU; European Union leaders",
        "President Putin; Russian government",
    ]


def test_a_statement_only_also_addressed_says_so(client: Client) -> None:
    statement = published_statement()
    AddressingFactory(statement=statement, role=Addressing.Role.ALSO_ADDRESSED)

    facts = read(client.get(statement.get_absolute_url())).find("dl", class_="facts")

    assert [term.text for term in facts.find_all("dt")] == ["Also addressed"]


def test_a_publication_elsewhere_shows_its_byline_and_never_a_bare_address(
    client: Client,
) -> None:
    statement = published_statement()
    fidh = OrganisationFactory(name="International Federation for Human Rights")
    PublicationFactory(
        statement=statement,
        publisher=fidh,
        published_as="the Observatory (OMCT–FIDH)",
        url="https://www.fidh.org/en/region/europe-central-asia/russia/12345",
        title="",
        published_on=date(2012, 12, 19),
    )
    PublicationFactory(
        statement=statement,
        publisher=None,
        publisher_name="Novaya Gazeta",
        url="https://novayagazeta.ru/articles/2012/12/19/52722",
        title="",
        published_on=date(2012, 12, 20),
    )
    PublicationFactory(
        statement=statement,
        publisher=fidh,
        url="https://fidh.org/en/press/2012-12-21",
        title="Russia: stop the crackdown",
        published_on=date(2012, 12, 21),
    )

    publications = read(client.get(statement.get_absolute_url())).section("publications")

    assert publications.links() == [
        ("fidh.org", "https://www.fidh.org/en/region/europe-central-asia/russia/12345"),
        ("novayagazeta.ru", "https://novayagazeta.ru/articles/2012/12/19/52722"),
        ("Russia: stop the crackdown", "https://fidh.org/en/press/2012-12-21"),
    ]
    assert [item.text for item in publications.find_all("li")] == [
        "fidh.org · the Observatory (OMCT–FIDH), 19 December 2012",
        "novayagazeta.ru · Novaya Gazeta, 20 December 2012",
        "Russia: stop the crackdown · International Federation for Human Rights, 21 December 2012",
    ]
    for text, _ in publications.links():
        assert "://" not in text


# --- what came of the demands ------------------------------------------------------------


def test_a_demands_outcome_history_reads_in_order_with_dates_and_evidence(
    client: Client, editor: User
) -> None:
    statement = published_statement()
    demand = DemandFactory(statement=statement, text="Repeal article 2.")
    # Recorded out of order: the page reads them by date.
    demand.record_outcome(
        Demand.Outcome.SUPERSEDED,
        date(2022, 1, 1),
        evidence_reference="Federal Law No. 255-FZ",
        note="Replaced by a wider law.",
        by=editor,
    )
    demand.record_outcome(
        Demand.Outcome.MET,
        date(2019, 5, 3),
        evidence_url="https://example.org/ruling",
        evidence_reference="ECLI:XX:2019:123",
        by=editor,
    )
    DemandFactory(statement=statement, text="Release them.", order=1)

    page = read(client.get(statement.get_absolute_url()))

    met, still_open = page.section("demands").find_all("li")
    assert (
        "Outcome: Met (3 May 2019, ECLI:XX:2019:123, evidence) → Superseded (1 January 2022, "
        "Federal Law No. 255-FZ): Replaced by a wider law." in met.text
    )
    assert ("evidence", "https://example.org/ruling") in met.links()
    assert [step.text for step in met.find_all("span", class_="outcome")] == ["Met", "Superseded"]
    assert "Outcome: Open" in still_open.text
