"""Which texts of this app are written per language, and which models keep a history.

See organisations/translation.py for why the history is registered here, after the
translations.
"""

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register as keep_history

from .models import Campaign, Demand, DemandOutcome, Signature, Statement

# The texts that make a statement public in a language: see StatementQuerySet.available_in.
STATEMENT_TEXT_FIELDS = ("title", "standfirst", "body")


class StatementTranslation(TranslationOptions):
    fields = STATEMENT_TEXT_FIELDS


class CampaignTranslation(TranslationOptions):
    fields = ("title", "summary")


translator.register(Statement, StatementTranslation)
translator.register(Campaign, CampaignTranslation)

# A statement's search text is derived from its rows, which keep their own history.
keep_history(Statement, excluded_fields=["search_text"])
for model in (Signature, Demand, DemandOutcome, Campaign):
    keep_history(model)
