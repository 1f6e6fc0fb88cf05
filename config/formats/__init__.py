"""Dates as each language of the site writes them, where Django's own formats differ.

Django reads these first (FORMAT_MODULE_PATH) and its own for every name not set here.
Templates and code name a format (`date:"DATE_FORMAT"`), never a pattern, so a date is
in its language's grammar: "19 December 2012", "19 декабря 2012", "19 décembre 2012".
"""
