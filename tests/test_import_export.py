"""Bulk import and export in the admin: organisations, laws with provisions and penalties,
and a statement's signatories, in CSV and spreadsheet files."""

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Change, Signature
from legislation.models import Law, Penalty, Provision
from organisations.models import Organisation
from tests.factories import (
    LawFactory,
    OrganisationFactory,
    OrganisationParentFactory,
    PenaltyFactory,
    ProvisionFactory,
    SignatureFactory,
    StatementFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # the formats, in the order the admin offers them


def page(model: type[Model], view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def upload(
    client: Client, model: type[Model], content: bytes, name: str, file_format: str = CSV
) -> "TestResponse":
    """Choose a file on the import page: the admin answers with a dry run."""
    return client.post(
        page(model, "import"),
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client: Client, model: type[Model], dry_run: "TestResponse") -> "TestResponse":
    """Press "Confirm import" under a dry run."""
    hidden = dict(
        re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', dry_run.text)
    )
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(page(model, "process_import"), hidden, follow=True)


def export(client: Client, model: type[Model], file_format: str = CSV, **filters: str) -> bytes:
    url = page(model, "export")
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    form = client.get(url).text
    chosen = dict.fromkeys(re.findall(r'name="(\w+resource_\w+)"', form), "on")
    response = client.post(url, {"format": file_format, "resource": "0", **chosen})
    assert response.status_code == 200, response.text[:500]
    return response.content


def bad_rows(response: "TestResponse") -> list[str]:
    """The numbers of the rows the import report lists as wrong."""
    return re.findall(r'<td>(\d+) </td>\s*<td class="errors">', response.text)


def rows(model: type[Model], exclude: tuple[str, ...] = ("id",)) -> list[dict[str, Any]]:
    """The model's rows as comparable data, in a fixed order; an empty text is empty,
    whether stored as NULL (a language never written) or as ""."""
    found = [
        {
            key: "" if value is None else value
            for key, value in model_to_dict(obj).items()
            if key not in exclude
        }
        for obj in model._default_manager.all()
    ]
    return sorted(found, key=str)


# --- organisations ------------------------------------------------------------------------

GOOD_AND_BAD = (
    "slug,name_en,kind,country,website\n"
    "front-line-defenders,Front Line Defenders,ngo,IE,https://www.frontlinedefenders.org\n"
    "civicus,CIVICUS,a charity,ZA,https://www.civicus.org\n"
    "article-19,ARTICLE 19,ngo,GB,https://www.article19.org\n"
)


def test_an_import_with_a_bad_row_changes_nothing_and_names_the_row(
    admin_client: Client,
) -> None:
    response = upload(admin_client, Organisation, GOOD_AND_BAD.encode(), "organisations.csv")

    assert response.status_code == 200
    assert "Some rows failed to validate" in response.text
    assert bad_rows(response) == ["2"]
    assert "Value &#x27;a charity&#x27; is not a valid choice." in response.text
    assert "Confirm import" not in response.text
    assert not Organisation.objects.exists()


def test_a_dry_run_shows_what_would_change_and_the_confirmed_import_does_it(
    admin_client: Client,
) -> None:
    OrganisationFactory(slug="article-19", name="Article 19", kind="ngo", country="GB")
    good = GOOD_AND_BAD.replace("a charity", "network").encode()

    dry_run = upload(admin_client, Organisation, good, "organisations.csv")

    assert "Confirm import" in dry_run.text
    import_types = re.findall(r'<td class="import-type">\s*(\w+)\s*</td>', dry_run.text)
    assert sorted(import_types) == ["New", "New", "Update"]
    assert Organisation.objects.count() == 1
    done = confirm(admin_client, Organisation, dry_run)
    assert done.status_code == 200
    assert set(Organisation.objects.values_list("slug", flat=True)) == {
        "front-line-defenders",
        "civicus",
        "article-19",
    }
    assert Organisation.objects.get(slug="article-19").name == "ARTICLE 19"
    # The import is in the history, like any other change.
    civicus = Organisation.objects.get(slug="civicus")
    assert civicus.history.count() == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_exported_organisations_import_back_to_the_same_data(
    admin_client: Client, file_format: str
) -> None:
    OrganisationFactory(name="Front Line Defenders", description="Protects defenders.")
    OrganisationFactory(name="CIVICUS", name_ru="СИВИКУС", country="ZA", is_active=False)
    before = rows(Organisation)

    exported = export(admin_client, Organisation, file_format)
    Organisation.objects.all().delete()
    name = "organisations.csv" if file_format == CSV else "organisations.xlsx"
    confirm(
        admin_client, Organisation, upload(admin_client, Organisation, exported, name, file_format)
    )

    assert rows(Organisation) == before


def feed(settings: Any) -> list[tuple[str, int, str]]:
    """The public change feed, as a mirror reads it: resource, id and kind of each entry."""
    settings.API_CHANGES_SETTLE_SECONDS = 0
    response = APIClient().get("/api/v1/changes/")
    assert response.status_code == 200, response.content
    return [(entry["resource"], entry["id"], entry["kind"]) for entry in response.json()["results"]]


def test_imported_organisations_are_in_the_change_feed_while_public(
    admin_client: Client, settings: Any
) -> None:
    article_19 = OrganisationFactory(slug="article-19", name="Article 19", kind="ngo")
    SignatureFactory(statement=StatementFactory(published=True), organisation=article_19)
    Change.objects.all().delete()  # what the factories' saves recorded
    good = GOOD_AND_BAD.replace("a charity", "network").encode()

    dry_run = upload(admin_client, Organisation, good, "organisations.csv")
    assert not Change.objects.exists()  # a dry run is rolled back with its entries
    confirm(admin_client, Organisation, dry_run)

    # An entry for each organisation saved: updated or new, as the admin records them.
    recorded = Change.objects.filter(resource="organisation", kind="updated")
    imported = Organisation.objects.filter(
        slug__in=["front-line-defenders", "civicus", "article-19"]
    )
    assert sorted(change.object_id for change in recorded) == sorted(
        organisation.pk for organisation in imported
    )
    # Read only while public: the two new ones have signed nothing yet.
    assert feed(settings) == [("organisation", article_19.pk, "updated")]
    # Imported again unchanged: skipped, not saved, so nothing new to tell.
    confirm(admin_client, Organisation, upload(admin_client, Organisation, good, "again.csv"))
    assert recorded.count() == 3


def test_imported_laws_are_in_the_change_feed(admin_client: Client, settings: Any) -> None:
    known = LawFactory(country="RU", slug="treason", common_title="Treason law")
    Change.objects.all().delete()  # what the factory's save recorded
    content = export(admin_client, Law).decode("utf-8-sig")
    content = content.replace("Treason law", "The treason law")
    header = content.splitlines()[0]
    new_row = ",".join(
        {"country": "BY", "slug": "extremism", "official_title_en": "On extremism"}.get(column, "")
        for column in header.split(",")
    )

    confirm(
        admin_client,
        Law,
        upload(admin_client, Law, f"{content.rstrip()}\n{new_row}\n".encode(), "laws.csv"),
    )

    added = Law.objects.get(slug="extremism")
    assert Law.objects.get(pk=known.pk).common_title == "The treason law"
    assert sorted(feed(settings)) == sorted(
        [("law", known.pk, "updated"), ("law", added.pk, "updated")]
    )


def test_laws_and_organisations_changed_from_the_shell_are_in_the_change_feed(
    settings: Any,
) -> None:
    law = LawFactory()
    # Public as one of those running a joint programme that signed: deletable (a
    # signatory itself is protected by its signature).
    signed = OrganisationFactory()
    programme = OrganisationParentFactory(parent=signed).programme
    SignatureFactory(statement=StatementFactory(published=True), organisation=programme)
    unseen = OrganisationFactory()
    Change.objects.all().delete()

    law.common_title = "Renamed in a shell"
    law.save()
    signed.name = "Renamed by a command"
    signed.save()
    unseen.save()
    assert feed(settings) == [
        ("law", law.pk, "updated"),
        ("organisation", signed.pk, "updated"),
    ]

    law_id, signed_id, unseen_id = law.pk, signed.pk, unseen.pk
    law.delete()
    signed.delete()
    unseen.delete()  # never public: its deletion is nobody's news
    # The organisation's update is read no more: it is public no more.
    assert feed(settings) == [
        ("law", law_id, "updated"),
        ("law", law_id, "deleted"),
        ("organisation", signed_id, "deleted"),
    ]
    assert not Change.objects.filter(object_id=unseen_id, kind="deleted").exists()


# --- the CSV files' character set ------------------------------------------------------------

EXPORTED = [Organisation, Law, Provision, Penalty, Signature]


@pytest.mark.parametrize("model", EXPORTED, ids=lambda model: model.__name__)
def test_a_csv_export_says_it_is_utf8(admin_client: Client, model: type[Model]) -> None:
    url = page(model, "export")
    form = admin_client.get(url).text
    chosen = dict.fromkeys(re.findall(r'name="(\w+resource_\w+)"', form), "on")

    response = admin_client.post(url, {"format": CSV, "resource": "0", **chosen})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # A byte order mark first, for spreadsheet programs that would otherwise guess.
    assert response.content.startswith(b"\xef\xbb\xbf")
    response.content.decode("utf-8")


def test_non_ascii_names_go_through_a_csv_export_and_import_unchanged(
    admin_client: Client,
) -> None:
    memorial = OrganisationFactory(
        slug="memorial",
        name="Memorial Human Rights Defence Centre",
        name_ru="Правозащитный центр «Мемориал»",
        name_fr="Centre de défense des droits humains « Mémorial »",
        short_name="ПЦ «Мемориал»",
        description="Документирует нарушения — основан в 1991 году.",
        description_fr="Fondé à Moscou ; dissous en 2021.",
        other_names="Мемориал\nMémorial",
        display_as="Правозащитный центр «Мемориал» (Россия)",
        country="RU",
    )
    OrganisationFactory(
        slug="fidh", name="Fédération internationale pour les droits humains", country="FR"
    )
    statement = StatementFactory(slug="repeal-the-laws")
    SignatureFactory(
        statement=statement,
        organisation=memorial,
        signatory_name="Олег Орлов",
        signatory_title="сопредседатель",
        signed_at=timezone.now().replace(microsecond=0),
    )
    organisations = rows(Organisation)
    signatures = rows(Signature, exclude=("id", "signed_version"))

    exported = export(admin_client, Organisation)
    exported_signatures = export(admin_client, Signature)
    assert "Правозащитный центр «Мемориал»".encode() in exported
    assert "Олег Орлов".encode() in exported_signatures
    Signature.objects.all().delete()
    Organisation.objects.filter(slug__in=["memorial", "fidh"]).delete()
    confirm(admin_client, Organisation, upload(admin_client, Organisation, exported, "o.csv"))
    confirm(admin_client, Signature, upload(admin_client, Signature, exported_signatures, "s.csv"))

    assert rows(Organisation) == organisations
    assert rows(Signature, exclude=("id", "signed_version", "organisation")) == [
        {key: value for key, value in row.items() if key != "organisation"} for row in signatures
    ]
    assert Signature.objects.get().organisation.slug == "memorial"


# --- laws, provisions, penalties ----------------------------------------------------------


def test_laws_provisions_and_penalties_export_and_import_back(admin_client: Client) -> None:
    law = LawFactory(
        country="RU",
        slug="treason",
        common_title="Treason law",
        summary="Broad.",
        identifier="190-FZ",
        bill_number="53700-6",
    )
    provision = ProvisionFactory(law=law, reference="Article 275")
    PenaltyFactory(
        provision=provision,
        kind="imprisonment",
        offence="High treason",
        as_reported="from 12 to 20 years",
        amount_max=None,
        unit="",
        prison_min_months=144,
        prison_max_months=240,
    )
    PenaltyFactory(provision=provision, amount_max=Decimal("20000.00"))
    laws, provisions, penalties = rows(Law), rows(Provision), rows(Penalty)
    files = {model: export(admin_client, model) for model in (Law, Provision, Penalty)}

    Law.objects.all().delete()
    for model in (Law, Provision, Penalty):
        dry_run = upload(admin_client, model, files[model], "rows.csv")
        assert "Confirm import" in dry_run.text, dry_run.text[:2000]
        confirm(admin_client, model, dry_run)

    assert rows(Law) == laws
    assert Law.objects.get().bill_number == "53700-6"
    assert Penalty.objects.get(kind="imprisonment").offence == "High treason"
    assert rows(Provision, exclude=("id", "law")) == [
        {key: value for key, value in row.items() if key != "law"} for row in provisions
    ]
    assert rows(Penalty, exclude=("id", "provision")) == [
        {key: value for key, value in row.items() if key != "provision"} for row in penalties
    ]
    assert Provision.objects.get().law == Law.objects.get()


def test_a_provision_of_an_unknown_law_is_named_in_the_report(admin_client: Client) -> None:
    LawFactory(country="RU", slug="treason")
    content = "law,reference,summary,order\nRU/treason,Article 1,,0\nRU/no-such-law,Article 2,,0\n"

    response = upload(admin_client, Provision, content.encode(), "provisions.csv")

    assert bad_rows(response) == ["2"]
    assert "No law &#x27;RU/no-such-law&#x27;" in response.text
    assert not Provision.objects.exists()


# --- a statement's signatories ------------------------------------------------------------


def test_a_statements_signatories_export_and_import_back(admin_client: Client) -> None:
    statement = StatementFactory(slug="repeal-the-laws", issued_on=date(2016, 3, 8))
    # Files carry times to the second.
    signed_at = timezone.now().replace(microsecond=0)
    SignatureFactory(statement=statement, signatory_name="Jane Doe", signed_at=signed_at)
    SignatureFactory(statement=statement, status=Signature.Status.PENDING, signed_at=None)
    other = SignatureFactory()  # another statement's, left out of the export
    before = rows(Signature, exclude=("id", "signed_version"))

    exported = export(admin_client, Signature, statement__id__exact=str(statement.pk))
    dataset = tablib.Dataset().load(exported.decode(), format="csv")
    assert len(dataset) == 2
    # The date the statement was issued is there to read; importing leaves it alone.
    assert dataset["statement_issued_on"] == ["2016-03-08", "2016-03-08"]
    statement.signatures.all().delete()
    confirm(admin_client, Signature, upload(admin_client, Signature, exported, "signatures.csv"))

    assert rows(Signature, exclude=("id", "signed_version")) == before
    assert Signature.objects.count() == 3
    assert Signature.objects.filter(pk=other.pk).exists()
