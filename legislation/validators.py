"""Checks on identifiers the law tracker records in the form their issuers give them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The European Case Law Identifier (Council conclusions 2011/C 127/01, annex): "ECLI", the
# country code (two letters; "EU" for the Union's courts, "CE" for the Council of
# Europe's), the court's code (one to seven letters or digits, beginning with a letter),
# the year of the decision (four digits) and an ordinal number (up to 25 letters, digits
# or dots), separated by colons. Courts write their codes in either case ("BVerfG").
ECLI = re.compile(r"ECLI:[A-Z]{2}:[A-Za-z][A-Za-z0-9]{0,6}:[0-9]{4}:[A-Za-z0-9.]{1,25}")


def validate_ecli(value: str) -> None:
    if not ECLI.fullmatch(value):
        raise ValidationError(
            _(
                "“%(value)s” is not an ECLI. Write it as ECLI:country:court:year:number, "
                "e.g. ECLI:NL:HR:2015:472: a two-letter country code, a court code of up "
                "to seven letters or digits beginning with a letter, the four-digit year "
                "and a number of up to 25 letters, digits or dots."
            ),
            code="invalid_ecli",
            params={"value": value},
        )
