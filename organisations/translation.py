"""Which texts of this app are written per language, and which models keep a history.

modeltranslation imports this module when the app registry is ready and adds a column per
language (name_en, name_ru, ...) to the models named here. The history is registered
after that, in the same module, on purpose: a historical model copies the fields its
model has at the moment it is made, and made any earlier (HistoricalRecords on the model
class) it would miss the per-language columns and keep no history of the translations.
"""

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register as keep_history

from .models import Organisation


class OrganisationTranslation(TranslationOptions):
    fields = ("name", "description")


translator.register(Organisation, OrganisationTranslation)

keep_history(Organisation)
