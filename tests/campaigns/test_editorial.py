"""History, restore, corrections, translations, preview links and concurrent editing,
driven through the admin and the public statement page."""

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from campaigns.models import Correction, PreviewLink, Signature, Statement
from tests.admin_pages import admin_url, form_data
from tests.factories import (
    PressContactFactory,
    PreviewLinkFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)
from tests.site.reading import read, structured_data

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def messages_shown(response: "TestResponse") -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def edit(client: Client, statement: Statement, **changes: str) -> "TestResponse":
    """Open the change form, change some fields, and save."""
    url = admin_url(statement, "change")
    data = form_data(client.get(url), "statement")
    data.update(changes)
    return client.post(url, data, follow=True)


# --- history and restore ------------------------------------------------------------------


def test_a_change_is_in_the_history_with_who_and_a_readable_difference(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(body="The organisations urge the leaders to act now.")
    client.force_login(editor)

    edit(client, statement, body_en="The organisations urge the leaders to act today.")

    latest = statement.history.order_by("-history_id").first()
    assert latest.history_user == editor
    assert latest.body_en == "The organisations urge the leaders to act today."
    page = client.get(admin_url(statement, "history"))
    assert page.status_code == 200
    assert "<del>now.</del>" in page.text
    assert "<ins>today.</ins>" in page.text


def test_workflow_steps_are_versions_in_the_same_history(editor: User) -> None:
    statement = StatementFactory(in_review=True)
    SignatureFactory(statement=statement)

    statement.approve(by=editor)
    statement.publish(by=editor)

    steps = list(statement.history.order_by("history_id").values_list("status", "history_user"))
    assert steps[-2:] == [("approved", editor.pk), ("published", editor.pk)]
    reasons = statement.history.order_by("history_id").values_list(
        "history_change_reason", flat=True
    )
    assert list(reasons)[-2:] == ["In review → Approved", "Approved → Published"]


def test_a_draft_is_restored_to_an_earlier_version(client: Client, editor: User) -> None:
    statement = StatementFactory(title="The first title")
    client.force_login(editor)
    edit(client, statement, title_en="A worse title")
    first = statement.history.order_by("history_id").first()
    url = admin_url(statement, "simple_history", first.history_id)

    # The history's pages name the form after the historical model.
    data = form_data(client.get(url), "historicalstatement")
    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.title == "The first title"
    assert statement.history.count() == 3


def test_a_published_statement_is_not_restored(client: Client, editor: User) -> None:
    statement = StatementFactory(title="The first title")
    client.force_login(editor)
    edit(client, statement, title_en="The published title")
    first = statement.history.order_by("history_id").first()
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.PUBLISHED,
        publish_at=timezone.now(),
        issued_on=timezone.localdate(),
    )
    url = admin_url(statement, "simple_history", first.history_id)

    # The history's pages name the form after the historical model.
    data = form_data(client.get(url), "historicalstatement")
    response = client.post(url, data, follow=True)

    assert messages_shown(response) == [
        (
            "error",
            "Only a draft can be restored to an earlier version. Return it to draft first; "
            "a published text is changed by a correction.",
        )
    ]
    statement.refresh_from_db()
    assert statement.title == "The published title"


# --- corrections ----------------------------------------------------------------------------


def test_changing_a_published_text_asks_correction_or_silent_fix(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True)
    client.force_login(editor)

    unanswered = edit(client, statement, title_en="A new title")
    no_note = edit(client, statement, title_en="A new title", change_kind="correction")

    assert "say whether this is a public correction or a silent fix" in unanswered.text
    assert "A correction needs a public note" in no_note.text
    statement.refresh_from_db()
    assert statement.title != "A new title"


def test_a_correction_is_public_with_its_note_and_a_new_version(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(published=True, body="The summit is on 20 December.")
    client.force_login(editor)

    edit(
        client,
        statement,
        body_en="The summit is on 21 December.",
        change_kind="correction",
        correction_note="An earlier version gave the wrong date of the summit.",
    )

    statement.refresh_from_db()
    assert statement.version == 2
    assert statement.corrected_at is not None
    assert statement.updated == statement.corrected_at
    assert Correction.objects.get(statement=statement).note == (
        "An earlier version gave the wrong date of the summit."
    )
    page = Client().get(statement.get_absolute_url())
    assert "21 December" in page.text
    assert "An earlier version gave the wrong date of the summit." in page.text
    assert statement.history.latest().history_change_reason.startswith("Correction: ")


def test_a_silent_fix_is_in_the_history_only(client: Client, editor: User) -> None:
    statement = StatementFactory(published=True, body="The organisatons urge.")
    client.force_login(editor)

    edit(client, statement, body_en="The organisations urge.", change_kind="silent_fix")

    statement.refresh_from_db()
    assert (statement.body, statement.version, statement.corrected_at) == (
        "The organisations urge.",
        1,
        None,
    )
    assert not statement.corrections.exists()
    page = Client().get(statement.get_absolute_url())
    assert "Corrections" not in page.text
    assert statement.history.latest().history_change_reason == "Silent fix"


def test_signatures_on_an_earlier_version_are_flagged(client: Client, editor: User) -> None:
    statement = StatementFactory(published=True)
    earlier = SignatureFactory(statement=statement, organisation__name="Early Signer")
    client.force_login(editor)
    edit(
        client,
        statement,
        body_en="A changed substance.",
        change_kind="correction",
        correction_note="The demand was changed.",
    )
    later = SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    later.status = Signature.Status.CONFIRMED
    later.clean()
    later.save()

    page = client.get(admin_url(statement, "change"))

    assert (earlier.signed_version, later.signed_version) == (1, 2)
    assert messages_shown(page) == [
        (
            "warning",
            f"{earlier.organisation} signed an earlier version of the text, before a correction.",
        )
    ]
    assert "1 — an earlier version: corrected since" in page.text
    statement.refresh_from_db()
    assert list(statement.earlier_version_signatures()) == [earlier]


# --- translations -------------------------------------------------------------------------


def test_a_statement_is_public_only_in_the_languages_it_is_written_in(client: Client) -> None:
    statement = StatementFactory(
        published=True,
        title_en="Repeal the laws",
        body_en="The organisations urge the leaders.",
        title_ru="Отменить законы",
        body_ru="Организации призывают лидеров.",
    )
    url = statement.get_absolute_url()

    english = client.get(url)
    russian = client.get(f"/ru{url}")
    french = client.get(f"/fr{url}")

    assert english.status_code == 200
    assert "Repeal the laws" in english.text
    assert "Отменить законы" not in english.text
    assert russian.status_code == 200
    assert "Отменить законы" in russian.text
    assert "Организации призывают лидеров." in russian.text
    assert "Repeal the laws" not in russian.text
    # Each version links to the other; none links to a French one.
    assert f'href="/ru{url}"' in english.text
    assert f'href="{url}"' in russian.text
    assert f"/fr{url}" not in english.text + russian.text
    assert french.status_code == 404
    assert statement.available_languages() == ["en", "ru"]
    assert list(Statement.objects.published().available_in("fr")) == []
    assert list(Statement.objects.published().available_in("ru")) == [statement]


# --- preview ------------------------------------------------------------------------------


def test_staff_preview_a_draft_from_the_admin(client: Client, editor: User) -> None:
    statement = StatementFactory(title="A draft to check")
    client.force_login(editor)

    change_form = client.get(admin_url(statement, "change"))
    preview = client.get(statement.get_absolute_url())

    assert f'href="{statement.get_absolute_url()}"' in change_form.text
    assert preview.status_code == 200
    assert "A draft to check" in preview.text
    assert "no-store" in preview.headers["Cache-Control"]
    assert "private" in preview.headers["Cache-Control"]


def test_a_draft_is_not_shown_without_permission_or_link(client: Client) -> None:
    statement = StatementFactory()
    client.force_login(UserFactory(username="no-permissions"))

    assert client.get(statement.get_absolute_url()).status_code == 404
    assert client.get(PreviewLink.url_for("not-a-token")).status_code == 404


def test_a_preview_link_shows_the_draft_to_anyone_while_valid(client: Client) -> None:
    link = PreviewLinkFactory(statement__title="A draft to share")

    response = client.get(PreviewLink.url_for(link.token))

    assert response.status_code == 200
    assert "A draft to share" in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_a_preview_link_shows_the_page_as_the_public_will_see_it(client: Client) -> None:
    """Through the public page's own view: press contacts and structured data included,
    and the same body as the page once it is published."""
    link = PreviewLinkFactory(statement__title="A draft to share")
    statement = link.statement
    signature = SignatureFactory(statement=statement)
    PressContactFactory(organisation=signature.organisation, name="Anna Press")

    preview = read(client.get(PreviewLink.url_for(link.token)))

    assert "Anna Press" in preview.text
    assert structured_data(preview)["headline"] == "A draft to share"


def test_a_preview_link_dies_with_a_withdrawal(client: Client, editor: User) -> None:
    statement = StatementFactory(published=True, body="Text that was withdrawn.")
    SignatureFactory(statement=statement)
    shared_before = PreviewLinkFactory(statement=statement)

    statement.withdraw(by=editor, reason="Published in error.")
    # Even a link made after the withdrawal, by someone who may make links, shows nothing.
    made_after = PreviewLinkFactory(statement=statement)

    shared_before.refresh_from_db()
    assert shared_before.revoked_at is not None
    for link in (shared_before, made_after):
        response = client.get(PreviewLink.url_for(link.token))
        assert response.status_code == 404
        assert "Text that was withdrawn." not in response.text


def test_an_expired_or_revoked_preview_link_is_refused(client: Client) -> None:
    expired = PreviewLinkFactory(expires_at=timezone.now() - timedelta(minutes=1))
    revoked = PreviewLinkFactory()
    revoked.revoke()

    assert client.get(PreviewLink.url_for(expired.token)).status_code == 404
    assert client.get(PreviewLink.url_for(revoked.token)).status_code == 404


def test_a_preview_link_is_made_and_revoked_in_the_admin(admin_client: Client) -> None:
    statement = StatementFactory(title="A draft to share")
    url = admin_url(PreviewLink, "add")
    data = form_data(admin_client.get(url, {"statement": statement.pk}), "previewlink")
    assert data["statement"] == str(statement.pk)

    made = admin_client.post(url, data, follow=True)

    [text] = [text for _, text in messages_shown(made) if "shown only this once" in text]
    link_url = text.split(": ")[-1]
    assert Client().get(link_url).status_code == 200
    link = PreviewLink.objects.get()
    assert link.token_hash not in text
    admin_client.post(
        admin_url(PreviewLink, "changelist"),
        {"action": "revoke", "index": "0", "_selected_action": [link.pk]},
    )
    assert Client().get(link_url).status_code == 404


# --- concurrent editing -------------------------------------------------------------------


def test_a_second_save_on_a_stale_version_is_refused_and_keeps_its_text(
    client: Client, editor: User
) -> None:
    statement = StatementFactory(body="The organisations urge the leaders to act.")
    other_editor = UserFactory(username="other-editor", is_superuser=True)
    url = admin_url(statement, "change")
    client.force_login(editor)
    mine = form_data(client.get(url), "statement")
    colleague = Client()
    colleague.force_login(other_editor)
    theirs = form_data(colleague.get(url), "statement")

    theirs["body_en"] = "The organisations urge the leaders to act at the summit."
    assert colleague.post(url, theirs).status_code == 302
    mine["title_en"] = "My better title"
    refused = client.post(url, mine)

    assert refused.status_code == 200
    assert "saved this statement at" in refused.text
    assert "other-editor" in refused.text
    assert "What changed meanwhile:<ul><li><strong>Body [en]:</strong>" in refused.text
    assert "<ins>act at the summit.</ins>" in refused.text
    assert 'value="My better title"' in refused.text
    statement.refresh_from_db()
    assert statement.body == "The organisations urge the leaders to act at the summit."
    assert statement.title != "My better title"

    # Having seen what changed, the editor saves again, on top of the colleague's version.
    again = form_data(refused, "statement")
    again["body_en"] = statement.body
    assert client.post(url, again).status_code == 302
    statement.refresh_from_db()
    assert (statement.title, statement.body) == (
        "My better title",
        "The organisations urge the leaders to act at the summit.",
    )


def test_confirming_in_the_admin_records_the_signed_version(client: Client, editor: User) -> None:
    statement = StatementFactory(published=True, version=3)
    signature = SignatureFactory(statement=statement, status=Signature.Status.PENDING)
    client.force_login(editor)

    client.post(
        admin_url(Signature, "changelist"),
        {"action": "confirm", "index": "0", "_selected_action": [signature.pk]},
    )

    signature.refresh_from_db()
    assert (signature.status, signature.signed_version) == ("confirmed", 3)
    assert signature.history.latest().history_user == editor


def test_authors_share_preview_links(client: Client, author: User) -> None:
    client.force_login(author)

    assert client.get(admin_url(PreviewLink, "add")).status_code == 200
