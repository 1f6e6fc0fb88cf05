"""Every language's text of a translated object, as the API gives it in `translations`.

modeltranslation keeps one column per language (title_en, title_ru, ...), all on the
object's own row, so reading every language costs no query. Reading `title` itself would
give the request's language with a fallback to English: here each language is read from
its own column, and a language with no text is left out rather than filled from another.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def text_in(instance: object, fields: Iterable[str], language: str) -> dict[str, str]:
    """The fields' text in one language, "" where that language has none."""
    return {field: getattr(instance, f"{field}_{language}", None) or "" for field in fields}


def written_translations(instance: object, fields: Sequence[str]) -> dict[str, dict[str, str]]:
    """The languages in which at least one of the fields has text, in settings order."""
    translations = {}
    for language in language_codes():
        texts = text_in(instance, fields, language)
        if any(text.strip() for text in texts.values()):
            translations[language] = texts
    return translations


WRITTEN_TRANSLATIONS = (
    "The translated texts in every language that has any of them, keyed by language "
    "code; a text not written in a language is an empty string there."
)


def translations_schema(
    texts: Mapping[str, str],
    example: Mapping[str, Mapping[str, str]],
    description: str = WRITTEN_TRANSLATIONS,
) -> dict[str, Any]:
    """The OpenAPI schema of a `translations` object: one optional property per language.

    `texts` names each field of a language's text with its description; every field of a
    language that is given is there (an empty string where it has no text).
    """
    text = {
        "type": "object",
        "properties": {
            field: {"type": "string", "description": text_description}
            for field, text_description in texts.items()
        },
        "required": list(texts),
    }
    return {
        "type": "object",
        "description": description,
        "properties": {
            code: {**text, "description": f"The text in `{code}` ({name})."}
            for code, name in settings.LANGUAGES
        },
        "additionalProperties": False,
        "example": example,
    }
