"""Staff record, in the admin, who a statement addresses and in which role, how many
signed beyond those listed, the name a publication elsewhere appeared under, and what
came of each demand, step by step, with who recorded it."""

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from campaigns.models import (
    Change,
    Demand,
    DemandOutcome,
    Publication,
    Signature,
    Statement,
)
from tests.admin_pages import add_row, admin_url, form_data, read_form
from tests.factories import (
    AddressingFactory,
    DemandFactory,
    DemandOutcomeFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def messages_shown(response: "TestResponse") -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def statement_form(client: Client, statement: Statement) -> dict[str, str | list[str]]:
    return form_data(client.get(admin_url(statement, "change")), "statement")


# --- addressees and their roles -----------------------------------------------------------


def test_addressees_are_named_with_their_roles_and_changed_on_the_statements_page(
    client: Client, author: User
) -> None:
    statement = StatementFactory()
    leaders, president, government = (
        TargetFactory(name="European Union leaders"),
        TargetFactory(name="President of Russia"),
        TargetFactory(name="Government of Russia"),
    )
    client.force_login(author)
    url = admin_url(statement, "change")

    data = statement_form(client, statement)
    add_row(data, "addressings", target=leaders.pk, role="primary", order=0)
    add_row(data, "addressings", target=president.pk, role="also_addressed", order=1)
    add_row(data, "addressings", target=government.pk, role="also_addressed", order=2)
    assert client.post(url, data).status_code == 302
    assert list(statement.addressings.values_list("target__name", "role")) == [
        ("European Union leaders", "primary"),
        ("President of Russia", "also_addressed"),
        ("Government of Russia", "also_addressed"),
    ]

    # The page shows each chosen addressee without looking it up again; an author moves
    # one to the other role and takes another off the statement.
    page = client.get(url)
    assert f'<option value="{president.pk}" selected>President of Russia</option>' in page.text
    data = form_data(page, "statement")
    data["addressings-1-role"] = "primary"
    data["addressings-2-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(statement.addressings.values_list("target__name", "role")) == [
        ("European Union leaders", "primary"),
        ("President of Russia", "primary"),
    ]


def test_an_addressee_is_named_once_on_a_statement(admin_client: Client) -> None:
    addressing = AddressingFactory()
    statement = addressing.statement
    data = statement_form(admin_client, statement)
    add_row(data, "addressings", target=addressing.target_id, role="also_addressed", order=1)

    response = admin_client.post(admin_url(statement, "change"), data)

    assert response.status_code == 200
    assert "This addressee is already named on the statement." in response.text
    assert statement.addressings.count() == 1


def test_the_addressee_is_chosen_by_autocomplete(admin_client: Client) -> None:
    target = TargetFactory(name="European Union leaders")

    page = admin_client.get(admin_url(Statement, "add"))
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Union",
            "app_label": "campaigns",
            "model_name": "addressing",
            "field_name": "target",
        },
    )

    assert 'name="addressings-__prefix__-target"' in page.text
    assert "admin-autocomplete" in page.text
    assert found.json()["results"] == [{"id": str(target.pk), "text": "European Union leaders"}]


# --- the declared total of signatories ------------------------------------------------------


def test_the_declared_total_is_saved_with_the_statement(client: Client, author: User) -> None:
    statement = StatementFactory()
    SignatureFactory(statement=statement)
    client.force_login(author)
    data = statement_form(client, statement)
    data["declared_signatory_count"] = "67"

    assert client.post(admin_url(statement, "change"), data).status_code == 302
    statement.refresh_from_db()
    assert statement.declared_signatory_count == 67


def test_the_declared_total_is_not_fewer_than_the_confirmed_signatories_listed(
    admin_client: Client,
) -> None:
    statement = StatementFactory()
    SignatureFactory.create_batch(3, statement=statement)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    data = statement_form(admin_client, statement)
    data["declared_signatory_count"] = "2"

    response = admin_client.post(admin_url(statement, "change"), data)

    assert response.status_code == 200
    assert (
        "The declared total (2) is fewer than the 3 confirmed signatories listed. Give the "
        "number of all who signed, listed or not, or leave it empty."
    ) in response.text
    statement.refresh_from_db()
    assert statement.declared_signatory_count is None


def test_signatories_added_with_the_total_are_counted_against_it(admin_client: Client) -> None:
    statement = StatementFactory()
    SignatureFactory(statement=statement)
    data = statement_form(admin_client, statement)
    data["declared_signatory_count"] = "2"
    for organisation in OrganisationFactory.create_batch(2):
        add_row(data, "signatures", organisation=organisation.pk, status="confirmed")
    # Declined: not listed, not counted.
    add_row(data, "signatures", organisation=OrganisationFactory().pk, status="declined")

    response = admin_client.post(admin_url(statement, "change"), data)

    assert response.status_code == 200
    assert "The declared total (2) is fewer than the 3 confirmed signatories listed." in (
        response.text
    )
    assert statement.signatures.count() == 1

    data["declared_signatory_count"] = "3"
    assert admin_client.post(admin_url(statement, "change"), data).status_code == 302
    assert statement.signatures.filter(status="confirmed").count() == 3


# --- publications elsewhere -------------------------------------------------------------------


def test_a_publication_elsewhere_is_recorded_with_the_name_it_appeared_under(
    admin_client: Client,
) -> None:
    statement = StatementFactory()
    fidh = OrganisationFactory(name="International Federation for Human Rights")
    data = statement_form(admin_client, statement)
    add_row(
        data,
        "publications",
        publisher=fidh.pk,
        published_as="the Observatory (OMCT–FIDH)",
        url="https://www.fidh.org/en/12345",
        published_on="2012-12-19",
    )

    assert admin_client.post(admin_url(statement, "change"), data).status_code == 302
    publication = Publication.objects.get()
    assert (publication.display_name, publication.link_text) == (
        "the Observatory (OMCT–FIDH)",
        "fidh.org",
    )


# --- outcomes, from the statement's page ---------------------------------------------------------


def test_an_outcome_changed_on_the_statements_page_is_added_to_the_history(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True)
    SignatureFactory(statement=statement)
    demand = DemandFactory(
        statement=statement, outcome=Demand.Outcome.MET, outcome_on=date(2019, 5, 3)
    )
    client.force_login(editor)
    url = admin_url(statement, "change")

    page = client.get(url)
    assert "Met (3 May 2019)" in page.text
    data = form_data(page, "statement")
    data.update(
        {
            "demands-0-outcome": "superseded",
            "demands-0-outcome_on": "2022-01-01",
            "demands-0-evidence_reference": "Federal Law No. 255-FZ",
            "demands-0-outcome_note": "Replaced by a wider law.",
        }
    )
    assert client.post(url, data).status_code == 302

    demand.refresh_from_db()
    assert (demand.outcome, demand.outcome_on, demand.evidence_reference) == (
        "superseded",
        date(2022, 1, 1),
        "Federal Law No. 255-FZ",
    )
    assert list(demand.outcomes.values_list("outcome", "outcome_on", "note", "recorded_by")) == [
        ("met", date(2019, 5, 3), "", None),
        ("superseded", date(2022, 1, 1), "Replaced by a wider law.", editor.pk),
    ]
    # Partners are told once that the statement changed.
    assert list(statement.changes.values_list("kind", flat=True)) == [Change.Kind.UPDATED]
    # Saved again untouched, nothing more is recorded.
    assert client.post(url, form_data(client.get(url), "statement")).status_code == 302
    assert demand.outcomes.count() == 2


def test_a_new_demand_with_an_outcome_starts_its_history(admin_client: Client) -> None:
    statement = StatementFactory()
    data = statement_form(admin_client, statement)
    add_row(
        data,
        "demands",
        action="repeal",
        text="Repeal it.",
        outcome="unmet",
        outcome_on="2013-06-01",
    )

    assert admin_client.post(admin_url(statement, "change"), data).status_code == 302
    demand = Demand.objects.get()
    assert (demand.outcome, [step.outcome for step in demand.outcome_history]) == (
        "unmet",
        ["unmet"],
    )


@pytest.mark.parametrize(
    ("outcome", "outcome_on", "error"),
    [
        ("met", "", "Give the date of this outcome."),
        ("met", "in the future", "An outcome is recorded once it is reached: not in the future."),
        ("met", "2019-05-03", None),
    ],
)
def test_an_outcome_is_recorded_with_its_date_never_one_to_come(
    admin_client: Client, outcome: str, outcome_on: str, error: str | None
) -> None:
    demand = DemandFactory()
    if outcome_on == "in the future":
        outcome_on = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = statement_form(admin_client, demand.statement)
    data.update({"demands-0-outcome": outcome, "demands-0-outcome_on": outcome_on})

    response = admin_client.post(admin_url(demand.statement, "change"), data)

    if error is None:
        assert response.status_code == 302
        assert demand.outcomes.get().outcome == outcome
    else:
        assert response.status_code == 200
        assert error in response.text
        assert not demand.outcomes.exists()
        demand.refresh_from_db()
        assert demand.outcome == Demand.Outcome.OPEN


# --- outcomes, on the demand's own page and from the list of demands ------------------------------


def demand_page_data(client: Client, demand: Demand) -> dict[str, str | list[str]]:
    return form_data(client.get(admin_url(demand, "change")), "demand")


def test_the_history_is_kept_and_put_right_on_the_demands_page(
    client: Client, editor: User
) -> None:
    demand = DemandFactory(
        statement=StatementFactory(published=True),
        outcome=Demand.Outcome.MET,
        outcome_on=date(2019, 5, 3),
    )
    client.force_login(editor)
    url = admin_url(demand, "change")

    # A later step, recorded by the editor.
    data = demand_page_data(client, demand)
    add_row(data, "outcomes", outcome="superseded", outcome_on="2022-01-01")
    assert client.post(url, data).status_code == 302
    demand.refresh_from_db()
    assert (demand.outcome, demand.outcome_on) == ("superseded", date(2022, 1, 1))
    assert demand.outcomes.get(outcome="superseded").recorded_by == editor

    # The same step twice is refused.
    data = demand_page_data(client, demand)
    add_row(data, "outcomes", outcome="superseded", outcome_on="2022-01-01")
    response = client.post(url, data)
    assert "This outcome is already recorded for this date: change it in its row." in (
        response.text
    )

    # A step recorded in error is taken out: the demand shows the one before again.
    data = demand_page_data(client, demand)
    data["outcomes-1-DELETE"] = "on"
    data["outcomes-0-evidence_reference"] = "ECLI:XX:2019:123"
    assert client.post(url, data).status_code == 302
    demand.refresh_from_db()
    assert (demand.outcome, demand.outcome_on, demand.evidence_reference) == (
        "met",
        date(2019, 5, 3),
        "ECLI:XX:2019:123",
    )
    # Each change of the history is in its own history, with who made it.
    assert {
        (record.history_type, record.history_user)
        for record in DemandOutcome.history.filter(outcome="superseded")  # type: ignore[attr-defined]
    } >= {("+", editor), ("-", editor)}


def test_an_author_only_reads_the_history_of_a_published_statements_demand(
    client: Client, author: User
) -> None:
    demand = DemandFactory(
        statement=StatementFactory(published=True),
        outcome=Demand.Outcome.MET,
        outcome_on=date(2019, 5, 3),
    )
    client.force_login(author)

    page = client.get(admin_url(demand, "change"))
    data = {
        "statement": demand.statement_id,
        "order": 0,
        "action": "repeal",
        "text": demand.text,
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-outcome": "unmet",
        "outcomes-0-outcome_on": "2020-01-01",
    }

    assert page.status_code == 200
    assert '<div class="readonly">Met</div>' in page.text
    assert 'name="outcomes-0-outcome"' not in page.text
    assert client.post(admin_url(demand, "change"), data).status_code == 403
    assert demand.outcomes.count() == 1


def run_record_outcome(client: Client, demands: list[Demand], **data: str) -> "TestResponse":
    return client.post(
        admin_url(Demand, "changelist"),
        {"action": "record_outcome", "index": "0", "_selected_action": [d.pk for d in demands]}
        | data,
        follow=True,
    )


def test_an_outcome_is_recorded_for_several_demands_at_once(client: Client, editor: User) -> None:
    # A law repealed: every demand to repeal it was met on the same day.
    first, second = DemandFactory.create_batch(2, statement=StatementFactory(published=True))
    client.force_login(editor)

    asked = run_record_outcome(client, [first, second])
    data = read_form(asked, "action_form")
    data.update(
        outcome_on="2016-02-01", evidence_url="https://example.org/gazette", note="Repealed."
    )
    no_outcome = client.post(admin_url(Demand, "changelist"), data)
    data["outcome"] = "met"
    done = client.post(admin_url(Demand, "changelist"), data, follow=True)

    assert asked.templates[0].name == "admin/action_form.html"
    assert "This field is required." in no_outcome.text
    assert messages_shown(done) == [("success", "Recorded the outcome of 2 demands.")]
    for demand in (first, second):
        demand.refresh_from_db()
        assert (demand.outcome, demand.evidence_url) == ("met", "https://example.org/gazette")
        assert list(demand.outcomes.values_list("note", "recorded_by")) == [
            ("Repealed.", editor.pk)
        ]


def test_an_author_records_outcomes_only_of_statements_not_yet_approved(
    client: Client, author: User
) -> None:
    draft_demand = DemandFactory()
    published_demand = DemandFactory(statement=StatementFactory(published=True))
    client.force_login(author)

    response = run_record_outcome(
        client,
        [draft_demand, published_demand],
        apply="yes",
        outcome="met",
        outcome_on="2016-02-01",
    )

    assert messages_shown(response) == [
        (
            "error",
            "The outcome of 1 demand was not recorded: Only an editor changes the demands of "
            "an approved, published, scheduled or withdrawn statement.",
        ),
        ("success", "Recorded the outcome of 1 demand."),
    ]
    assert draft_demand.outcomes.count() == 1
    assert not published_demand.outcomes.exists()


def test_a_steps_evidence_is_amended_by_recording_it_again(editor: User) -> None:
    demand = DemandFactory()
    demand.record_outcome("met", date(2019, 5, 3), evidence_reference="Case 1", by=editor)
    demand.record_outcome("met", date(2019, 5, 3), evidence_reference="ECLI:XX:2019:123", by=editor)
    DemandOutcomeFactory(demand=demand, outcome="superseded", outcome_on=date(2022, 1, 1))

    assert [(step.outcome, step.evidence_reference) for step in demand.outcomes.all()] == [
        ("met", "ECLI:XX:2019:123"),
        ("superseded", ""),
    ]
