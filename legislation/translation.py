"""Which texts of this app are written per language, and which models keep a history.

See organisations/translation.py for why the history is registered here, after the
translations.
"""

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register as keep_history

from .models import Implementation, Law, LawEvent, LawSource, Penalty, Provision, Right


class LawTranslation(TranslationOptions):
    fields = ("official_title", "common_title", "summary")


class RightTranslation(TranslationOptions):
    fields = ("name", "description")


translator.register(Law, LawTranslation)
translator.register(Right, RightTranslation)

for model in (Law, LawEvent, LawSource, Implementation, Provision, Penalty):
    keep_history(model)
