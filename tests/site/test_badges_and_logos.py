"""Badges carry their text, and an organisation's logo is an image the server made small,
shown only while the organisation is public; without one, its initials."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from PIL import Image

from campaigns.models import Demand
from legislation.models import Law
from organisations.models import Organisation
from tests.factories import (
    DemandFactory,
    LawEventFactory,
    LawFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def render(text: str, **context: object) -> str:
    return Template("{% load badges %}" + text).render(Context(context))


def picture(width: int, height: int, format: str = "JPEG") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (width, height), "#336699").save(output, format=format)
    return SimpleUploadedFile(f"logo.{format.lower()}", output.getvalue())


def test_a_law_status_badge_says_the_status_in_words() -> None:
    law = LawFactory()
    LawEventFactory(law=law, kind="in_force")
    law.refresh_from_db()
    assert law.status == Law.Status.IN_FORCE
    assert render("{% law_status_badge law %}", law=law) == (
        '<span class="badge status status-in_force">In force</span>'
    )


def test_an_outcome_badge_says_the_outcome_in_words() -> None:
    demand = DemandFactory(outcome=Demand.Outcome.PARTIALLY_MET, outcome_on=date(2014, 4, 1))
    assert render("{% outcome_badge demand %}", demand=demand) == (
        '<span class="badge outcome outcome-partially_met">Partially met</span>'
    )


def test_without_a_logo_the_initials_stand_in_named_for_screen_readers_and_the_eye() -> None:
    organisation = OrganisationFactory(
        name="International Federation for Human Rights", short_name=""
    )
    html = render("{% organisation_logo organisation 32 %}", organisation=organisation)
    assert html == (
        '<span class="logo initials logo-32" role="img" '
        'aria-label="International Federation for Human Rights" '
        'title="International Federation for Human Rights">IFHR</span>'
    )
    acronym = OrganisationFactory(short_name="OMCT")
    assert ">OMCT</span>" in render(
        "{% organisation_logo organisation 48 decorative=True %}", organisation=acronym
    )


def test_a_logo_is_shown_at_a_size_the_stylesheet_knows() -> None:
    with pytest.raises(TemplateSyntaxError):
        render("{% organisation_logo organisation 50 %}", organisation=OrganisationFactory())


def logo_form_data(organisation: Organisation) -> dict[str, object]:
    return {
        "name_en": organisation.name,
        "short_name": organisation.short_name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "is_active": "on",
        **{
            f"{prefix}-{field}": value
            for prefix in ("identifiers", "parent_links", "press_contacts")
            for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }


def test_the_admin_stores_an_uploaded_logo_small_as_png(
    admin_client: Client, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    organisation = OrganisationFactory()
    response = admin_client.post(
        f"/admin/organisations/organisation/{organisation.pk}/change/",
        {**logo_form_data(organisation), "logo": picture(1200, 600)},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    with Image.open(organisation.logo.open("rb")) as stored:
        assert stored.format == "PNG"
        assert stored.size == (256, 128)


def test_the_admin_refuses_a_file_that_is_not_an_image(
    admin_client: Client, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    organisation = OrganisationFactory()
    response = admin_client.post(
        f"/admin/organisations/organisation/{organisation.pk}/change/",
        {
            **logo_form_data(organisation),
            "logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>"),
        },
    )
    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert not organisation.logo


def with_logo(organisation: Organisation) -> Organisation:
    organisation.logo.save("upload.png", picture(300, 300, "PNG"))
    return organisation


def test_a_public_organisations_logo_is_served_and_shown(
    client: Client, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    organisation = with_logo(OrganisationFactory())
    SignatureFactory(organisation=organisation, statement=StatementFactory(published=True))
    response = client.get(organisation.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    page = client.get(organisation.get_absolute_url())
    assert f'src="{organisation.logo_url}"' in page.text
    # An earlier version's address is gone once another logo is uploaded.
    assert client.get(organisation.logo_url.replace("/logo/", "/logo/0")).status_code == 404


def test_the_logo_of_an_organisation_that_signed_only_a_draft_is_not_served(
    client: Client, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    organisation = with_logo(OrganisationFactory())
    SignatureFactory(organisation=organisation, statement=StatementFactory())
    SignatureFactory(organisation=organisation, statement=StatementFactory(scheduled=True))
    SignatureFactory(organisation=organisation, statement=StatementFactory(withdrawn=True))
    assert client.get(organisation.logo_url).status_code == 404
