"""Fuzzing drill: every API operation, a thousand generated requests or more, on the live stack.

`python -m bench.drill_fuzz` loads the tiny generated data set and the demo data, gives
a partner organisation a key with every scope, starts the production-like stack
(bench/stack.py) and lets schemathesis generate requests for each operation of the
OpenAPI schema the stack serves: valid ones and invalid ones, half of them (nine in ten
for the sign-on operations, which need the `sign` scope) with the key. Each answer is
checked against the schema: no server error, the status code and content type are
documented for the operation, the body matches the documented schema.

Generated ids almost never name a row, so for the operations on one object every other
case is pointed at a row that exists (visible or not: drafts answer 404, withdrawn
statements 410), and every other sign-on request names a statement that exists.

Prints, per operation, the cases run, the server errors and the schema violations, and
exits non-zero when an operation saw fewer cases than asked, any 5xx or any violation.
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from bench.drills import DRILL_DATABASE, Check, record
from bench.stack import (
    DEFAULT_REDIS,
    PYTHON,
    ROOT,
    ensure_database,
    manage,
    psql,
    running_stack,
    stack_environment,
)

KEY_NAME = "Fuzzing drill"
# Reported, not a target: a filter given an empty value (`?country=`) is no filter, as
# an HTML form would mean it and as django-filter does, while the schema's enum for it
# does not list the empty string. schemathesis counts such requests as invalid ones that
# were accepted; the first of each operation is printed, to tell them from a real miss.
ACCEPTED_INVALID = (
    "invalid requests answered 2xx (not a target: an empty filter value means no filter)"
)
# Each child process reads the schema once.
SCHEMAS: dict[str, Any] = {}

# The operations on one object, and the table whose ids they are pointed at.
TABLES = {
    "/statements/{id}/": "campaigns_statement",
    "/campaigns/{id}/": "campaigns_campaign",
    "/coalitions/{id}/": "campaigns_coalition",
    "/organisations/{id}/": "organisations_organisation",
    "/laws/{id}/": "legislation_law",
    "/demands/{id}/": "campaigns_demand",
    "/rights/{id}/": "legislation_right",
    # The key's own requests (those of other organisations answer 404 like any other id).
    "/sign-on-requests/{id}/": "campaigns_signature WHERE requested_with_id IS NOT NULL",
}

# Run in a child process with the stack's settings: a key with every scope for the
# organisation that leads the demo statement. Its secret is the last line printed.
# It has asked to sign two statements already, so that following a request finds some.
MAKE_KEY = f"""
from campaigns.models import Signature, Statement
from organisations.models import Organisation, PartnerKey
PartnerKey.objects.filter(name={KEY_NAME!r}).delete()
organisation = Organisation.objects.order_by("id").first()
key, secret = PartnerKey.objects.create_key(
    name={KEY_NAME!r}, organisation=organisation, can_read_embargoed=True, can_sign=True
)
assert set(key.scopes) == {{"embargo", "sign"}}, key.scopes
open_statements = Statement.objects.published().filter(signatures_open=True)
for statement in open_statements.exclude(signatures__organisation=organisation)[:2]:
    Signature.objects.create(
        statement=statement,
        organisation=organisation,
        status=Signature.Status.PENDING,
        role=Signature.Role.CO_SIGNATORY,
        requested_with=key,
    )
print(secret)
"""


@dataclass
class OperationResult:
    label: str
    cases: int = 0
    with_key: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: int = 0
    # Cases whose answer the schema does not describe (status, content type or body).
    violations: int = 0
    # Invalid requests (by the schema) that were answered 2xx.
    accepted_invalid: int = 0
    # What went wrong, in schemathesis' words -> cases it went wrong in
    failed: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def load_data(database: str, redis: str) -> str:
    """The data the stack serves, and the secret of a key with every scope."""
    environment = stack_environment(database, redis, 0, 1)
    manage(environment, "migrate", "--no-input", "-v0")
    # The generator empties its tables first, so every run starts from the same rows.
    subprocess.run(
        [PYTHON, "-m", "bench.generate", "--scale", "tiny", "--seed", "1"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [PYTHON, "manage.py", "loaddemo"],
        cwd=ROOT,
        env={**environment, "LOG_LEVEL": "WARNING"},
        check=True,
        capture_output=True,
    )
    made = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", MAKE_KEY],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip().splitlines()[-1]


def existing_ids(database: str) -> dict[str, list[int]]:
    ids = {}
    for path, table in TABLES.items():
        listed = psql(database, f"SELECT string_agg(id::text, ',' ORDER BY id) FROM {table}")
        ids[path] = [int(value) for value in listed.split(",")] if listed else []
    ids["statements"] = ids["/statements/{id}/"]
    listed = psql(
        database,
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM campaigns_statement"
        " WHERE signatures_open",
    )
    ids["open for signatures"] = [int(value) for value in listed.split(",")] if listed else []
    return ids


# Filters that name a row by id or slug, and the table whose slugs they are pointed at
# (most generated slugs name nothing: a 400). A law's slug is given with its country.
SLUGS = {
    "campaign": "SELECT slug FROM campaigns_campaign",
    "coalition": "SELECT slug FROM campaigns_coalition",
    "organisation": "SELECT slug FROM organisations_organisation",
    "right": "SELECT slug FROM legislation_right",
    "addressee": "SELECT slug FROM campaigns_target",
    "statement": "SELECT slug FROM campaigns_statement",
    "law": "SELECT lower(country) || '/' || slug FROM legislation_law",
}
# Words for `q` that the demo data and the generated data use.
SEARCH_WORDS = ["law", "foreign agents", "Russia", "summit -EU", '"civil society"', "ngo"]
# Valid choices of a list's statement fields and nested lists (most generated ones name
# no field: a 400), and the change feed's head.
FIELD_CHOICES = [
    "id",
    "id,title,url,web_url",
    "title,body_html,updated_at,translations",
    "signatories,demands,laws,embargo_until",
]
EXPAND_CHOICES = ["signatures", "signatures,demands", "demands,publications,corrections"]


def existing_slugs(database: str) -> dict[str, list[str]]:
    slugs = {}
    for name, query in SLUGS.items():
        listed = psql(database, f"SELECT string_agg(s, '|') FROM ({query} LIMIT 200) AS t(s)")
        slugs[name] = listed.split("|") if listed else []
    slugs["q"] = SEARCH_WORDS
    slugs["fields"] = FIELD_CHOICES
    slugs["expand"] = EXPAND_CHOICES
    slugs["since"] = ["head"]
    return slugs


def fuzz_operation(
    schema_url: str, label: str, cases: int, secret: str, ids: dict[str, Any]
) -> OperationResult:
    """Run at least `cases` generated requests for one operation; runs in a child process."""
    import requests
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        ServerError,
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.core.failures import AcceptedNegativeData
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.core.result import Ok

    PATH, BODY, HEADER = ParameterLocation.PATH, ParameterLocation.BODY, ParameterLocation.HEADER
    QUERY = ParameterLocation.QUERY
    CHECKS = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    schema = SCHEMAS.get(schema_url) or SCHEMAS.setdefault(
        schema_url, schemathesis.openapi.from_url(schema_url)
    )
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if isinstance(result, Ok) and result.ok().label == label
    )
    targets: list[int] = next((ids[path] for path in TABLES if operation.path.endswith(path)), [])
    needs_key = "/sign-on-requests/" in operation.path
    query_names = [
        parameter["name"]
        for parameter in operation.definition.raw.get("parameters", [])
        if parameter.get("in") == "query"
    ]
    signs_on = operation.method.upper() == "POST"
    session = requests.Session()
    result = OperationResult(label)
    started = time.monotonic()
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    def run_case(case: Any) -> None:
        number = result.cases
        result.cases += 1
        # Only a valid (positive) part is pointed at a row: an invalid id or body must
        # stay invalid. A part changed here is marked so that schemathesis reads it anew
        # when it decides whether the request was valid.
        if targets and number % 2 == 0 and not case.meta.is_negative_at(PATH):
            case.path_parameters = {
                **(case.path_parameters or {}),
                "id": targets[number // 2 % len(targets)],
            }
            case.meta.mark_dirty(PATH)
        if (
            signs_on
            and number % 2 == 0
            and isinstance(case.body, dict)
            and not case.meta.is_negative_at(BODY)
        ):
            # Half of these name a statement open for signatures: the first request for
            # each is accepted (201), the next ones conflict (409).
            pool = ids["open for signatures"] if number % 4 == 0 else ids["statements"]
            case.body = {**case.body, "statement": pool[number // 4 % len(pool)]}
            case.meta.mark_dirty(BODY)
        if number % 4 == 1 and not case.meta.is_negative_at(QUERY):
            # A valid filter pointed at a row that exists, `q` at words that match,
            # `fields` and `expand` at fields there are, `since` at the head: so that
            # their answers are checked, not only their 400s.
            named = [name for name in query_names if ids.get(f"slugs:{name}")]
            if named:
                name = named[number // 4 % len(named)]
                choices = ids[f"slugs:{name}"]
                case.query = {**(case.query or {}), name: choices[number // 4 % len(choices)]}
                case.meta.mark_dirty(QUERY)
        use_key = number % 10 != 0 if needs_key else number % 2 == 1
        if use_key:
            # Generated cases may carry a made-up Authorization header; the key wins.
            case.headers = {**(case.headers or {}), "Authorization": f"Api-Key {secret}"}
            case.meta.mark_dirty(HEADER)
            result.with_key += 1
        response = case.call(session=session)
        result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            result.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:
            failures = getattr(error, "exceptions", [error])
            kinds = {getattr(failure, "kind_title", type(failure).__name__) for failure in failures}
            # An invalid request answered 2xx is counted apart: see ACCEPTED_INVALID.
            if any(isinstance(failure, AcceptedNegativeData) for failure in failures):
                result.accepted_invalid += 1
            answer_failures = (ServerError, AcceptedNegativeData)
            if any(not isinstance(failure, answer_failures) for failure in failures):
                result.violations += 1
            for title in kinds:
                result.failed[title] += 1
                answer = f"{response.status_code} {response.text[:300]}"
                example = f"{case.as_curl_command()}\n    -> {answer}\n    {error}"
                result.examples.setdefault(title, example[:2500])

    # Hypothesis may stop short of max_examples when an operation has few distinct
    # inputs; further rounds with other seeds make up the number.
    seed = 0
    while result.cases < cases and seed < 20:

        @settings(
            max_examples=cases - result.cases,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def round_of_cases(case: Any) -> None:
            run_case(case)

        round_of_cases = hypothesis_seed(seed)(round_of_cases)
        round_of_cases()
        seed += 1
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DRILL_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--cases", type=int, default=1000, help="generated requests per operation")
    parser.add_argument("--jobs", type=int, default=2, help="operations fuzzed at once")
    arguments = parser.parse_args(argv)

    ensure_database(arguments.database)
    secret = load_data(arguments.database, arguments.redis)
    ids: dict[str, Any] = dict(existing_ids(arguments.database))
    ids.update(
        {f"slugs:{name}": slugs for name, slugs in existing_slugs(arguments.database).items()}
    )
    environment = {
        # Every request of the drill is counted against one key or one address.
        "API_ANONYMOUS_RATE": "100000000/minute",
        "API_PARTNER_RATE": "100000000/minute",
    }
    started = time.monotonic()
    with running_stack(arguments.database, arguments.redis, environment=environment) as stack:
        schema_url = f"{stack.base}/api/v1/schema/?format=json"
        import requests

        schema = requests.get(schema_url, timeout=30).json()
        labels = [
            f"{method.upper()} {path}"
            for path, methods in schema["paths"].items()
            for method in methods
            if method in {"get", "post", "put", "patch", "delete"}
        ]
        pool = ProcessPoolExecutor(max_workers=arguments.jobs)
        try:
            futures = [
                pool.submit(fuzz_operation, schema_url, label, arguments.cases, secret, ids)
                for label in labels
            ]
            for done in as_completed(futures):
                finished = done.result()
                print(
                    f"{finished.label}: {finished.cases} cases in {finished.seconds:.0f} s",
                    flush=True,
                )
            results = [future.result() for future in futures]
        finally:
            # Interrupted, the stack stops at once; what is still running fails fast.
            pool.shutdown(wait=False, cancel_futures=True)
        log_tail = stack.log.read_text()[-4000:]
    elapsed = time.monotonic() - started

    heading = ["cases", "key", "5xx", "viol.", "2xx?", "s"]
    print(f"{'operation':<40} " + " ".join(f"{name:>5}" for name in heading) + "  statuses")
    for result in results:
        statuses = " ".join(f"{code}:{count}" for code, count in sorted(result.statuses.items()))
        print(
            f"{result.label:<40} {result.cases:>5} {result.with_key:>5} "
            f"{result.server_errors:>5} {result.violations:>5} {result.accepted_invalid:>5} "
            f"{result.seconds:>5.0f}  {statuses}"
        )
        for name, example in result.examples.items():
            print(f"  {name} failed {result.failed[name]} times; first:\n    {example}")
    if any(result.server_errors for result in results):
        print("gunicorn log, last lines:\n" + log_tail)

    fewest = min(result.cases for result in results)
    server_errors = sum(result.server_errors for result in results)
    violations = sum(result.violations for result in results)
    kinds = Counter[str]()
    for result in results:
        kinds.update(result.failed)
    checks = [
        Check(
            "operations fuzzed",
            str(len(results)),
            "every operation in the schema",
            len(results) == len(labels) > 0,
        ),
        Check(
            "fewest cases for one operation",
            f"{fewest:,}",
            f"≥ {arguments.cases:,}",
            fewest >= arguments.cases,
        ),
        Check("server errors (5xx)", str(server_errors), "0", server_errors == 0),
        Check(
            "schema violations (status code, content type, body)",
            str(violations),
            "0",
            violations == 0,
        ),
    ]
    total = sum(result.cases for result in results)
    notes = [
        f"{total:,} requests over {len(results)} operations in {elapsed:.0f} s "
        f"({sum(result.with_key for result in results):,} with a key having every scope), "
        f"{arguments.jobs} operations at once; load average {os.getloadavg()[0]:.1f} at the end.",
        f"{ACCEPTED_INVALID}: {sum(result.accepted_invalid for result in results)}",
        *(f"{kind}: {count} cases" for kind, count in kinds.items()),
        *(
            f"{result.label}: {result.cases} cases, {result.server_errors} 5xx, "
            f"{result.violations} schema violations"
            for result in results
        ),
    ]
    return record("fuzz", checks, notes)


if __name__ == "__main__":
    sys.exit(main())
