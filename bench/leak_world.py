"""What the leak crawl looks for: things the public may not see, each with a unique marker.

`seed(per_state)` writes, through the models' own workflow methods, statements in every
state the public may not see (draft, in review, approved, scheduled for a later publish
time, withdrawn), and around them everything that is public only through a published
statement: the organisations that issued or signed only those, their press contacts and
joint-programme links, demands, corrections, publications elsewhere, preview links; and
signatures that are not confirmed (invited, pending, declined, withdrawn) on statements
that *are* published. A small public world shares every campaign, coalition, law, right,
addressee and organisation that a filter selects on with the hidden statements, so that
a filter which finds the public statement would find a hidden one if the gate were missing.

Every text the public could be shown carries a marker, `LEAKMARK` and five digits (the
slugs carry it in lower case); no public answer may contain one. A withdrawn statement is
the exception the design makes: its notice (410 Gone, on the site and in the API) and its
tombstone in the change feed show its title, its dates and the reason. Its title and its
reason therefore carry a `TOMBMARK` marker instead, which may appear in those answers and
nowhere else; everything else of it (text, slug, demands, signatories) carries LEAKMARK.

The returned manifest (plain JSON) names every marker, the addresses of the hidden things
with the answer each must give, and the ids and slugs the crawl uses as filter values.
Run alone: `python -m bench.leak_world --per-state 30 --out manifest.json`.
"""

import argparse
import json
import os
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

LEAK_PREFIX = "LEAKMARK"
NOTICE_PREFIX = "TOMBMARK"
# Public objects made here, so that a second run can clear what the first wrote.
ANCHOR_PREFIX = "leak-anchor-"
HIDDEN_STATES = ("draft", "in_review", "approved", "scheduled", "withdrawn")
# Half the hidden statements are older ones being archived, dated this day.
ARCHIVED_ISSUE_DATE = date(2016, 3, 8)
UNCONFIRMED = ("invited", "pending", "declined", "withdrawn")
LANGUAGES = ("en", "ru", "fr")


def search_term(marker: str) -> str:
    """The marker as the crawl searches for it: in a case no page would write it, so that
    the search page repeating the query is told apart from a result that shows it."""
    return marker[:1] + marker[1:4].lower() + marker[4:5] + marker[5:].lower()


class Markers:
    def __init__(self) -> None:
        self.count = 0
        self.leaks: dict[str, str] = {}
        self.notices: dict[str, str] = {}
        self.objects: Counter[str] = Counter()

    def leak(self, kind: str | None, what: str) -> str:
        """A new marker for one thing of this kind (None: another text of a thing already
        counted), described by `what`."""
        self.count += 1
        marker = f"{LEAK_PREFIX}{self.count:05d}"
        self.leaks[marker] = what
        if kind:
            self.objects[kind] += 1
        return marker

    def notice(self, what: str) -> str:
        self.count += 1
        marker = f"{NOTICE_PREFIX}{self.count:05d}"
        self.notices[marker] = what
        return marker


def clear() -> None:
    """Remove what an earlier run wrote: the hidden things and the public anchors."""
    from campaigns.models import (
        Campaign,
        Coalition,
        CoalitionMembership,
        Publication,
        Signature,
        Statement,
        Target,
    )
    from legislation.models import Law, Right
    from organisations.models import Organisation, OrganisationParent, PressContact

    lower = LEAK_PREFIX.lower()
    ours = Statement.objects.filter(slug__startswith=lower) | Statement.objects.filter(
        slug__startswith=ANCHOR_PREFIX
    )
    ours.delete()
    marked_orgs = Organisation.objects.filter(slug__startswith=lower) | Organisation.objects.filter(
        slug__startswith=ANCHOR_PREFIX
    )
    Signature.objects.filter(organisation__in=marked_orgs).delete()
    Publication.objects.filter(publisher__in=marked_orgs).delete()
    CoalitionMembership.objects.filter(organisation__in=marked_orgs).delete()
    OrganisationParent.objects.filter(programme__in=marked_orgs).delete()
    OrganisationParent.objects.filter(parent__in=marked_orgs).delete()
    PressContact.objects.filter(organisation__in=marked_orgs).delete()
    Statement.objects.filter(lead_organisation__in=marked_orgs).update(lead_organisation=None)
    marked_orgs.delete()
    Campaign.objects.filter(slug__startswith=ANCHOR_PREFIX).delete()
    Coalition.objects.filter(slug__startswith=ANCHOR_PREFIX).delete()
    Target.objects.filter(slug__startswith=ANCHOR_PREFIX).delete()
    Law.objects.filter(slug__startswith=ANCHOR_PREFIX).delete()
    Right.objects.filter(slug__startswith=ANCHOR_PREFIX).delete()


def seed(per_state: int = 20, unconfirmed_per_status: int = 10) -> dict[str, Any]:
    """Write the hidden world (after clearing an earlier one) and return its manifest."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import (
        Campaign,
        Coalition,
        CoalitionMembership,
        Correction,
        Demand,
        PreviewLink,
        Publication,
        Signature,
        Statement,
        Target,
    )
    from legislation.models import Law, Right
    from operations.changes import public_pages_changed
    from organisations.models import Organisation, OrganisationParent, PressContact

    clear()
    now = timezone.now()
    markers = Markers()
    probes: list[dict[str, Any]] = []
    editor, _ = User.objects.get_or_create(username="leak-crawl-editor")
    editor.is_staff = editor.is_superuser = editor.is_active = True
    editor.save()

    # --- the public world the hidden one hides in ------------------------------------------
    coalition = Coalition.objects.create(name="Leak crawl coalition", slug=f"{ANCHOR_PREFIX}c")
    right = Right.objects.create(name="Freedom of the crawl", slug=f"{ANCHOR_PREFIX}right")
    laws = [
        Law.objects.create(
            country=country,
            official_title=f"Crawl law {country}",
            slug=f"{ANCHOR_PREFIX}law-{country.lower()}",
            identifier=f"{country}-1",
        )
        for country in ("BY", "RU")
    ]
    for law in laws:
        law.rights.set([right])
    campaigns = [
        Campaign.objects.create(
            title="Crawl campaign one",
            slug=f"{ANCHOR_PREFIX}one",
            coalition=coalition,
            country="BY",
        ),
        Campaign.objects.create(
            title="Crawl campaign two", slug=f"{ANCHOR_PREFIX}two", country="RU"
        ),
    ]
    for campaign in campaigns:
        campaign.laws.set(laws)
    # Campaigns, laws and organisations already in the database (the generated data) are
    # used as well, so that the hidden statements sit among many public ones.
    campaigns += list(Campaign.objects.exclude(slug__startswith=ANCHOR_PREFIX).order_by("pk")[:3])
    laws += list(Law.objects.exclude(slug__startswith=ANCHOR_PREFIX).order_by("pk")[:3])
    targets = [
        Target.objects.create(
            name=f"Crawl addressee {n}", slug=f"{ANCHOR_PREFIX}t{n}", kind="government"
        )
        for n in (1, 2)
    ]
    public_orgs = [
        Organisation.objects.create(name=f"Crawl public group {n}", slug=f"{ANCHOR_PREFIX}org{n}")
        for n in (1, 2, 3)
    ]
    for organisation in public_orgs:
        PressContact.objects.create(
            organisation=organisation, name="Public press officer", email="press@example.org"
        )
        CoalitionMembership.objects.create(coalition=coalition, organisation=organisation)
    public_orgs += list(
        Organisation.objects.exclude(slug__startswith=ANCHOR_PREFIX)
        .filter(signatures__status="confirmed")
        .distinct()
        .order_by("pk")[:2]
    )

    def marked_organisation(what: str) -> Organisation:
        marker = markers.leak("organisation with nothing public", what)
        organisation = Organisation.objects.create(
            name=f"Group {marker}",
            short_name=marker,
            slug=f"{marker.lower()}-org",
            description=f"About {marker}.",
            other_names=f"Alias {marker}",
            website=f"https://example.org/{marker.lower()}",
        )
        PressContact.objects.create(
            organisation=organisation,
            name=f"Press {marker}",
            email=f"{marker.lower()}@example.org",
        )
        for prefix in ("", "/ru", "/fr"):
            probes.append({"path": f"{prefix}/organisations/{organisation.slug}/", "expect": [404]})
        probes.append({"path": f"/organisations/{organisation.slug}/feed/", "expect": [404]})
        probes.append({"path": f"/api/v1/organisations/{organisation.pk}/", "expect": [404]})
        return organisation

    def written(statement: Statement, fields: dict[str, str], languages: list[str]) -> None:
        for language in languages:
            for name, value in fields.items():
                setattr(statement, f"{name}_{language}", f"{value} ({language})")

    def new_statement(n: int, title: str, slug: str, marker: str, lead: Organisation) -> Statement:
        language = LANGUAGES[n % 3]
        statement = Statement(
            campaign=campaigns[n % len(campaigns)],
            kind=list(Statement.Kind)[n % len(Statement.Kind)],
            slug=slug,
            language=language,
            lead_organisation=lead,
            leverage_note=f"At stake: {marker}" if marker else "",
            created_by=editor,
            updated_by=editor,
        )
        # Written in its own language, and in English; every third in all three.
        languages = sorted({language, "en"} | (set(LANGUAGES) if n % 3 == 0 else set()))
        body = f"The organisations say {marker}." if marker else "The organisations speak."
        standfirst = f"Standfirst {marker}" if marker else "In short."
        written(statement, {"title": title, "standfirst": standfirst, "body": body}, languages)
        statement.save()
        statement.addressees.set([targets[n % 2]])
        return statement

    def demand(statement: Statement, n: int, marker: str) -> Demand:
        return Demand.objects.create(
            statement=statement,
            addressee=targets[n % 2],
            action=list(Demand.Action)[n % len(Demand.Action)],
            law=laws[n % len(laws)],
            text=f"Demand {marker}" if marker else "Repeal the law.",
            evidence_reference=marker,
        )

    # Published statements that share everything with the hidden ones.
    published = []
    for n in range(max(3, per_state // 5)):
        statement = new_statement(
            n, f"Public crawl statement {n}", f"{ANCHOR_PREFIX}s{n}", "", public_orgs[n % 3]
        )
        Signature.objects.create(
            statement=statement, organisation=public_orgs[n % 3], role="lead", status="confirmed"
        )
        Signature.objects.create(
            statement=statement, organisation=public_orgs[(n + 1) % 3], status="confirmed"
        )
        demand(statement, n, "")
        statement.submit(by=editor)
        statement.approve(by=editor)
        statement.publish(by=editor)
        published.append(statement)
    published += list(
        Statement.objects.published().exclude(slug__startswith=ANCHOR_PREFIX).order_by("pk")[:5]
    )

    # --- statements in every state the public may not see ----------------------------------
    hidden_ids: dict[str, list[int]] = {state: [] for state in HIDDEN_STATES}
    scheduled_times = []
    for state in HIDDEN_STATES:
        for i in range(per_state):
            n = len(markers.leaks)
            marker = markers.leak(f"statement {state}", f"statement {state} #{i}")
            if state == "withdrawn":
                notice = markers.notice(f"withdrawn statement's title #{i}")
                title = f"Withdrawn statement {notice}"
            else:
                title = f"Statement {state} {marker}"
            # Half are issued by an organisation with nothing public, half by a public one.
            lead = (
                marked_organisation(f"organisation issuing a {state} statement #{i}")
                if i % 2 == 0
                else public_orgs[i % len(public_orgs)]
            )
            with transaction.atomic():
                statement = new_statement(n, title, f"{marker.lower()}-{state}", marker, lead)
                if i % 2 == 1:
                    # An older statement being archived, dated years back: while it is not
                    # public, neither its date nor its year's lists may give it away.
                    statement.issued_on = ARCHIVED_ISSUE_DATE
                    statement.save(update_fields=["issued_on"])
                Signature.objects.create(
                    statement=statement, organisation=lead, role="lead", status="confirmed"
                )
                # A public organisation signs it too: its page must not list it.
                Signature.objects.create(
                    statement=statement,
                    organisation=public_orgs[(i + 1) % len(public_orgs)],
                    status="confirmed",
                    signatory_name="Person "
                    + markers.leak("signature on a hidden statement", f"signer, {state} #{i}"),
                )
                if i % 3 == 0:
                    # A joint programme known only through this statement, run by a
                    # public organisation: the parent's page must not name it.
                    programme = marked_organisation(f"joint programme on a {state} statement #{i}")
                    programme.kind = Organisation.Kind.JOINT_PROGRAMME
                    programme.save()
                    OrganisationParent.objects.create(programme=programme, parent=public_orgs[0])
                    Signature.objects.create(
                        statement=statement, organisation=programme, status="confirmed"
                    )
                demands = [
                    demand(
                        statement, n, markers.leak("demand", f"demand of a {state} statement #{i}")
                    )
                ]
                if i % 2 == 1:
                    Publication.objects.create(
                        statement=statement,
                        publisher=marked_organisation(f"publisher of a {state} statement #{i}"),
                        url=f"https://example.org/{marker.lower()}",
                        title="Elsewhere "
                        + markers.leak("publication", f"publication of a {state} statement #{i}"),
                    )
                if state != "draft":
                    statement.submit(by=editor)
                if state in {"approved", "scheduled", "withdrawn"}:
                    statement.approve(by=editor)
                if state == "scheduled":
                    at = now + timedelta(days=30 + i)
                    statement.publish(by=editor, at=at)
                    scheduled_times.append(at)
                    # A correction noted before the publication, seen by nobody yet.
                    noted = markers.leak("correction", f"correction of a {state} statement #{i}")
                    Correction.objects.create(statement=statement, note=f"Corrected {noted}")
                links = []
                for kind in [("valid", "expired", "revoked")[i % 3]]:
                    link = PreviewLink(
                        statement=statement,
                        note="For "
                        + markers.leak(f"preview link ({kind})", f"preview link, {state} #{i}"),
                        expires_at=now
                        + (timedelta(days=7) if kind != "expired" else -timedelta(days=1)),
                        created_by=editor,
                    )
                    token = link.issue_token()
                    link.save()
                    if kind == "revoked":
                        link.revoke()
                    links.append((kind, token))
                if state == "withdrawn":
                    statement.publish(by=editor)
                    statement.refresh_from_db()
                    noted = markers.leak("correction", f"correction of a {state} statement #{i}")
                    statement.save_correction(f"Corrected {noted}", by=editor)
                    statement.withdraw(by=editor, reason=f"Withdrawn because {notice}.")
                statement.refresh_from_db()
            hidden_ids[state].append(statement.pk)
            year = statement.address_year
            expect = [410] if state == "withdrawn" else [404]
            notice_marker = notice if state == "withdrawn" else None
            for prefix in ("", "/ru", "/fr"):
                probes.append(
                    {
                        "path": f"{prefix}/statements/{year}/{statement.slug}/",
                        "expect": expect,
                        "notice": notice_marker,
                    }
                )
                # Its social card, at the address its version would have: none, not even
                # for a withdrawn statement (a picture carries no notice).
                card = f"/statements/{year}/{statement.slug}/card/{statement.version}.png"
                probes.append({"path": f"{prefix}{card}", "expect": [404]})
            probes.append(
                {
                    "path": f"/api/v1/statements/{statement.pk}/",
                    "expect": expect,
                    "notice": notice_marker,
                }
            )
            for item in demands:
                probes.append({"path": f"/api/v1/demands/{item.pk}/", "expect": [404]})
            for kind, token in links:
                # A valid link shows the statement by design, to whoever holds it; an
                # expired or revoked one, or any link to a withdrawn statement, shows nothing.
                if kind != "valid" or state == "withdrawn":
                    probes.append({"path": PreviewLink.url_for(token), "expect": [404]})

    # --- signatures not confirmed, on published statements -----------------------------------
    signature_ids = []
    for status in UNCONFIRMED:
        for i in range(unconfirmed_per_status):
            organisation = marked_organisation(f"organisation with only a {status} signature #{i}")
            signature = Signature.objects.create(
                statement=published[i % len(published)],
                organisation=organisation,
                status=status,
                signatory_name="Person "
                + markers.leak(f"signature {status}", f"signature {status} #{i}"),
                signatory_title="Director "
                + markers.leak(None, f"signatory's title, {status} #{i}"),
            )
            signature_ids.append(signature.pk)
            probes.append(
                {"path": f"/api/v1/sign-on-requests/{signature.pk}/", "expect": [401, 403]}
            )
    public_pages_changed()

    marked_orgs = Organisation.objects.filter(slug__startswith=LEAK_PREFIX.lower())
    hidden_all = [pk for ids in hidden_ids.values() for pk in ids]
    all_campaigns = list(Campaign.objects.order_by("pk").values_list("pk", "slug"))
    all_laws = list(Law.objects.order_by("pk").values_list("pk", flat=True))
    hidden_statements = Statement.objects.filter(pk__in=hidden_all)
    publish_times = cast(
        "list[datetime]",
        list(hidden_statements.exclude(publish_at=None).values_list("publish_at", flat=True)),
    )
    issue_dates = cast(
        "list[date]",
        list(hidden_statements.exclude(issued_on=None).values_list("issued_on", flat=True)),
    )
    years = sorted(
        {at.year for at in publish_times} | {day.year for day in issue_dates} | {now.year}
    )

    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    statement_ids = hidden_all[:: max(1, len(hidden_all) // 25)] + [s.pk for s in published[:3]]
    organisation_ids = list(marked_orgs.values_list("pk", flat=True)[:15]) + [
        o.pk for o in public_orgs
    ]
    filter_values: dict[str, list[str]] = {
        "campaign": [str(pk) for pk, _slug in all_campaigns[:8]],
        "coalition": [str(pk) for pk in Coalition.objects.values_list("pk", flat=True)[:5]],
        "organisation": [str(pk) for pk in organisation_ids],
        "law": [str(pk) for pk in all_laws[:8]],
        "right": [str(right.pk)],
        "addressee": [str(target.pk) for target in targets],
        "statement": [str(pk) for pk in statement_ids],
        "country": ["BY", "RU", "by"],
        "published_after": [iso(moment - timedelta(seconds=1)) for moment in scheduled_times[:2]]
        + ["2000-01-01T00:00:00Z"],
        "published_before": ["2100-01-01T00:00:00Z"],
        "issued_after": [ARCHIVED_ISSUE_DATE.isoformat(), "2000-01-01"],
        "issued_before": [(ARCHIVED_ISSUE_DATE + timedelta(days=1)).isoformat(), "2100-01-01"],
        "updated_since": [iso(now - timedelta(days=1)), "2000-01-01T00:00:00Z"],
    }
    form_values: dict[str, list[str]] = {
        "campaign": [slug for _pk, slug in all_campaigns[:8]],
        "organisation": [organisation.slug for organisation in marked_orgs[:10]]
        + [organisation.slug for organisation in public_orgs],
        "country": ["BY", "RU"],
        "law": [str(pk) for pk in all_laws[:8]],
        "year": [str(year) for year in years] + [str(year + 1) for year in years[-1:]],
        "right": [str(right.pk)],
    }
    counts = Counter(markers.objects)
    counts["statements scheduled (embargoed)"] = counts.pop("statement scheduled", 0)
    return {
        "markers": markers.leaks,
        "notice_markers": markers.notices,
        "objects": dict(sorted(counts.items())),
        "hidden_statements": {state: len(ids) for state, ids in hidden_ids.items()},
        "unconfirmed_signatures": len(signature_ids),
        "organisations_not_public": marked_orgs.count(),
        "probes": probes,
        "filter_values": filter_values,
        "form_values": form_values,
        "search_terms": [search_term(marker) for marker in [*markers.leaks, *markers.notices]],
        # Statements are searched in each language they are written in; the rest by name.
        "search_terms_every_language": [
            search_term(marker)
            for marker, what in [*markers.leaks.items(), *markers.notices.items()]
            if what.startswith(("statement ", "withdrawn statement"))
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-state", type=int, default=20)
    parser.add_argument("--unconfirmed", type=int, default=10)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    manifest = seed(arguments.per_state, arguments.unconfirmed)
    Path(arguments.out).write_text(json.dumps(manifest, indent=1))
    print(f"seeded {len(manifest['markers'])} markers; {manifest['hidden_statements']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
