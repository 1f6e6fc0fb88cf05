"""A translated model's admin form, one fieldset per language.

django-modeltranslation puts a field's languages side by side (title_en, title_ru,
title_fr); staff write a statement in one language, then its translation, so the texts
of a language are kept together, the default language's open and the others folded
(Django's "collapse" class, a <details> element: no script needed).
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def fieldsets_per_language(fields: Sequence[str]) -> list[Any]:
    return [
        (
            name,
            {
                "fields": [build_localized_fieldname(field, code) for field in fields],
                "classes": [] if code == settings.LANGUAGE_CODE else ["collapse"],
            },
        )
        for code, name in settings.LANGUAGES
    ]
