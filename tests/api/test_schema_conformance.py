"""The API keeps to its published OpenAPI schema, on generated input, good and bad.

schemathesis reads the schema the API serves and sends each operation generated
requests (valid ones, and invalid ones that must be refused with a documented 4xx)
through the WSGI application, against the demo data on the configured database. Any
server error, or any answer the schema does not describe, fails the test.
"""

from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.db.models import Model
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Ok

from campaigns.models import Campaign, Coalition, Demand, Signature, Statement
from config.wsgi import application
from legislation.models import Law, Right
from organisations.models import Organisation
from tests.factories import SignatureFactory, StatementFactory, partner_key

# Enough to reach every parameter of each operation with valid and invalid values,
# few enough that the whole run stays well under a minute.
EXAMPLES_PER_OPERATION = 25


def exercise(
    schema: Any, operation: Any, headers: dict[str, str], identifiers: list[int]
) -> list[str]:
    """Run one operation's cases; what went wrong, in words, or nothing.

    Generated ids almost never name a row, so an operation on one object is also
    called with every id of its table: the visible ones answer 200, the others 404
    or 410, and each answer must match the schema.
    """
    checks = [not_a_server_error, response_schema_conformance]

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    try:
        run()
        for identifier in identifiers:
            case = schema.make_case(operation=operation, path_parameters={"id": identifier})
            case.call_and_validate(headers=headers, checks=checks)
    # schemathesis reports its findings as an exception group; collect every operation's.
    except (Exception, BaseExceptionGroup) as error:
        return [f"{operation.label} ({'key' if headers else 'anonymous'}): {error}"]
    return []


# Every row of these, visible or not, is asked for by its id.
TABLES: dict[str, type[Model]] = {
    "/statements/{id}/": Statement,
    "/campaigns/{id}/": Campaign,
    "/coalitions/{id}/": Coalition,
    "/organisations/{id}/": Organisation,
    "/laws/{id}/": Law,
    "/demands/{id}/": Demand,
    "/rights/{id}/": Right,
    "/sign-on-requests/{id}/": Signature,
}


# The WSGI application talks to the database from outside the test's transaction; the
# rows the migrations made (the staff groups) are put back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_operation_keeps_to_the_schema() -> None:
    call_command("loaddemo", verbosity=0)
    # Texts in more than one language, so that every `translations` object has entries.
    Statement.objects.update(title_fr="Déclaration commune", body_fr="Les organisations.")
    Campaign.objects.update(title_ru="Kampaniya")
    Law.objects.update(summary_fr="Une loi.")
    Organisation.objects.update(description_fr="Une organisation.")
    Right.objects.update(description_ru="Pravo")
    # Something only the embargo scope sees, and a statement open to sign-on requests.
    embargoed = StatementFactory(scheduled=True, signatures_open=True)
    SignatureFactory(statement=embargoed)
    open_statement = StatementFactory(published=True, signatures_open=True)
    SignatureFactory(statement=open_statement)
    _, secret = partner_key(can_read_embargoed=True, can_sign=True)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

    failures: list[str] = []
    by_id: list[str] = []
    results = list(schema.get_all_operations())
    # An operation schemathesis cannot read would otherwise go untested.
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results) >= 17
    for operation in operations:
        table = next(
            (model for path, model in TABLES.items() if operation.path.endswith(path)), None
        )
        identifiers = list(table._default_manager.values_list("pk", flat=True)) if table else []
        if identifiers:
            by_id.append(operation.path)
        for headers in [{}, {"Authorization": f"Api-Key {secret}"}]:
            failures += exercise(schema, operation, headers, identifiers)

    assert len(by_id) == len(TABLES)
    assert not failures, "\n\n".join(failures)
