import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.admin import CampaignFilter, StatementAdmin
from campaigns.models import (
    Addressing,
    Campaign,
    Coalition,
    CoalitionMembership,
    Demand,
    Leverage,
    Moment,
    PreviewLink,
    Signature,
    Statement,
    Target,
    Transition,
)
from lib import admin_pagination
from tests.admin_pages import ONE_OF, add_row, admin_url, form_data, read_form
from tests.factories import (
    AddressingFactory,
    CampaignFactory,
    CoalitionFactory,
    CorrectionFactory,
    DemandFactory,
    DemandOutcomeFactory,
    LawFactory,
    LeverageFactory,
    MomentFactory,
    OrganisationFactory,
    ProvisionFactory,
    PublicationFactory,
    SignatureFactory,
    StatementFactory,
    TargetFactory,
    TransitionFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def messages_shown(response: "TestResponse") -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def run_action(
    client: Client, action: str, statements: Iterable[Statement], **data: str
) -> "TestResponse":
    """Choose statements on the changelist and run an action on them."""
    return client.post(
        admin_url(Statement, "changelist"),
        {"action": action, "index": "0", "_selected_action": [s.pk for s in statements], **data},
        follow=True,
    )


def ready(**traits: bool) -> Statement:
    """A statement with what approving and publishing need, a confirmed signature among them."""
    statement = StatementFactory(**traits)
    SignatureFactory(statement=statement)
    return statement


# --- lists' queries (every page renders: tests/test_admin.py) ------------------------------


# Every changelist: the session, the user, the count of rows matching the filters, the
# count of all rows, the rows of the page (with what list_select_related and annotations
# bring along: a statement's count of confirmed signatures, a coalition's of members).
# Then what each list adds:
ON_POSTGRESQL = int(connection.vendor == "postgresql")
DATE_LINKS = 2  # the first and last dates, then the years (or months, or days) between
CHANGELIST_QUERIES = {
    Coalition: 5,
    Campaign: 5
    + 1  # the coalitions, for the filter
    + 1  # the countries in use, for the country filter
    + DATE_LINKS,
    Target: 5 + 1,  # the countries in use, for the country filter
    Moment: 5 + 1 + DATE_LINKS,  # the countries in use, for the country filter
    Leverage: 5,
    Statement: 5
    - 1  # no count of all rows: show_full_result_count is off (lib/admin_pagination.py)
    + ON_POSTGRESQL  # PostgreSQL's estimate of the table's rows, asked before counting them
    + 1,  # the campaigns, for the filter; publish times by fixed periods, no date links
    Signature: 5 + 1 + DATE_LINKS,  # the statements, for the filter
    Demand: 5 + DATE_LINKS,
    Transition: 5 + DATE_LINKS,
    PreviewLink: 5,
}


@pytest.mark.parametrize(
    ("model", "queries"), CHANGELIST_QUERIES.items(), ids=[m.__name__ for m in CHANGELIST_QUERIES]
)
def test_changelist_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_num_queries: Any, model: type[Model], queries: int
) -> None:
    ONE_OF[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    for _ in range(49):
        ONE_OF[model]()
    with django_assert_num_queries(queries):
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200


def fill(statement: Statement, rows: int) -> None:
    """Give a statement `rows` of everything its change form lists."""
    for _ in range(rows):
        SignatureFactory(statement=statement)
        law = LawFactory()
        demand = DemandFactory(
            statement=statement,
            addressee=TargetFactory(),
            law=law,
            provision=ProvisionFactory(law=law),
        )
        DemandOutcomeFactory(demand=demand, outcome_on=date(2013, 5, 3))
        DemandOutcomeFactory(
            demand=demand, outcome=Demand.Outcome.SUPERSEDED, outcome_on=date(2022, 1, 1)
        )
        AddressingFactory(statement=statement, role=Addressing.Role.ALSO_ADDRESSED)
        PublicationFactory(statement=statement)
        CorrectionFactory(statement=statement)
        TransitionFactory(statement=statement)


@pytest.mark.parametrize("rows", [1, 50])
def test_statement_change_form_queries_do_not_grow_with_rows(
    admin_client: Client, django_assert_num_queries: Any, editor: User, rows: int
) -> None:
    statement = StatementFactory(
        published=True, moment=MomentFactory(), created_by=editor, updated_by=editor
    )
    statement.addressees.add(TargetFactory())
    statement.leverage.add(LeverageFactory())
    fill(statement, rows)
    url = admin_url(statement, "change")
    # Content types are cached for the life of the process; start from an empty cache
    # whichever tests ran before.
    ContentType.objects.clear_cache()

    # The session and the user (2); the statement (1); its content type, for the "View on
    # site" link (1); the leverage chosen, as the form reads it (1); the widgets showing
    # the campaign, lead organisation and moment chosen, and all leverage to choose from
    # (4); who created and who last changed it (2); the addressees, signatures, demands
    # (with their outcome histories in the same query), publications, corrections and
    # workflow steps, each with the organisations, addressees, laws, provisions and users
    # it names (6); the confirmed signatures given to a version of the text corrected
    # since, for the warning (1). The addressees, once a field of the statement's own
    # form (2 queries), are an inline of their own (1). Who read it early, listed for the
    # editors (1); the organisations named to read it early, as the form reads them (1).
    with django_assert_num_queries(20):
        assert admin_client.get(url).status_code == 200


def test_inline_rows_show_what_they_name(admin_client: Client) -> None:
    signature = SignatureFactory(
        organisation__name="Amnesty International", organisation__short_name=""
    )
    law = LawFactory(country="RU", identifier="190-FZ", common_title="Treason law")
    demand = DemandFactory(
        statement=signature.statement, law=law, provision=ProvisionFactory(law=law)
    )

    response = admin_client.get(admin_url(signature.statement, "change"))

    # An organisation is named with its country, as in the autocomplete's choices.
    assert (
        f'<option value="{signature.organisation.pk}" selected>'
        "Amnesty International · United Kingdom</option>" in (response.text)
    )
    # A law is named by its country, number and title, as in its autocomplete.
    label = "Russia · 190-FZ · Treason law"
    assert f'<option value="{law.pk}" selected>{label}</option>' in response.text
    assert f'<option value="{demand.provision_id}" selected>{label}: ' in response.text


# --- the statement changelist -------------------------------------------------------------


def test_changelist_counts_confirmed_signatures_and_shows_scheduled(admin_client: Client) -> None:
    statement = ready(scheduled=True)
    SignatureFactory(statement=statement)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)

    response = admin_client.get(admin_url(Statement, "changelist"))

    [row] = response.context["cl"].result_list
    assert row.confirmed_signature_count == 2
    assert '<td class="field-status_label">Scheduled</td>' in response.text
    assert '<td class="field-confirmed_signatures">2</td>' in response.text


def test_changelist_counts_a_small_table_exactly(admin_client: Client) -> None:
    StatementFactory.create_batch(3)

    response = admin_client.get(admin_url(Statement, "changelist"))

    assert "3 statements" in response.text
    assert "estimate" not in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_unfiltered_changelist_of_a_large_table_is_estimated_not_counted(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_statement")
    # Three rows stand for a million: counting them all is what the estimate avoids.
    monkeypatch.setattr(admin_pagination, "ESTIMATED_ABOVE", 2)

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(admin_url(Statement, "changelist"))

    full_counts = [
        query["sql"]
        for query in captured.captured_queries
        if "COUNT(*)" in query["sql"].upper()
        and '"campaigns_statement"' in query["sql"]
        and " WHERE " not in query["sql"]
    ]
    assert full_counts == []
    assert "About 3 statements (an estimate)" in response.text
    # Filtered, the count is exact up to a bound: the filter's index answers it.
    response = admin_client.get(admin_url(Statement, "changelist"), {"status": "draft"})
    assert "3 statements" in response.text
    assert "estimate" not in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_a_filtered_changelist_past_the_bound_is_estimated_not_counted(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementFactory.create_batch(4)
    StatementFactory(published=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_statement")
    monkeypatch.setattr(admin_pagination, "COUNTED_UP_TO", 2)

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(admin_url(Statement, "changelist"), {"status": "draft"})

    # Counted no further than one past the bound, then the planner's estimate.
    assert any("LIMIT 3" in query["sql"] for query in captured.captured_queries)
    assert re.search(r"About \d+ statements \(an estimate\)", response.text)
    assert len(response.context["cl"].result_list) == 4
    assert response.context["cl"].paginator.count >= 3
    # Under the bound, exact.
    response = admin_client.get(admin_url(Statement, "changelist"), {"status": "published"})
    assert "1 statement" in response.text
    assert "estimate" not in response.text


@pytest.mark.parametrize("ids_up_to", [5_000, 1])
def test_statement_search_finds_words_in_any_language_and_the_slug(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch, ids_up_to: int
) -> None:
    # Few matches are read by id first; more than `search_ids_up_to` are a condition.
    monkeypatch.setattr(StatementAdmin, "search_ids_up_to", ids_up_to)
    english = StatementFactory(title="Repeal the treason amendments")
    russian = StatementFactory(
        title="Other",
        title_ru="Отменить поправки о госизмене",  # noqa: RUF001
        body_ru="Текст заявления.",
    )
    by_slug = StatementFactory(title="Unrelated", slug="treason-2024")
    StatementFactory(title="Nothing to find")
    changelist = admin_url(Statement, "changelist")

    def found(text: str) -> set[Statement]:
        return set(admin_client.get(changelist, {"q": text}).context["cl"].result_list)

    if connection.vendor == "postgresql":
        assert found("treasons") == {english}  # stemmed
        assert found("госизмене") == {russian}
        assert found("treason-2024") == {by_slug}
    else:
        assert found("treason") == {english, by_slug}
    assert found("absent") == set()


def test_campaign_filter_offers_the_latest_campaigns_and_the_one_chosen(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CampaignFilter, "shown", 2)
    today = timezone.now().date()
    oldest, older, newest = (
        CampaignFactory(title=title, started_on=today - timedelta(days=days))
        for title, days in (("Oldest", 30), ("Older", 20), ("Newest", 10))
    )
    statement = StatementFactory(campaign=oldest)
    StatementFactory(campaign=newest)
    changelist = admin_url(Statement, "changelist")

    offered = admin_client.get(changelist).text
    assert f"?campaign={newest.pk}" in offered
    assert f"?campaign={older.pk}" in offered
    assert f"?campaign={oldest.pk}" not in offered

    # An older campaign, chosen from its own page, is offered and applied.
    campaigns = admin_client.get(admin_url(Campaign, "changelist")).text
    assert f'href="{changelist}?campaign={oldest.pk}"' in campaigns
    response = admin_client.get(changelist, {"campaign": str(oldest.pk)})
    assert list(response.context["cl"].result_list) == [statement]
    assert f"?campaign={oldest.pk}" in response.text

    # Not a campaign's number: the admin's own "incorrect filter" answer, not an error.
    for value in ("x", "²", "1" * 30):
        response = admin_client.get(changelist, {"campaign": value})
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("scheduled", "scheduled"), ("published", "public"), ("draft", "draft")],
)
def test_status_filter_tells_public_from_scheduled(
    admin_client: Client, status: str, expected: str
) -> None:
    statements = {
        "scheduled": StatementFactory(scheduled=True),
        "public": StatementFactory(published=True),
        "draft": StatementFactory(),
    }

    response = admin_client.get(admin_url(Statement, "changelist"), {"status": status})

    assert list(response.context["cl"].result_list) == [statements[expected]]


# --- workflow actions ---------------------------------------------------------------------


def action_names(client: Client, url: str, field: str = "action") -> list[str]:
    return [
        name for name, _ in client.get(url).context["action_form"].fields[field].choices if name
    ]


def test_actions_offered_follow_permissions(client: Client, author: User, editor: User) -> None:
    statement = StatementFactory()
    changelist, change = admin_url(Statement, "changelist"), admin_url(statement, "change")

    client.force_login(author)
    assert action_names(client, changelist) == ["submit"]
    assert action_names(client, change, "action") == ["submit"]

    client.force_login(editor)
    assert action_names(client, changelist) == [
        "delete_selected",
        "submit",
        "approve",
        "return_to_draft",
        "publish_now",
        "schedule",
        "publish_archived",
        "unschedule",
        "withdraw",
    ]


def test_author_submits_a_draft(client: Client, author: User) -> None:
    statement = ready()
    client.force_login(author)

    response = run_action(client, "submit", [statement])

    assert messages_shown(response) == [("success", "Submitted 1 statement for review.")]
    statement.refresh_from_db()
    assert statement.status == Statement.Status.IN_REVIEW
    assert statement.transitions.get().by == author


def test_submit_is_refused_for_a_statement_already_in_review(client: Client, author: User) -> None:
    statement = ready(in_review=True)
    client.force_login(author)

    response = run_action(client, "submit", [statement])

    assert messages_shown(response) == [
        (
            "warning",
            f"“{statement.title}” was not submitted: "
            "This statement is in review; it must be draft first.",
        )
    ]


def test_author_cannot_run_an_editors_action(client: Client, author: User) -> None:
    statement = ready(approved=True)
    client.force_login(author)

    response = run_action(client, "publish_now", [statement])

    assert messages_shown(response) == [("warning", "No action selected.")]
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED


def test_editor_approves_and_returns_to_draft(client: Client, editor: User) -> None:
    to_approve, to_return = ready(in_review=True), ready(in_review=True)
    client.force_login(editor)

    approved = run_action(client, "approve", [to_approve])
    returned = run_action(client, "return_to_draft", [to_return])

    assert messages_shown(approved) == [("success", "Approved 1 statement.")]
    assert messages_shown(returned) == [("success", "Returned 1 statement to draft.")]
    to_approve.refresh_from_db()
    to_return.refresh_from_db()
    assert (to_approve.status, to_return.status) == ("approved", "draft")


def test_approval_is_refused_without_a_confirmed_signature(client: Client, editor: User) -> None:
    statement = StatementFactory(in_review=True)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    client.force_login(editor)

    response = run_action(client, "approve", [statement])

    assert messages_shown(response) == [
        (
            "warning",
            f"“{statement.title}” was not approved: No organisation has confirmed its signature.",
        )
    ]
    statement.refresh_from_db()
    assert statement.status == Statement.Status.IN_REVIEW


def test_publish_reports_each_statement(client: Client, editor: User) -> None:
    first, second = ready(approved=True), ready(approved=True)
    draft, public = ready(), ready(published=True)
    client.force_login(editor)

    response = run_action(client, "publish_now", [first, second, draft, public])

    assert sorted(messages_shown(response)) == sorted(
        [
            ("success", "Published 2 statements."),
            (
                "warning",
                f"“{draft.title}” was not published: "
                "This statement is draft; it must be approved or published first.",
            ),
            ("warning", f"“{public.title}” was not published: This statement is already public."),
        ]
    )
    assert set(Statement.objects.published()) == {first, second, public}


def test_schedule_asks_for_a_time_in_the_future(client: Client, editor: User) -> None:
    statement = ready(approved=True)
    client.force_login(editor)

    asked = run_action(client, "schedule", [statement])
    past = run_action(client, "schedule", [statement], apply="yes", publish_at="2012-12-19T09:00")

    assert asked.templates[0].name == "admin/action_form.html"
    assert statement.title in asked.text
    assert 'name="publish_at"' in asked.text
    assert "Choose a time in the future. To publish now, use “Publish now”." in past.text
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED


def test_schedule_publishes_at_the_time_given(client: Client, editor: User) -> None:
    statement = ready(approved=True)
    when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(editor)

    response = run_action(
        client, "schedule", [statement], apply="yes", publish_at=when.strftime("%Y-%m-%dT%H:%M")
    )

    [(level, text)] = messages_shown(response)
    assert (level, text.split(" for ")[0]) == ("success", "Scheduled 1 statement")
    statement.refresh_from_db()
    assert statement.publish_at == when
    assert statement.is_scheduled


def test_withdraw_asks_for_a_reason(client: Client, editor: User) -> None:
    statement = ready(published=True)
    client.force_login(editor)

    asked = run_action(client, "withdraw", [statement])
    no_reason = run_action(client, "withdraw", [statement], apply="yes", reason=" ")
    withdrawn = run_action(
        client, "withdraw", [statement], apply="yes", reason="The summit date was wrong."
    )

    assert 'name="reason"' in asked.text
    assert "This field is required." in no_reason.text
    assert messages_shown(withdrawn) == [("success", "Withdrew 1 statement.")]
    statement.refresh_from_db()
    assert (statement.status, statement.withdrawal_reason) == (
        Statement.Status.WITHDRAWN,
        "The summit date was wrong.",
    )


def test_withdraw_is_refused_for_a_draft(client: Client, editor: User) -> None:
    statement = ready()
    client.force_login(editor)

    response = run_action(client, "withdraw", [statement], apply="yes", reason="Never mind.")

    assert messages_shown(response) == [
        (
            "warning",
            f"“{statement.title}” was not withdrawn: "
            "This statement is draft; it must be published first.",
        )
    ]


def test_publish_from_the_change_form(client: Client, editor: User) -> None:
    statement = ready(approved=True)
    client.force_login(editor)

    response = client.post(
        admin_url(statement, "change"),
        {"CHANGE_FORM-action": "publish_now", "_selected_action": statement.pk},
        follow=True,
    )

    assert response.redirect_chain == [(admin_url(statement, "change"), 302)]
    assert messages_shown(response) == [("success", "Published 1 statement.")]
    assert Statement.objects.published().get() == statement


def test_withdraw_from_the_change_form(client: Client, editor: User) -> None:
    statement = ready(published=True)
    client.force_login(editor)
    url = admin_url(statement, "change")

    asked = client.post(url, {"CHANGE_FORM-action": "withdraw", "_selected_action": statement.pk})
    data = read_form(asked, "action_form")
    assert data["CHANGE_FORM-action"] == "withdraw"
    response = client.post(url, {**data, "reason": "Published in error."}, follow=True)

    assert messages_shown(response) == [("success", "Withdrew 1 statement.")]
    statement.refresh_from_db()
    assert statement.status == Statement.Status.WITHDRAWN


def test_editor_unschedules_and_a_scheduled_statement_is_not_withdrawn(
    client: Client, editor: User
) -> None:
    scheduled = ready(scheduled=True)
    client.force_login(editor)

    asked = run_action(client, "withdraw", [scheduled])
    refused = client.post(
        admin_url(Statement, "changelist"),
        {**read_form(asked, "action_form"), "reason": "Not yet."},
        follow=True,
    )
    unscheduled = run_action(client, "unschedule", [scheduled])

    assert messages_shown(refused) == [
        (
            "warning",
            f"“{scheduled.title}” was not withdrawn: "
            "This statement is not public yet: unschedule it instead.",
        )
    ]
    assert messages_shown(unscheduled) == [
        ("success", "Unscheduled 1 statement; it is approved again.")
    ]
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.publish_at) == (Statement.Status.APPROVED, None)


def test_saving_an_untouched_form_from_a_browser_changes_nothing(
    admin_client: Client,
) -> None:
    statement = StatementFactory(body="First paragraph.\n\nSecond paragraph.")
    url = admin_url(statement, "change")
    data = form_data(admin_client.get(url), "statement")
    # Browsers send the line endings of a text area as CRLF.
    data["body_en"] = str(data["body_en"]).replace("\n", "\r\n")

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.body == "First paragraph.\n\nSecond paragraph."
    change = LogEntry.objects.get(object_id=str(statement.pk))
    assert "Body" not in change.get_change_message()


# --- who may change and delete ------------------------------------------------------------


def test_authors_only_view_a_published_statement(client: Client, author: User) -> None:
    statement = ready(published=True)
    client.force_login(author)
    url = admin_url(statement, "change")

    page = client.get(url)

    assert page.status_code == 200
    assert page.context["title"] == "View statement"
    assert client.post(url, {"title": "Changed"}).status_code == 403


def test_editors_change_a_published_statement(client: Client, editor: User) -> None:
    statement = ready(published=True)
    client.force_login(editor)
    url = admin_url(statement, "change")
    data = form_data(client.get(url), "statement")
    data["title_en"] = "A corrected title"
    data["change_kind"] = "silent_fix"

    response = client.post(url, data)

    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.title, statement.updated_by) == ("A corrected title", editor)


def test_saving_stamps_who_created_and_who_changed(
    client: Client, author: User, editor: User
) -> None:
    client.force_login(author)
    data = form_data(client.get(admin_url(Statement, "add")), "statement")
    data.update(
        title_en="Repeal the laws", slug="repeal-the-laws", body_en="The organisations urge..."
    )
    assert client.post(admin_url(Statement, "add"), data).status_code == 302
    statement = Statement.objects.get()

    client.force_login(editor)
    data = form_data(client.get(admin_url(statement, "change")), "statement")
    assert client.post(admin_url(statement, "change"), data).status_code == 302

    statement.refresh_from_db()
    assert (statement.created_by, statement.updated_by) == (author, editor)


def test_nobody_deletes_a_published_statement(admin_client: Client) -> None:
    draft, published, withdrawn = ready(), ready(published=True), ready(withdrawn=True)

    assert admin_client.get(admin_url(draft, "delete")).status_code == 200
    assert admin_client.get(admin_url(published, "delete")).status_code == 403
    assert admin_client.get(admin_url(withdrawn, "delete")).status_code == 403
    asked = run_action(admin_client, "delete_selected", [draft, published])
    confirmed = run_action(admin_client, "delete_selected", [draft, published], post="yes")

    assert "your account doesn't have permission to delete" in asked.text
    assert confirmed.status_code == 403
    assert Statement.objects.count() == 3


def test_drafts_can_be_deleted_in_bulk(admin_client: Client) -> None:
    drafts = [ready(), ready()]

    response = run_action(admin_client, "delete_selected", drafts, post="yes")

    assert messages_shown(response) == [("success", "Successfully deleted 2 statements.")]
    assert not Statement.objects.exists()


# --- constraints show as form errors -----------------------------------------------------


def test_an_organisation_signs_a_statement_once(admin_client: Client) -> None:
    signature = SignatureFactory()
    url = admin_url(signature.statement, "change")
    data = form_data(admin_client.get(url), "statement")
    add_row(data, "signatures", organisation=signature.organisation_id)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "This organisation has already signed this statement." in response.text
    assert Signature.objects.count() == 1


def test_a_statement_has_one_lead_signatory(admin_client: Client) -> None:
    statement = StatementFactory()
    url = admin_url(statement, "change")
    data = form_data(admin_client.get(url), "statement")
    for organisation in OrganisationFactory.create_batch(2):
        add_row(data, "signatures", organisation=organisation.pk, role=Signature.Role.LEAD)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A statement has only one lead signatory." in response.text
    assert not Signature.objects.exists()


def test_a_demand_names_a_provision_of_its_own_law(admin_client: Client) -> None:
    statement = StatementFactory()
    law, other_provision = LawFactory(), ProvisionFactory()
    url = admin_url(statement, "change")
    data = form_data(admin_client.get(url), "statement")
    add_row(
        data,
        "demands",
        action=Demand.Action.REPEAL,
        law=law.pk,
        provision=other_provision.pk,
        text="Repeal it.",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "This provision belongs to another law." in response.text
    assert not Demand.objects.exists()


def test_an_organisation_is_a_current_member_once(admin_client: Client) -> None:
    coalition, organisation = CoalitionFactory(), OrganisationFactory()
    url = admin_url(coalition, "change")
    data = form_data(admin_client.get(url), "coalition")
    add_row(data, "memberships", organisation=organisation.pk)
    add_row(
        data, "memberships", organisation=organisation.pk, role=CoalitionMembership.Role.CONVENOR
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "This organisation is already a current member of the coalition." in response.text
    assert not CoalitionMembership.objects.exists()


# --- signatures and the workflow log ------------------------------------------------------


def test_confirm_selected_signatures(admin_client: Client) -> None:
    pending = SignatureFactory(status=Signature.Status.PENDING, signed_at=None)
    invited = SignatureFactory(status=Signature.Status.INVITED, signed_at=None)
    declined = SignatureFactory(status=Signature.Status.DECLINED, signed_at=None)

    response = admin_client.post(
        admin_url(Signature, "changelist"),
        {
            "action": "confirm",
            "index": "0",
            "_selected_action": [pending.pk, invited.pk, declined.pk],
        },
        follow=True,
    )

    assert messages_shown(response) == [
        ("success", "Confirmed 2 signatures."),
        ("warning", "1 signature was declined or withdrawn and was left as it is."),
    ]
    for signature in (pending, invited, declined):
        signature.refresh_from_db()
    assert (pending.status, invited.status, declined.status) == (
        "confirmed",
        "confirmed",
        "declined",
    )
    assert pending.signed_at is not None
    assert declined.signed_at is None


def test_the_workflow_log_is_read_only(admin_client: Client) -> None:
    step = TransitionFactory()

    page = admin_client.get(admin_url(step, "change"))

    assert page.context["title"] == "View workflow step"
    assert admin_client.post(admin_url(step, "change"), {"note": "Rewritten"}).status_code == 403
    assert admin_client.get(admin_url(step, "delete")).status_code == 403
