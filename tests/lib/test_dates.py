"""Dates as each language writes them: French writes the first of a month "1er"."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from lib.dates import date_format
from tests.factories import StatementFactory


@pytest.mark.parametrize(
    ("language", "day", "name", "written"),
    [
        ("fr", date(2012, 11, 1), None, "1er novembre 2012"),
        ("fr", date(2012, 11, 2), None, "2 novembre 2012"),
        ("fr", date(2012, 11, 11), None, "11 novembre 2012"),
        ("fr", date(2012, 11, 21), "DATE_FORMAT", "21 novembre 2012"),
        ("fr", date(2012, 11, 1), "j M Y", "1er Nov 2012"),
        ("fr", date(2012, 11, 1), "YEAR_MONTH_FORMAT", "novembre 2012"),
        ("en", date(2012, 11, 1), None, "1 November 2012"),
        ("ru", date(2012, 11, 1), None, "1 ноября 2012"),
    ],
)
def test_the_first_of_a_month_is_written_as_the_language_writes_it(
    language: str, day: date, name: str | None, written: str
) -> None:
    with translation.override(language):
        assert date_format(day, name) == written


def test_the_date_filter_of_every_template_writes_it_so() -> None:
    template = engines["django"].from_string(
        '{{ day|date:"DATE_FORMAT" }} · {{ moment|date:"DATETIME_FORMAT" }} · {{ day|date }}'
    )
    context = {"day": date(2012, 12, 1), "moment": datetime(2012, 12, 1, 9, 30, tzinfo=UTC)}
    with translation.override("fr"):
        assert template.render(context) == (
            "1er décembre 2012 · 1er décembre 2012 09:30 · 1er décembre 2012"
        )
    with translation.override("en"):
        assert template.render(context).startswith("1 December 2012 · 1 December 2012, 09:30")


@pytest.mark.django_db
def test_a_statement_issued_on_the_first_reads_so_in_french(client: Client) -> None:
    statement = StatementFactory(
        published=True, issued_on=date(2012, 12, 1), title_fr="Le titre", body_fr="Le texte."
    )
    with translation.override("fr"):
        page = client.get(statement.get_absolute_url())
    assert page.status_code == 200
    assert "1er décembre 2012" in page.text
