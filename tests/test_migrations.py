from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ProgrammingError

from campaigns.models import PublicContentVersion
from lib.database_settings import set_database_jit


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = StringIO()
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_the_content_number_has_its_row_from_the_start() -> None:
    # Made by a migration, so that no first request after a deployment has to make it.
    assert list(PublicContentVersion.objects.values_list("pk", "number")) == [(1, 0)]


BEFORE_ISSUE_DATES = [("campaigns", "0017_postgresql_jit_off")]
WITH_ISSUE_DATES = [("campaigns", "0018_statement_issued_on")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_statements_published_before_issue_dates_are_dated_by_their_publish_time() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_ISSUE_DATES)
    old = executor.loader.project_state(BEFORE_ISSUE_DATES).apps
    Statement = old.get_model("campaigns", "Statement")
    HistoricalStatement = old.get_model("campaigns", "HistoricalStatement")
    # Late in the evening, in UTC: the site's time zone, whose day it is.
    evening = datetime(2012, 12, 19, 23, 30, tzinfo=UTC)

    def statement(slug: str, **fields: object) -> int:
        return int(Statement.objects.create(title=slug, slug=slug, **fields).pk)

    published = statement("published", status="published", publish_at=evening)
    withdrawn = statement(
        "withdrawn",
        status="withdrawn",
        publish_at=datetime(2013, 1, 1, tzinfo=UTC),
        withdrawn_at=datetime(2013, 2, 1, tzinfo=UTC),
        withdrawal_reason="Wrong.",
    )
    scheduled = statement(
        "scheduled", status="published", publish_at=datetime(2099, 1, 1, tzinfo=UTC)
    )
    draft = statement("draft")
    HistoricalStatement.objects.create(
        id=published,
        title="published",
        slug="published",
        status="approved",
        created_at=evening,
        updated_at=evening,
        history_date=evening,
        history_type="~",
    )
    HistoricalStatement.objects.create(
        id=published,
        title="published",
        slug="published",
        status="published",
        publish_at=evening,
        created_at=evening,
        updated_at=evening,
        history_date=evening,
        history_type="~",
    )

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(WITH_ISSUE_DATES)
        new = executor.loader.project_state(WITH_ISSUE_DATES).apps
        dated = dict(new.get_model("campaigns", "Statement").objects.values_list("pk", "issued_on"))
        history = list(
            new.get_model("campaigns", "HistoricalStatement")
            .objects.order_by("history_id")
            .values_list("status", "issued_on")
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert dated == {
        published: date(2012, 12, 19),
        withdrawn: date(2013, 1, 1),
        scheduled: date(2099, 1, 1),
        draft: None,
    }
    # Each earlier version dated as the statement then stood: unpublished, undated.
    assert history == [("approved", None), ("published", date(2012, 12, 19))]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_sessions_of_the_database_start_with_the_jit_compiler_off() -> None:
    # The setting is the database's: a session opened after the migrations has it.
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    finally:
        fresh.close()


def database_settings() -> list[str]:
    """The settings of the test database itself, as this transaction sees them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting "
            "WHERE setrole = 0 AND setdatabase = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return [setting for (row,) in cursor.fetchall() for setting in row.split(",") if row]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_configuredatabase_turns_the_jit_compiler_off_again_after_a_restore() -> None:
    # A dump restored into a new database does not carry the database's settings, and
    # its migrations are all recorded as applied.
    set_database_jit(connection, None)
    assert "jit=off" not in database_settings()
    out = StringIO()
    call_command("configuredatabase", stdout=out)
    assert "jit=off" in database_settings()
    assert "JIT compiler is off" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_a_role_that_does_not_own_the_database_is_told_what_to_run() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE chorus_not_owner")
        cursor.execute("GRANT chorus_not_owner TO CURRENT_USER")
        cursor.execute("SET LOCAL ROLE chorus_not_owner")
    told = StringIO()
    set_database_jit(connection, "off", report=told)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the transaction goes on
        assert cursor.fetchone() == (1,)
    name = connection.settings_dict["NAME"]
    assert f'ALTER DATABASE "{name}" SET jit = off;' in told.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the JIT compiler is PostgreSQL's")
@pytest.mark.django_db
def test_other_errors_are_not_taken_for_a_missing_privilege() -> None:
    with pytest.raises(ProgrammingError):
        set_database_jit(connection, "off off", report=StringIO())  # a syntax error


BEFORE_RECORDS = [("campaigns", "0019_web_addresses_only")]
RECORDS = [("campaigns", "0020_declared_signatories_addressee_roles_outcome_history")]


def migrated_to(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_addressees_and_outcomes_are_carried_into_their_own_records() -> None:
    old = migrated_to(BEFORE_RECORDS)
    try:
        statement = old.get_model("campaigns", "Statement").objects.create(
            title="Leaders must press Moscow", slug="leaders-must-press-moscow"
        )
        Target = old.get_model("campaigns", "Target")
        leaders = Target.objects.create(name="EU leaders", slug="eu-leaders", kind="government")
        president = Target.objects.create(
            name="President of Russia", slug="president", kind="head_of_state"
        )
        statement.addressees.set([leaders, president])
        Demand = old.get_model("campaigns", "Demand")
        met = Demand.objects.create(
            statement=statement,
            action="repeal",
            text="Repeal it.",
            outcome="met",
            outcome_on=date(2019, 5, 3),
            evidence_url="https://example.org/ruling",
            evidence_reference="ECLI:XX:2019:123",
        )
        reopened = Demand.objects.create(
            statement=statement, action="halt", text="Halt it.", outcome_on=date(2020, 1, 1)
        )
        still_open = Demand.objects.create(statement=statement, action="stop", text="Stop it.")
        for name in ("Authors", "Editors"):
            old.get_model("auth", "Group").objects.get_or_create(name=name)[0].permissions.clear()

        new = migrated_to(RECORDS)

        Addressing = new.get_model("campaigns", "Addressing")
        assert sorted(
            Addressing.objects.filter(statement=statement.pk).values_list("target", "role")
        ) == sorted([(leaders.pk, "primary"), (president.pk, "primary")])
        DemandOutcome = new.get_model("campaigns", "DemandOutcome")
        steps = DemandOutcome.objects.order_by("demand").values_list(
            "demand", "outcome", "outcome_on", "evidence_url", "evidence_reference", "note"
        )
        assert list(steps) == [
            (met.pk, "met", date(2019, 5, 3), "https://example.org/ruling", "ECLI:XX:2019:123", ""),
            (reopened.pk, "open", date(2020, 1, 1), "", "", ""),
        ]
        assert not DemandOutcome.objects.filter(demand=still_open.pk).exists()
        # The staff groups may name addressees and record outcomes in the inlines.
        Group = new.get_model("auth", "Group")
        granted = {
            name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
            for name in ("Authors", "Editors")
        }
        both = {"add_addressing", "change_addressing", "delete_addressing", "view_addressing"}
        both |= {"add_demandoutcome", "change_demandoutcome", "view_demandoutcome"}
        assert granted == {"Authors": both, "Editors": both | {"delete_demandoutcome"}}

        # And back: the addressees are a plain list again.
        old = migrated_to(BEFORE_RECORDS)
        Statement = old.get_model("campaigns", "Statement")
        assert set(
            Statement.objects.get(pk=statement.pk).addressees.values_list("pk", flat=True)
        ) == {leaders.pk, president.pk}
    finally:
        migrated_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
