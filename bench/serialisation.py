"""The API's serialisation against a hand-written function: `python -m bench.serialisation`.

In one process against the benchmark database, the rows of a page of 50 statements are
loaded once, with the API's own queryset and prefetches. Then, many times each, the
median CPU time of (a) the API's StatementSerializer building `.data` for them and (b) a
hand-written function building the same dicts from the same model instances, built in
turn (a, b, a, b, ...). The two
outputs are asserted equal (as dicts and as JSON text, key order included) before
anything is timed, so the comparison is between two ways of building the same answer.
Target: (a) takes at most 3 times (b).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chorus_bench"
PAGE = 50
TARGET_RATIO = 3.0


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DEBUG", "true")  # no SECRET_KEY needed; nothing is served
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def by_hand(statements: list[Any], request: Any) -> list[dict[str, Any]]:
    """The StatementSerializer's output, written out field by field."""
    from django.urls import reverse
    from django.utils import timezone, translation

    from campaigns.models import Statement
    from lib.api.translations import text_in
    from lib.markdown import render_markdown

    def link(route: str) -> Callable[[int | None], str | None]:
        path = reverse(f"api:{route}", kwargs={"pk": "0id0"})
        prefix, suffix = request.build_absolute_uri(path).split("0id0")
        return lambda pk: None if pk is None else f"{prefix}{pk}{suffix}"

    statement_url = link("statement-detail")
    campaign_url = link("campaign-detail")
    organisation_url = link("organisation-detail")
    demand_url = link("demand-detail")
    law_url = link("law-detail")

    def when(value: datetime | None) -> str | None:
        if not value:
            return None
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    def organisation(org: Any) -> dict[str, Any] | None:
        if org is None:
            return None
        return {
            "id": org.pk,
            "url": organisation_url(org.pk),
            "name": org.name,
            "short_name": org.short_name,
            "slug": org.slug,
        }

    def target(item: Any) -> dict[str, Any] | None:
        if item is None:
            return None
        return {
            "id": item.pk,
            "name": item.name,
            "slug": item.slug,
            "kind": item.kind,
            "country": str(item.country) if item.country else "",
        }

    def addressee(addressing: Any) -> dict[str, Any]:
        return {**(target(addressing.target) or {}), "role": addressing.role}

    def step(outcome: Any) -> dict[str, Any]:
        return {
            "outcome": outcome.outcome,
            "outcome_on": day(outcome.outcome_on),
            "evidence_url": outcome.evidence_url,
            "evidence_reference": outcome.evidence_reference,
            "note": outcome.note,
        }

    def law(item: Any) -> dict[str, Any] | None:
        if item is None:
            return None
        return {
            "id": item.pk,
            "url": law_url(item.pk),
            "title": item.title,
            "country": str(item.country) if item.country else "",
            "identifier": item.identifier,
            "status": item.status,
        }

    def one(statement: Any) -> dict[str, Any]:
        demands = list(statement.demands.all())
        laws: dict[int, Any] = {}
        for demand in demands:
            if demand.law is not None:
                laws.setdefault(demand.law.pk, demand.law)
        languages = statement.available_languages()
        translations = {}
        for language in languages:
            texts = text_in(statement, Statement.TEXT_FIELDS, language)
            translations[language] = {
                "title": texts["title"],
                "standfirst": texts["standfirst"],
                "body_markdown": texts["body"],
                "body_html": render_markdown(texts["body"]),
            }
        moment = statement.moment
        return {
            "id": statement.pk,
            "url": statement_url(statement.pk),
            "web_url": request.build_absolute_uri(statement.get_absolute_url()),
            "kind": statement.kind,
            "title": statement.title,
            "slug": statement.slug,
            "language": statement.language,
            "languages": languages,
            "standfirst": statement.standfirst,
            "body_markdown": statement.body,
            "body_html": render_markdown(statement.body),
            "translations": translations,
            "issued_on": statement.issued_on.isoformat() if statement.issued_on else None,
            "publish_at": when(statement.publish_at),
            "embargoed": statement.is_scheduled,
            "embargo_until": when(statement.publish_at) if statement.is_scheduled else None,
            "signatures_open": statement.signatures_open,
            "version": statement.version,
            "campaign": statement.campaign_id,
            "campaign_url": campaign_url(statement.campaign_id),
            "lead_organisation": organisation(statement.lead_organisation),
            "signatories": [
                {
                    "organisation": organisation(signature.organisation),
                    "display_name": signature.organisation.signatory_name,
                    "role": signature.role,
                    "signed_at": when(signature.signed_at),
                    "signatory_name": signature.signatory_name,
                    "signatory_title": signature.signatory_title,
                    "order": signature.order,
                }
                for signature in statement.confirmed_signatures
            ],
            "declared_signatory_count": statement.declared_signatory_count,
            "unlisted_signatory_count": statement.unlisted_signatory_count,
            "signatory_count": len(statement.confirmed_signatures)
            + statement.unlisted_signatory_count,
            "addressees": [addressee(item) for item in statement.listed_addressees],
            "moment": None
            if moment is None
            else {
                "id": moment.pk,
                "name": moment.name,
                "slug": moment.slug,
                "starts_on": day(moment.starts_on),
                "ends_on": day(moment.ends_on),
                "place": moment.place,
                "country": str(moment.country) if moment.country else "",
            },
            "leverage": list(statement.leverage_names),
            "leverage_note": statement.leverage_note,
            "demands": [
                {
                    "id": demand.pk,
                    "url": demand_url(demand.pk),
                    "order": demand.order,
                    "action": demand.action,
                    "text": demand.text,
                    "addressee": target(demand.addressee),
                    "law": law(demand.law),
                    "provision": None
                    if demand.provision is None
                    else {"id": demand.provision.pk, "reference": demand.provision.reference},
                    "outcome": demand.outcome,
                    "outcome_on": day(demand.outcome_on),
                    "evidence_url": demand.evidence_url,
                    "evidence_reference": demand.evidence_reference,
                    "outcome_history": [step(outcome) for outcome in demand.outcome_history],
                }
                for demand in demands
            ],
            "laws": [law(item) for item in laws.values()],
            "corrections": [
                {"corrected_at": when(correction.corrected_at), "note": correction.note}
                for correction in statement.corrections.all()
            ],
            "publications": [
                {
                    "publisher": organisation(publication.publisher),
                    "publisher_name": publication.publisher_name,
                    "published_as": publication.published_as,
                    "display_name": publication.display_name,
                    "url": publication.url,
                    "link_text": publication.link_text,
                    "published_on": day(publication.published_on),
                    "title": publication.title,
                }
                for publication in statement.publications.all()
            ],
            "created_at": when(statement.created_at),
            "updated_at": when(statement.updated_at),
        }

    answer = []
    for statement in statements:
        with translation.override(statement.language):
            answer.append(one(statement))
    return answer


def cpu_ms(build: Callable[[], Any]) -> float:
    started = time.process_time()
    build()
    return (time.process_time() - started) * 1000


def interleaved_medians(
    first: Callable[[], Any], second: Callable[[], Any], repetitions: int
) -> tuple[float, float]:
    """The median CPU time of each, built in turn (first, second, first, ...): on a shared
    machine whose speed moves within seconds, both meet the same moments."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repetitions):
        times[0].append(cpu_ms(first))
        times[1].append(cpu_ms(second))
    return statistics.median(times[0]), statistics.median(times[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of (a)")
    arguments = parser.parse_args(argv)
    setup(arguments.database)

    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from bench.drills import Check, record
    from campaigns.models import Statement
    from campaigns.serializers import StatementSerializer

    request = Request(
        APIRequestFactory().get("/api/v1/statements/", {"page_size": PAGE}, HTTP_HOST="localhost")
    )
    statements = list(
        Statement.objects.published().with_everything_shown().order_by("-publish_at", "-id")[:PAGE]
    )

    def by_serializer() -> Any:
        return StatementSerializer(statements, many=True, context={"request": request}).data

    def written() -> Any:
        return by_hand(statements, request)

    api, hand = by_serializer(), written()
    if JSONRenderer().render(api) != JSONRenderer().render(hand):
        print("The hand-written answer differs from the API's: nothing to compare.")
        return 2

    if arguments.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [by_serializer() for _ in range(5)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

    # Both warm (Markdown's cache, reversed routes) before timing, alternating.
    for _ in range(3):
        by_serializer()
        written()
    serializer_ms, hand_ms = interleaved_medians(by_serializer, written, arguments.repetitions)
    ratio = serializer_ms / hand_ms
    checks = [
        Check(
            f"API serialisation of {len(statements)} statements / hand-written",
            f"{ratio:.2f} × ({serializer_ms:.1f} ms / {hand_ms:.1f} ms)",
            f"≤ {TARGET_RATIO:g} ×",
            ratio <= TARGET_RATIO,
        )
    ]
    notes = [
        f"Medians of {arguments.repetitions} builds each of the same {len(statements)} "
        "loaded statements, in one process, the two ways in turn, CPU time "
        "(time.process_time); both outputs asserted equal as JSON, key order included.",
    ]
    return record("serialisation", checks, notes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
