"""`manage.py loaddemo`: the founding example, loaded once, and unchanged when loaded again."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from campaigns.models import Demand, Signature, Statement, Transition
from legislation.models import Law, LawEvent, Penalty
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

SLUG = "eu-russia-summit-civil-society-2012"
OBSERVATORY = (
    "Observatory for the Protection of Human Rights Defenders (a joint programme of OMCT and FIDH)"
)


def load() -> str:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def every_model() -> list[type[models.Model]]:
    """The three apps' models, their many-to-many tables, and the users loaddemo creates."""
    found = [
        model
        for label in ("organisations", "legislation", "campaigns")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return [*found, User, User.groups.through]


def snapshot() -> dict[str, list[dict[str, object]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in every_model()
    }


@pytest.fixture
def loaded() -> Statement:
    load()
    return Statement.objects.get(slug=SLUG)


def test_loading_twice_changes_nothing() -> None:
    load()
    first = snapshot()
    transitions = Transition.objects.count()

    output = load()

    assert snapshot() == first  # same rows, same values, same updated_at
    assert {label: len(rows) for label, rows in snapshot().items()} == {
        label: len(rows) for label, rows in first.items()
    }
    assert Transition.objects.count() == transitions == 3
    assert "0 rows created, 0 updated" in output
    assert "left as it is" in output


def test_the_statement_is_published_through_the_workflow(loaded: Statement) -> None:
    assert Statement.objects.published().filter(pk=loaded.pk).exists()
    # Issued on 19 December 2012; public in Chorus from the moment it was loaded.
    assert loaded.issued_on == date(2012, 12, 19)
    assert loaded.get_absolute_url() == f"/statements/2012/{SLUG}/"
    assert loaded.publish_at is not None
    assert timezone.now() - loaded.publish_at < timedelta(minutes=5)
    assert loaded.kind == Statement.Kind.PRESS_RELEASE
    assert loaded.language == "en"
    assert loaded.lead_organisation is not None
    assert loaded.lead_organisation.name == "Amnesty International"
    steps = list(loaded.transitions.values_list("from_status", "to_status", "by__username"))
    assert steps == [
        ("draft", "in_review", "demo-editor"),
        ("in_review", "approved", "demo-editor"),
        ("approved", "published", "demo-editor"),
    ]
    assert [step.note for step in loaded.transitions.all()][-1] == (
        "Published as archived, issued on 2012-12-19"
    )
    editor = User.objects.get(username="demo-editor")
    assert editor.groups.filter(name="Editors").exists()
    assert not editor.has_usable_password()
    assert not editor.is_staff


def test_eight_confirmed_signatures_in_the_seeds_order(loaded: Statement) -> None:
    signatures = loaded.signatures.filter(status=Signature.Status.CONFIRMED).order_by("order")

    assert [s.organisation.signatory_name for s in signatures] == [
        "Amnesty International",
        "CIVICUS: World Alliance for Citizen Participation",
        "Freedom House",
        "Front Line Defenders",
        "Greenpeace",
        "Human Rights Watch",
        OBSERVATORY,
        "Transparency International",
    ]
    assert [s.role for s in signatures] == ["lead"] + ["co_signatory"] * 7
    assert loaded.signatures.count() == 8


def test_the_observatory_is_run_by_omct_and_fidh(loaded: Statement) -> None:
    observatory = Organisation.objects.get(slug="observatory-human-rights-defenders")

    assert observatory.kind == Organisation.Kind.JOINT_PROGRAMME
    assert [p.short_name for p in observatory.parents.order_by("programme_links__order")] == [
        "OMCT",
        "FIDH",
    ]
    assert observatory.signatory_name == OBSERVATORY
    civicus = Organisation.objects.get(slug="civicus")
    assert "World Alliance for Citizen Participation" in civicus.alias_list


def test_the_ambiguous_libel_fine_is_kept_as_reported_and_not_guessed(loaded: Statement) -> None:
    penalty = Penalty.objects.get(provision__law__slug="libel-law")

    assert penalty.kind == Penalty.Kind.FINE
    assert penalty.as_reported == "up to £37,0000"
    assert penalty.amount_min is None
    assert penalty.amount_max is None
    assert "ambiguous" in penalty.note


def test_the_protest_fine_is_normalised_in_sterling(loaded: Statement) -> None:
    penalty = Penalty.objects.get(provision__law__slug="protest-fines-law")

    assert penalty.as_reported == "up to £20,000"
    assert penalty.amount_max == Decimal("20000")
    assert penalty.amount_min is None
    assert penalty.unit == "GBP"
    assert penalty.note


def test_prison_terms_the_source_does_not_give_are_left_empty(loaded: Statement) -> None:
    foreign_agents = Penalty.objects.get(provision__law__slug="foreign-agents-law")
    assert foreign_agents.kind == Penalty.Kind.IMPRISONMENT
    assert foreign_agents.as_reported == "punishable by a prison sentence"
    assert foreign_agents.prison_max_months is None
    assert foreign_agents.note

    blocking = Penalty.objects.get(provision__law__slug="internet-blacklist-law")
    assert blocking.kind == Penalty.Kind.BLOCKING
    assert blocking.as_reported == "shut down websites without a court order"


def test_every_laws_status_follows_its_last_event(loaded: Statement) -> None:
    laws = Law.objects.filter(country="RU")
    assert sorted(law.identifier for law in laws) == [
        "121-FZ",
        "139-FZ",
        "141-FZ",
        "190-FZ",
        "65-FZ",
    ]
    for law in laws:
        # Rulings that leave a law standing come later on some timelines; they change nothing.
        last = law.events.filter(kind__in=LawEvent.STATUS_AFTER).order_by("-date", "-pk").first()
        assert last is not None, law
        assert (law.status, law.status_since) == (LawEvent.STATUS_AFTER[last.kind], last.date), law
    assert Law.objects.get(identifier="121-FZ").status == Law.Status.IN_FORCE


def test_the_foreign_agents_law_has_its_bill_number_vote_and_rulings(loaded: Statement) -> None:
    law = Law.objects.get(identifier="121-FZ")
    assert law.bill_number == "102766-6"
    vote = law.events.get(kind=LawEvent.Kind.ADOPTED, date=date(2012, 7, 13))
    assert (vote.actor, vote.votes_for, vote.votes_against, vote.votes_abstaining) == (
        "the State Duma",
        374,
        3,
        1,
    )
    ruling = law.events.get(kind=LawEvent.Kind.COURT_RULING)
    assert (ruling.court, ruling.case_number, ruling.ecli) == (
        "the European Court of Human Rights",
        "9988/13",
        "ECLI:CE:ECHR:2022:0614JUD000998813",
    )
    # Every event of the demo passes the checks the admin makes.
    for event in LawEvent.objects.all():
        event.full_clean()
    for penalty in Penalty.objects.all():
        assert penalty.offence, penalty


def test_the_campaign_tracks_the_five_laws_and_the_demands_point_at_them(loaded: Statement) -> None:
    assert loaded.campaign is not None
    assert loaded.campaign.laws.count() == 5
    assert loaded.campaign.country == "RU"
    repeals = loaded.demands.filter(action=Demand.Action.REPEAL)
    assert repeals.count() == 5
    for demand in repeals:
        assert demand.law is not None
        assert demand.provision is not None
        assert demand.provision.law_id == demand.law.pk
    assert set(loaded.demands.values_list("action", flat=True)) >= {
        "repeal",
        "ensure",
        "stop",
        "protect",
    }
    assert loaded.moment is not None
    assert (loaded.moment.place, str(loaded.moment.starts_on), str(loaded.moment.ends_on)) == (
        "Brussels",
        "2012-12-20",
        "2012-12-21",
    )
    assert loaded.leverage.count() == 3
    # Written to the EU's leaders; Russia's President and government are addressed too.
    assert list(loaded.addressings.values_list("target__slug", "role")) == [
        ("eu-leaders", "primary"),
        ("president-of-russia", "also_addressed"),
        ("russian-government", "also_addressed"),
    ]


def test_the_statement_text_is_the_projects_own_not_the_seeds(loaded: Statement) -> None:
    seed_sentences = [
        "International NGOs urge EU leaders to tackle Putin on Russia's civil society crackdown",
        "a pejorative label signifying spy and traitor",
        "which have created a chilling effect on the right to peaceful assembly",
    ]
    text = " ".join([loaded.title, loaded.standfirst, loaded.body])
    for sentence in seed_sentences:
        assert sentence not in text


def test_loading_again_restores_changed_demo_facts(loaded: Statement) -> None:
    Organisation.objects.filter(slug="fidh").update(website="https://example.org")

    output = load()

    assert Organisation.objects.get(slug="fidh").website == "https://www.fidh.org"
    assert "0 rows created, 1 updated" in output


def test_loading_again_leaves_a_published_statements_text_alone(loaded: Statement) -> None:
    Statement.objects.filter(pk=loaded.pk).update(title="Corrected title")

    load()

    loaded.refresh_from_db()
    assert loaded.title == "Corrected title"
    assert loaded.transitions.count() == 3
