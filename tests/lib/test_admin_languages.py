"""A translated record's admin page keeps each language's texts together: the default
language's open, each other language folded in a <details> of its own."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CampaignFactory, LawFactory, OrganisationFactory, StatementFactory

pytestmark = pytest.mark.django_db

TEXTS = {
    "statement": ["title", "standfirst", "body"],
    "law": ["common_title", "official_title", "summary"],
    "organisation": ["name", "description"],
    "campaign": ["title", "summary"],
}


def language_sections(html: str) -> dict[str, str]:
    """Each <details> of the form by its summary's text, with what it holds."""
    return {
        re.sub(r"<[^>]+>", "", summary).strip(): body
        for summary, body in re.findall(
            r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", html, flags=re.S
        )
    }


@pytest.mark.parametrize("name", TEXTS)
def test_each_language_has_its_own_fieldset(admin_client: Client, name: str) -> None:
    record: Any = {
        "statement": StatementFactory,
        "law": LawFactory,
        "organisation": OrganisationFactory,
        "campaign": CampaignFactory,
    }[name]()
    opts = record._meta
    for url in [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
    ]:
        html = admin_client.get(url).content.decode()
        sections = language_sections(html)
        for language, other in [("Русский", "fr"), ("Français", "ru")]:
            assert language in sections, f"{url}: no folded {language}"
            for field in TEXTS[name]:
                code = "ru" if language == "Русский" else "fr"
                assert f'name="{field}_{code}"' in sections[language]
                assert f'name="{field}_{other}"' not in sections[language]
                assert f'name="{field}_en"' not in sections[language]
        # English is open: its fieldset is not folded, and comes first.
        assert "English" not in sections
        english = html.index(">English</h2>")
        assert english < html.index(f'name="{TEXTS[name][0]}_en"') < html.index(">Русский</h2>")
